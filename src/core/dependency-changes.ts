// Dependency changes between a baseline and a change, per lockfile, and the `deny-packages`
// policy over them. Pure.
import picomatch from 'picomatch';
import semver from 'semver';
import { ecosystemComparator, osvEcosystem } from '../osv/versions';
import { makeFinding, packageKey, type Finding } from './finding';
import { packageIdentity } from './baseline';
import { parsePurl } from './purl-key';
import type { DependencyChange, DependencyRef } from './result';

/** The packages of one lockfile. */
export interface Inventory {
  lockfile: string;
  packages: DependencyRef[];
}

const byName = (a: { ecosystem: string; name: string }, b: { ecosystem: string; name: string }) =>
  a.ecosystem.localeCompare(b.ecosystem, 'en') || a.name.localeCompare(b.name, 'en');

/** The ids of the findings on each package (identity with version), for the change table. */
function findingIndex(findings: readonly Finding[]): Map<string, string[]> {
  const idx = new Map<string, string[]>();
  for (const f of findings) {
    if (!f.package) continue;
    const k = packageIdentity(f.package);
    const list = idx.get(k);
    if (!list) idx.set(k, [f.id]);
    else if (!list.includes(f.id)) list.push(f.id);
  }
  return idx;
}

/**
 * Added, removed and changed packages of each lockfile present on either side. A package is
 * its ecosystem and name; one that appears at several versions on one side changes when its
 * set of versions does (each version that is gone or new is listed).
 */
export function diffInventories(base: readonly Inventory[], head: readonly Inventory[], findings: readonly Finding[]): DependencyChange[] {
  const idx = findingIndex(findings);
  const ids = (p: DependencyRef) => [...(idx.get(packageIdentity(p)) ?? [])].sort();
  const files = [...new Set([...base.map((i) => i.lockfile), ...head.map((i) => i.lockfile)])].sort();
  const out: DependencyChange[] = [];
  for (const lockfile of files) {
    const group = (inv: Inventory | undefined) => {
      const m = new Map<string, DependencyRef[]>();
      for (const p of inv?.packages ?? []) {
        const k = packageKey({ ecosystem: p.ecosystem, name: p.name, fixedVersions: [] });
        const list = m.get(k);
        if (!list) m.set(k, [p]);
        else if (!list.some((x) => x.version === p.version)) list.push(p);
      }
      return m;
    };
    const before = group(base.find((i) => i.lockfile === lockfile));
    const after = group(head.find((i) => i.lockfile === lockfile));
    const change: DependencyChange = { lockfile, added: [], removed: [], changed: [] };
    for (const [k, now] of after) {
      const was = before.get(k);
      if (!was) {
        for (const p of now) change.added.push({ ...p, findings: ids(p) });
        continue;
      }
      const gone = was.filter((p) => !now.some((n) => n.version === p.version));
      const fresh = now.filter((p) => !was.some((w) => w.version === p.version));
      fresh.forEach((p, i) => {
        const from = gone[i] ?? gone[gone.length - 1];
        if (from) change.changed.push({ ecosystem: p.ecosystem, name: p.name, from: from.version, to: p.version, purl: p.purl, findings: ids(p) });
        else change.added.push({ ...p, findings: ids(p) });
      });
      for (const p of gone.slice(fresh.length)) change.removed.push(p);
    }
    for (const [k, was] of before) if (!after.has(k)) change.removed.push(...was);
    if (change.added.length + change.removed.length + change.changed.length === 0) continue;
    change.added.sort(byName);
    change.removed.sort(byName);
    change.changed.sort(byName);
    out.push(change);
  }
  return out;
}

export interface DenyPattern {
  pattern: string;
  type: string;
  /** picomatch over the name (namespace/name). */
  name: (name: string) => boolean;
  /** Version constraint as written after `@`, undefined for any version. */
  range?: string;
}

export function parseDenyPattern(pattern: string): DenyPattern | undefined {
  // parsePurl keeps a stray `%` as written, so a malformed escape is a range no version satisfies.
  const p = parsePurl(pattern);
  if (!p) return undefined;
  const name = p.type === 'pypi' ? p.name.toLowerCase().replace(/[-_.]+/g, '-') : p.name;
  return { pattern, type: p.type, name: picomatch(name, { dot: true, nocase: p.type === 'pypi' }), range: p.version };
}

const COMPARATOR = /^(>=|<=|>|<|==|=|!=)?\s*(.+)$/;

/** Does `version` satisfy `range`: semver ranges for npm, comma-separated comparators elsewhere. */
export function versionInRange(ecosystem: string, version: string, range: string): boolean {
  if (ecosystem === 'npm' && semver.validRange(range, { loose: true })) {
    return semver.satisfies(version, range, { loose: true, includePrerelease: true });
  }
  const compare = ecosystemComparator(osvEcosystem(ecosystem));
  return range
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .every((c) => {
      const [, op = '=', v] = COMPARATOR.exec(c) as RegExpExecArray;
      const d = compare(version, v.trim());
      switch (op) {
        case '>=':
          return d >= 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '<':
          return d < 0;
        case '!=':
          return d !== 0;
        default:
          return d === 0;
      }
    });
}

export function denyMatches(p: DenyPattern, pkg: DependencyRef): boolean {
  if (p.type !== pkg.ecosystem.toLowerCase()) return false;
  const name = p.type === 'pypi' ? pkg.name.toLowerCase().replace(/[-_.]+/g, '-') : pkg.name;
  if (!p.name(name)) return false;
  return p.range === undefined || versionInRange(p.type, pkg.version, p.range);
}

/**
 * A blocking `policy` finding for each package a change adds or moves to that a deny-packages
 * pattern names (the first pattern that matches is the rule).
 */
export function denyFindings(patterns: readonly string[], candidates: readonly { lockfile: string; pkg: DependencyRef }[]): Finding[] {
  const compiled = patterns.map(parseDenyPattern).filter((p): p is DenyPattern => p !== undefined);
  const out: Finding[] = [];
  for (const { lockfile, pkg } of candidates) {
    const hit = compiled.find((p) => denyMatches(p, pkg));
    if (!hit) continue;
    out.push(
      makeFinding({
        tool: 'chaingate',
        kind: 'policy',
        severity: 'high',
        id: `deny-packages:${hit.pattern}`,
        title: `${pkg.purl} is denied by the policy (deny-packages: ${hit.pattern})`,
        package: { purl: pkg.purl, ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, fixedVersions: [] },
        location: { path: lockfile },
      }),
    );
  }
  return out;
}

/** The packages deny-packages applies to: what the changes add or move to, or everything without a baseline. */
export function denyCandidates(changes: readonly DependencyChange[] | undefined, head: readonly Inventory[]): { lockfile: string; pkg: DependencyRef }[] {
  if (changes === undefined) return head.flatMap((i) => i.packages.map((pkg) => ({ lockfile: i.lockfile, pkg })));
  return changes.flatMap((c) => [
    ...c.added.map((a) => ({ lockfile: c.lockfile, pkg: { ecosystem: a.ecosystem, name: a.name, version: a.version, purl: a.purl } })),
    ...c.changed.map((x) => ({ lockfile: c.lockfile, pkg: { ecosystem: x.ecosystem, name: x.name, version: x.to, purl: x.purl } })),
  ]);
}
