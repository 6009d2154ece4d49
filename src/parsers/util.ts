// Shared helpers for parsers. Pure.
import { isAscii } from 'node:buffer';
import { z } from 'zod';
import { jsonParse } from '../core/lookup';
import { plainValidator } from './conforms';
import { misspelledKey } from './key-check';

export { jsonParse };
import { describeJsonError } from './json-error';

/** A report that is not in the format the parser expects. The shell adds the file name. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/**
 * The text of bytes [from, to) of a report. Tool reports are nearly always plain ASCII: those are
 * decoded as Latin-1, which for ASCII gives the same string as UTF-8 decoding, copied byte for
 * byte instead of decoded. V8 also parses JSON from such a string about a third faster (measured
 * on an 80,000-finding Trivy report: 0.26 s instead of 0.42 s). Anything else is UTF-8, so the
 * bounds must not cut a character in two.
 */
export function decodeText(bytes: Buffer, from = 0, to = bytes.length): string {
  const part = bytes.subarray(from, to);
  return isAscii(part) ? part.toString('latin1') : part.toString('utf8');
}

/**
 * JSON.parse with a message that says where the text stopped being JSON (truncation etc.) and
 * quotes none of it: the file may be anything (see json-error.ts).
 */
export function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new FormatError(`${what}: the report is empty`);
  try {
    return jsonParse(text);
  } catch (e) {
    const p = describeJsonError(text, e);
    throw new FormatError(`${what}: not valid JSON at column ${p.column}: ${p.problem}; is the file truncated or of another format?`, p.line);
  }
}

/** `data`, after checking that none of its keys is a misspelling of the schema's (see key-check.ts). */
export function withoutMisspelledKeys(schema: z.ZodType, data: unknown, what: string): unknown {
  const problem = misspelledKey(schema, data);
  if (problem !== undefined) throw new FormatError(`${what}: ${problem}; the report is damaged or was edited, and its findings cannot be trusted`);
  return data;
}

/**
 * Validates with zod and turns the first issues into one readable message. Valid data of a schema
 * that only checks types is returned as it is (see conforms.ts): zod would return an equal copy.
 * The message names fields of the schema, never keys or values of the data (see issuePath).
 */
export function validate<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  if (plainValidator(schema)?.(data)) return withoutMisspelledKeys(schema, data, what) as T;
  const r = schema.safeParse(data);
  // A misspelled key explains a missing required one better than zod can.
  withoutMisspelledKeys(schema, data, what);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => describeIssue(schema, i))
    .join('; ');
  throw new FormatError(`${what}: unexpected format: ${issues}`);
}

const KEYS = new WeakMap<object, Set<string>>();

/**
 * A zod issue as `path: problem`, quoting nothing of the data: zod's own message for an unknown
 * key quotes it, and a path may hold keys of the data (see issuePath).
 */
export function describeIssue(schema: z.ZodType, issue: z.core.$ZodIssue): string {
  return `${issuePath(issue.path, schemaKeys(schema))}: ${issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message}`;
}

/** Every field name the schema (and the schemas inside it) declares. */
export function schemaKeys(schema: object): Set<string> {
  let keys = KEYS.get(schema);
  if (keys) return keys;
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (s: unknown): void => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } } | null)?._zod?.def;
    if (!def || seen.has(s)) return;
    seen.add(s);
    const shape = def.shape as Record<string, unknown> | undefined;
    for (const k of Object.keys(shape ?? {})) found.add(k);
    for (const v of [...Object.values(shape ?? {}), ...Object.values(def)]) {
      if (Array.isArray(v)) v.forEach(visit);
      else visit(v);
    }
    if (typeof def.getter === 'function') visit((def.getter as () => unknown)());
  };
  visit(schema);
  keys = found;
  KEYS.set(schema, keys);
  return keys;
}

/**
 * `vulnerabilities.*.via.0`: a key the schema declares is shown, a key that comes from the data
 * (a package name, a record key; in a file that is not a report, anything at all) is `*`.
 */
function issuePath(path: PropertyKey[], keys: Set<string>): string {
  if (path.length === 0) return '(root)';
  return path.map((p) => (typeof p === 'number' || (typeof p === 'string' && keys.has(p)) ? String(p) : '*')).join('.');
}

/** What a JSON value is, for a message that must not quote it: "an object with 3 keys", "a string". */
export function shapeOf(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return `an array of ${data.length} items`;
  if (typeof data === 'object') {
    const n = Object.keys(data).length;
    return n === 0 ? 'an empty object' : `an object with ${n} other key${n === 1 ? '' : 's'}`;
  }
  return `a ${typeof data}`;
}
