// The part of js-yaml 4 the lockfile readers use (the package ships no types and @types/js-yaml
// is not installed).
declare module 'js-yaml' {
  export interface Schema {
    readonly __schema: unique symbol;
  }
  export const CORE_SCHEMA: Schema;
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    json?: boolean;
  }
  export class YAMLException extends Error {
    reason: string;
    mark?: { line: number; column: number; position: number };
  }
  export function load(text: string, options?: LoadOptions): unknown;
  export function loadAll(text: string, iterator?: undefined, options?: LoadOptions): unknown[];
}
