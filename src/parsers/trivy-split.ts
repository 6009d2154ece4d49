// Finds the vulnerability lists in the text of a Trivy JSON report, so that the parser can read
// them a batch at a time. Pure.
//
// JSON.parse of a whole 50 MB report builds every object of it at once, and all of them outlive
// the young generation: the engine copies each one twice before the parser has even looked at
// it, which costs more than the parse. Read in batches of about 64 KB, each batch's objects
// become findings and die young, where collecting them costs nothing. 64 KB also keeps the text
// of a batch under the engine's 128 KB limit for an object of the young generation, whose pages
// are used over and over: a larger one gets fresh pages of its own, which the OS has to fault
// in (22,000 more page faults for an 87 MB report). Finding where the batches start takes one
// pass over the text (strings are skipped with indexOf), several times cheaper.
//
// The pass knows only as much JSON as it needs: where strings start and end, and the depth of
// braces and brackets. Anything it is not sure of (a duplicate or escaped key on the way, a
// document that does not end where it should) makes it give up, and the parser reads the report
// whole, which also gives the exact message for a broken one.
//
// Inside a list it does not even read every character: it jumps a batch ahead to the next
// vulnerability, `}, {"VulnerabilityID"` (Trivy writes that key first), with indexOf, and reads
// on character by character only where the list may end. Where it lands is not checked here:
// the parser reads every batch with JSON.parse and takes the split only if each one is a list of
// vulnerabilities, and that proves each landing was between two of them. A batch is text that
// parses on its own; the first starts where its list does, so each next one starts (and the one
// before ends) between two elements of the list, where the pass carries on reading as it was.
// A landing anywhere else (inside a string, a deeper object or a later list) leaves a batch that
// does not parse, and the report is read whole.

export interface TrivySplit {
  /** The report with the contents of every Results[i].Vulnerabilities array left out. */
  skeleton: string;
  /**
   * For Result i (in document order), [from, to) ranges of the text: `[` + the range + `]` is a
   * JSON array of consecutive vulnerabilities, and the ranges in order hold all of them.
   */
  batches: Map<number, [number, number][]>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

function skipSpaceBack(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i--;
  return i;
}

const FIRST_KEY = '"VulnerabilityID"';
/**
 * A list cannot go on past the next list's key. (A Result's first key, Target, would bound it
 * closer, but indexOf finds a short word at half the speed: 45 instead of 24 ms in 87 MB.)
 */
const NEXT_LIST = '"Vulnerabilities"';

/**
 * The comma of the first `}, {"VulnerabilityID"` whose key is at or after `from` and before
 * `before`, and whose comma is after `after`; -1 if there is none.
 */
function nextElement(text: string, from: number, after: number, before: number): number {
  for (let q = text.indexOf(FIRST_KEY, from); q >= 0 && q < before; q = text.indexOf(FIRST_KEY, q + 1)) {
    const brace = skipSpaceBack(text, q - 1);
    if (text.charCodeAt(brace) !== OPEN_BRACE) continue;
    const comma = skipSpaceBack(text, brace - 1);
    if (comma <= after || text.charCodeAt(comma) !== COMMA) continue;
    if (text.charCodeAt(skipSpaceBack(text, comma - 1)) === CLOSE_BRACE) return comma;
  }
  return -1;
}

/**
 * The vulnerability lists of a Trivy report, or undefined when the text is not laid out as the
 * pass expects (the caller then parses it whole). `batchChars` is the size a batch grows to.
 */
export function splitTrivy(text: string, batchChars = 64 << 10): TrivySplit | undefined {
  const batches = new Map<number, [number, number][]>();
  /** [from, to) ranges left out of the skeleton. */
  const cuts: [number, number][] = [];
  let depth = 0;
  let resultsSeen = false;
  let inResults = false;
  /** Index of the current element of Results. */
  let result = 0;
  let vulnsInResult = false;
  /** While inside a Vulnerabilities array: where it and the current batch start. */
  let listStart = -1;
  let batchStart = -1;
  let list: [number, number][] = [];
  const n = text.length;
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Where the string ends: the next quote that no odd number of backslashes escapes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return undefined;
        let k = end - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if (((end - 1 - k) & 1) === 0) break;
      }
      // Keys of the report (depth 1) and of a Result (depth 3) are what the pass looks for.
      if (depth === 1 || (depth === 3 && inResults)) {
        const after = skipSpace(text, end + 1);
        if (text.charCodeAt(after) === COLON) {
          const key = text.slice(i + 1, end);
          // An escaped key may spell one of ours: leave such a report to JSON.parse.
          if (key.includes('\\')) return undefined;
          const value = skipSpace(text, after + 1);
          const opensList = text.charCodeAt(value) === OPEN_BRACKET;
          if (depth === 1 && key === 'Results') {
            if (resultsSeen) return undefined;
            resultsSeen = true;
            if (opensList) {
              inResults = true;
              depth++;
              i = value;
              continue;
            }
          } else if (depth === 3 && key === 'Vulnerabilities') {
            if (vulnsInResult) return undefined;
            vulnsInResult = true;
            if (opensList) {
              depth++;
              listStart = batchStart = value + 1;
              list = [];
              // Batch by batch, as far as the next list at most (see the top of the file).
              let next = text.indexOf(NEXT_LIST, batchStart);
              if (next < 0) next = n;
              for (let comma; (comma = nextElement(text, batchStart + batchChars, batchStart, next)) >= 0; batchStart = comma + 1) {
                list.push([batchStart, comma]);
              }
              i = batchStart - 1;
              continue;
            }
          }
          i = after;
          continue;
        }
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 3 && inResults) vulnsInResult = false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 4 && listStart >= 0) {
        if (c !== CLOSE_BRACKET) return undefined;
        if (skipSpace(text, batchStart) < i) list.push([batchStart, i]);
        // Nothing after the comma that ended a batch: a trailing comma, which is not JSON.
        else if (list.length > 0) return undefined;
        if (list.length > 0) batches.set(result, list);
        cuts.push([listStart, i]);
        listStart = -1;
      } else if (depth === 2 && inResults) {
        inResults = false;
      }
      depth--;
      if (depth === 0) break;
    } else if (c === COMMA) {
      if (depth === 2 && inResults) result++;
      else if (depth === 4 && listStart >= 0 && i - batchStart >= batchChars) {
        list.push([batchStart, i]);
        batchStart = i + 1;
      }
    }
  }
  // Only white space may follow the report; anything else is JSON.parse's to explain.
  if (depth !== 0 || skipSpace(text, i + 1) !== n) return undefined;
  let skeleton = '';
  let from = 0;
  for (const [a, b] of cuts) {
    skeleton += text.slice(from, a);
    from = b;
  }
  skeleton += text.slice(from);
  return { skeleton, batches };
}
