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

class Unsupported extends Error {}
const bail = (): never => {
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
  if (s.includes(': ') || s.includes(' #')) bail();
  return s;
}

/** A quoted scalar starting at `s[i]`; returns the value and the index after the closing quote. */
function quoted(s: string, i: number): [string, number] {
  const q = s[i];
  if (q === "'") {
    let out = '';
    let j = i + 1;
    for (;;) {
      const k = s.indexOf("'", j);
      if (k < 0) bail();
      out += s.slice(j, k);
      if (s[k + 1] === "'") {
        out += "'";
        j = k + 2;
      } else return [out, k + 1];
    }
  }
  let j = i + 1;
  let out = '';
  for (;;) {
    const k = s.indexOf('"', j);
    const b = s.indexOf('\\', j);
    if (k < 0) bail();
    if (b < 0 || b > k) return [out + s.slice(j, k), k + 1];
    out += s.slice(j, b);
    const e = s[b + 1];
    if (e === '"' || e === '\\' || e === '/') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else bail();
    j = b + 2;
  }
}

/** The value after `key:` on one line: a quoted or plain scalar, or a one-line flow collection. */
function inlineValue(s: string): unknown {
  const c = s[0];
  if (c === "'" || c === '"') {
    const [v, end] = quoted(s, 0);
    const rest = s.slice(end).trim();
    if (rest !== '' && !rest.startsWith('#')) bail();
    return v;
  }
  if (c === '{' || c === '[') {
    const [v, end] = flow(s, 0);
    const rest = s.slice(end).trim();
    if (rest !== '' && !rest.startsWith('#')) bail();
    return v;
  }
  const hash = s.indexOf(' #');
  return plain(hash < 0 ? s : s.slice(0, hash).trimEnd());
}

/** `{a: b, c: 'd'}` or `[x, y]` without nesting, starting at `s[i]`. */
function flow(s: string, i: number): [unknown, number] {
  const map = s[i] === '{';
  const close = map ? '}' : ']';
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  let j = i + 1;
  const skip = () => {
    while (s[j] === ' ') j++;
  };
  const scalar = (stops: string): unknown => {
    skip();
    if (s[j] === "'" || s[j] === '"') {
      const [v, end] = quoted(s, j);
      j = end;
      return v;
    }
    if (s[j] === '{' || s[j] === '[') bail();
    const start = j;
    while (j < s.length && !stops.includes(s[j])) j++;
    return plain(s.slice(start, j).trimEnd());
  };
  skip();
  if (s[j] === close) return [map ? obj : arr, j + 1];
  for (;;) {
    if (map) {
      const k = scalar(':');
      if (s[j] !== ':' || typeof k !== 'string' || Object.hasOwn(obj, k) || k === '__proto__') bail();
      j++;
      obj[k as string] = scalar(`,${close}`);
    } else arr.push(scalar(`,${close}`));
    skip();
    if (s[j] === ',') {
      j++;
      continue;
    }
    if (s[j] !== close) bail();
    return [map ? obj : arr, j + 1];
  }
}

/** `key: rest` -> [key, rest]; the key plain (ends at ": " or a final ":") or quoted. */
function splitKey(t: string): [string, string] {
  let key: string;
  let after: number;
  if (t[0] === '"' || t[0] === "'") {
    [key, after] = quoted(t, 0);
    if (t[after] !== ':') bail();
  } else {
    after = t.indexOf(': ');
    if (after < 0) {
      if (!t.endsWith(':')) bail();
      after = t.length - 1;
    }
    key = t.slice(0, after);
    if (key === '' || '&*!|>%@`?-[{#'.includes(key[0]) || key === '<<') bail();
  }
  if (key === '__proto__') bail();
  return [key, t.slice(after + 1).trim()];
}

function block(lines: Line[], start: number, indent: number): [unknown, number] {
  if (lines[start].text.startsWith('- ') || lines[start].text === '-') return sequence(lines, start, indent);
  const obj: Record<string, unknown> = {};
  let i = start;
  while (i < lines.length) {
    const l = lines[i];
    if (l.indent < indent) break;
    if (l.indent > indent) bail();
    const [key, rest] = splitKey(l.text);
    if (Object.hasOwn(obj, key)) bail();
    i++;
    let value: unknown;
    if (rest === '' || rest.startsWith('#')) {
      const next = lines[i];
      if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')))) [value, i] = block(lines, i, next.indent);
      else value = null;
    } else value = inlineValue(rest);
    obj[key] = value;
  }
  return [obj, i];
}

function sequence(lines: Line[], start: number, indent: number): [unknown, number] {
  const arr: unknown[] = [];
  let i = start;
  while (i < lines.length && lines[i].indent === indent && (lines[i].text.startsWith('- ') || lines[i].text === '-')) {
    const item = lines[i].text.slice(1).trim();
    // "- key: value" starts a mapping inside the sequence: not in lockfiles.
    if (item === '' || /^[^'"{[]*: |^[^'"{[]*:$/.test(item)) bail();
    arr.push(inlineValue(item));
    i++;
  }
  if (i < lines.length && lines[i].indent > indent) bail();
  return [arr, i];
}

/** Every document of `text`, or undefined when it is not the subset this reads. */
export function parseLockfileYaml(text: string): unknown[] | undefined {
  try {
    const docs: Line[][] = [[]];
    let start = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      let raw = text.slice(start, end);
      start = end + 1;
      if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
      let indent = 0;
      while (raw.charCodeAt(indent) === 32) indent++;
      if (indent === raw.length) continue;
      const c = raw[indent];
      if (c === '#') continue;
      if (c === '\t') bail();
      if (indent === 0 && (raw === '---' || raw.startsWith('--- ') || raw.startsWith('...'))) {
        if (raw !== '---') bail();
        docs.push([]);
        continue;
      }
      if (indent === 0 && c === '%') bail();
      const body = indent ? raw.slice(indent) : raw;
      docs[docs.length - 1].push({ indent, text: body.charCodeAt(body.length - 1) === 32 ? body.trimEnd() : body });
    }
    // A leading "---" opens the first document rather than closing an empty one.
    if (docs.length > 1 && docs[0].length === 0) docs.shift();
    return docs.map((lines) => {
      if (lines.length === 0) return null;
      if (lines[0].indent !== 0) bail();
      const [value, end] = block(lines, 0, 0);
      if (end !== lines.length) bail();
      return value;
    });
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
