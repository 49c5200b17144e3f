import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * Validates what the bridge sends against the committed OpenRPC document (packages/bridge/openrpc.json):
 * each result against its method's result schema, each error against the error data schema, each
 * notification against its params schema. Every test client runs every message through it.
 */
export class SchemaCheck {
  private readonly results = new Map<string, ValidateFunction>();
  private readonly notifications = new Map<string, ValidateFunction>();
  private readonly errorData: ValidateFunction;
  private readonly codes: Set<number>;
  readonly problems: string[] = [];
  /** Messages checked, by kind (the tests assert they saw some of each). */
  readonly seen = { results: 0, errors: 0, notifications: 0 };

  constructor(document: OpenRpcDocument = loadDocument()) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // `$ref`s point into the document's components: each schema is compiled with them at its root.
    const withComponents = (schema: object) => ajv.compile({ ...schema, components: document.components });
    for (const method of document.methods)
      this.results.set(method.name, withComponents(method.result.schema));
    for (const n of document['x-notifications']) this.notifications.set(n.name, withComponents(n.params));
    this.errorData = ajv.compile(document['x-error-data-schema']);
    this.codes = new Set(document['x-errors'].map((e) => e.code));
  }

  /** `method` is the method of the request this message answers (undefined for notifications). */
  check(message: unknown, method?: string): void {
    const m = message as { method?: string; params?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') {
      this.seen.notifications++;
      this.validate(this.notifications.get(m.method), m.params, `notification ${m.method}`);
    } else if ('error' in m) {
      this.seen.errors++;
      const error = m.error as { code?: unknown; message?: unknown; data?: unknown };
      if (typeof error.code !== 'number' || !this.codes.has(error.code)) {
        this.problems.push(`error code ${String(error.code)} is not in x-errors`);
      }
      if (typeof error.message !== 'string') this.problems.push('error without a message');
      this.validate(this.errorData, error.data, `error data (${String(error.code)})`);
    } else if (method !== undefined) {
      this.seen.results++;
      this.validate(this.results.get(method), m.result, `result of ${method}`);
    }
  }

  private validate(fn: ValidateFunction | undefined, value: unknown, what: string): void {
    if (fn === undefined) {
      this.problems.push(`${what}: not in the OpenRPC document`);
      return;
    }
    if (!fn(value)) {
      this.problems.push(
        `${what}: ${JSON.stringify(fn.errors?.slice(0, 3))} in ${JSON.stringify(value).slice(0, 300)}`,
      );
    }
  }
}

export interface OpenRpcDocument {
  readonly methods: readonly { name: string; result: { schema: object } }[];
  readonly 'x-notifications': readonly { name: string; params: object }[];
  readonly 'x-errors': readonly { code: number }[];
  readonly 'x-error-data-schema': object;
  readonly components: object;
}

export const OPENRPC_FILE = new URL('../openrpc.json', import.meta.url);

export function loadDocument(): OpenRpcDocument {
  return JSON.parse(readFileSync(OPENRPC_FILE, 'utf8')) as OpenRpcDocument;
}
