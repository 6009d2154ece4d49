// Version ordering per OSV ecosystem. Pure.
import * as semver from 'semver';
import { lookupTable } from '../core/lookup';
import { comparePep440 } from './pep440';

export type Compare = (a: string, b: string) => number;

/**
 * Fallback ordering for ecosystems without a dedicated comparator (and for versions a dedicated
 * one cannot parse): the version is split into runs of digits and of other characters; digit
 * runs compare as numbers, other runs as strings, and `~` sorts before everything (as in Debian),
 * so 1.0~rc1 < 1.0 < 1.0.1 and 1.10 > 1.9. A leading `v` is ignored. It is right for plain
 * dotted versions and a fair approximation for the rest.
 */
export function compareGeneric(a: string, b: string): number {
  const tok = (s: string): string[] => s.replace(/^v(?=\d)/i, '').match(/\d+|~|[^\d~]+/g) ?? [];
  const x = tok(a);
  const y = tok(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === undefined) return q === '~' ? 1 : -1;
    if (q === undefined) return p === '~' ? -1 : 1;
    if (p === '~') return -1;
    if (q === '~') return 1;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) {
      const d = BigInt(p) - BigInt(q);
      if (d !== 0n) return d < 0n ? -1 : 1;
      continue;
    }
    // A number sorts after a separator or letters (1.0.1 > 1.0-rc).
    if (pn) return 1;
    if (qn) return -1;
    return p < q ? -1 : 1;
  }
  return 0;
}

// Parsing dominates matching time (every package version is compared with every bound of its
// advisories), and the same strings recur: parse each once. Bounded so a long run cannot grow it
// without limit.
const SEMVER_CACHE = new Map<string, semver.SemVer | null>();
const SEMVER_CACHE_MAX = 100_000;

function semverOf(v: string): semver.SemVer | null {
  let parsed = SEMVER_CACHE.get(v);
  if (parsed === undefined) {
    // Go module versions carry a leading v; semver's loose mode accepts it and "=1.2.3".
    parsed = semver.parse(v.trim(), { loose: true });
    if (SEMVER_CACHE.size >= SEMVER_CACHE_MAX) SEMVER_CACHE.clear();
    SEMVER_CACHE.set(v, parsed);
  }
  return parsed;
}

/** Semantic Versioning 2.0 order (prereleases before their release); build metadata ignored. */
export function compareSemver(a: string, b: string): number {
  const x = semverOf(a);
  const y = semverOf(b);
  if (x && y) return x.compare(y);
  return compareGeneric(a, b);
}

export function comparePypi(a: string, b: string): number {
  return comparePep440(a, b) ?? compareGeneric(a, b);
}

/** Base ecosystem of an OSV ecosystem string, lower-cased: "Debian:11" → "debian". */
export function baseEcosystem(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return (i === -1 ? ecosystem : ecosystem.slice(0, i)).toLowerCase();
}

/**
 * The comparator for ECOSYSTEM ranges: npm and Go (and crates.io, Hex, Pub, which use SemVer)
 * compare as semver, PyPI by PEP 440, every other ecosystem by the generic fallback above.
 */
export function ecosystemComparator(ecosystem: string): Compare {
  switch (baseEcosystem(ecosystem)) {
    case 'npm':
    case 'go':
    case 'crates.io':
    case 'hex':
    case 'pub':
      return compareSemver;
    case 'pypi':
      return comparePypi;
    default:
      return compareGeneric;
  }
}

const PURL_TO_OSV = lookupTable<string>({
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  go: 'Go',
  cargo: 'crates.io',
  maven: 'Maven',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  pub: 'Pub',
  hex: 'Hex',
  deb: 'Debian',
  apk: 'Alpine',
  swift: 'SwiftURL',
});

/** OSV ecosystem name for a package's ecosystem given as a purl type (or already in OSV spelling). */
export function osvEcosystem(ecosystem: string): string {
  return PURL_TO_OSV[ecosystem.toLowerCase()] ?? ecosystem;
}

// A lockfile's thousands of packages name a handful of ecosystems: resolve each spelling once.
const BASES = new Map<string, string>();

function baseOf(ecosystem: string): string {
  let base = BASES.get(ecosystem);
  if (base === undefined) {
    base = baseEcosystem(osvEcosystem(ecosystem));
    // Spellings come from advisories too: bounded.
    if (BASES.size < 1000) BASES.set(ecosystem, base);
  }
  return base;
}

function nameIn(base: string, name: string): string {
  return base === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/** Name as OSV compares it: PyPI names per PEP 503; others are case-sensitive. */
export function normalizeName(ecosystem: string, name: string): string {
  return nameIn(baseOf(ecosystem), name);
}

/** The index key that links a package to the advisories about it. */
export function packageIndexKey(ecosystem: string, name: string): string {
  const base = baseOf(ecosystem);
  return `${base}/${nameIn(base, name)}`;
}
