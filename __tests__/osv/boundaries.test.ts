// Table-driven boundary tests: for every bound of every range of every real advisory, versions
// just below, at and just above it, with the expected answer from an independent oracle
// (semver.satisfies for npm and Go ranges; interval membership by PEP 440 order for PyPI).
import * as semver from 'semver';
import { buildIndex, matchPackages } from '../../src/osv/matcher';
import type { OsvAdvisory, OsvAffected, OsvRange } from '../../src/osv/schema';
import { comparePypi } from '../../src/osv/versions';
import { allAdvisories } from './advisories';

type Eco = 'npm' | 'pypi' | 'go';

function ecoOf(a: OsvAffected): Eco {
  const e = a.package?.ecosystem;
  if (e === 'npm') return 'npm';
  if (e === 'PyPI') return 'pypi';
  if (e === 'Go') return 'go';
  throw new Error(`fixture ecosystem ${e} has no probe generator`);
}

function semverProbes(bound: string): { below: string[]; at: string[]; above: string[] } {
  const v = semver.parse(bound);
  if (!v) throw new Error(`bound ${bound} is not semver`);
  const prev = v.patch > 0 ? `${v.major}.${v.minor}.${v.patch - 1}` : v.minor > 0 ? `${v.major}.${v.minor - 1}.9999` : v.major > 0 ? `${v.major - 1}.9999.9999` : undefined;
  const release = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prerelease.length) {
    const last = v.prerelease[v.prerelease.length - 1];
    const head = v.prerelease.slice(0, -1).join('.');
    const pre = (n: number) => `${release}-${head ? `${head}.` : ''}${n}`;
    const below = typeof last === 'number' && last > 0 ? [pre(last - 1)] : prev ? [prev] : [];
    const above = typeof last === 'number' ? [pre(last + 1), release] : [`${bound}.1`, release];
    return { below, at: [bound], above };
  }
  // A prerelease of the bound sorts below it: 1.0.0-0 < 1.0.0.
  return { below: [...(prev ? [prev] : []), `${release}-0`, `${release}-beta.1`], at: [bound], above: [`${v.major}.${v.minor}.${v.patch + 1}`, `${v.major}.${v.minor + 1}.0-0`] };
}

function pypiProbes(bound: string): { below: string[]; at: string[]; above: string[] } {
  const parts = bound.split('.').map(Number);
  let i = parts.length - 1;
  while (i > 0 && parts[i] === 0) i--;
  const prev = parts[i] > 0 ? [...parts.slice(0, i), parts[i] - 1, 9999].join('.') : undefined;
  return {
    below: [...(prev ? [prev] : []), `${bound}rc1`, `${bound}b2`, `${bound}.dev0`],
    at: [bound, `${bound}.0`],
    above: [`${bound}.post1`, `${bound}.1`, `${bound}+local.1`],
  };
}

function probesFor(eco: Eco, bound: string) {
  return eco === 'pypi' ? pypiProbes(bound) : semverProbes(bound);
}

/** Intervals of a range, pairing events in the order they are listed. */
function intervals(r: OsvRange): { lo: string; hi?: string; inclusive: boolean }[] {
  const out: { lo: string; hi?: string; inclusive: boolean }[] = [];
  let lo: string | undefined;
  for (const e of r.events) {
    if (e.introduced !== undefined) lo = e.introduced;
    else if (lo !== undefined && (e.fixed ?? e.last_affected) !== undefined) {
      out.push({ lo, hi: (e.fixed ?? e.last_affected) as string, inclusive: e.fixed === undefined });
      lo = undefined;
    }
  }
  if (lo !== undefined) out.push({ lo, inclusive: false });
  return out;
}

function oracle(version: string, eco: Eco, entries: OsvAffected[]): boolean {
  return entries.some((a) => {
    if ((a.versions ?? []).includes(version)) return true;
    return (a.ranges ?? []).some((r) =>
      intervals(r).some(({ lo, hi, inclusive }) => {
        if (eco === 'pypi') {
          const geLo = lo === '0' || comparePypi(version, lo) >= 0;
          const ltHi = hi === undefined || (inclusive ? comparePypi(version, hi) <= 0 : comparePypi(version, hi) < 0);
          return geLo && ltHi;
        }
        const range = `>=${lo === '0' ? '0.0.0-0' : lo}${hi === undefined ? '' : ` ${inclusive ? '<=' : '<'}${hi}`}`;
        return semver.satisfies(version, range, { includePrerelease: true });
      }),
    );
  });
}

interface Case {
  advisory: OsvAdvisory;
  eco: Eco;
  name: string;
  version: string;
  where: string;
  expected: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const advisory of allAdvisories()) {
    const byName = new Map<string, OsvAffected[]>();
    for (const a of advisory.affected ?? []) {
      const k = a.package?.name as string;
      byName.set(k, [...(byName.get(k) ?? []), a]);
    }
    for (const [name, entries] of byName) {
      const eco = ecoOf(entries[0]);
      const bounds = new Set<string>();
      for (const a of entries) {
        for (const v of a.versions ?? []) bounds.add(v);
        for (const r of a.ranges ?? []) for (const e of r.events) for (const v of [e.introduced, e.fixed, e.last_affected]) if (v && v !== '0') bounds.add(v);
      }
      // Every range open from "0" also gets the very first versions.
      const probes: [string, string][] = eco === 'pypi' ? [['0.0.1', 'start'], ['0', 'start']] : [['0.0.0', 'start'], ['0.0.1-alpha', 'start']];
      for (const b of bounds) {
        const p = probesFor(eco, b);
        for (const [rel, list] of Object.entries(p)) for (const v of list) probes.push([v, `${rel} ${b}`]);
      }
      for (const [v, where] of probes) {
        const version = eco === 'go' ? `v${v}` : v;
        out.push({ advisory, eco, name, version, where, expected: !advisory.withdrawn && oracle(v, eco, entries) });
      }
    }
  }
  return out;
}

const CASES = cases();

describe('OSV matcher at the bounds of every real advisory range', () => {
  it('covers many cases with both outcomes, in every fixture ecosystem', () => {
    expect(CASES.length).toBeGreaterThan(500);
    expect(CASES.filter((c) => c.expected).length).toBeGreaterThan(150);
    expect(CASES.filter((c) => !c.expected).length).toBeGreaterThan(150);
    expect(new Set(CASES.map((c) => c.eco))).toEqual(new Set(['npm', 'pypi', 'go']));
  });

  it.each(CASES.map((c) => [c.advisory.id, c.name, c.version, c.where, c.expected, c] as const))(
    '%s %s@%s (%s) affected=%s',
    (_id, _name, _version, _where, expected, c) => {
      const ecosystem = c.eco === 'go' ? 'golang' : c.eco;
      const findings = matchPackages([{ ecosystem, name: c.name, version: c.version, path: 'lock' }], buildIndex([c.advisory]));
      expect(findings.map((f) => f.id)).toEqual(expected ? [c.advisory.id] : []);
      if (expected) {
        // Every fixed version reported is later than the installed one.
        const f = findings[0];
        for (const fx of f.package?.fixedVersions ?? []) {
          if (c.eco === 'pypi') expect(comparePypi(fx, c.version)).toBeGreaterThan(0);
          else expect(semver.gt(fx, c.version)).toBe(true);
        }
      }
    },
  );
});
