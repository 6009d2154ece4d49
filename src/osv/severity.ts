// An advisory's severity. Pure.
import { normalizeSeverity, SEVERITY_RANK, severityFromScore, type Severity } from '../core/finding';
import { cvss3BaseScore, cvss4ApproxScore } from './cvss';
import type { OsvAdvisory, OsvAffected, OsvSeverity } from './schema';

export interface AdvisorySeverity {
  severity: Severity;
  /** The CVSS v3 base score computed from the vector, when there is one. */
  cvssScore?: number;
  /** Where the rating came from, for reports and tests. */
  source: 'cvss-v3' | 'database-specific' | 'cvss-v4-approx' | 'malicious' | 'alias' | 'none';
  /** For `alias`: the record of the alias group the rating was taken from. */
  from?: string;
}

function firstScore(list: OsvSeverity[], pick: (s: OsvSeverity) => number | undefined): number | undefined {
  for (const s of list) {
    const score = pick(s);
    if (score !== undefined) return score;
  }
  return undefined;
}

function stringField(o: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Order of trust: a CVSS v3 vector (its base score, computed here; the package's own `severity`
 * before the advisory's), then the database's qualitative rating (GitHub's CRITICAL/HIGH/MODERATE/
 * LOW), then an approximation from a CVSS v4 vector. Malicious-package records (MAL-…) carry no
 * rating: installing one runs an attacker's code, so they are critical.
 */
export function advisorySeverity(advisory: OsvAdvisory, affected?: OsvAffected): AdvisorySeverity {
  // One advisory can match thousands of packages: rate each (advisory, affected) pair once.
  let byAffected = CACHE.get(advisory);
  if (!byAffected) CACHE.set(advisory, (byAffected = new Map()));
  let sev = byAffected.get(affected);
  if (!sev) byAffected.set(affected, (sev = rate(advisory, affected)));
  return { ...sev };
}

const CACHE = new WeakMap<OsvAdvisory, Map<OsvAffected | undefined, AdvisorySeverity>>();

function rate(advisory: OsvAdvisory, affected?: OsvAffected): AdvisorySeverity {
  const vectors = [...(affected?.severity ?? []), ...(advisory.severity ?? [])];
  const v3 = firstScore(vectors, (s) => (s.type === 'CVSS_V3' || s.score.startsWith('CVSS:3.') ? cvss3BaseScore(s.score) : undefined));
  if (v3 !== undefined) return { severity: severityFromScore(v3), cvssScore: v3, source: 'cvss-v3' };
  const word = stringField(affected?.database_specific, 'severity') ?? stringField(advisory.database_specific, 'severity');
  const fromWord = normalizeSeverity(word);
  if (fromWord !== 'unknown') return { severity: fromWord, source: 'database-specific' };
  const v4 = firstScore(vectors, (s) => (s.type === 'CVSS_V4' || s.score.startsWith('CVSS:4.') ? cvss4ApproxScore(s.score) : undefined));
  if (v4 !== undefined) return { severity: severityFromScore(v4), source: 'cvss-v4-approx' };
  if (/^MAL-/.test(advisory.id)) return { severity: 'critical', source: 'malicious' };
  return { severity: 'unknown', source: 'none' };
}

/**
 * The advisory's severity, or, when it has none, the worst rating among the other records of its
 * alias group (`group`: the records that name it, or that it names, as an alias). Go vulndb and
 * PyPA records carry no severity, while the GHSA record of the same vulnerability (or any record
 * with a CVSS vector) does: the vulnerability is the same, so its rating is too. The worst one,
 * so that two databases that disagree cannot lower a rating by being consulted.
 */
export function groupSeverity(advisory: OsvAdvisory, affected: OsvAffected | undefined, group: Iterable<OsvAdvisory>): AdvisorySeverity {
  const own = advisorySeverity(advisory, affected);
  if (own.severity !== 'unknown') return own;
  let best: { sev: AdvisorySeverity; id: string } | undefined;
  for (const other of group) {
    if (other === advisory) continue;
    const sev = advisorySeverity(other);
    if (sev.severity === 'unknown') continue;
    const rank = SEVERITY_RANK[sev.severity as Exclude<Severity, 'unknown'>];
    if (best === undefined || rank > SEVERITY_RANK[best.sev.severity as Exclude<Severity, 'unknown'>]) best = { sev, id: other.id };
  }
  if (best === undefined) return own;
  const out: AdvisorySeverity = { severity: best.sev.severity, source: 'alias', from: best.id };
  if (best.sev.cvssScore !== undefined) out.cvssScore = best.sev.cvssScore;
  return out;
}
