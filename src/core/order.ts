// The order every report lists findings in, decided once by evaluate(). Pure.
import { SEVERITIES, type Severity } from './finding';
import type { EvaluatedFinding } from './result';

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Ordered = Pick<EvaluatedFinding, 'blocking' | 'severity' | 'fingerprint'>;

/**
 * A severity's position in SEVERITIES: critical first, `unknown` last (the renderers do not know
 * how the policy ranked it). A switch: a lookup keyed by six different strings is a slow
 * (megamorphic) one, and this runs for every finding in every report.
 */
export function severityPosition(s: Severity): number {
  switch (s) {
    case 'critical':
      return 0;
    case 'high':
      return 1;
    case 'medium':
      return 2;
    case 'low':
      return 3;
    case 'info':
      return 4;
    default:
      return 5;
  }
}

function bucket(f: Ordered): number {
  return (f.blocking ? 0 : SEVERITIES.length) + severityPosition(f.severity);
}

/** Whether `findings` are already in report order: one pass, no copy. */
function inReportOrder(findings: readonly Ordered[]): boolean {
  for (let i = 1; i < findings.length; i++) {
    const a = findings[i - 1];
    const b = findings[i];
    const d = bucket(a) - bucket(b);
    if (d > 0 || (d === 0 && a.fingerprint > b.fingerprint)) return false;
  }
  return true;
}

/** Whether `list` is in fingerprint order: checked in a loop, several times cheaper than sort's pass. */
function inFingerprintOrder(list: readonly Ordered[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1].fingerprint > list[i].fingerprint) return false;
  return true;
}

/**
 * Arrays sortFindings returned, frozen: each report sorts the result's findings again, and an
 * array known to be in order (it cannot have changed) is copied without checking 100,000 pairs.
 */
const sorted = new WeakSet<readonly Ordered[]>();
function remember<T extends Ordered>(list: T[]): T[] {
  sorted.add(Object.freeze(list));
  return list;
}

/**
 * Blocking first, then worst severity, then fingerprint: a total order, so output is
 * reproducible. evaluate() returns its findings in this order, and each renderer checks that in
 * one pass instead of sorting again. Otherwise: buckets by (blocking, severity) in one pass, then
 * sorts each bucket by fingerprint (findings that come in fingerprint order, as mergeFindings
 * returns them, make that linear). Always a new array.
 */
export function sortFindings<T extends Ordered>(findings: readonly T[]): T[] {
  if (sorted.has(findings) || inReportOrder(findings)) return remember(findings.slice());
  const buckets: T[][] = Array.from({ length: 2 * SEVERITIES.length }, () => []);
  for (const f of findings) buckets[bucket(f)].push(f);
  const out: T[] = [];
  for (const b of buckets) {
    if (!inFingerprintOrder(b)) b.sort((x, y) => compareStrings(x.fingerprint, y.fingerprint));
    for (const f of b) out.push(f);
  }
  return remember(out);
}
