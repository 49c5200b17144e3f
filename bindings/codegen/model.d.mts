// Types of model.mjs, for the TypeScript tests that import it.
export const OPENRPC_PATH: string;
export interface Model {
  version: string;
  schemas: Record<string, unknown>;
  methods: {
    name: string;
    summary: string;
    params: { type: 'object'; properties: Record<string, unknown>; required: string[] };
    takesTerminal: boolean;
    result: unknown;
    errorCodes: number[];
  }[];
  errors: { code: number; message: string; dataCodes: string[]; actions: Record<string, string> }[];
  errorData: unknown;
  notifications: { name: string; summary: string; params: unknown }[];
}
export function buildModel(document: unknown): Model;
export function readDocument(path?: string): unknown;
export function inputsDigest(documentText: string, generatorSources: string[]): string;
