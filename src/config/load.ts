// Shell: reads the policy, exceptions and VEX files. YAML (and JSON, which YAML reads) is parsed
// with positions, so every mistake is reported as file:line:col with the fix.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Document, LineCounter } from 'yaml';
import type * as YamlLib from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { readBlockYaml } from './block-yaml';
import { ExceptionsFileSchema, PolicySchema, VexDocumentSchema, type ExceptionsFile, type Policy, type PolicyInput, type VexDocument } from './schema';

export interface Loaded<T> {
  value: T;
  path: string;
  sha256: string;
  /** 1-based lines of the items of a top-level list (exceptions), where known. */
  itemLines?: number[];
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${what} not found; create it or point to the right file`, file);
    if (code === 'EISDIR') throw new ConfigError(`${what} is a directory, expected a file`, file);
    throw new ConfigError(`cannot read ${what}: ${(e as Error).message}`, file);
  }
}

function position(doc: Document, lc: LineCounter, path: PropertyKey[]): { line?: number; col?: number } {
  // Walk down as far as the path exists, so an unknown key or a wrong item points at itself.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) {
      const p = lc.linePos(node.range[0]);
      return { line: p.line, col: p.col };
    }
  }
  return {};
}

function keyPosition(doc: Document, lc: LineCounter, path: PropertyKey[], key: string): { line?: number; col?: number } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMap } = require('yaml') as typeof YamlLib;
  const parent = path.length ? doc.getIn(path as unknown[], true) : doc.contents;
  if (isMap(parent)) {
    for (const pair of parent.items) {
      const k = pair.key as { value?: unknown; range?: [number, number, number] };
      if (k && k.value === key && k.range) {
        const p = lc.linePos(k.range[0]);
        return { line: p.line, col: p.col };
      }
    }
  }
  return position(doc, lc, path);
}

/**
 * Parses YAML/JSON text and validates it with a zod schema; throws ConfigError at the spot.
 * Plain block YAML that is valid takes the fast reader (block-yaml.ts); everything else, and
 * every mistake (for its position), goes through the yaml library.
 */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  what: string,
): { value: z.infer<S>; itemLines: number[]; raw: unknown } {
  const fast = readBlockYaml(text);
  if (fast !== undefined) {
    const r = schema.safeParse(fast.value);
    if (r.success) {
      const list = (fast.value as { exceptions?: unknown }).exceptions;
      const itemLines = Array.isArray(list) ? (fast.itemLines.get(list) as number[]) : [];
      return { value: r.data, itemLines, raw: fast.value };
    }
  }
  // Loaded only here: the common case above never needs the library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isSeq, LineCounter, parseDocument } = require('yaml') as typeof YamlLib;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const p = lc.linePos(err.pos[0]);
    const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(`${what} is not valid YAML/JSON: ${msg}`, file, p.line, p.col);
  }
  const raw = doc.toJS() ?? {};
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path as PropertyKey[];
    const dotted = path.length ? path.map(String).join('.') : '(top level)';
    let pos = position(doc, lc, path);
    let message = `${dotted}: ${issue.message}`;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      pos = keyPosition(doc, lc, path, key);
      message = `${path.length ? `${dotted}: ` : ''}unknown key "${key}"; check its spelling against the JSON Schema in schemas/`;
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      message = `${dotted}: is required (${issue.message})`;
    }
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
    throw new ConfigError(`invalid ${what}: ${message}${more}`, file, pos.line, pos.col);
  }
  const itemLines: number[] = [];
  const list = doc.getIn(['exceptions'], true);
  if (isSeq(list)) {
    for (const item of list.items) {
      const range = (item as { range?: [number, number, number] }).range;
      itemLines.push(range ? lc.linePos(range[0]).line : 0);
    }
  }
  return { value: r.data, itemLines, raw };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function loadPolicyFile(file: string, overrides: (raw: PolicyInput) => PolicyInput = (r) => r): Loaded<Policy> {
  const text = readText(file, 'policy file');
  // Validate the file alone first (positions point into it), then lay flags/inputs over it.
  const { raw } = parseConfigText(text, file, PolicySchema, 'policy');
  const merged = PolicySchema.safeParse(overrides(raw as PolicyInput));
  if (!merged.success) {
    const i = merged.error.issues[0];
    throw new ConfigError(`invalid option ${i.path.map(String).join('.')}: ${i.message}`);
  }
  return { value: merged.data, path: file, sha256: sha256(text) };
}

export function defaultPolicy(overrides: (raw: PolicyInput) => PolicyInput = (r) => r): Policy {
  const r = PolicySchema.safeParse(overrides({}));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`invalid option ${i.path.map(String).join('.')}: ${i.message}`);
  }
  return r.data;
}

export function loadExceptionsFile(file: string): Loaded<ExceptionsFile> {
  const text = readText(file, 'exceptions file');
  const { value, itemLines } = parseConfigText(text, file, ExceptionsFileSchema, 'exceptions file');
  return { value, path: file, sha256: sha256(text), itemLines };
}

export function loadVexFile(file: string): Loaded<VexDocument> {
  const text = readText(file, 'VEX document');
  const { value } = parseConfigText(text, file, VexDocumentSchema, 'OpenVEX document');
  return { value, path: file, sha256: sha256(text) };
}
