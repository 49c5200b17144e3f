// Go types and methods from the bridge's OpenRPC document (through model.mjs), for bindings/go.
//
// JSON Schema → Go is a small mapper here rather than quicktype-core: quicktype names and merges types
// by its own heuristics (two identical inline objects in different methods become one oddly named type,
// renamed when an unrelated method changes), emits its own Unmarshal helpers per top-level type, and maps
// optional fields to pointers for strings too. The bridge's schemas use a small subset (objects, arrays,
// string enums, integers, `$ref`, `anyOf` with null or boolean), and the binding needs exact control:
// `omitempty` on optional fields, pointers where zero is a meaningful value (amounts, flags), named string
// types for enums, params structs without `terminalId` (the Terminal fills it in), and names stable per
// method. The method template is the thin part the issue asks for.
//
// Run: `npm run codegen` (writes bindings/go/*_gen.go, then gofmt). The staleness test is
// bindings/codegen/codegen.test.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildModel, inputsDigest, OPENRPC_PATH } from './model.mjs';

export const GO_DIR = fileURLToPath(new URL('../go/', import.meta.url));
const SOURCES = [fileURLToPath(import.meta.url), fileURLToPath(new URL('./model.mjs', import.meta.url))];

const INITIALISMS = new Map([
  ['Id', 'ID'],
  ['Url', 'URL'],
  ['Utc', 'UTC'],
  ['Emv', 'EMV'],
  ['Json', 'JSON'],
  ['Rpc', 'RPC'],
]);

/** `flowId` → `FlowID`, `code_extended` → `CodeExtended`, `terminal.open` → `TerminalOpen`. */
export function pascal(name) {
  return String(name)
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) => part.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .filter((word) => word.length > 0)
    .map((word) => {
      const cap = word[0].toUpperCase() + word.slice(1);
      return INITIALISMS.get(cap) ?? cap;
    })
    .join('');
}

const comment = (text, indent = '') =>
  String(text)
    .split('\n')
    .map((line) => `${indent}// ${line}`.trimEnd())
    .join('\n');

const REF = '#/components/schemas/';

/** Collects named Go types while mapping schemas; identical inline shapes share the first name. */
class TypeSet {
  constructor(model) {
    this.model = model;
    this.decls = new Map(); // name → Go source
    this.byShape = new Map(); // JSON of an inline schema → name
  }

  declare(name, shape, render, { shared = true } = {}) {
    const key = JSON.stringify(shape);
    if (shared && this.byShape.has(key)) return this.byShape.get(key);
    if (this.decls.has(name)) throw new Error(`two different Go types would be named ${name}`);
    if (shared && !this.byShape.has(key)) this.byShape.set(key, name);
    this.decls.set(name, ''); // reserve before recursing
    this.decls.set(name, render());
    return name;
  }

  /** The Go type of a schema; `hint` names a type this schema needs. */
  type(schema, hint) {
    if (schema === undefined || schema === null || typeof schema !== 'object') return 'json.RawMessage';
    if (typeof schema.$ref === 'string') return this.ref(schema.$ref);
    if (Array.isArray(schema.anyOf)) return this.anyOf(schema.anyOf, hint);
    if (Array.isArray(schema.type)) {
      const kinds = schema.type.filter((t) => t !== 'null');
      if (kinds.length === 1) return `*${this.type({ ...schema, type: kinds[0] }, hint)}`;
      return 'json.RawMessage';
    }
    switch (schema.type) {
      case 'string':
        return Array.isArray(schema.enum) ? this.enumType(schema, hint) : 'string';
      case 'integer':
        return 'int64';
      case 'number':
        return 'float64';
      case 'boolean':
        return 'bool';
      case 'array':
        return `[]${this.type(schema.items, hint.replace(/s$/, ''))}`;
      case 'object':
        return schema.properties === undefined ? 'json.RawMessage' : this.struct(schema, hint);
      default:
        return 'json.RawMessage';
    }
  }

  ref(ref) {
    if (!ref.startsWith(REF)) throw new Error(`unsupported $ref ${ref}`);
    const name = ref.slice(REF.length);
    const schema = this.model.schemas[name];
    if (schema === undefined) throw new Error(`dangling $ref ${ref}`);
    if (!this.decls.has(name)) {
      const mapped = this.type(schema, name);
      // A shared scalar (not an enum or struct) still gets its name.
      if (mapped !== name) this.decls.set(name, `type ${name} = ${mapped}`);
    }
    return name;
  }

  anyOf(options, hint) {
    const nonNull = options.filter((o) => o?.type !== 'null');
    if (nonNull.length === 1 && nonNull.length < options.length) {
      const inner = this.type(nonNull[0], hint);
      return inner.startsWith('*') || inner.startsWith('[]') || inner === 'json.RawMessage'
        ? inner
        : `*${inner}`;
    }
    // `true` or an options object (terminal.open's simulator): a pointer to the options; `{}` means `true`.
    const object = options.find((o) => o?.type === 'object' && o.properties !== undefined);
    if (options.length === 2 && object !== undefined && options.some((o) => o?.type === 'boolean')) {
      return `*${this.struct(object, hint)}`;
    }
    return 'json.RawMessage';
  }

  enumType(schema, hint) {
    return this.declare(hint, schema, () => {
      const lines = [];
      lines.push(
        comment(
          `${hint} is ${schema.description ? `one of: ${schema.description}` : "a string enum of the bridge's OpenRPC document."}`,
        ),
      );
      lines.push(`type ${hint} string`, '', `// The values of ${hint}.`, 'const (');
      for (const value of schema.enum)
        lines.push(`\t${hint}${pascal(value)} ${hint} = ${JSON.stringify(value)}`);
      lines.push(')');
      return lines.join('\n');
    });
  }

  struct(schema, hint, { omit = [], doc, shared = true } = {}) {
    return this.declare(
      hint,
      { ...schema, omit },
      () => {
        const required = new Set(schema.required ?? []);
        const fields = [];
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          if (omit.includes(key)) continue;
          const fieldName = pascal(key);
          let type = this.type(property, hint + fieldName);
          const optional = !required.has(key);
          const pointable = !type.startsWith('*') && !type.startsWith('[]') && type !== 'json.RawMessage';
          const stringy = type === 'string' || this.isEnum(type);
          if (optional && pointable && !stringy) type = `*${type}`;
          const tag = `\`json:"${key}${optional ? ',omitempty' : ''}"\``;
          const description = property?.description;
          if (description) fields.push(comment(description, '\t'));
          fields.push(`\t${fieldName} ${type} ${tag}`);
        }
        const head =
          doc ?? schema.description ?? `${hint} is a JSON object of the bridge's OpenRPC document.`;
        return `${comment(head.startsWith(hint) ? head : `${hint}: ${head}`)}\ntype ${hint} struct {\n${fields.join('\n')}\n}`;
      },
      { shared },
    );
  }

  isEnum(type) {
    return /\nconst \(/.test(this.decls.get(type) ?? '') && /^type \w+ string$/m.test(this.decls.get(type));
  }
}

/** Go method name of a bridge method: the `terminal.`/`rpc.` prefix is implied by the receiver. */
export function goMethodName(name) {
  return pascal(name.replace(/^(terminal|rpc)\./, ''));
}

// Methods the runtime implements by hand: Open and Close own the terminal's lifetime.
const RUNTIME_METHODS = new Set(['terminal.open', 'terminal.close']);

// One Go error type per JSON-RPC code, named here once: the names are API, so they must not follow the order
// or the set of data.codes a document lists (which the operation table is free to change). A code the
// document adds must be named here; generation fails until it is.
const ERROR_TYPES = new Map([
  [-32700, 'ParseError'],
  [-32600, 'InvalidRequestError'],
  [-32601, 'MethodNotFoundError'],
  [-32602, 'InvalidParamsError'],
  [-32603, 'InternalError'],
  [-32800, 'AbortedError'],
  [-32001, 'BusyError'],
  [-32002, 'OutcomeUnknownError'],
  [-32003, 'RefusedError'],
  [-32004, 'ConnectFailedError'],
  [-32005, 'RecoveryPendingError'],
  [-32006, 'UnknownTerminalError'],
  [-32007, 'JournalFailedError'],
  [-32008, 'ClosedError'],
  [-32009, 'TerminalProtocolError'],
]);

export function errorTypeName(error) {
  const name = ERROR_TYPES.get(error.code);
  if (name === undefined) {
    throw new Error(
      `x-errors code ${error.code} (${error.message}) has no Go type name in bindings/codegen/go.mjs`,
    );
  }
  return name;
}

function header(digest) {
  return [
    '// Code generated by bindings/codegen/go.mjs from packages/bridge/openrpc.json; DO NOT EDIT.',
    `// inputs: ${digest}`,
    '',
    'package bluechip',
    '',
  ].join('\n');
}

/** The generated files (unformatted Go; `gofmt` runs after). Pure. */
export function generateGo(model, digest) {
  const types = new TypeSet(model);
  for (const name of Object.keys(model.schemas)) types.ref(`${REF}${name}`);
  types.struct(model.errorData, 'ErrorData', { doc: 'ErrorData is the `data` of every bridge error.' });

  const methods = [];
  for (const method of model.methods) {
    const base = pascal(method.name);
    const omit = method.takesTerminal ? ['terminalId'] : [];
    const hasParams = Object.keys(method.params.properties).some((k) => !omit.includes(k));
    const paramsType = hasParams
      ? types.struct(method.params, `${base}Params`, {
          omit,
          shared: false,
          doc: `${base}Params are the params of \`${method.name}\`${omit.length ? ' (the Terminal adds terminalId)' : ''}.`,
        })
      : undefined;
    const resultType = types.type(method.result, `${base}Result`);
    methods.push({ method, paramsType, resultType });
  }
  const notifications = model.notifications.map((n) => ({
    name: n.name,
    summary: n.summary,
    type: types.type(n.params, pascal(n.name)),
  }));

  const typesFile = [
    header(digest),
    'import "encoding/json"',
    '',
    'var _ json.RawMessage // every schema without properties maps to json.RawMessage',
    '',
    ...[...types.decls.values()].flatMap((d) => [d, '']),
    '// Notification methods the bridge sends, and the Go type of their params.',
    'const (',
    ...notifications.map(
      (n) => `\t${comment(n.summary)}\n\tNotification${pascal(n.name)} = ${JSON.stringify(n.name)}`,
    ),
    ')',
    '',
  ].join('\n');

  const methodLines = [
    header(digest),
    'import (\n\t"context"\n\t"encoding/json"\n)',
    '',
    'var _ json.RawMessage',
    '',
  ];
  const names = [];
  for (const { method, paramsType, resultType } of methods) {
    if (RUNTIME_METHODS.has(method.name)) continue;
    const goName = goMethodName(method.name);
    names.push(method.name);
    const args = paramsType ? `, params ${paramsType}` : '';
    const sent = paramsType ? 'params' : 'struct{}{}';
    const terminal = method.takesTerminal ? 'true' : 'false';
    methodLines.push(
      comment(`${goName} calls \`${method.name}\`: ${method.summary || 'see the OpenRPC document.'}`),
      `func (t *Terminal) ${goName}(ctx context.Context${args}, options ...CallOption) (${resultType}, error) {`,
      `\tvar result ${resultType}`,
      `\terr := t.call(ctx, ${JSON.stringify(method.name)}, ${sent}, callShape{withTerminal: ${terminal}}, &result, options)`,
      '\treturn result, err',
      '}',
      '',
    );
  }
  methodLines.push(
    '// Methods lists every bridge method a Terminal has a typed method for.',
    `var Methods = []string{${names.map((n) => JSON.stringify(n)).join(', ')}}`,
    '',
  );

  const errorLines = [header(digest)];
  const cases = [];
  const actions = [];
  for (const error of model.errors) {
    const name = errorTypeName(error);
    errorLines.push(
      comment(
        `${name} is bridge error ${error.code}: ${error.message}.\ndata.code: ${error.dataCodes.join(', ')}.`,
      ),
      `type ${name} struct{ *RPCError }`,
      '',
      `// Unwrap gives the *RPCError (its Code, Message and Data).`,
      `func (e *${name}) Unwrap() error { return e.RPCError }`,
      '',
      `// Code${name.replace(/Error$/, '')} is the JSON-RPC code of ${name}.`,
      `const Code${name.replace(/Error$/, '')} = ${error.code}`,
      '',
    );
    cases.push(`\tcase ${error.code}:\n\t\treturn &${name}{e}`);
    for (const [code, action] of Object.entries(error.actions)) actions.push([code, action]);
  }
  errorLines.push(
    '// typedError wraps an *RPCError in the type of its code, for errors.As.',
    'func typedError(e *RPCError) error {',
    '\tswitch e.Code {',
    ...cases,
    '\tdefault:',
    '\t\treturn e',
    '\t}',
    '}',
    '',
    '// ErrorActions says, per data.code, what the caller should do (x-errors of the OpenRPC document).',
    'var ErrorActions = map[string]string{',
    ...[...new Map(actions)].map(([code, action]) => `\t${JSON.stringify(code)}: ${JSON.stringify(action)},`),
    '}',
    '',
  );

  return {
    'types_gen.go': typesFile,
    'methods_gen.go': methodLines.join('\n'),
    'errors_gen.go': errorLines.join('\n'),
  };
}

/** Reads the document, generates, and returns the files formatted by gofmt. */
export function renderGo({ documentPath = OPENRPC_PATH, gofmt = 'gofmt' } = {}) {
  const text = readFileSync(documentPath, 'utf8');
  const digest = currentDigest(text);
  const files = generateGo(buildModel(JSON.parse(text)), digest);
  const formatted = {};
  for (const [name, source] of Object.entries(files)) {
    formatted[name] = execFileSync(gofmt, [], { input: source, encoding: 'utf8' });
  }
  return formatted;
}

export function currentDigest(documentText = readFileSync(OPENRPC_PATH, 'utf8')) {
  return inputsDigest(
    documentText,
    SOURCES.map((path) => readFileSync(path, 'utf8')),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, source] of Object.entries(renderGo())) {
    writeFileSync(new URL(name, new URL('../go/', import.meta.url)), source);
    console.log(`wrote bindings/go/${name}`);
  }
}
