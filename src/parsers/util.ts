// Shared helpers for parsers. Pure.
import { isAscii } from 'node:buffer';
import { z } from 'zod';
import { jsonParse } from '../core/lookup';
import { plainValidator } from './conforms';
import { misspelledKey } from './key-check';

export { jsonParse };

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

/** JSON.parse with a message that says where the text stopped being JSON (truncation etc.). */
export function parseJson(text: string, what: string): unknown {
  if (text.trim() === '') throw new FormatError(`${what}: the report is empty`);
  try {
    return jsonParse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let line: number | undefined;
    if (m) line = text.slice(0, Number(m[1])).split('\n').length;
    throw new FormatError(`${what}: not valid JSON (${msg}); is the file truncated or of another format?`, line);
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
 */
export function validate<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  if (plainValidator(schema)?.(data)) return withoutMisspelledKeys(schema, data, what) as T;
  const r = schema.safeParse(data);
  // A misspelled key explains a missing required one better than zod can.
  withoutMisspelledKeys(schema, data, what);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  throw new FormatError(`${what}: unexpected format: ${issues}`);
}
