// Config files written as JSON (VEX documents nearly always are) are read with JSON.parse: the
// yaml library needs about 2 s and 160 MB for 1 MB of JSON. JSON.parse alone would take the last
// of two equal keys silently (YAML refuses them; a reviewer reads the first), so one linear scan
// of the text refuses duplicate keys and deep nesting, and finds the line of a path for messages.
// Pure.

export interface JsonProblem {
  message: string;
  line: number;
}

interface Frame {
  isObject: boolean;
  keys?: Set<string>;
  /** The key of the current member, or the index of the current item. */
  at: string | number;
  expectingKey: boolean;
}

interface ScanResult {
  problem?: JsonProblem;
  /** Line of the deepest value found along `target`, and how many of its steps matched. */
  line: number;
  matched: number;
  /** Lines of the items of the list at `target`. */
  items: number[];
}

/** Scans text that JSON.parse accepted. */
function scan(text: string, maxDepth: number, target?: readonly PropertyKey[]): ScanResult {
  const stack: Frame[] = [];
  let line = 1;
  let best = { line: 1, matched: 0, items: [] as number[] };
  const atValue = () => {
    if (!target) return;
    let n = 0;
    while (n < stack.length && n < target.length && String(stack[n].at) === String(target[n])) n++;
    if (n === stack.length && n > best.matched) best = { ...best, line, matched: n };
    if (n === target.length && stack.length === n + 1 && !stack[n].isObject) best.items.push(line);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '\n') line++;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.isObject && top.expectingKey) {
        const raw = text.slice(i, j + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys!.has(key)) return { problem: { message: 'a key appears twice in one object: keys must be unique', line }, ...best };
        top.keys!.add(key);
        top.at = key;
        top.expectingKey = false;
      } else atValue();
      i = j;
    } else if (c === '{' || c === '[') {
      atValue();
      if (stack.length >= maxDepth) return { problem: { message: `nested more than ${maxDepth} levels deep`, line }, ...best };
      stack.push(c === '{' ? { isObject: true, keys: new Set(), at: '', expectingKey: true } : { isObject: false, at: 0, expectingKey: false });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      if (top.isObject) top.expectingKey = true;
      else (top.at as number)++;
    } else if (c !== ':' && c !== ' ' && c !== '\t' && c !== '\r') {
      // A number, true, false or null: skip to its end.
      atValue();
      while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1])) i++;
    }
  }
  return best;
}

export interface JsonText {
  value: unknown;
  /** The line of the value at `path` (or of the deepest part of it that exists). */
  lineOf(path: readonly PropertyKey[]): number;
  /** The lines of the items of the list at `path`, in one pass. */
  itemLines(path: readonly PropertyKey[]): number[];
}

/**
 * The value of `text` when it is JSON (an object or array at the top), else undefined; throws
 * nothing for text that is not JSON. A duplicate key or nesting deeper than `maxDepth` is
 * returned as a problem with its line.
 */
export function readJson(text: string, maxDepth: number): JsonText | JsonProblem | undefined {
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { problem } = scan(text, maxDepth);
  if (problem) return problem;
  return { value, lineOf: (path) => scan(text, Number.MAX_SAFE_INTEGER, path).line, itemLines: (path) => scan(text, Number.MAX_SAFE_INTEGER, path).items };
}

export function isJsonProblem(r: JsonText | JsonProblem): r is JsonProblem {
  return 'message' in r;
}
