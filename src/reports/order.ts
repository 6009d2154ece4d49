// Order and labels shared by every renderer, so the JSON, the SARIF log and the summary list
// findings the same way. Pure.
import type { Location, PackageRef } from '../core/finding';
import type { EvaluatedFinding } from '../core/result';

export { compareStrings, sortFindings } from '../core/order';

export function packageLabel(p: PackageRef): string {
  return p.version === undefined ? p.name : `${p.name}@${p.version}`;
}

export function locationLabel(l: Location): string {
  const path = normalizePath(l.path);
  // Line 0 or none: the finding is about the whole file.
  if (l.startLine === undefined || l.startLine < 1) return path;
  return l.endLine !== undefined && l.endLine !== l.startLine ? `${path}:${l.startLine}-${l.endLine}` : `${path}:${l.startLine}`;
}

/** Forward slashes and no leading `./`: how the reports name files on every platform. */
export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** Where a finding is: the package for a dependency, else the file and line. */
export function whereLabel(f: Pick<EvaluatedFinding, 'package' | 'location'>): string {
  const parts: string[] = [];
  if (f.package) parts.push(packageLabel(f.package));
  if (f.location) parts.push(locationLabel(f.location));
  return parts.join(' in ');
}

/** "CVE-2021-23337 in lodash@4.17.20" / "rule-id at src/a.js:3": one line naming a finding. */
export function findingLabel(f: Pick<EvaluatedFinding, 'id' | 'package' | 'location'>): string {
  const where = whereLabel(f);
  return where === '' ? f.id : `${f.id} in ${where}`;
}
