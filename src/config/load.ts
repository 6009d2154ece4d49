// Shell: reads the policy, exceptions and VEX files. YAML (and JSON, which YAML reads) is parsed
// with positions, so every mistake is reported as file:line:col with the fix.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { Document, LineCounter } from 'yaml';
import type * as YamlLib from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { schemaKeys } from '../parsers/util';
import { stripBom } from '../read-text';
import { readBlockYaml, type BlockYaml } from './block-yaml';
import { isJsonProblem, readJson, type JsonText } from './json-text';
import { ExceptionsFileSchema, PolicySchema, ProjectPolicySchema, VexDocumentSchema, type ExceptionsFile, type Policy, type PolicyInput, type ProjectPolicy, type VexDocument } from './schema';

export interface Loaded<T> {
  value: T;
  path: string;
  sha256: string;
  /** 1-based lines of the items of a top-level list (exceptions), where known. */
  itemLines?: number[];
  /** 1-based line of the key or item at a path of the file, where known (for later checks). */
  lineOf?: LineOf;
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

function position(doc: Document, lc: LineCounter, path: readonly PropertyKey[]): { line?: number; col?: number } {
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

function keyPosition(doc: Document, lc: LineCounter, path: readonly PropertyKey[], key: string): { line?: number; col?: number } {
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
 * What a config file may cost. The PR under test writes these files: a YAML alias bomb, a
 * billion laughs or 3,000 levels of nesting must end in a configuration error at a line, in well
 * under a second and 100 MB, never in a stack overflow or an out-of-memory crash.
 */
export const CONFIG_LIMITS = {
  /** Bytes of any policy, exceptions or VEX file (about 5,000 exceptions). */
  maxBytes: 1024 * 1024,
  /** Bytes read by the yaml library (it needs ~1 s and 100 MB for 64 KiB of flow YAML on a loaded machine); larger files must be JSON or plain block YAML. */
  maxLibraryBytes: 32 * 1024,
  /** Levels of lists and mappings. */
  maxDepth: 64,
  /** Nodes that YAML aliases may add by expansion, all aliases together. */
  maxAliasNodes: 10_000,
  /** YAML aliases in a file (the yaml library's own default limit). */
  maxAliases: 100,
};

export type LineOf = (path: readonly PropertyKey[]) => number | undefined;

/** What a value is, for "expected X, found Y"; never the value itself (it may be a secret pasted by mistake). */
function kindOf(v: unknown): string {
  if (v === null) return 'an empty value (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}

/** The value at `path` in `raw`, and whether every step of the path exists. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let v = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, k)) return { present: false };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { present: v !== undefined, value: v };
}


/**
 * The yaml library's errors as our own sentences, by code: its messages quote the source
 * (`Unresolved tag: !x`, `Block scalar header includes extra characters: |x`), and the file is
 * the pull request's.
 */
const YAML_PROBLEMS: Record<string, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias here is not valid',
  BAD_DIRECTIVE: 'a % directive is not valid',
  BAD_DQ_ESCAPE: 'a double-quoted string has an escape sequence YAML does not know',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a character it cannot start with (quote the value)',
  BLOCK_AS_IMPLICIT_KEY: 'a block value is used as a key',
  BLOCK_IN_FLOW: 'a block value is inside a flow collection ([...] or {...})',
  DUPLICATE_KEY: 'a key appears twice in one mapping',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters',
  MISSING_CHAR: 'a character is missing (a closing quote or bracket, a comma or a colon)',
  MULTILINE_IMPLICIT_KEY: 'a key runs over several lines',
  MULTIPLE_ANCHORS: 'a value has more than one anchor',
  MULTIPLE_DOCS: 'it holds more than one YAML document',
  MULTIPLE_TAGS: 'a value has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  TAB_AS_INDENT: 'a tab is used for indentation (use spaces)',
  TAG_RESOLVE_FAILED: 'a value has a tag (!...) chaingate does not read',
  BAD_COLLECTION_TYPE: 'a tag does not fit the kind of value it is on',
  UNEXPECTED_TOKEN: 'something here is not valid YAML syntax',
};

/** The first schema problem as a sentence, with the path of the spot it names. */
function schemaMessage(error: z.ZodError, raw: unknown, known: ReadonlySet<string>): { message: string; path: PropertyKey[]; key?: string } {
  const issue = error.issues[0];
  const path = issue.path as PropertyKey[];
  // A path names the schema's keys and list indexes; a key of a free-form map (VEX
  // `identifiers`) is the file's text, shown as `(key)`.
  const dotted = path.length ? path.map((k) => (typeof k === 'number' || known.has(String(k)) ? String(k) : '(key)')).join('.') : '(top level)';
  let message = `${dotted}: ${issue.message}`;
  let key: string | undefined;
  if (issue.code === 'unrecognized_keys') {
    // The key is located (file:line:col) but not quoted: its text is the file's, not ours.
    key = issue.keys[0];
    message = `${path.length ? `${dotted}: ` : ''}unknown key here; check its spelling against the JSON Schema in schemas/`;
  } else if (issue.code === 'invalid_type') {
    const at = valueAt(raw, path);
    message = at.present ? `${dotted}: expected ${issue.expected}, found ${kindOf(at.value)}` : `${dotted}: is required (${issue.message})`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return { message: message + more, path, key };
}

/** The line of `path` in a file the block reader read (a key's line, or a list item's). */
function blockLineOf(fast: BlockYaml): LineOf {
  return (path) => {
    let v: unknown = fast.value;
    let line: number | undefined;
    for (const k of path) {
      if (Array.isArray(v)) line = fast.itemLines.get(v)?.[Number(k)] ?? line;
      else if (v !== null && typeof v === 'object') line = fast.keyLines.get(v)?.get(String(k)) ?? line;
      else break;
      v = (v as Record<PropertyKey, unknown>)[k];
    }
    return line;
  };
}

/**
 * Expanded size and height of each node, following aliases, so an alias bomb is measured
 * without building it. Heights past maxDepth stop the walk, which bounds its recursion.
 */
function aliasProblem(doc: Document, lc: LineCounter, lib: typeof YamlLib): { message: string; line: number } | undefined {
  const lineOfNode = (node: unknown) => {
    const range = (node as { range?: [number, number, number] }).range;
    return range ? lc.linePos(range[0]).line : 1;
  };
  // Anchors in document order, as YAML resolves them (the latest one of a name before the
  // alias): the library's Alias.resolve searches the whole document for each alias.
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  let tooMany: unknown;
  let missing: unknown;
  lib.visit(doc, (_, node) => {
    if (lib.isAlias(node)) {
      if (!anchors.has(node.source)) {
        missing = node;
        return lib.visit.BREAK;
      }
      targets.set(node, anchors.get(node.source));
      if (targets.size > CONFIG_LIMITS.maxAliases) {
        tooMany = node;
        return lib.visit.BREAK;
      }
    } else if ((node as { anchor?: string } | null)?.anchor) anchors.set((node as { anchor: string }).anchor, node);
    return undefined;
  });
  // The library throws a bare ReferenceError for it later, in toJS.
  if (missing) return { message: 'an alias (*name) refers to no anchor (&name) set before it', line: lineOfNode(missing) };
  if (tooMany) return { message: `it has more than ${CONFIG_LIMITS.maxAliases} aliases; write the entries out`, line: lineOfNode(tooMany) };
  const sizes = new Map<unknown, { nodes: number; height: number }>();
  const tooDeep = (node: unknown): never => {
    throw Object.assign(new Error('depth'), { line: lineOfNode(node) });
  };
  const measure = (node: unknown, level: number): { nodes: number; height: number } => {
    if (level > CONFIG_LIMITS.maxDepth) tooDeep(node);
    const known = sizes.get(node);
    if (known) {
      if (level + known.height > CONFIG_LIMITS.maxDepth) tooDeep(node);
      return known;
    }
    let m = { nodes: 1, height: 0 };
    if (lib.isAlias(node)) {
      const target = targets.get(node);
      m = target ? measure(target, level) : m;
    } else if (lib.isCollection(node)) {
      for (const item of node.items) {
        for (const part of lib.isPair(item) ? [item.key, item.value] : [item]) {
          if (part === null || part === undefined || typeof part !== 'object') continue;
          const c = measure(part, level + 1);
          m = { nodes: m.nodes + c.nodes, height: Math.max(m.height, c.height + 1) };
        }
      }
    }
    sizes.set(node, m);
    return m;
  };
  try {
    let extra = 0;
    for (const alias of targets.keys()) {
      extra += measure(alias, 0).nodes - 1;
      if (extra > CONFIG_LIMITS.maxAliasNodes) {
        return { message: `its aliases expand to more than ${CONFIG_LIMITS.maxAliasNodes} values (an alias bomb?); write the entries out`, line: lineOfNode(alias) };
      }
    }
    if (doc.contents) measure(doc.contents, 0);
    return undefined;
  } catch (e) {
    const line = (e as { line?: number }).line;
    if (line === undefined) throw e;
    return { message: `it is nested more than ${CONFIG_LIMITS.maxDepth} levels deep`, line };
  }
}

/**
 * The line where flow brackets (`[`, `{`) outside quotes and comments first nest deeper than
 * maxDepth, or undefined. Checked before the yaml library parses: on a few thousand nested
 * brackets the library recurses until the stack overflows, which takes most of a second.
 */
export function flowDepthLine(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let line = 1;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      // A YAML single-quoted or double-quoted scalar may span lines; a comment may not.
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Parses YAML/JSON text and validates it with a zod schema; throws ConfigError at the spot.
 * Plain block YAML that is valid takes the fast reader (block-yaml.ts), JSON takes JSON.parse;
 * everything else, and every mistake in a small file (for its line and column), goes through
 * the yaml library, within CONFIG_LIMITS.
 */
export function parseConfigText<S extends z.ZodType>(
  input: string,
  file: string,
  schema: S,
  what: string,
): { value: z.infer<S>; itemLines: number[]; raw: unknown; lineOf: LineOf } {
  // A BOM (some Windows editors write one) is not content: YAML would read it as a stray token.
  const text = stripBom(input);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > CONFIG_LIMITS.maxBytes) {
    throw new ConfigError(`${what} is ${Math.ceil(bytes / 1024)} KiB, more than chaingate reads (${CONFIG_LIMITS.maxBytes / 1024} KiB)`, file, 1);
  }
  const small = bytes <= CONFIG_LIMITS.maxLibraryBytes;
  // JSON first: text that opens with { or [ is never in the block reader's subset.
  const json = readJson(text, CONFIG_LIMITS.maxDepth);
  const fast = json === undefined ? readBlockYaml(text) : undefined;
  if (json && isJsonProblem(json)) throw new ConfigError(`${what} is not valid: ${json.message}`, file, json.line);
  const quick = fast ? { value: fast.value, lineOf: blockLineOf(fast) } : json;
  if (quick) {
    const r = schema.safeParse(quick.value, ONCE);
    if (r.success) {
      const list = (quick.value as { exceptions?: unknown }).exceptions;
      const itemLines = !Array.isArray(list) ? [] : fast ? (fast.itemLines.get(list) as number[]) : (json as JsonText).itemLines(['exceptions']);
      return { value: r.data, itemLines, raw: quick.value, lineOf: quick.lineOf };
    }
    // A small file goes on to the yaml library, for the line and column of the mistake.
    if (!small) {
      const m = schemaMessage(r.error, quick.value, schemaKeys(schema));
      throw new ConfigError(`invalid ${what}: ${m.message}`, file, quick.lineOf(m.key ? [...m.path, m.key] : m.path) ?? 1);
    }
  }
  if (!small) {
    const asJson = /^\s*[[{]/.test(text) ? 'not valid JSON, and ' : '';
    throw new ConfigError(
      `${what} is ${asJson}${Math.ceil(bytes / 1024)} KiB of YAML beyond plain block style; over ${CONFIG_LIMITS.maxLibraryBytes / 1024} KiB chaingate reads only JSON and plain block YAML (no anchors, aliases, tags or flow mappings)`,
      file,
      1,
    );
  }
  // Loaded only here: the common case above never needs the library.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('yaml') as typeof YamlLib;
  const deepAt = flowDepthLine(text, CONFIG_LIMITS.maxDepth);
  if (deepAt !== undefined) throw new ConfigError(`${what} is not valid YAML/JSON: it is nested more than ${CONFIG_LIMITS.maxDepth} levels deep`, file, deepAt);
  const lc = new lib.LineCounter();
  const doc = lib.parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const p = lc.linePos(err.pos[0]);
    // The library turns its own stack overflow on deep nesting into this error.
    const msg = /call stack/i.test(err.message) ? `it is nested more than ${CONFIG_LIMITS.maxDepth} levels deep` : (YAML_PROBLEMS[err.code] ?? 'it is not valid YAML syntax here');
    throw new ConfigError(`${what} is not valid YAML/JSON: ${msg}`, file, p.line, p.col);
  }
  const problem = aliasProblem(doc, lc, lib);
  if (problem) throw new ConfigError(`${what} is refused: ${problem.message}`, file, problem.line);
  // aliasProblem bounded what aliases expand to; the library's own count (count x aliases within
  // the anchor > 100) would refuse modest legitimate reuse with a message about an attack.
  const raw: unknown = doc.toJS({ maxAliasCount: -1 }) ?? {};
  const lineOf: LineOf = (path) => {
    const last = path[path.length - 1];
    return (typeof last === 'string' ? keyPosition(doc, lc, path.slice(0, -1), last) : position(doc, lc, path)).line;
  };
  const r = schema.safeParse(raw, ONCE);
  if (!r.success) {
    const m = schemaMessage(r.error, raw, schemaKeys(schema));
    const pos = m.key ? keyPosition(doc, lc, m.path, m.key) : position(doc, lc, m.path);
    // An empty document has no node to point at: its first line.
    throw new ConfigError(`invalid ${what}: ${m.message}`, file, pos.line ?? 1, pos.col);
  }
  const itemLines: number[] = [];
  const list = doc.getIn(['exceptions'], true);
  if (lib.isSeq(list)) {
    for (const item of list.items) {
      const range = (item as { range?: [number, number, number] }).range;
      itemLines.push(range ? lc.linePos(range[0]).line : 0);
    }
  }
  return { value: r.data, itemLines, raw, lineOf };
}

/**
 * A config file is parsed once or twice a run: zod's JIT compiles each object schema to a
 * function (new Function, never in the CLI's code cache) on its first parse, which costs more
 * than the one parse it speeds up. Reports of thousands of findings keep the JIT.
 */
const ONCE = { jitless: true } as const;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function loadPolicyFile(file: string, overrides: (raw: PolicyInput) => PolicyInput = (r) => r): Loaded<Policy> {
  const text = readText(file, 'policy file');
  // Validate the file alone first (positions point into it), then lay flags/inputs over it.
  const { raw, lineOf } = parseConfigText(text, file, PolicySchema, 'policy');
  const merged = PolicySchema.safeParse(overrides(raw as PolicyInput), ONCE);
  if (!merged.success) {
    const i = merged.error.issues[0];
    throw new ConfigError(`invalid option ${i.path.map(String).join('.')}: ${i.message}`);
  }
  return { value: merged.data, path: file, sha256: sha256(text), lineOf };
}

export function defaultPolicy(overrides: (raw: PolicyInput) => PolicyInput = (r) => r): Policy {
  const r = PolicySchema.safeParse(overrides({}), ONCE);
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

export function loadProjectPolicyFile(file: string): Loaded<ProjectPolicy> {
  const text = readText(file, 'project policy file');
  const { value, lineOf } = parseConfigText(text, file, ProjectPolicySchema, 'project policy');
  return { value, path: file, sha256: sha256(text), lineOf };
}

export function loadVexFile(file: string): Loaded<VexDocument> {
  const text = readText(file, 'VEX document');
  const { value, lineOf } = parseConfigText(text, file, VexDocumentSchema, 'OpenVEX document');
  return { value, path: file, sha256: sha256(text), lineOf };
}
