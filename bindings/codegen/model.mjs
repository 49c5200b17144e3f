// The normalized model every binding generator reads: the bridge's OpenRPC document
// (packages/bridge/openrpc.json, itself generated from the operation table) reduced to what a
// language needs: methods with their params as one object schema, results, error classes and
// notifications. Shared schemas stay as JSON Schema under `schemas`; `$ref`s are kept as they are,
// so each language names a shared shape once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OPENRPC_PATH = fileURLToPath(new URL('../../packages/bridge/openrpc.json', import.meta.url));

const own = (object, key) => object !== null && typeof object === 'object' && Object.hasOwn(object, key);

/** The method's params as one JSON Schema object (the bridge takes params by name). */
function paramsSchema(method) {
  const properties = {};
  const required = [];
  for (const param of method.params ?? []) {
    properties[param.name] = param.schema;
    if (param.required === true) required.push(param.name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** The error classes of `x-errors`: one per JSON-RPC code, with the `data.code`s it carries. */
function errorClasses(document) {
  return (document['x-errors'] ?? []).map((entry) => ({
    code: entry.code,
    message: entry.message,
    dataCodes: own(entry, 'data') ? [...(entry.data.codes ?? [])] : [],
    actions: own(entry, 'data') ? { ...(entry.data.actions ?? {}) } : {},
  }));
}

/** Builds the model from a parsed OpenRPC document. Pure: tests feed it edited documents. */
export function buildModel(document) {
  if (document?.openrpc === undefined || !Array.isArray(document.methods)) {
    throw new Error('not an OpenRPC document');
  }
  return {
    version: document.info?.version ?? '0.0.0',
    schemas: { ...(document.components?.schemas ?? {}) },
    methods: document.methods.map((method) => ({
      name: method.name,
      summary: method.summary ?? '',
      params: paramsSchema(method),
      // Every operation but rpc.discover names its terminal; bindings fill it in from the open terminal.
      takesTerminal: (method.params ?? []).some((p) => p.name === 'terminalId' && p.required === true),
      result: method.result?.schema ?? {},
      errorCodes: (method.errors ?? []).map((e) => e.code),
    })),
    errors: errorClasses(document),
    errorData: document['x-error-data-schema'] ?? { type: 'object' },
    notifications: (document['x-notifications'] ?? []).map((n) => ({
      name: n.name,
      summary: n.summary ?? '',
      params: n.params ?? { type: 'object' },
    })),
  };
}

export function readDocument(path = OPENRPC_PATH) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A fingerprint of a generator's inputs (the document and the generator sources), written into the
 * generated files so a test can tell they are stale without the target language's toolchain. */
export function inputsDigest(documentText, generatorSources) {
  const hash = createHash('sha256');
  hash.update(documentText);
  for (const source of generatorSources) hash.update(`\0${source}`);
  return hash.digest('hex').slice(0, 16);
}
