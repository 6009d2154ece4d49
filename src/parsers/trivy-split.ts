// Finds the vulnerability lists in the bytes of a Trivy JSON report, so that the parser can read
// them a batch at a time. Pure.
//
// It works on the file's bytes, not on its text: only each batch is decoded, just before it is
// parsed, into a string that dies young. Decoding an 87 MB report whole took 45 ms and 21,000
// page faults, most of it for fresh memory, and held 87 MB more until the end. Every byte the
// pass looks for is ASCII, which in UTF-8 never occurs inside a character of more than one byte,
// so batch bounds never cut a character in two.
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

import { decodeText } from './util';

export interface TrivySplit {
  /** The report with the contents of every Results[i].Vulnerabilities array left out. */
  skeleton: string;
  /**
   * For Result i (in document order), [from, to) ranges of the bytes: `[` + the range + `]` is a
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

function skipSpace(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

function skipSpaceBack(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i--;
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
function nextElement(bytes: Buffer, from: number, after: number, before: number): number {
  for (let q = bytes.indexOf(FIRST_KEY, from); q >= 0 && q < before; q = bytes.indexOf(FIRST_KEY, q + 1)) {
    const brace = skipSpaceBack(bytes, q - 1);
    if (bytes[brace] !== OPEN_BRACE) continue;
    const comma = skipSpaceBack(bytes, brace - 1);
    if (comma <= after || bytes[comma] !== COMMA) continue;
    if (bytes[skipSpaceBack(bytes, comma - 1)] === CLOSE_BRACE) return comma;
  }
  return -1;
}

/**
 * The vulnerability lists of a Trivy report, or undefined when the text is not laid out as the
 * pass expects (the caller then parses it whole). `batchBytes` is the size a batch grows to.
 */
export function splitTrivy(bytes: Buffer, batchBytes = 64 << 10): TrivySplit | undefined {
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
  const n = bytes.length;
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  for (; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      // Where the string ends: the next quote that no odd number of backslashes escapes.
      let end = i;
      for (;;) {
        end = bytes.indexOf(QUOTE, end + 1);
        if (end < 0) return undefined;
        let k = end - 1;
        while (bytes[k] === BACKSLASH) k--;
        if (((end - 1 - k) & 1) === 0) break;
      }
      // Keys of the report (depth 1) and of a Result (depth 3) are what the pass looks for.
      if (depth === 1 || (depth === 3 && inResults)) {
        const after = skipSpace(bytes, end + 1);
        if (bytes[after] === COLON) {
          const key = bytes.toString('latin1', i + 1, end);
          // An escaped key may spell one of ours: leave such a report to JSON.parse.
          if (key.includes('\\')) return undefined;
          const value = skipSpace(bytes, after + 1);
          const opensList = bytes[value] === OPEN_BRACKET;
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
              let next = bytes.indexOf(NEXT_LIST, batchStart);
              if (next < 0) next = n;
              for (let comma; (comma = nextElement(bytes, batchStart + batchBytes, batchStart, next)) >= 0; batchStart = comma + 1) {
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
        if (skipSpace(bytes, batchStart) < i) list.push([batchStart, i]);
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
      else if (depth === 4 && listStart >= 0 && i - batchStart >= batchBytes) {
        list.push([batchStart, i]);
        batchStart = i + 1;
      }
    }
  }
  // Only white space may follow the report; anything else is JSON.parse's to explain.
  if (depth !== 0 || skipSpace(bytes, i + 1) !== n) return undefined;
  let skeleton = '';
  let from = 0;
  for (const [a, b] of cuts) {
    skeleton += decodeText(bytes, from, a);
    from = b;
  }
  skeleton += decodeText(bytes, from, n);
  return { skeleton, batches };
}
