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
// jest's berry lockfile 60, now 50 (median of 9 fresh processes each). They read the text in
// place, between a line's first and last character (no string per line, no object per line):
// every search of the text is bounded by the line's end, and a search that could run to the end
// of the file on every line (a backslash, " #") is found once and reused until passed.
let src = '';
let at = 0;
let backslashFrom = 0;
let backslashAt = -1;
let hashFrom = 0;
let hashAt = -1;

/**
 * Characters that make a text no business of the readers here: a tab is white space to YAML in
 * some places and content in others, and a carriage return not before a line feed is a line
 * break to YAML (js-yaml decides both).
 */
export function outsideSubset(text: string): boolean {
  return text.includes('\t') || (text.includes('\r') && /\r(?!\n)/.test(text));
}

/** Starts reading `text` (the trackers below belong to one text). */
function use(text: string): void {
  if (text === src) return;
  src = text;
  backslashFrom = hashFrom = Number.MAX_SAFE_INTEGER;
}

/** The first backslash at or after `j`, or -1. */
function backslash(j: number): number {
  if (j < backslashFrom || (backslashAt >= 0 && backslashAt < j)) {
    backslashFrom = j;
    backslashAt = src.indexOf('\\', j);
  }
  return backslashAt;
}

/** The first " #" at or after `j`, or -1. */
function commentStart(j: number): number {
  if (j < hashFrom || (hashAt >= 0 && hashAt < j)) {
    hashFrom = j;
    hashAt = src.indexOf(' #', j);
  }
  return hashAt;
}

/** A quoted scalar starting at `src[i]`, ending before `e`; `at` is left after the closing quote. */
function quoted(i: number, e: number): string {
  if (src.charCodeAt(i) === 39) {
    let out = '';
    let j = i + 1;
    for (;;) {
      const k = src.indexOf("'", j);
      if (k < 0 || k >= e) bail();
      out += src.slice(j, k);
      if (k + 1 < e && src.charCodeAt(k + 1) === 39) {
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
    const k = src.indexOf('"', j);
    if (k < 0 || k >= e) bail();
    const first = backslash(j);
    if (first < 0 || first > k) {
      at = k + 1;
      return out + src.slice(j, k);
    }
    // A backslash before the quote: take escapes in order up to the first one.
    out += src.slice(j, first);
    const c = src[first + 1];
    if (c === '"' || c === '\\' || c === '/') out += c;
    else if (c === 'n') out += '\n';
    else if (c === 't') out += '\t';
    else bail();
    j = first + 2;
  }
}

/** Nothing but spaces and a comment from `src[i]` to `e`. */
function endsClean(i: number, e: number): boolean {
  while (i < e && src.charCodeAt(i) === 32) i++;
  return i === e || src.charCodeAt(i) === 35;
}

/** The value after `key:` in src[r, e): a quoted or plain scalar, or a one-line flow collection. */
function inlineValue(r: number, e: number): unknown {
  const c = src.charCodeAt(r);
  if (c === 39 || c === 34) {
    const v = quoted(r, e);
    if (!endsClean(at, e)) bail();
    return v;
  }
  if (c === 123 || c === 91) {
    const v = flow(r, e);
    if (!endsClean(at, e)) bail();
    return v;
  }
  const hash = commentStart(r);
  return plain(hash < 0 || hash >= e ? src.slice(r, e) : src.slice(r, hash).trimEnd());
}

// The end of a flow scalar: the first of its stop characters, by one search that stops at
// whichever comes first (an indexOf per character ran to the next ',' of the file, kilobytes
// away in a pnpm lockfile, for every `{integrity: ...}`).
const KEY_END = /:/g;
const FLOW_INDICATOR = /[[\]{},]/;
const IN_MAP_END = /[,}]/g;
const IN_SEQUENCE_END = /[,\]]/g;

/** The index of the first character `end` matches in src[from, e), or e. */
function firstOf(from: number, e: number, end: RegExp): number {
  end.lastIndex = from;
  const i = end.test(src) ? end.lastIndex - 1 : -1;
  return i < 0 || i >= e ? e : i;
}

/** The scalar of a flow collection at `src[j]` (after spaces), ending before a character `end` matches. */
function flowScalar(j: number, e: number, end: RegExp): unknown {
  while (j < e && src.charCodeAt(j) === 32) j++;
  const c = j < e ? src.charCodeAt(j) : -1;
  if (c === 39 || c === 34) return quoted(j, e);
  if (c === 123 || c === 91) bail();
  at = firstOf(j, e, end);
  const text = src.slice(j, at).trimEnd();
  // A flow indicator inside a plain scalar of a flow collection ends it (js-yaml: missed comma).
  if (FLOW_INDICATOR.test(text)) bail();
  return plain(text);
}

/** `{a: b, c: 'd'}` or `[x, y]` without nesting, starting at `src[i]`; `at` is left after it. */
function flow(i: number, e: number): unknown {
  const map = src.charCodeAt(i) === 123;
  const closeCode = map ? 125 : 93;
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  let j = i + 1;
  while (j < e && src.charCodeAt(j) === 32) j++;
  if (j < e && src.charCodeAt(j) === closeCode) {
    at = j + 1;
    return map ? obj : arr;
  }
  for (;;) {
    if (map) {
      const k = flowScalar(j, e, KEY_END);
      // A ':' not followed by a space is part of a plain key in a flow mapping (`{a:b c: d}`).
      if (at + 1 >= e || src.charCodeAt(at) !== 58 || src.charCodeAt(at + 1) !== 32 || typeof k !== 'string' || Object.hasOwn(obj, k) || k === '__proto__') bail();
      obj[k as string] = flowScalar(at + 1, e, IN_MAP_END);
    } else arr.push(flowScalar(j, e, IN_SEQUENCE_END));
    j = at;
    while (j < e && src.charCodeAt(j) === 32) j++;
    if (j < e && src.charCodeAt(j) === 44) {
      j++;
      continue;
    }
    if (j >= e || src.charCodeAt(j) !== closeCode) bail();
    at = j + 1;
    return map ? obj : arr;
  }
}

/** The key of `key: rest` in src[s, e) (plain, ending at ": " or a final ":", or quoted); `at` is left after the colon. */
function splitKey(s: number, e: number): string {
  let key: string;
  const c = src.charCodeAt(s);
  if (c === 34 || c === 39) {
    key = quoted(s, e);
    if (at >= e || src.charCodeAt(at) !== 58) bail();
  } else {
    let colon = src.indexOf(': ', s);
    if (colon < 0 || colon >= e) {
      if (src.charCodeAt(e - 1) !== 58) bail();
      colon = e - 1;
    }
    key = src.slice(s, colon);
    // " #" starts a comment, so the line would hold no key (js-yaml: a colon is missed); a space
    // before the colon is not part of the key.
    if (key === '' || '&*!|>%@`?-[{#'.includes(key[0]) || key === '<<' || key.includes(' #') || key.charCodeAt(key.length - 1) === 32) bail();
    at = colon;
  }
  if (key === '__proto__') bail();
  at++;
  return key;
}

/**
 * For berry-lock.ts, which walks berry's lines itself: the key of the line text[s, e) (bails
 * outside the subset; valueStart() is then where its value starts, spaces skipped), and the value
 * in text[r, e).
 */
export function readKey(text: string, s: number, e: number): string {
  use(text);
  const key = splitKey(s, e);
  while (at < e && src.charCodeAt(at) === 32) at++;
  return key;
}
export const valueStart = (): number => at;
/** Lets go of the text read last (a lockfile of megabytes is not kept alive by the module). */
export function forget(): void {
  src = '';
}
export function readValue(text: string, r: number, e: number): unknown {
  use(text);
  return inlineValue(r, e);
}

// The lines of the text being read: indent, and the first and end index of the content.
let indents: number[] = [];
let starts: number[] = [];
let ends: number[] = [];
/** The line after the node block() or sequence() read last. */
let nextLine = 0;

const isItem = (i: number) => src.charCodeAt(starts[i]) === 45 && (ends[i] - starts[i] === 1 || src.charCodeAt(starts[i] + 1) === 32);

/** The block node whose first line is `start`, in lines [start, to); `nextLine` is left at the line after it. */
function block(start: number, to: number, indent: number): unknown {
  if (isItem(start)) return sequence(start, to, indent);
  const obj: Record<string, unknown> = {};
  let i = start;
  while (i < to) {
    const li = indents[i];
    if (li < indent) break;
    if (li > indent) bail();
    const e = ends[i];
    const key = splitKey(starts[i], e);
    let r = at;
    while (r < e && src.charCodeAt(r) === 32) r++;
    if (Object.hasOwn(obj, key)) bail();
    i++;
    let value: unknown;
    if (r === e || src.charCodeAt(r) === 35) {
      if (i < to && (indents[i] > indent || (indents[i] === indent && src.startsWith('- ', starts[i])))) {
        value = block(i, to, indents[i]);
        i = nextLine;
      } else value = null;
    } else value = inlineValue(r, e);
    obj[key] = value;
  }
  nextLine = i;
  return obj;
}

function sequence(start: number, to: number, indent: number): unknown {
  const arr: unknown[] = [];
  let i = start;
  while (i < to && indents[i] === indent && isItem(i)) {
    const e = ends[i];
    let r = starts[i] + 1;
    while (r < e && src.charCodeAt(r) === 32) r++;
    // "- key: value" starts a mapping inside the sequence: not in lockfiles.
    if (r === e || /^[^'"{[]*: |^[^'"{[]*:$/.test(src.slice(r, e))) bail();
    arr.push(inlineValue(r, e));
    i++;
  }
  if (i < to && indents[i] > indent) bail();
  nextLine = i;
  return arr;
}

/** Every document of `text`, or undefined when it is not the subset this reads. */
export function parseLockfileYaml(text: string): unknown[] | undefined {
  try {
    if (outsideSubset(text)) bail();
    use(text);
    indents = [];
    starts = [];
    ends = [];
    // Each document's first line; a "---" line starts the next.
    const docs: number[] = [0];
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
        docs.push(indents.length);
        continue;
      }
      if (indent === 0 && ((c === 46 && text.startsWith('...', first)) || c === 37)) bail();
      // Trailing white space, as String#trimEnd takes it, once there is a trailing space.
      if (text.charCodeAt(end - 1) === 32) end = first + text.slice(first, end).trimEnd().length;
      indents.push(indent);
      starts.push(first);
      ends.push(end);
    }
    docs.push(indents.length);
    const out: unknown[] = [];
    // A leading "---" opens the first document rather than closing an empty one.
    for (let d = docs.length > 2 && docs[1] === 0 ? 1 : 0; d + 1 < docs.length; d++) {
      const from = docs[d];
      const to = docs[d + 1];
      if (from === to) {
        out.push(null);
        continue;
      }
      if (indents[from] !== 0) bail();
      out.push(block(from, to, 0));
      if (nextLine !== to) bail();
    }
    return out;
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  } finally {
    // Nor are the arrays of its lines.
    indents = starts = ends = [];
    forget();
  }
}
