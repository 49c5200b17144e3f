// Types of java.mjs for the TypeScript tests.
export const OPENRPC: string;
export const JAVA_ROOT: string;
export const MARKER: string;
export function javaMethodName(method: string): string;
export function generate(document: unknown): Map<string, string>;
export function checkedIn(): Map<string, string>;
export function staleFiles(document?: unknown): string[];
