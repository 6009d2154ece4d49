// The fields of a yarn berry lockfile that chaingate uses, read line by line without building
// the YAML tree. Pure.
//
// Why not the YAML reader (lockfile-yaml.ts, itself there because js-yaml's cold parse costs a
// third of a run): on jest's 877 KB yarn.lock (2,295 entries) it still took 23 ms of the 46 ms
// parse in `node bench/audit-osv.mjs 5 jest` (a --cpu-prof of the audit), building a line object
// per line, a 2,295-key object in dictionary mode and every field's value, for an audit that is
// 0.47x osv-scanner's speed. Berry writes a narrow subset: top-level keys, mappings two levels
// deep, quoted or plain scalars. This walks those lines with indexOf and keeps version,
// resolution and dependencies; every other line is still checked to be in the subset (the
// YAML reader's own helpers decide each key and value), and anything else, duplicate keys
// included, returns undefined so the caller reads the file as YAML, which gives the same entries
// or the error with its line. A test holds the entries equal to the YAML reading's on every
// public berry lockfile.
import { bail, forget, outsideSubset, readKey, readValue, Unsupported, valueStart } from './lockfile-yaml';

export interface BerryEntry {
  /** The top-level key: descriptors separated by ", ". */
  key: string;
  /** Its line (1-based), when read here. */
  line?: number;
  version?: string;
  resolution?: string;
  /** name, range, name, range...: the `dependencies` mapping in order. */
  deps: string[];
}

export interface BerryLockfile {
  metadata: Record<string, unknown>;
  entries: BerryEntry[];
}

/** Whether `key` could change the order of an object's keys (an array index) in the YAML reading. */
const indexLike = (key: string): boolean => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57;
};

const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);

/** The one-line scalar in text[v, end), as the YAML reading gives it (a flow collection is left to that reading). */
function scalar(text: string, v: number, end: number): unknown {
  const c = text.charCodeAt(v);
  if (c === 123 || c === 91) bail();
  return readValue(text, v, end);
}

/** A key not seen before in `keys` (a small mapping: linear). */
function fresh(keys: string[], key: string): void {
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) bail();
  keys.push(key);
}

/** The fields berry writes under an entry, as bits: a repeated one is a duplicate key. */
function fieldBit(key: string): number {
  switch (key) {
    case 'version':
      return 1;
    case 'resolution':
      return 2;
    case 'dependencies':
      return 4;
    case 'checksum':
      return 8;
    case 'languageName':
      return 16;
    case 'linkType':
      return 32;
    case 'peerDependencies':
      return 64;
    case 'peerDependenciesMeta':
      return 128;
    case 'dependenciesMeta':
      return 256;
    case 'bin':
      return 512;
    case 'conditions':
      return 1024;
    default:
      return 0;
  }
}

/**
 * The value in text[v, end) (`backslash`, `comment`: the next backslash and " #" in the text).
 * A quoted string without escapes, and a plain one starting with a digit and holding two dots
 * (a version: no number of the core schema has two dots), are read here.
 */
function value(text: string, v: number, end: number, backslash: number, comment: number): unknown {
  const c = text.charCodeAt(v);
  if (c === 34) {
    const q = text.indexOf('"', v + 1);
    if (q === end - 1 && (backslash < 0 || backslash > q)) return text.slice(v + 1, q);
  } else if (c >= 48 && c <= 57 && (comment < 0 || comment >= end) && text.charCodeAt(end - 1) !== 58) {
    const dot = text.indexOf('.', v);
    const dot2 = dot < 0 ? -1 : text.indexOf('.', dot + 1);
    const colon = text.indexOf(': ', v);
    if (dot2 >= 0 && dot2 < end && (colon < 0 || colon >= end)) return text.slice(v, end);
  }
  return scalar(text, v, end);
}

/** Checks that a value nothing uses is a one-line scalar, building it only where that takes the YAML reader. */
function skip(text: string, v: number, end: number, backslash: number): void {
  const c = text.charCodeAt(v);
  if (c === 34) {
    const q = text.indexOf('"', v + 1);
    if (q === end - 1 && (backslash < 0 || backslash > q)) return;
  } else if (isLetter(c) || (c >= 48 && c <= 57) || c === 46 || c === 47) {
    // A plain scalar of any type: no ": " (a mapping) and no final ":" in it.
    const colon = text.indexOf(': ', v);
    if ((colon < 0 || colon >= end) && text.charCodeAt(end - 1) !== 58) return;
  }
  scalar(text, v, end);
}

/** The entries of a berry lockfile, or undefined when it is not the subset this reads. */
export function readBerryLockfile(text: string): BerryLockfile | undefined {
  try {
    return read(text);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  } finally {
    forget();
  }
}

// Cold code: it runs once per process, mostly before the JIT has optimized it, so the common
// line shapes (`"key":`, `key: "value"`, `key: plain`) are taken apart here with indexOf on the
// whole text, one slice per string kept; any other shape goes through the YAML reader's helpers.
function read(text: string): BerryLockfile {
  if (outsideSubset(text)) bail();
  const entries: BerryEntry[] = [];
  const seen = new Set<string>();
  let metadata: Record<string, unknown> = {};
  // The node being read: an entry, or __metadata (inMeta).
  let inMeta = false;
  let entry: BerryEntry | undefined;
  // The current top-level node: its known keys as bits, the others, and whether it has a line yet.
  let bits = 0;
  const fields: string[] = [];
  let open = false;
  // The field whose mapping the indent-4 lines belong to: 0 none, 1 dependencies, 2 another.
  let mapOf = 0;
  const mapKeys: string[] = [];
  // An indent-4 key with a mapping under it (dependenciesMeta, peerDependenciesMeta).
  let subOpen = false;
  const subKeys: string[] = [];
  // The next backslash and " #" at or after the current line, -1 when there is none: found once
  // per occurrence rather than searched for on every line.
  let backslash = text.indexOf('\\');
  let comment = text.indexOf(' #');
  let lineNo = 0;
  let start = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const next = end + 1;
    lineNo++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    let first = start;
    while (first < end && text.charCodeAt(first) === 32) first++;
    const indent = first - start;
    start = next;
    if (first === end || text.charCodeAt(first) === 35) continue;
    while (text.charCodeAt(end - 1) === 32) end--;
    if (backslash >= 0 && backslash < first) backslash = text.indexOf('\\', first);
    if (comment >= 0 && comment < first) comment = text.indexOf(' #', first);

    // The key, and where its value starts (v): common shapes here, the others by the YAML reader.
    let key: string | undefined;
    let v = end;
    const c0 = text.charCodeAt(first);
    if (c0 === 34) {
      const q = text.indexOf('"', first + 1);
      if (q > first && q < end && (backslash < 0 || backslash > q) && text.charCodeAt(q + 1) === 58) {
        key = text.slice(first + 1, q);
        v = q + 2;
        if (key === '__proto__') bail();
      }
    } else if (isLetter(c0)) {
      const colon = text.indexOf(':', first);
      if (colon > first && colon < end && text.charCodeAt(colon - 1) !== 32 && (colon + 1 === end || text.charCodeAt(colon + 1) === 32) && (comment < 0 || comment >= colon)) {
        key = text.slice(first, colon);
        v = colon + 1;
      }
    }
    if (key === undefined) {
      key = readKey(text, first, end);
      v = valueStart();
    } else while (v < end && text.charCodeAt(v) === 32) v++;
    const empty = v === end || text.charCodeAt(v) === 35;

    if (indent === 0) {
      // A node with no lines under it is null: not an entry the YAML reading would give.
      if ((entry || inMeta) && !open) bail();
      if (!empty || indexLike(key) || seen.has(key)) bail();
      seen.add(key);
      open = false;
      bits = 0;
      fields.length = 0;
      mapOf = 0;
      subOpen = false;
      inMeta = key === '__metadata';
      if (inMeta) {
        metadata = {};
        entry = undefined;
      } else {
        entry = { key, line: lineNo, version: undefined, resolution: undefined, deps: [] };
        entries.push(entry);
      }
      continue;
    }
    if (indent === 2) {
      if (!entry && !inMeta) bail();
      open = true;
      const bit = fieldBit(key);
      if (bit === 0) fresh(fields, key);
      else if (bits & bit) bail();
      else bits |= bit;
      subOpen = false;
      if (empty) {
        // __metadata holds scalars only.
        if (!entry) bail();
        mapOf = bit === 4 ? 1 : 2;
        mapKeys.length = 0;
        continue;
      }
      mapOf = 0;
      if (entry && bit === 1) {
        const x = value(text, v, end, backslash, comment);
        entry.version = typeof x === 'string' ? x : undefined;
      } else if (entry && bit === 2) {
        const x = value(text, v, end, backslash, comment);
        entry.resolution = typeof x === 'string' ? x : undefined;
      } else if (entry) skip(text, v, end, backslash);
      else metadata[key] = value(text, v, end, backslash, comment);
      continue;
    }
    if (indent === 4) {
      if (mapOf === 0) bail();
      if (mapOf === 1) {
        // A dependency's range is a scalar; names are checked against the entry's others.
        if (empty || indexLike(key)) bail();
        const deps = (entry as BerryEntry).deps;
        for (let j = 0; j < deps.length; j += 2) if (deps[j] === key) bail();
        deps.push(key, String(value(text, v, end, backslash, comment)));
        continue;
      }
      fresh(mapKeys, key);
      if (empty) {
        subOpen = true;
        subKeys.length = 0;
        continue;
      }
      subOpen = false;
      skip(text, v, end, backslash);
      continue;
    }
    if (indent === 6 && subOpen && !empty) {
      fresh(subKeys, key);
      skip(text, v, end, backslash);
      continue;
    }
    bail();
  }
  if ((entry || inMeta) && !open) bail();
  return { metadata, entries };
}
