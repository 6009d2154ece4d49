// Where and why text is not JSON, without quoting it. V8's JSON.parse messages copy the text
// near the error (`Unexpected token 'g', "ghp_Canary"... is not valid JSON`), and a "report" can
// be any file (a token, /etc/passwd through a symlink): a message names the line, the column
// and the kind of problem, never the content. Pure; only reached once JSON.parse has failed.

export interface JsonProblem {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units like an editor's column. */
  column: number;
  problem: string;
}

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function position(text: string, offset: number, problem: string): JsonProblem {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1, problem };
}

/**
 * The first syntax error of `text` as RFC 8259 reads it, or undefined when it is JSON (then
 * JSON.parse failed for another reason, such as nesting too deep). Iterative: any depth.
 */
export function findJsonProblem(text: string): JsonProblem | undefined {
  const stack: string[] = [];
  let expect: Expect = 'value';
  let i = 0;
  const fail = (problem: string, at = i) => position(text, at, problem);
  const afterValue = (): Expect => (stack.length ? 'comma-or-close' : 'end');
  /** Reads the string at i; a problem, or undefined with i past its closing quote. */
  const string = (): JsonProblem | undefined => {
    const start = i++;
    for (;;) {
      if (i >= text.length) return fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(text)) return fail('invalid escape sequence in a string');
        i = ESCAPE.lastIndex;
      } else if (c < 0x20) {
        return fail('control character (such as a line break) inside a string');
      } else i++;
    }
  };
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) return expect === 'end' ? undefined : fail('unexpected end of the file (truncated?)');
    const c = text[i];
    if (c === '\ufeff') return fail('unexpected byte order mark (BOM)');
    switch (expect) {
      case 'end':
        return fail('unexpected text after the end of the JSON value');
      case 'colon':
        if (c !== ':') return fail("expected ':' after a property name");
        i++;
        expect = 'value';
        break;
      case 'comma-or-close': {
        const open = stack[stack.length - 1];
        if (c === ',') {
          i++;
          expect = open === '{' ? 'key' : 'value';
        } else if (c === (open === '{' ? '}' : ']')) {
          i++;
          stack.pop();
          expect = afterValue();
        } else return fail(`expected ',' or '${open === '{' ? '}' : ']'}'`);
        break;
      }
      case 'key':
      case 'key-or-close':
        if (c === '}' && expect === 'key-or-close') {
          i++;
          stack.pop();
          expect = afterValue();
          break;
        }
        if (c !== '"') return fail('expected a property name in double quotes');
        {
          const p = string();
          if (p) return p;
        }
        expect = 'colon';
        break;
      default: {
        if (c === ']' && expect === 'value-or-close') {
          i++;
          stack.pop();
          expect = afterValue();
        } else if (c === '{' || c === '[') {
          stack.push(c);
          i++;
          expect = c === '{' ? 'key-or-close' : 'value-or-close';
        } else if (c === '"') {
          const p = string();
          if (p) return p;
          expect = afterValue();
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const start = i;
          if (!NUMBER.test(text) || /[0-9.eE+-]/.test(text[NUMBER.lastIndex] ?? '')) return fail('malformed number', start);
          i = NUMBER.lastIndex;
          expect = afterValue();
        } else {
          const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
          if (!word) return fail('unexpected character');
          i += word.length;
          expect = afterValue();
        }
      }
    }
  }
}

/** A description of why JSON.parse failed on `text`, quoting none of it: "line 3 column 7: ...". */
export function describeJsonError(text: string, error: unknown): JsonProblem {
  const p = findJsonProblem(text);
  if (p) return p;
  // Valid syntax that V8 still refused: only a stack overflow on very deep nesting does that.
  return { line: 1, column: 1, problem: error instanceof RangeError ? 'nested too deeply to read' : 'not readable as JSON' };
}
