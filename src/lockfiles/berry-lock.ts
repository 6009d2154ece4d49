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
import { bail, inlineValue, lineKey, lineRest, Unsupported } from './lockfile-yaml';

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

const DIGIT0 = 48;
const DIGIT9 = 57;

/** Whether `key` could change the order of an object's keys (an array index) in the YAML reading. */
const indexLike = (key: string): boolean => {
  const c = key.charCodeAt(0);
  return c >= DIGIT0 && c <= DIGIT9;
};

/** A one-line scalar, as the YAML reading gives it (a flow collection is left to that reading). */
function scalar(rest: string): unknown {
  const c = rest.charCodeAt(0);
  if (c === 123 || c === 91) bail();
  return inlineValue(rest);
}

/** A key not seen before in `keys` (a small mapping: linear). */
function fresh(keys: string[], key: string): void {
  for (let i = 0; i < keys.length; i++) if (keys[i] === key) bail();
  keys.push(key);
}

/** The entries of a berry lockfile, or undefined when it is not the subset this reads. */
export function readBerryLockfile(text: string): BerryLockfile | undefined {
  try {
    return read(text);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

function read(text: string): BerryLockfile {
  // A tab is white space to YAML in some places and content in others: the YAML reading decides.
  if (text.includes('\t')) bail();
  const entries: BerryEntry[] = [];
  const seen = new Set<string>();
  let metadata: Record<string, unknown> = {};
  // The node being read: an entry, or __metadata (inMeta).
  let inMeta = false;
  let entry: BerryEntry | undefined;
  // The current top-level node: its keys, and whether it has any line under it yet.
  let fields: string[] = [];
  let open = false;
  // The field whose mapping the indent-4 lines belong to: 0 none, 1 dependencies, 2 another.
  let mapOf = 0;
  let mapKeys: string[] = [];
  // An indent-4 key with a mapping under it (dependenciesMeta, peerDependenciesMeta).
  let subOpen = false;
  let subKeys: string[] = [];
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
    const t = text.slice(first, end);
    const key = lineKey(t);
    const rest = lineRest(t);
    const empty = rest === '' || rest.charCodeAt(0) === 35;
    if (indent === 0) {
      // A node with no lines under it is null: not an entry the YAML reading would give.
      if ((entry || inMeta) && !open) bail();
      if (!empty || indexLike(key) || seen.has(key)) bail();
      seen.add(key);
      open = false;
      fields = [];
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
      fresh(fields, key);
      subOpen = false;
      if (empty) {
        // __metadata holds scalars only.
        if (!entry) bail();
        mapOf = key === 'dependencies' ? 1 : 2;
        mapKeys = [];
        continue;
      }
      mapOf = 0;
      const v = scalar(rest);
      if (entry) {
        if (key === 'version') entry.version = typeof v === 'string' ? v : undefined;
        else if (key === 'resolution') entry.resolution = typeof v === 'string' ? v : undefined;
      } else metadata[key] = v;
      continue;
    }
    if (indent === 4) {
      if (mapOf === 0) bail();
      fresh(mapKeys, key);
      if (empty) {
        // A dependency's range is a scalar.
        if (mapOf === 1) bail();
        subOpen = true;
        subKeys = [];
        continue;
      }
      subOpen = false;
      const v = scalar(rest);
      if (mapOf === 1) {
        if (indexLike(key)) bail();
        (entry as BerryEntry).deps.push(key, String(v));
      }
      continue;
    }
    if (indent === 6 && subOpen && !empty) {
      fresh(subKeys, key);
      scalar(rest);
      continue;
    }
    bail();
  }
  if ((entry || inMeta) && !open) bail();
  return { metadata, entries };
}
