// `npm audit --json`: npm 7+ (`auditReportVersion: 2`) and npm 6 (`advisories` map). Pure.
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding } from '../core/finding';
import {
  advisoriesOf,
  advisoryIds,
  checkSummaryCounts,
  countSeverity,
  CweFieldSchema,
  CvssSchema,
  cvssScore,
  NpmAdvisoriesReportSchema,
  npmAdvisoryFindings,
  npmPackage,
  SeverityCountsSchema,
  throwIfAuditError,
} from './npm-advisory';
import { parseCwes, validateReport } from './report-fields';
import type { Parser } from './types';
import { FormatError, parseJson } from './util';

const WHAT = 'npm audit --json report';
const KIND = 'npm audit (npm 7+) output';

/** An advisory inside `via`; the other `via` entries are names of vulnerable dependencies. */
const ViaAdvisorySchema = z.looseObject({
  source: z.union([z.number(), z.string()]),
  name: z.string().min(1),
  title: z.string(),
  url: z.string(),
  severity: z.string(),
  range: z.string().optional(),
  cwe: CweFieldSchema,
  cvss: CvssSchema.nullish(),
});
type ViaAdvisory = z.infer<typeof ViaAdvisorySchema>;

const FixAvailableSchema = z.union([z.boolean(), z.looseObject({ name: z.string(), version: z.string() })]);

const VulnerabilitySchema = z.looseObject({
  name: z.string(),
  severity: z.string(),
  via: z.array(z.union([z.string(), ViaAdvisorySchema])),
  fixAvailable: FixAvailableSchema.optional(),
});

const NpmAuditV2Schema = z.looseObject({
  auditReportVersion: z.literal(2, { error: 'only auditReportVersion 2 (npm 7 and later) is supported' }),
  vulnerabilities: z.record(z.string(), VulnerabilitySchema),
  metadata: z.looseObject({ vulnerabilities: SeverityCountsSchema.optional() }).nullish(),
});
type NpmAuditV2 = z.infer<typeof NpmAuditV2Schema>;

/**
 * npm 7+: one finding per advisory per package. Only advisory objects in `via` make findings,
 * attributed to the package the advisory names; string entries only say that a dependency is
 * vulnerable, and that dependency has its own entry with the advisory. The report has no
 * installed versions, so findings carry none (the lockfile matcher knows them).
 */
function fromV2(report: NpmAuditV2): Finding[] {
  // npm's metadata counts the entries of `vulnerabilities` by their severity.
  const listed = new Map<string, number>();
  for (const vuln of Object.values(report.vulnerabilities)) countSeverity(listed, vuln.severity);
  checkSummaryCounts(report.metadata?.vulnerabilities, listed, WHAT, 'metadata.vulnerabilities');
  const byKey = new Map<string, { via: ViaAdvisory; fixed: Set<string> }>();
  for (const [n, vuln] of Object.values(report.vulnerabilities).entries()) {
    for (const via of vuln.via) {
      if (typeof via === 'string') {
        // A name says "vulnerable through this dependency", whose own entry has the advisory; a
        // name without an entry means that entry (and its advisory) is gone.
        if (!Object.prototype.hasOwnProperty.call(report.vulnerabilities, via)) {
          throw new FormatError(`${WHAT}: vulnerabilities entry ${n} is vulnerable through a package that has no entry in vulnerabilities; the report is incomplete or was edited`);
        }
        continue;
      }
      const key = `${via.source}\n${via.name}`;
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = { via, fixed: new Set() }));
      // `fixAvailable` names the package `npm audit fix` would change: a fixed version for this
      // advisory only when that is the advisory's own package. npm 7+ cannot tell us more offline.
      const fix = vuln.fixAvailable;
      if (typeof fix === 'object' && fix.name === via.name) entry.fixed.add(fix.version);
    }
  }
  if (byKey.size === 0 && Object.keys(report.vulnerabilities).length > 0) {
    // Every entry points at another one and none carries an advisory: the report is cut or edited.
    throw new FormatError(`${WHAT}: vulnerable packages are listed but no advisory is; the report is incomplete, rerun npm audit`);
  }
  return [...byKey.values()].map(({ via, fixed }) => {
    const { id, aliases } = advisoryIds(via.source, undefined, via.url);
    const cwes = parseCwes(via.cwe);
    return makeFinding({
      tool: 'npm-audit',
      kind: 'vulnerability' as const,
      severity: normalizeSeverity(via.severity),
      id,
      aliases,
      title: via.title.trim() || id,
      package: npmPackage(via.name, undefined, [...fixed]),
      cvssScore: cvssScore(via.cvss),
      cwes: cwes.length ? cwes : undefined,
      url: via.url || undefined,
    });
  });
}

export const parseNpmAudit: Parser = (text) => {
  const data = parseJson(text, WHAT);
  throwIfAuditError(data, WHAT);
  if (data !== null && typeof data === 'object' && 'advisories' in data && !('auditReportVersion' in data)) {
    const report = validateReport(NpmAdvisoriesReportSchema, data, WHAT, 'npm 6 / pnpm / yarn 2-3 audit output');
    return npmAdvisoryFindings('npm-audit', advisoriesOf(report, WHAT));
  }
  return fromV2(validateReport(NpmAuditV2Schema, data, WHAT, KIND));
};
