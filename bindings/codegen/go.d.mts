// Types of go.mjs, for the TypeScript tests that import it.
import type { Model } from './model.mjs';
export const GO_DIR: string;
export function pascal(name: string): string;
export function goMethodName(name: string): string;
export function generateGo(model: Model, digest: string): Record<string, string>;
export function renderGo(options?: { documentPath?: string; gofmt?: string }): Record<string, string>;
export function currentDigest(documentText?: string): string;
