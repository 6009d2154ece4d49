// Which fixed version a developer should move to. Tools list every release line's fix (Trivy:
// "6.2.4, 6.3.3, ..., 6.10.3" for qs), so the one to name is the nearest fix above the installed
// version in the ecosystem's own version order (semver, PEP 440, Go...), not the first string. Pure.
import { ecosystemComparator, osvEcosystem, type Compare } from '../osv/versions';
import type { PackageRef } from './finding';

/** The comparator for a package's ecosystem (given as a purl type: npm, pypi, golang...). */
export function versionOrder(ecosystem: string | undefined): Compare {
  return ecosystemComparator(osvEcosystem(ecosystem ?? ''));
}

/** The fixed versions in the ecosystem's version order, lowest first. */
export function sortedFixes(p: Pick<PackageRef, 'ecosystem' | 'fixedVersions'>): string[] {
  if (p.fixedVersions.length < 2) return p.fixedVersions.slice();
  const cmp = versionOrder(p.ecosystem);
  return p.fixedVersions.slice().sort(cmp);
}

/**
 * The nearest fixed version above the installed one: the lowest fix greater than `version`.
 * Without an installed version, the lowest fix; when no fix is above it (the data disagree with
 * the installed version being affected), the highest. Undefined when nothing is fixed.
 */
export function nearestFix(p: Pick<PackageRef, 'ecosystem' | 'version' | 'fixedVersions'>): string | undefined {
  const list = p.fixedVersions;
  if (list.length < 2) return list[0];
  const cmp = versionOrder(p.ecosystem);
  const sorted = list.slice().sort(cmp);
  if (p.version === undefined) return sorted[0];
  const installed = p.version;
  return sorted.find((v) => cmp(v, installed) > 0) ?? sorted[sorted.length - 1];
}
