// The OSV matcher: advisories indexed by ecosystem + normalized package name, each package
// looked up once (never packages × advisories). Pure.
import { makeFinding, type Finding } from '../core/finding';
import { lookupTable } from '../core/lookup';
import { matchAffected } from './ranges';
import { groupSeverity } from './severity';
import type { OsvAdvisory, OsvAffected } from './schema';
import type { OsvPackage } from './types';
import { baseEcosystem, osvEcosystem, packageIndexKey } from './versions';

export const OSV_TOOL = 'osv';

interface IndexEntry {
  advisory: OsvAdvisory;
  affected: OsvAffected;
}

export interface AdvisoryIndex {
  byPackage: Map<string, IndexEntry[]>;
  byId: Map<string, OsvAdvisory>;
  /** Advisories by each id they name as an alias: with byId, an advisory's alias group. */
  byAlias: Map<string, OsvAdvisory[]>;
  /** Advisories indexed (withdrawn ones excluded). */
  count: number;
  withdrawn: number;
}

export function emptyIndex(): AdvisoryIndex {
  return { byPackage: new Map(), byId: new Map(), byAlias: new Map(), count: 0, withdrawn: 0 };
}

/** Adds advisories to an index. A later copy of an id (e.g. a newer export) replaces none: first wins. */
export function addToIndex(index: AdvisoryIndex, advisories: Iterable<OsvAdvisory>): AdvisoryIndex {
  for (const a of advisories) {
    if (a.withdrawn) {
      index.withdrawn++;
      continue;
    }
    if (index.byId.has(a.id)) continue;
    index.byId.set(a.id, a);
    index.count++;
    for (const alias of a.aliases ?? []) {
      const list = index.byAlias.get(alias);
      if (list) list.push(a);
      else index.byAlias.set(alias, [a]);
    }
    for (const affected of a.affected ?? []) {
      if (!affected.package) continue;
      const key = packageIndexKey(affected.package.ecosystem, affected.package.name);
      let list = index.byPackage.get(key);
      if (!list) index.byPackage.set(key, (list = []));
      list.push({ advisory: a, affected });
    }
  }
  return index;
}

export function buildIndex(advisories: Iterable<OsvAdvisory>): AdvisoryIndex {
  return addToIndex(emptyIndex(), advisories);
}

const OSV_TO_PURL = lookupTable<string>({
  npm: 'npm',
  pypi: 'pypi',
  go: 'golang',
  'crates.io': 'cargo',
  maven: 'maven',
  rubygems: 'gem',
  nuget: 'nuget',
  packagist: 'composer',
  pub: 'pub',
  hex: 'hex',
  debian: 'deb',
  alpine: 'apk',
});

/** The purl type the finding model uses for a package's ecosystem. */
export function purlType(ecosystem: string): string {
  const base = baseEcosystem(osvEcosystem(ecosystem));
  return OSV_TO_PURL[base] ?? base;
}

function cwesOf(advisory: OsvAdvisory, affected: OsvAffected[]): string[] {
  const out: string[] = [];
  const ids = advisory.database_specific?.cwe_ids;
  if (Array.isArray(ids)) for (const c of ids) if (typeof c === 'string') out.push(c);
  for (const a of affected) {
    const list = a.database_specific?.cwes;
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const id = (c as { cweId?: unknown } | null)?.cweId;
      if (typeof id === 'string') out.push(id);
    }
  }
  return [...new Set(out)].sort();
}

function titleOf(advisory: OsvAdvisory): string {
  if (advisory.summary?.trim()) return advisory.summary.trim();
  const first = advisory.details?.trim().split('\n')[0]?.trim();
  if (first) return first.length > 200 ? `${first.slice(0, 197)}...` : first;
  return advisory.id;
}

function urlOf(advisory: OsvAdvisory): string {
  const refs = advisory.references ?? [];
  const ref = refs.find((r) => r.type === 'ADVISORY') ?? refs.find((r) => r.type === 'WEB');
  return ref?.url ?? `https://osv.dev/vulnerability/${encodeURIComponent(advisory.id)}`;
}

/**
 * The other records of an advisory's alias group: those it names as aliases, and those that
 * name it or one of its aliases (a GO- record and the GHSA- record of the same CVE).
 */
export function aliasGroup(advisory: OsvAdvisory, index: Pick<AdvisoryIndex, 'byId' | 'byAlias'>): Set<OsvAdvisory> {
  const group = new Set<OsvAdvisory>();
  for (const id of [advisory.id, ...(advisory.aliases ?? [])]) {
    const named = index.byId.get(id);
    if (named) group.add(named);
    for (const a of index.byAlias.get(id) ?? []) group.add(a);
  }
  return group;
}

/** The finding for one package affected by one advisory (`affected`: the entries that matched). */
export function osvFinding(pkg: OsvPackage, advisory: OsvAdvisory, affected: OsvAffected[], fixed: string[], group: Iterable<OsvAdvisory> = []): Finding {
  const sev = groupSeverity(advisory, affected[0], group);
  const cwes = cwesOf(advisory, affected);
  return makeFinding({
    tool: OSV_TOOL,
    kind: 'vulnerability',
    severity: sev.severity,
    id: advisory.id,
    aliases: advisory.aliases ?? [],
    title: titleOf(advisory),
    ...(advisory.details ? { description: advisory.details } : {}),
    package: {
      ...(pkg.purl ? { purl: pkg.purl } : {}),
      ecosystem: purlType(pkg.ecosystem),
      name: pkg.name,
      version: pkg.version,
      fixedVersions: fixed,
    },
    location: { path: pkg.path },
    ...(sev.cvssScore !== undefined ? { cvssScore: sev.cvssScore } : {}),
    ...(cwes.length ? { cwes } : {}),
    url: urlOf(advisory),
  });
}

/** Findings for one package against the index. */
export function matchPackage(pkg: OsvPackage, index: AdvisoryIndex): Finding[] {
  const entries = index.byPackage.get(packageIndexKey(pkg.ecosystem, pkg.name));
  if (!entries) return [];
  // One advisory may list the same package in several `affected` entries: one finding.
  const hits = new Map<string, { advisory: OsvAdvisory; affected: OsvAffected[]; fixed: string[] }>();
  for (const { advisory, affected } of entries) {
    const m = matchAffected(pkg.version, affected, affected.package?.ecosystem ?? pkg.ecosystem);
    if (!m.affected) continue;
    const h = hits.get(advisory.id);
    if (h) {
      h.affected.push(affected);
      h.fixed.push(...m.fixed);
    } else hits.set(advisory.id, { advisory, affected: [affected], fixed: [...m.fixed] });
  }
  return [...hits.values()].map((h) => osvFinding(pkg, h.advisory, h.affected, h.fixed, aliasGroup(h.advisory, index)));
}

function packageKey(p: OsvPackage): string {
  return `${packageIndexKey(p.ecosystem, p.name)}@${p.version}\n${p.path}`;
}

/** Findings for all packages, one lookup each; duplicate packages (same lockfile) count once. */
export function matchPackages(packages: Iterable<OsvPackage>, index: AdvisoryIndex): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const p of packages) {
    const k = packageKey(p);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(...matchPackage(p, index));
  }
  return out.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
}

/** Ecosystems the index has advisories for (lower-cased base names), for notes. */
export function indexedEcosystems(index: AdvisoryIndex): string[] {
  return [...new Set([...index.byPackage.keys()].map((k) => k.slice(0, k.indexOf('/'))))].sort();
}

/**
 * Findings for advisory ids an online source (the OSV API) already matched to a package. The API
 * is trusted on whether the version is affected (it also resolves GIT ranges we cannot); the
 * advisory supplies severity, aliases and the fixed versions later than the installed one.
 */
export function findingsForMatchedIds(pkg: OsvPackage, ids: string[], advisories: Map<string, OsvAdvisory>): Finding[] {
  const key = packageIndexKey(pkg.ecosystem, pkg.name);
  // The API answers with every record that matched (GO- and GHSA- alike): their alias groups.
  const byAlias = new Map<string, OsvAdvisory[]>();
  for (const id of ids) {
    const a = advisories.get(id);
    for (const alias of a?.aliases ?? []) byAlias.set(alias, [...(byAlias.get(alias) ?? []), a as OsvAdvisory]);
  }
  const out: Finding[] = [];
  for (const id of ids) {
    const advisory = advisories.get(id);
    if (!advisory || advisory.withdrawn) continue;
    const entries = (advisory.affected ?? []).filter((a) => a.package && packageIndexKey(a.package.ecosystem, a.package.name) === key);
    const matched: OsvAffected[] = [];
    const fixed: string[] = [];
    for (const a of entries) {
      const m = matchAffected(pkg.version, a, a.package?.ecosystem ?? pkg.ecosystem);
      if (!m.affected) continue;
      matched.push(a);
      fixed.push(...m.fixed);
    }
    out.push(osvFinding(pkg, advisory, matched.length ? matched : entries, fixed, aliasGroup(advisory, { byId: advisories, byAlias })));
  }
  return out;
}
