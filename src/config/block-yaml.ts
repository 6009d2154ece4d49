// A reader for the plain block YAML that policy, exceptions and VEX files are written in:
// mappings, lists, one-line scalars and comments. It exists for speed: on a cold start the yaml
// library takes about 200 ms for 1,000 exceptions, this about 10 ms. Pure.
//
// It reads a strict subset and returns undefined for anything outside it (anchors, aliases,
// tags, block and multi-line scalars, flow mappings, nested flow lists, directives, tabs,
// duplicate keys, numbers other than plain integers, ...). The caller then reads the text with
// the yaml library, which also gives every error its position. Whatever this accepts, the yaml
// library reads as the same value (YAML 1.2 core schema): a differential test holds them equal
// on the repository's YAML files and on generated and mutated documents.

export interface BlockYaml {
  value: unknown;
  /** 1-based line of each item of every list in `value`. */
  itemLines: WeakMap<unknown[], number[]>;
  /** 1-based line of each key of every mapping in `value`. */
  keyLines: WeakMap<object, Map<string, number>>;
}

/** Lists and mappings nested deeper than this leave the subset (the caller refuses them): the
 * reader recurses once per level, and 3,000 levels would overflow the stack. */
export const BLOCK_MAX_DEPTH = 64;

/** Thrown inside the reader when the text leaves the subset; never escapes readBlockYaml. */
class Outside extends Error {}

const outside = (): never => {
  throw new Outside();
};

interface Line {
  /** 1-based line number. */
  no: number;
  indent: number;
  /** The line without its indentation; comments are removed later, where scalars end. */
  text: string;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** Characters a plain scalar may not start with here: YAML's indicators. (`-`, `?` and `:`
 * may start one when a non-space follows; those rare cases are left to the library.) */
const PLAIN_START = /^[^-?:,[\]{}#&*!|>'"%@`]/;
/** Decimal integers that are exact doubles, read as numbers. */
const INTEGER = /^(0|[1-9][0-9]{0,14})$/;
/** The other numbers of YAML 1.2's core schema (as the yaml library resolves them): left to it. */
const OTHER_NUMBER = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const KEYWORDS = new Map<string, unknown>([
  ['~', null],
  ['null', null],
  ['Null', null],
  ['NULL', null],
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** The text before a comment (` #` or a line that starts with `#`), trailing spaces removed. */
function uncommented(s: string): string {
  const hash = s.startsWith('#') ? 0 : s.indexOf(' #');
  return (hash < 0 ? s : s.slice(0, hash)).trimEnd();
}

function plain(s: string): unknown {
  if (KEYWORDS.has(s)) return KEYWORDS.get(s);
  if (INTEGER.test(s)) return Number(s);
  if (OTHER_NUMBER.some((re) => re.test(s))) outside();
  // `key: value` or a trailing `:` would be a nested mapping; YAML reads other cases as errors.
  if (!PLAIN_START.test(s) || s.includes(': ') || s.endsWith(':')) outside();
  return s;
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

const QUOTE_OR_ESCAPE = /["\\]/g;

/**
 * A quoted scalar at the start of `s`: its value and the rest of `s` after the closing quote.
 * Copied a run at a time, not a character at a time: appending characters one by one made a
 * rope node per character, tens of MB of garbage on a 1 MB exceptions file.
 */
function quoted(s: string): { value: string; rest: string } {
  let out = '';
  if (s[0] === "'") {
    for (let i = 1; ; ) {
      const j = s.indexOf("'", i);
      if (j < 0) return outside();
      out += s.slice(i, j);
      if (s[j + 1] !== "'") return { value: out, rest: s.slice(j + 1) };
      out += "'";
      i = j + 2;
    }
  }
  for (let i = 1; ; ) {
    QUOTE_OR_ESCAPE.lastIndex = i;
    const m = QUOTE_OR_ESCAPE.exec(s);
    if (m === null) return outside();
    out += s.slice(i, m.index);
    if (m[0] === '"') return { value: out, rest: s.slice(m.index + 1) };
    i = m.index + 1;
    const e = s[i];
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      const code = parseInt(s.slice(i + 1, i + 5), 16);
      if (code >= 0xd800 && code <= 0xdfff) outside();
      out += String.fromCharCode(code);
      i += 5;
    } else {
      out += ESCAPES[e] ?? outside();
      i += 1;
    }
  }
}

/** What may follow a scalar on its line: nothing, or spaces and a comment. */
function endOfValue(rest: string): void {
  if (rest !== '' && uncommented(rest) !== '') outside();
  if (rest !== '' && !/^\s/.test(rest)) outside();
}

/** `[a, "b", 'c']` on one line. */
function flowList(s: string): unknown[] {
  const out: unknown[] = [];
  let rest = s.slice(1).trimStart();
  if (rest.startsWith(']')) {
    endOfValue(rest.slice(1));
    return out;
  }
  for (;;) {
    let item: unknown;
    if (rest[0] === '"' || rest[0] === "'") {
      const q = quoted(rest);
      item = q.value;
      rest = q.rest.trimStart();
    } else {
      const m = /^[^,[\]{}#]*/.exec(rest) as RegExpExecArray;
      const text = m[0].trimEnd();
      if (text === '') outside();
      item = plain(text);
      rest = rest.slice(m[0].length);
    }
    out.push(item);
    if (rest[0] === ',') rest = rest.slice(1).trimStart();
    else if (rest[0] === ']') {
      endOfValue(rest.slice(1));
      return out;
    } else outside();
    // `[a, ]` and `[a, # ...` are left to the yaml library.
    if (rest === '' || rest[0] === ']' || rest[0] === '#') outside();
  }
}

/** A one-line value (after `key: ` or `- `). */
function scalar(s: string): unknown {
  if (s[0] === '"' || s[0] === "'") {
    const q = quoted(s);
    endOfValue(q.rest);
    return q.value;
  }
  if (s[0] === '[') return flowList(s);
  if (s.startsWith('{}')) {
    endOfValue(s.slice(2));
    return {};
  }
  return plain(uncommented(s));
}

class Reader {
  private i = 0;
  private depth = 0;
  readonly itemLines = new WeakMap<unknown[], number[]>();
  readonly keyLines = new WeakMap<object, Map<string, number>>();

  constructor(private readonly lines: Line[]) {}

  document(): unknown {
    if (this.lines.length === 0) outside();
    const value = this.block(this.lines[0].indent);
    if (this.i < this.lines.length) outside();
    return value;
  }

  private peek(): Line | undefined {
    return this.lines[this.i];
  }

  private static isItem(text: string): boolean {
    return text === '-' || text.startsWith('- ');
  }

  private block(indent: number): unknown {
    const first = this.peek() as Line;
    if (first.indent !== indent) outside();
    return Reader.isItem(first.text) ? this.list(indent) : this.mapping(indent, first.text);
  }

  /** The value after `key:` with nothing on its line: a block below, or null. */
  private nested(parentIndent: number): unknown {
    const next = this.peek();
    if (next === undefined || next.indent < parentIndent) return null;
    // A list may sit at its key's own indentation; anything else must be deeper.
    if (next.indent === parentIndent) return Reader.isItem(next.text) ? this.list(parentIndent) : null;
    return this.block(next.indent);
  }

  /** Every level of nesting passes through list() or mapping(). */
  private enter(): void {
    if (++this.depth > BLOCK_MAX_DEPTH) outside();
  }

  private list(indent: number): unknown[] {
    this.enter();
    const out: unknown[] = [];
    const lines: number[] = [];
    this.itemLines.set(out, lines);
    for (let line = this.peek(); line && line.indent === indent && Reader.isItem(line.text); line = this.peek()) {
      lines.push(line.no);
      const rest = line.text.slice(1);
      const body = rest.trimStart();
      this.i++;
      if (uncommented(body) === '') {
        const next = this.peek();
        out.push(next && next.indent > indent ? this.block(next.indent) : null);
      } else if (Reader.isItem(body)) {
        outside();
      } else if (/^[A-Za-z_][A-Za-z0-9_.-]*:(\s|$)/.test(body)) {
        // `- key: value` opens a mapping whose keys line up with this first one.
        out.push(this.mapping(indent + 1 + (rest.length - body.length), body, true));
      } else out.push(scalar(body));
    }
    const after = this.peek();
    if (after && after.indent > indent) outside();
    this.depth--;
    return out;
  }

  /** A mapping at `indent`; `firstText` is its first entry, already consumed when `inItem`. */
  private mapping(indent: number, firstText: string, inItem = false): Record<string, unknown> {
    this.enter();
    const out: Record<string, unknown> = {};
    const lines = new Map<string, number>();
    this.keyLines.set(out, lines);
    let text = firstText;
    let consumed = inItem;
    for (;;) {
      lines.set(text.slice(0, Math.max(0, text.indexOf(':'))), this.lines[consumed ? this.i - 1 : this.i].no);
      if (!consumed) this.i++;
      const colon = text.indexOf(':');
      if (colon < 0) outside();
      const key = text.slice(0, colon);
      const rest = text.slice(colon + 1);
      if (!KEY.test(key) || KEYWORDS.has(key) || (rest !== '' && !/^\s/.test(rest))) outside();
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') outside();
      const value = uncommented(rest.trimStart()) === '' ? this.nested(indent) : scalar(rest.trimStart());
      out[key] = value;
      const next = this.peek();
      if (next === undefined || next.indent < indent) {
        this.depth--;
        return out;
      }
      if (next.indent > indent || Reader.isItem(next.text)) outside();
      text = next.text;
      consumed = false;
    }
  }
}

/** The value of `text` when it is in the subset described above, else undefined. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined;
  const lines: Line[] = [];
  const raw = text.split('\n');
  for (let n = 0; n < raw.length; n++) {
    // CR LF ends a line as LF does; a CR anywhere else is left to the library.
    const l = n < raw.length - 1 && raw[n].endsWith('\r') ? raw[n].slice(0, -1) : raw[n];
    // Characters YAML does not allow or reads as breaks, tabs, and whitespace other than the
    // space (so that trimming here removes spaces only, as YAML does).
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u00a0\u1680\u180e\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\ufffe\uffff]/.test(l)) return undefined;
    const content = l.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    const indent = l.length - content.length;
    // Directives and document markers.
    if (content.startsWith('%') || content.startsWith('---') || content.startsWith('...')) return undefined;
    lines.push({ no: n + 1, indent, text: content });
  }
  const reader = new Reader(lines);
  try {
    return { value: reader.document(), itemLines: reader.itemLines, keyLines: reader.keyLines };
  } catch (e) {
    if (e instanceof Outside) return undefined;
    throw e;
  }
}
