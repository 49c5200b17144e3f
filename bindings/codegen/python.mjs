// Generates bindings/python/bluechip_bridge/types.py from the bridge's OpenRPC document
// (packages/bridge/openrpc.json): one frozen dataclass with snake_case fields per result and notification
// object, nested objects included (`outcome.result.card.account_no`), each with a `from_json` that reads the
// bridge's camelCase JSON. Run: `node bindings/codegen/python.mjs` (writes) or `--check` (exit 1 when the
// checked-in file differs: the staleness test runs this).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OPENRPC = fileURLToPath(new URL('../../packages/bridge/openrpc.json', import.meta.url));
const OUTPUT = fileURLToPath(new URL('../python/bluechip_bridge/types.py', import.meta.url));

/** Names for the objects that would otherwise get a long derived name (`Parent` + `Property`). */
const NAMES = {
  'method:outcome.get': 'OutcomeRecord',
  'method:terminal.open': 'OpenedTerminal',
  'method:terminal.close': 'ClosedTerminal',
  'method:terminal.status': 'TerminalStatus',
  'method:resolveFlow': 'ResolvedFlow',
  'method:journal.openFlows': 'OpenFlows',
  'method:simulator.customer': 'CustomerAnswer',
  'method:simulator.screen': 'ScreenState',
  'notification:flow.progress': 'Progress',
  'notification:outcome.unclaimed': 'UnclaimedOutcome',
  'notification:terminal.state': 'StateChange',
  'ReconcileReport.flows': 'ReconciledFlow',
  'ReconcileReport.recall': 'RecallSummary',
  'TransactionResult.card': 'Card',
  'Card.entryMode': 'CodedText',
  'Outcome.partial': 'PartialApproval',
  'OutcomeRecord.error': 'RecordedError',
  'CustomerAnswer.screen': 'Screen',
};

/** Hand-written members added to a generated class (derived properties only: data stays generated). */
const EXTRA = {
  Outcome: [
    '    @property',
    '    def approved(self) -> bool:',
    '        """True for a full approval (``kind == "approved"``)."""',
    '        return self.kind == "approved"',
  ],
};

const KEYWORDS = new Set([
  'from',
  'class',
  'def',
  'global',
  'import',
  'in',
  'is',
  'lambda',
  'pass',
  'return',
]);

const snake = (name) => {
  const s = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return KEYWORDS.has(s) ? `${s}_` : s;
};
const pascal = (name) =>
  name
    .split(/[._-]/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

/**
 * The model: classes in dependency order (a class after every class it uses), each a list of fields with
 * a Python type and a decoder expression. Structurally equal inline objects become one class.
 */
export function generate(doc) {
  const classes = new Map(); // name -> { name, doc, fields }
  const byShape = new Map(); // JSON of schema -> name
  const components = doc.components?.schemas ?? {};

  const resolve = (schema) => {
    if (schema.$ref === undefined) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return components[name];
  };

  /** Python type and decoder (given a Python expression of the JSON value) of a schema. */
  function typeOf(schema, path) {
    if (schema.$ref !== undefined) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = components[name];
      if (isObjectWithProperties(target)) {
        classFor(target, name, name);
        return { py: name, decode: (v) => `${name}.from_json(${v})` };
      }
      return typeOf(target, path);
    }
    if (schema.anyOf !== undefined) {
      const options = schema.anyOf.filter((s) => s.type !== 'null');
      if (options.length === 1) {
        const inner = typeOf(options[0], path);
        return { ...inner, nullable: true };
      }
      const types = options.map((s) => typeOf(s, path).py);
      return { py: `Union[${types.join(', ')}]`, decode: (v) => v };
    }
    if (Array.isArray(schema.type)) {
      const options = schema.type.filter((t) => t !== 'null');
      return {
        ...typeOf({ ...schema, type: options[0] }, path),
        nullable: options.length < schema.type.length,
      };
    }
    if (schema.enum !== undefined) {
      return { py: `Literal[${schema.enum.map((e) => JSON.stringify(e)).join(', ')}]`, decode: (v) => v };
    }
    switch (schema.type) {
      case 'string':
        return { py: 'str', decode: (v) => v };
      case 'boolean':
        return { py: 'bool', decode: (v) => v };
      // The bridge's numbers are cents, milliseconds and counts: integers on the wire.
      case 'integer':
      case 'number':
        return { py: 'int', decode: (v) => v };
      case 'array': {
        const item = typeOf(schema.items ?? {}, path);
        return { py: `List[${item.py}]`, decode: (v) => `[${item.decode('item')} for item in ${v}]` };
      }
      case 'object':
        if (isObjectWithProperties(schema)) {
          const name = classFor(schema, NAMES[path] ?? pascal(path), path);
          return { py: name, decode: (v) => `${name}.from_json(${v})` };
        }
        return { py: 'Dict[str, Any]', decode: (v) => v };
      default:
        return { py: 'Any', decode: (v) => v };
    }
  }

  function classFor(schema, wanted, path) {
    const shape = JSON.stringify(schema);
    const known = byShape.get(shape);
    if (known !== undefined) return known;
    const name = wanted.replace(/\[\]$/, '');
    byShape.set(shape, name);
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties).map(([key, property]) => {
      // Nested objects are named after the class that holds them (`Card`, not `TransactionResultCard`).
      const type = typeOf(property, `${name}.${key}`);
      return {
        key,
        name: snake(key),
        required: required.has(key) && !type.nullable,
        type,
        description: property.description ?? resolve(property)?.description,
      };
    });
    classes.set(name, { name, doc: schema.description, fields, path });
    return name;
  }

  // Components first (stable names), then method results, then notification params.
  for (const [name, schema] of Object.entries(components))
    if (isObjectWithProperties(schema)) classFor(schema, name, name);
  for (const method of doc.methods) {
    const result = method.result?.schema;
    if (result === undefined) continue;
    const key = `method:${method.name}`;
    const inner = result.anyOf?.find((s) => s.type !== 'null') ?? result;
    if (isObjectWithProperties(inner)) classFor(inner, NAMES[key] ?? `${pascal(method.name)}Result`, key);
  }
  for (const notification of doc['x-notifications'] ?? []) {
    const key = `notification:${notification.name}`;
    if (isObjectWithProperties(notification.params))
      classFor(notification.params, NAMES[key] ?? `${pascal(notification.name)}Params`, key);
  }
  return render(order(classes), { amountMaximum: amountMaximum(doc) });
}

/** The largest amount in cents, as the document bounds `sale`'s `amount` (every amount has that bound). */
function amountMaximum(doc) {
  const sale = doc.methods.find((method) => method.name === 'sale');
  const maximum = sale?.params.find((param) => param.name === 'amount')?.schema.maximum;
  if (!Number.isInteger(maximum)) throw new Error('openrpc.json: sale.amount has no integer maximum');
  return maximum;
}

function isObjectWithProperties(schema) {
  return (
    schema?.type === 'object' && schema.properties !== undefined && Object.keys(schema.properties).length > 0
  );
}

/** Classes after the classes their fields name (Python evaluates defaults, not annotations, but reads better). */
function order(classes) {
  const done = new Set();
  const out = [];
  const visit = (name) => {
    if (done.has(name)) return;
    done.add(name);
    const cls = classes.get(name);
    for (const field of cls.fields)
      for (const other of classes.keys()) if (new RegExp(`\\b${other}\\b`).test(field.type.py)) visit(other);
    out.push(cls);
  };
  for (const name of [...classes.keys()].sort()) visit(name);
  return out;
}

function wrapDoc(text, indent) {
  const words = text.split(/\s+/);
  const lines = [];
  let line = '';
  for (const word of words) {
    if (line.length + word.length + 1 > 110 - indent.length) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}${l.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}`);
}

function render(classes, { amountMaximum: maximum }) {
  const out = [
    '# Generated by bindings/codegen/python.mjs from packages/bridge/openrpc.json: do not edit.',
    '# Regenerate with `node bindings/codegen/python.mjs` (a test fails when this file is stale).',
    '"""The bridge\'s result and notification objects as frozen dataclasses with snake_case fields.',
    '',
    'Amounts are integer cents; ``raw`` fields keep what the terminal sent, unchanged (wire names).',
    '"""',
    '',
    'from __future__ import annotations',
    '',
    'from dataclasses import dataclass',
    'from typing import Any, Dict, List, Literal, Mapping, Optional, Union',
    '',
    "#: The largest amount the bridge accepts, in cents (``sale``'s ``amount`` maximum).",
    `AMOUNT_MAXIMUM = ${maximum}`,
    '',
  ];
  for (const cls of classes) {
    const ordered = [...cls.fields.filter((f) => f.required), ...cls.fields.filter((f) => !f.required)];
    out.push('', '@dataclass(frozen=True)', `class ${cls.name}:`);
    out.push(
      '    """',
      ...wrapDoc(cls.doc ?? `\`\`${cls.path}\`\` in the OpenRPC document.`, '    '),
      '    """',
      '',
    );
    for (const field of ordered) {
      if (field.description !== undefined) out.push(...wrapDoc(field.description, '    #: '));
      out.push(
        field.required
          ? `    ${field.name}: ${field.type.py}`
          : `    ${field.name}: Optional[${field.type.py}] = None`,
      );
    }
    if (EXTRA[cls.name] !== undefined) out.push('', ...EXTRA[cls.name]);
    out.push('', '    @classmethod', `    def from_json(cls, value: Mapping[str, Any]) -> ${cls.name}:`);
    out.push('        """From the bridge\'s JSON (camelCase keys); unknown keys are ignored."""');
    out.push('        return cls(');
    for (const field of ordered) {
      const key = JSON.stringify(field.key);
      const expression = field.required
        ? field.type.decode(`value[${key}]`)
        : field.type.decode(`value[${key}]`) === `value[${key}]`
          ? `value.get(${key})`
          : `None if value.get(${key}) is None else ${field.type.decode(`value[${key}]`)}`;
      out.push(`            ${field.name}=${expression},`);
    }
    out.push('        )', '');
  }
  const names = ['AMOUNT_MAXIMUM', ...classes.map((c) => c.name)];
  out.push('', `__all__ = [${names.map((name) => JSON.stringify(name)).join(', ')}]`, '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n\n')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generate(JSON.parse(readFileSync(OPENRPC, 'utf8')));
  if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8');
    if (current !== text) {
      console.error(
        `${OUTPUT} is stale: packages/bridge/openrpc.json changed. Run \`node bindings/codegen/python.mjs\`.`,
      );
      process.exit(1);
    }
    console.log('bindings/python/bluechip_bridge/types.py is up to date');
  } else {
    writeFileSync(OUTPUT, text);
    console.log('wrote bindings/python/bluechip_bridge/types.py');
  }
}
