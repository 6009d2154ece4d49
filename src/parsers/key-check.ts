// Misspelled keys in a report. Pure.
//
// Report schemas are loose: tools add fields with every release, and a report must not fail for
// a field chaingate does not read. But a loose schema reads a report whose `packages` became
// `pacoages` or whose `Vulnerabilities` became `vulnerabilities` as one without findings, and the
// gate would pass. So every object of a report is checked for keys that are not the schema's
// but look like one of them (the same letters in another case or spacing, or one or two letters
// off): such a report is damaged or edited, and is rejected instead of read as clean. Keys that
// look like none of the schema's (a field a newer tool added) are fine.
import type { z } from 'zod';
import { plainValidator } from './conforms';

/** Lower-case letters and digits only: `Vulnerabilities`, `vulnerabilities` and `resul s` compare by this. */
function squeeze(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function digits(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

/** Optimal string alignment distance (Levenshtein plus swaps of neighbours), stopping past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The schema key `key` looks like a misspelling of, if any. */
export function lookalike(key: string, known: readonly string[]): string | undefined {
  const k = squeeze(key);
  for (const name of known) {
    const n = squeeze(name);
    if (k === n) return name;
    // Short names differ by design (id, ids, url, uri), and so do names that differ in a number
    // (V2Score, V3Score): only long ones that differ in letters are near misses.
    if (n.length < 5 || k.length < 4 || digits(k) !== digits(n)) continue;
    if (distance(k, n, n.length >= 8 ? 2 : 1) <= (n.length >= 8 ? 2 : 1)) return name;
  }
  return undefined;
}

/** A misspelled key: where, which, and the schema key it looks like. */
interface Problem {
  path: (string | number)[];
  key: string;
  like: string;
}

/** Finds a problem in a value; the path is built only for the one found, not for every value visited. */
type Walk = (v: unknown) => Problem | undefined;

function under(key: string | number, p: Problem | undefined): Problem | undefined {
  if (p !== undefined) p.path.unshift(key);
  return p;
}

interface Def {
  type: string;
  innerType?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  options?: Schema[];
  items?: Schema[];
}
interface Schema {
  _zod: { def: Def };
  safeParse(v: unknown): { success: boolean };
}

const cache = new WeakMap<object, Walk>();
const none: Walk = () => undefined;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function compile(s: Schema): Walk {
  const hit = cache.get(s);
  if (hit) return hit;
  // A schema that refers to itself checks nothing below the second visit, instead of recursing.
  cache.set(s, none);
  const walk = compileDef(s);
  cache.set(s, walk);
  return walk;
}

function objectWalk(shape: Record<string, Schema>): Walk {
  const names = Object.keys(shape);
  const known = new Set(names);
  // Only fields with something below them to check are walked into.
  const walks = new Map(names.map((n) => [n, compile(shape[n])] as const).filter(([, w]) => w !== none));
  // Keys seen in this kind of object and not the schema's, judged once (a report repeats them
  // in every entry); bounded, since the keys are the report's.
  const judged = new Map<string, string | null>();
  return (v) => {
    if (!isPlainObject(v)) return undefined;
    for (const k in v) {
      if (known.has(k)) {
        const walk = walks.get(k);
        const p = walk && under(k, walk(v[k]));
        if (p) return p;
        continue;
      }
      let like = judged.get(k);
      if (like === undefined) {
        if (judged.size >= 1000) judged.clear();
        judged.set(k, (like = lookalike(k, names) ?? null));
      }
      if (like !== null) return { path: [], key: k, like };
    }
    return undefined;
  };
}

function compileDef(s: Schema): Walk {
  const def = s._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
      return compile(def.innerType as Schema);
    case 'array': {
      const el = compile(def.element as Schema);
      if (el === none) return none;
      return (v) => {
        if (!Array.isArray(v)) return undefined;
        for (let i = 0; i < v.length; i++) {
          const p = under(i, el(v[i]));
          if (p) return p;
        }
        return undefined;
      };
    }
    case 'record': {
      const value = compile(def.valueType as Schema);
      if (value === none) return none;
      return (v) => {
        if (!isPlainObject(v)) return undefined;
        for (const k in v) {
          const p = under(k, value(v[k]));
          if (p) return p;
        }
        return undefined;
      };
    }
    case 'union': {
      const options = def.options as Schema[];
      const walks = options.map(compile);
      if (walks.every((w) => w === none)) return none;
      // The option the value is: the first that accepts it (validation has passed by now).
      const accepts = options.map((o) => plainValidator(o as unknown as z.ZodType) ?? ((v: unknown) => o.safeParse(v).success));
      return (v) => {
        const i = accepts.findIndex((a) => a(v));
        return i < 0 ? undefined : walks[i](v);
      };
    }
    case 'object':
      return objectWalk(def.shape as Record<string, Schema>);
    default:
      return none;
  }
}

/** The first key of `data` that looks like a misspelled key of `schema`, as a message; undefined for none. */
export function misspelledKey(schema: z.ZodType, data: unknown): string | undefined {
  const p = compile(schema as unknown as Schema)(data);
  if (p === undefined) return undefined;
  return `${p.path.length ? p.path.join('.') : '(root)'}: unexpected key ${JSON.stringify(p.key.slice(0, 40))} where ${JSON.stringify(p.like)} belongs`;
}
