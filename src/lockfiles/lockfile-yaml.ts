// A reader for the YAML that pnpm and yarn berry write, and nothing more. Pure.
//
// Why our own: the project prefers a library, and js-yaml (used for everything else, and as the
// fallback here) is 7-10x faster than the `yaml` package. But a CLI parses each lockfile once,
// cold: on jest's yarn.lock js-yaml's first parse costs ~95 ms of CPU, a third of `chaingate
// sbom`'s 0.31 s, where `trivy fs --format cyclonedx` takes 0.22 s in all (bench/sbom-kinds.mjs).
// Lockfiles are machine-written in a small, regular subset: block mappings indented by spaces,
// one-line flow mappings/sequences, plain and quoted scalars. This reads that subset and returns
// `undefined` for anything else (anchors, tags, block scalars, multi-line scalars, duplicate or
// special keys, numbers written in forms js-yaml might read differently...), so the caller falls
// back to js-yaml, which gives the same value or the error with its line. A test holds the output
// equal to js-yaml's (core schema) on every public pnpm and berry lockfile.

export class Unsupported extends Error {}
export const bail = (): never => {
  throw new Unsupported();
};

interface Line {
  indent: number;
  text: string;
}

const NULL = /^(?:~|null|Null|NULL)$/;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
const INT = /^[-+]?(?:0|[1-9][0-9]*)$/;
const FLOAT = /^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
// Forms the core schema reads as numbers in ways not worth copying (0x1F, 0o17, 010, 1_000, 1e3,
// .inf): js-yaml decides those.
const OTHER_NUMBER =
  /^[-+]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|0[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;

function plain(s: string): unknown {
  if (s === '') return null;
  const c = s.charCodeAt(0);
  // Indicators that start something other than a plain scalar.
  if ('&*!|>%@`#'.includes(s[0])) bail();
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    if (INT.test(s)) return Number(s);
    if (FLOAT.test(s) && !/[eE]/.test(s)) return Number(s);
    if (OTHER_NUMBER.test(s)) bail();
    if (s === '-' || s.startsWith('- ')) bail();
  }
  // Only words of these first letters can be null or a boolean.
  if ('~nNtTfF'.includes(s[0])) {
    if (NULL.test(s)) return null;
    if (TRUE.test(s)) return true;
    if (FALSE.test(s)) return false;
  }
  // A final ':' makes the scalar a key (js-yaml: bad indentation of a mapping entry).
  if (s.includes(': ') || s.includes(' #') || s.charCodeAt(s.length - 1) === 58) bail();
  return s;
}

// Cold code: this runs once per process, mostly before the JIT has optimized it, where array
// destructuring goes through the iterator protocol and closures are allocated per call. So the
// scanners return their value and leave the index after it in `at`, and scan with indexOf rather
// than a character at a time: a first parse of nodejs.org's pnpm 9 lockfile took 98 ms of CPU, now 66;
// jest's berry lockfile 60, now 50 (median of 9 fresh processes each).
let at = 0;

/** A quoted scalar starting at `s[i]`; `at` is left after the closing quote. */
function quoted(s: string, i: number): string {
  if (s.charCodeAt(i) === 39) {
    let out = '';
    let j = i + 1;
    for (;;) {
      const k = s.indexOf("'", j);
      if (k < 0) bail();
      out += s.slice(j, k);
      if (s.charCodeAt(k + 1) === 39) {
        out += "'";
        j = k + 2;
      } else {
        at = k + 1;
        return out;
      }
    }
  }
  let j = i + 1;
  let out = '';
  for (;;) {
    const k = s.indexOf('"', j);
    if (k < 0) bail();
    const b = s.lastIndexOf('\\', k);
    if (b < j) {
      at = k + 1;
      return out + s.slice(j, k);
    }
    // A backslash before the quote: take escapes in order up to the first one.
    const first = s.indexOf('\\', j);
    out += s.slice(j, first);
    const e = s[first + 1];
    if (e === '"' || e === '\\' || e === '/') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else bail();
    j = first + 2;
  }
}

/** Nothing but spaces and a comment from `s[i]`. */
function endsClean(s: string, i: number): boolean {
  while (s.charCodeAt(i) === 32) i++;
  return i === s.length || s.charCodeAt(i) === 35;
}

/** The value after `key:` on one line: a quoted or plain scalar, or a one-line flow collection. */
export function inlineValue(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 39 || c === 34) {
    const v = quoted(s, 0);
    if (!endsClean(s, at)) bail();
    return v;
  }
  if (c === 123 || c === 91) {
    const v = flow(s, 0);
    if (!endsClean(s, at)) bail();
    return v;
  }
  const hash = s.indexOf(' #');
  return plain(hash < 0 ? s : s.slice(0, hash).trimEnd());
}

/** The index of the first `a` or `b` in `s` from `from`, or s.length. */
function firstOf(s: string, from: number, a: string, b: string): number {
  const i = s.indexOf(a, from);
  const k = s.indexOf(b, from);
  if (i < 0) return k < 0 ? s.length : k;
  return k < 0 || i < k ? i : k;
}

/** The scalar of a flow collection at `s[j]` (after spaces), ending before `stop` or `close`. */
function flowScalar(s: string, j: number, stop: string, close: string): unknown {
  while (s.charCodeAt(j) === 32) j++;
  const c = s.charCodeAt(j);
  if (c === 39 || c === 34) return quoted(s, j);
  if (c === 123 || c === 91) bail();
  at = firstOf(s, j, stop, close);
  return plain(s.slice(j, at).trimEnd());
}

/** `{a: b, c: 'd'}` or `[x, y]` without nesting, starting at `s[i]`; `at` is left after it. */
function flow(s: string, i: number): unknown {
  const map = s.charCodeAt(i) === 123;
  const close = map ? '}' : ']';
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  let j = i + 1;
  while (s.charCodeAt(j) === 32) j++;
  if (s[j] === close) {
    at = j + 1;
    return map ? obj : arr;
  }
  for (;;) {
    if (map) {
      const k = flowScalar(s, j, ':', ':');
      if (s.charCodeAt(at) !== 58 || typeof k !== 'string' || Object.hasOwn(obj, k) || k === '__proto__') bail();
      obj[k as string] = flowScalar(s, at + 1, ',', close);
    } else arr.push(flowScalar(s, j, ',', close));
    j = at;
    while (s.charCodeAt(j) === 32) j++;
    if (s.charCodeAt(j) === 44) {
      j++;
      continue;
    }
    if (s[j] !== close) bail();
    at = j + 1;
    return map ? obj : arr;
  }
}

/** The key of `key: rest` (plain, ending at ": " or a final ":", or quoted); `at` is left after the colon. */
function splitKey(t: string): string {
  let key: string;
  const c = t.charCodeAt(0);
  if (c === 34 || c === 39) {
    key = quoted(t, 0);
    if (t.charCodeAt(at) !== 58) bail();
  } else {
    let colon = t.indexOf(': ');
    if (colon < 0) {
      if (t.charCodeAt(t.length - 1) !== 58) bail();
      colon = t.length - 1;
    }
    key = t.slice(0, colon);
    if (key === '' || '&*!|>%@`?-[{#'.includes(key[0]) || key === '<<') bail();
    at = colon;
  }
  if (key === '__proto__') bail();
  at++;
  return key;
}

/** The rest of `t` from `i`, trimmed. */
const restOf = (t: string, i: number): string => (i === t.length ? '' : t.slice(i).trim());

/**
 * The key of a one-line `key: rest` (bails outside the subset); `lineRest(t)` then gives the
 * rest, trimmed: for berry-lock.ts, which reads berry's lockfile lines without building a tree.
 */
export const lineKey = splitKey;
export const lineRest = (t: string): string => restOf(t, at);

const isItem = (t: string) => t.charCodeAt(0) === 45 && (t.length === 1 || t.charCodeAt(1) === 32);

/** The block node whose first line is `start`; `at` is left at the line after it. */
function block(lines: Line[], start: number, indent: number): unknown {
  if (isItem(lines[start].text)) return sequence(lines, start, indent);
  const obj: Record<string, unknown> = {};
  let i = start;
  while (i < lines.length) {
    const l = lines[i];
    if (l.indent < indent) break;
    if (l.indent > indent) bail();
    const key = splitKey(l.text);
    const rest = restOf(l.text, at);
    if (Object.hasOwn(obj, key)) bail();
    i++;
    let value: unknown;
    if (rest === '' || rest.charCodeAt(0) === 35) {
      const next = lines[i];
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) {
        value = block(lines, i, next.indent);
        i = at;
      } else value = null;
    } else value = inlineValue(rest);
    obj[key] = value;
  }
  at = i;
  return obj;
}

function sequence(lines: Line[], start: number, indent: number): unknown {
  const arr: unknown[] = [];
  let i = start;
  while (i < lines.length && lines[i].indent === indent && isItem(lines[i].text)) {
    const item = lines[i].text.slice(1).trim();
    // "- key: value" starts a mapping inside the sequence: not in lockfiles.
    if (item === '' || /^[^'"{[]*: |^[^'"{[]*:$/.test(item)) bail();
    arr.push(inlineValue(item));
    i++;
  }
  if (i < lines.length && lines[i].indent > indent) bail();
  at = i;
  return arr;
}

/** Every document of `text`, or undefined when it is not the subset this reads. */
export function parseLockfileYaml(text: string): unknown[] | undefined {
  try {
    // A tab is white space to YAML in some places and content in others: js-yaml decides.
    if (text.includes('\t')) bail();
    const docs: Line[][] = [[]];
    let lines = docs[0];
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const next = end + 1;
      if (text.charCodeAt(end - 1) === 13 && end > start) end--;
      let first = start;
      while (text.charCodeAt(first) === 32 && first < end) first++;
      const indent = first - start;
      start = next;
      if (first === end) continue;
      const c = text.charCodeAt(first);
      if (c === 35) continue;
      if (indent === 0 && c === 45 && text.startsWith('---', first)) {
        if (end !== first + 3) bail();
        lines = [];
        docs.push(lines);
        continue;
      }
      if (indent === 0 && ((c === 46 && text.startsWith('...', first)) || c === 37)) bail();
      const body = text.slice(first, end);
      lines.push({ indent, text: body.charCodeAt(body.length - 1) === 32 ? body.trimEnd() : body });
    }
    // A leading "---" opens the first document rather than closing an empty one.
    if (docs.length > 1 && docs[0].length === 0) docs.shift();
    return docs.map((doc) => {
      if (doc.length === 0) return null;
      if (doc[0].indent !== 0) bail();
      const value = block(doc, 0, 0);
      if (at !== doc.length) bail();
      return value;
    });
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
