// Fuzzing the report layer: every real report under ../shared/fixtures, mutated, goes through
// what the gate does with a `--report` (parse, merge, evaluate, render: __tests__/helpers/ingest.ts)
// in-process. Seeded and bounded (fast-check), so a run is reproducible and short.
//
// What every case asserts:
//  1. Nothing throws but a FormatError (the gate turns it into a failed scanner: verdict
//     `incomplete`, exit 3), and every report renders.
//  2. No silent loss of findings. The oracle is about findings, not verdicts: a mutation may
//     legitimately change a severity (a digit of a CVSS score, a deleted optional rating), but
//     it must not make findings disappear while the report still reads as fine. So for the
//     structural mutations (a key renamed by one byte or in case, a key deleted, a value
//     replaced by one of another JSON type, the text truncated) a report that still parses must
//     keep every finding the original had, compared by kind and by id or alias (a renamed key
//     may drop an alias or a location, never the finding).
//     Two things a parser cannot tell from a genuine report are left out, each named below:
//     deleting a key the format itself leaves out when it is empty (Trivy's omitempty lists,
//     osv-scanner's vulnerabilities beside its groups), and cutting yarn 4's early NDJSON at a
//     line boundary (it has no closing record). A deleted record is a shorter report for the
//     same reason; it is caught only where the format counts its records (npm/pnpm metadata,
//     yarn's auditSummary), which the record deletions here check.
//  3. Byte flips and hostile strings (`__proto__`, lone surrogates, workflow commands, NUL, a
//     huge string) in any string field or key: only (1), since they change values, not shape.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Finding } from '../../src/core/finding';
import type { ReportTool } from '../../src/parsers/types';
import { ingest, type Ingested } from '../helpers/ingest';
import { FIXTURES } from '../helpers/paths';

const SEED = Number(process.env.CHAINGATE_FUZZ_SEED ?? 20261205);
/** Cases per fixture and property (about 40 fixtures, a few thousand ingests in all); CHAINGATE_FUZZ_SEED and CHAINGATE_FUZZ_RUNS widen a run by hand. */
const RUNS = Number(process.env.CHAINGATE_FUZZ_RUNS ?? 16);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Fixture {
  name: string;
  tool: ReportTool;
  ndjson: boolean;
  /** The parsed values: one for JSON, one per line for NDJSON. */
  values: Json[];
  text: string;
  base: Ingested;
}

const DIRS: Record<string, ReportTool> = {
  trivy: 'trivy',
  semgrep: 'semgrep',
  'npm-audit': 'npm-audit',
  'pnpm-audit': 'pnpm-audit',
  'yarn-audit': 'yarn-audit',
  'pip-audit': 'pip-audit',
  'osv-scanner': 'osv-scanner',
  grype: 'grype',
};

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const [dir, dirTool] of Object.entries(DIRS)) {
    for (const file of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (file.includes('cdx')) continue;
      const text = fs.readFileSync(path.join(FIXTURES, dir, file), 'utf8');
      const tool: ReportTool = file.includes('sarif') ? 'sarif' : dirTool;
      // osv-scanner may have log lines before its JSON; yarn writes a line after its object.
      const json = text.slice(/^\{/m.exec(text)?.index ?? 0);
      let values: Json[];
      let ndjson = false;
      try {
        values = [JSON.parse(json) as Json];
      } catch {
        ndjson = true;
        values = json.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Json);
      }
      out.push({ name: `${dir}/${file}`, tool, ndjson, values, text, base: ingest(tool, text) });
    }
  }
  return out;
}

const FIXTURE_LIST = fixtures();

function serialize(f: Fixture, values: Json[]): string {
  return f.ndjson ? `${values.map((v) => JSON.stringify(v)).join('\n')}\n` : JSON.stringify(values[0], null, 1);
}

/** Every place in the values: [value index, path of keys/indexes]. */
type Place = { at: number; path: (string | number)[] };

function places(values: Json[], want: (v: Json) => boolean): Place[] {
  const out: Place[] = [];
  const walk = (v: Json, at: number, p: (string | number)[]) => {
    if (want(v) && p.length > 0) out.push({ at, path: p });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, at, [...p, i]));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk(v[k], at, [...p, k]);
  };
  values.forEach((v, i) => walk(v, i, []));
  return out;
}

function parentOf(values: Json[], place: Place): { parent: Json[] | Record<string, Json>; key: string | number } {
  let v: Json = values[place.at];
  for (const k of place.path.slice(0, -1)) v = (v as Record<string, Json>)[k as string];
  return { parent: v as Record<string, Json>, key: place.path[place.path.length - 1] };
}

/** A copy of `o` with key `from` renamed to `to`, keeping the order of keys (an own `__proto__` stays a key). */
function renamed(o: Record<string, Json>, from: string, to: string): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(o)) Object.defineProperty(out, k === from ? to : k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return out;
}

function setAt(values: Json[], place: Place, make: (old: Json) => Json): Json[] {
  const copy = structuredClone(values);
  const { parent, key } = parentOf(copy, place);
  (parent as Record<string, Json>)[key as string] = make((parent as Record<string, Json>)[key as string]);
  return copy;
}

/** Renames a key of `obj` in place, keeping the order of its keys. */
function renameInPlace(obj: Record<string, Json>, from: string, to: string): void {
  const copy = renamed(obj, from, to);
  for (const k of Object.keys(obj)) delete obj[k];
  for (const k of Object.keys(copy)) Object.defineProperty(obj, k, { value: copy[k], enumerable: true, writable: true, configurable: true });
}

/** One-byte and case edits of a key: what a damaged or hand-edited report has. */
function editKey(key: string, n: number): string {
  const i = n % Math.max(1, key.length);
  switch (n % 5) {
    case 0:
      return key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase();
    case 1:
      return `${key.slice(0, i)}${key[i] === 'x' ? 'y' : 'x'}${key.slice(i + 1)}`;
    case 2:
      return `${key.slice(0, i)}${key.slice(i + 1)}`;
    case 3:
      return `${key.slice(0, i)} ${key.slice(i)}`;
    default:
      return `${key.slice(0, i)}${String.fromCharCode((key.charCodeAt(i) || 97) ^ 1)}${key.slice(i + 1)}`;
  }
}

/**
 * Keys each format itself omits when they are empty: deleting one is a genuine report of fewer
 * findings. Trivy writes its finding lists `omitempty` (and Results too); osv-scanner finds a
 * package's findings through its groups and its vulnerabilities alike (either yields them).
 */
const OMITTED_WHEN_EMPTY = new Set(['Results', 'Vulnerabilities', 'Misconfigurations', 'Secrets', 'Licenses', 'vulnerabilities', 'groups']);

function other(v: Json, n: number): Json {
  const choices: Json[] = [1, 'x', [], {}, true];
  const type = (x: Json) => (Array.isArray(x) ? 'array' : x === null ? 'null' : typeof x);
  const alts = choices.filter((c) => type(c) !== type(v));
  return alts[n % alts.length];
}

const HOSTILE = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '\ud800',
  'a\udfffb',
  '%0A::warning::pwned',
  '\n::warning file=x::pwned\r\n::add-mask::x',
  '\u0000',
  'x'.repeat(200_000),
  '../../../etc/passwd',
  '%E0%A4%A',
  '',
  ' ',
  'javascript:alert(1)',
  'CVE-2021-44228',
];

/** Does `m` still have finding `f` (same kind, and an id or alias in common)? */
function kept(f: Finding, m: Finding[]): boolean {
  const ids = new Set([f.id, ...f.aliases]);
  return m.some((g) => g.kind === f.kind && (ids.has(g.id) || g.aliases.some((a) => ids.has(a))));
}

/** Runs one mutated report; fails on anything but a FormatError. */
function run(f: Fixture, text: string): Ingested {
  try {
    return ingest(f.tool, text);
  } catch (e) {
    throw new Error(`${f.name}: ${(e as Error).name} ${(e as Error).message}\n${(e as Error).stack}`);
  }
}

function expectKept(f: Fixture, r: Ingested, what: string): void {
  if (r.error !== undefined) return;
  const lost = f.base.findings.filter((x) => !kept(x, r.findings));
  if (lost.length > 0) throw new Error(`${f.name}: ${what} read as a report without ${lost.length} of its findings (e.g. ${lost[0].id}), verdict ${r.result.verdict}`);
}

const options = (i: number) => ({ seed: SEED + i, numRuns: RUNS, endOnFailure: true });

describe.each(FIXTURE_LIST.map((f, i) => [f.name, f, i] as const))('%s', (_name, f, i) => {
  it('is read as it is (the baseline): only reports of a run that failed are rejected', () => {
    expect(f.base.error ?? 'read').toMatch(/^read$|the audit did not (run|complete)/);
  });

  it('keys renamed by a byte or in case, keys deleted, values of another type: error or every finding kept', () => {
    const keyPlaces = places(f.values, (v) => v !== undefined);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.constantFrom('rename', 'delete', 'swap'), (a, b, op) => {
        const place = keyPlaces[a % keyPlaces.length];
        const key = place.path[place.path.length - 1];
        let values: Json[];
        if (op === 'swap') {
          values = setAt(f.values, place, (old) => other(old, b));
        } else if (typeof key === 'number') {
          return; // array elements: see the record deletions below
        } else {
          values = structuredClone(f.values);
          const { parent } = parentOf(values, place);
          const obj = parent as Record<string, Json>;
          if (op === 'delete') {
            if (OMITTED_WHEN_EMPTY.has(key)) return;
            delete obj[key];
          } else {
            const to = editKey(key, b);
            if (to === key || Object.hasOwn(obj, to)) return;
            renameInPlace(obj, key, to);
          }
        }
        const r = run(f, serialize(f, values));
        expectKept(f, r, `${op} of ${JSON.stringify(place.path)}`);
      }),
      options(i),
    );
  });

  it('a record deleted where the format counts its records: error or every other finding kept', () => {
    // Records counted by a summary: npm/pnpm/yarn 2 advisories and npm 7 vulnerabilities
    // (metadata.vulnerabilities), yarn 1 advisory lines (auditSummary).
    const counted = f.values.some((v) => v !== null && typeof v === 'object' && ('metadata' in v || (v as Record<string, Json>).type === 'auditSummary'));
    if (!counted || f.base.findings.length === 0) return;
    const recordPlaces = f.ndjson
      ? f.values.map((v, at) => ({ at, path: [] as (string | number)[], line: (v as Record<string, Json>).type === 'auditAdvisory' })).filter((p) => p.line)
      : places(f.values, () => true).filter((p) => p.path.length === 2 && (p.path[0] === 'advisories' || p.path[0] === 'vulnerabilities'));
    fc.assert(
      fc.property(fc.nat(), (a) => {
        const place = recordPlaces[a % recordPlaces.length];
        const values = structuredClone(f.values);
        if (f.ndjson) values.splice(place.at, 1);
        else delete (parentOf(values, place).parent as Record<string, Json>)[place.path[1] as string];
        const r = run(f, serialize(f, values));
        // A summary that still adds up after the deletion (a duplicate path of one advisory) keeps its findings.
        expectKept(f, r, `deleting record ${JSON.stringify(place.path)} of line ${place.at + 1}`);
      }),
      options(i),
    );
  });

  it('the text truncated: error or every finding kept', () => {
    fc.assert(
      fc.property(fc.nat(), (a) => {
        const cut = a % f.text.length;
        const text = f.text.slice(0, cut);
        // yarn 4's early NDJSON has no closing record: cut after a whole line it is a shorter report.
        if (f.ndjson && !f.values.some((v) => (v as Record<string, Json>).type !== undefined) && (cut === 0 || f.text[cut - 1] === '\n')) return;
        const r = run(f, text);
        expectKept(f, r, `truncation at ${cut}`);
      }),
      options(i),
    );
  });

  it('bytes flipped: only typed errors', () => {
    const bytes = Buffer.from(f.text, 'utf8');
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (a, x) => {
        const copy = Buffer.from(bytes);
        copy[a % copy.length] ^= x;
        run(f, copy.toString('utf8'));
      }),
      options(i),
    );
  });

  it('hostile strings in any string field or as any key: only typed errors', () => {
    const strings = places(f.values, (v) => typeof v === 'string');
    const keys = places(f.values, () => true).filter((p) => typeof p.path[p.path.length - 1] === 'string');
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...HOSTILE), fc.boolean(), (a, s, asKey) => {
        let values: Json[];
        if (asKey && keys.length > 0) {
          const place = keys[a % keys.length];
          values = structuredClone(f.values);
          const { parent, key } = parentOf(values, place);
          const obj = parent as Record<string, Json>;
          if (Object.hasOwn(obj, s)) return;
          renameInPlace(obj, key as string, s);
        } else {
          if (strings.length === 0) return;
          values = setAt(f.values, strings[a % strings.length], () => s);
        }
        run(f, serialize(f, values));
      }),
      options(i),
    );
  });

  it('one hostile string in every string field at once: only typed errors', () => {
    for (const s of HOSTILE.filter((h) => h.length < 100)) {
      const values = structuredClone(f.values);
      for (const p of places(values, (v) => typeof v === 'string')) {
        const { parent, key } = parentOf(values, p);
        (parent as Record<string, Json>)[key as string] = s;
      }
      run(f, serialize(f, values));
    }
  });
});
