// npm 6-style advisories: the `advisories` map of npm 6 `npm audit --json`, `pnpm audit --json`
// and yarn 2/3 `yarn npm audit --json`, and the `advisory` of yarn 1 `auditAdvisory` lines. Also
// the `{error: …}` object npm and pnpm print instead of a report. Pure.
import semver from 'semver';
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding, type FindingInput } from '../core/finding';
import { lookupTable } from '../core/lookup';
import { buildPurl } from './purl';
import { ghsaFromUrl, parseCwes, redactUrlCredentials } from './report-fields';
import { FormatError } from './util';

export const CvssSchema = z.looseObject({ score: z.number(), vectorString: z.string().nullish() });
export type Cvss = z.infer<typeof CvssSchema>;

/** npm 6 sends `cwe` as an array or, in some registry answers, as a JSON-encoded array string. */
export const CweFieldSchema = z.union([z.string(), z.array(z.string())]).nullish();

export const NpmAdvisorySchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  module_name: z.string().min(1),
  severity: z.string(),
  title: z.string(),
  url: z.string().nullish(),
  findings: z.array(z.looseObject({ version: z.string().min(1), paths: z.array(z.string()).optional() })),
  cves: z.array(z.string()).nullish(),
  github_advisory_id: z.string().nullish(),
  patched_versions: z.string().nullish(),
  cwe: CweFieldSchema,
  cvss: CvssSchema.nullish(),
  overview: z.string().nullish(),
});
export type NpmAdvisory = z.infer<typeof NpmAdvisorySchema>;

/** Counts by severity word (npm's info, low, moderate, high, critical; `total` in npm 7+). */
export const SeverityCountsSchema = z.record(z.string(), z.number());

export const NpmAdvisoriesReportSchema = z.looseObject({
  advisories: z.record(z.string(), NpmAdvisorySchema),
  metadata: z.looseObject({ vulnerabilities: SeverityCountsSchema.optional() }).nullish(),
});
type NpmAdvisoriesReport = z.infer<typeof NpmAdvisoriesReportSchema>;

/**
 * Fails when a report's own summary counts more vulnerabilities of a severity than its body
 * lists: entries were cut out of the body (or the summary edited), and reading the rest as the
 * whole would pass what the tool found. A body that lists more than the summary counts loses
 * nothing and is read as it is. `listed` counts by the tool's severity word.
 */
export function checkSummaryCounts(claimed: Record<string, number> | undefined, listed: Map<string, number>, what: string, where: string): void {
  if (claimed === undefined) return;
  let total = 0;
  for (const n of listed.values()) total += n;
  for (const [word, n] of Object.entries(claimed)) {
    const have = word === 'total' ? total : (listed.get(word.toLowerCase()) ?? 0);
    if (n > have) {
      throw new FormatError(`${what}: ${where} counts ${n} ${word} but the report lists ${have}; the report is incomplete or was edited, and is not a clean result`);
    }
  }
}

/** Adds `n` to the count of `word` (lower-cased). */
export function countSeverity(counts: Map<string, number>, word: string, n = 1): void {
  const w = word.toLowerCase();
  counts.set(w, (counts.get(w) ?? 0) + n);
}

/**
 * The advisories of an npm 6-style report, after checking them against its metadata counts,
 * which count one per dependency path of each installed version.
 */
export function advisoriesOf(report: NpmAdvisoriesReport, what: string): NpmAdvisory[] {
  const advisories = Object.values(report.advisories);
  const listed = new Map<string, number>();
  for (const a of advisories) {
    for (const f of a.findings) countSeverity(listed, a.severity, Math.max(1, f.paths?.length ?? 0));
  }
  checkSummaryCounts(report.metadata?.vulnerabilities, listed, what, 'metadata.vulnerabilities');
  return advisories;
}

const NpmErrorSchema = z.looseObject({
  // npm 10+ puts the reason here (e.g. the failed request) and leaves error.summary empty.
  message: z.string().nullish(),
  error: z.looseObject({
    code: z.string().nullish(),
    summary: z.string().nullish(),
    message: z.string().nullish(),
    detail: z.string().nullish(),
  }),
});

/** What to do about the error codes users actually hit. */
const ERROR_HINTS = lookupTable({
  ENOAUDIT: "the registry's audit endpoint did not answer: check network access and the registry setting, then rerun",
  ENOLOCK: 'the audit needs a lockfile: create one (e.g. `npm install --package-lock-only`) and rerun',
});

/**
 * npm (and pnpm) print `{"error": {code, summary, detail}}` when the audit could not run, e.g.
 * ENOAUDIT when the registry's audit endpoint does not answer; npm 10+ prints
 * `{"message": "request to … failed", "error": {"summary": "", "detail": ""}}` instead. That is a failed scan, never
 * "no findings", so it throws.
 */
export function throwIfAuditError(data: unknown, what: string): void {
  const r = NpmErrorSchema.safeParse(data);
  if (!r.success) return;
  const { code, summary, message, detail } = r.data.error;
  const parts = [summary, message, detail, r.data.message].map((s) => s?.trim()).filter((s) => s);
  const said = redactUrlCredentials(parts.join(' ') || 'no details given');
  const hint = (code && ERROR_HINTS[code]) ?? 'fix the cause and rerun';
  throw new FormatError(`${what}: the audit did not run (${code ?? 'no error code'}: ${said}); this is not a clean result: ${hint}`);
}

/** The numeric npm advisory id as an id of ours: `NPM-1096`. Non-numeric ids are kept as they are. */
export function npmAdvisoryId(id: number | string): string {
  return /^\d+$/.test(String(id)) ? `NPM-${id}` : String(id);
}

/**
 * Primary id and aliases of an npm-family advisory. The GHSA id (from the field or the URL) is
 * the primary id; CVEs and npm's own number are aliases. The number is kept so that an exception
 * written against it (as audit-ci allowlists are) still matches; the merge across tools relies on
 * the GHSA and CVE ids, since npm numbers differ between registry answers for one advisory.
 */
export function advisoryIds(
  numericId: number | string,
  ghsa: string | null | undefined,
  url: string | null | undefined,
  cves: readonly string[] = [],
): { id: string; aliases: string[] } {
  const g = ghsa || ghsaFromUrl(url ?? undefined);
  const npm = npmAdvisoryId(numericId);
  const id = g ?? cves[0] ?? npm;
  return { id, aliases: [g, ...cves, npm].filter((x): x is string => !!x && x !== id) };
}

/** A CVSS score only when the tool gave one: npm sends `{score: 0, vectorString: null}` for none. */
export function cvssScore(cvss: Cvss | null | undefined): number | undefined {
  if (!cvss || (cvss.score === 0 && !cvss.vectorString)) return undefined;
  return cvss.score;
}

/**
 * The first fixed version of each branch of a `patched_versions` range (">=1.14.8" → 1.14.8).
 * Only inclusive lower bounds and exact versions count: ">1.2.3" names no version that exists,
 * and "<0.0.0" is npm's way of saying there is no fix.
 */
export function fixedVersionsFromRange(range: string | null | undefined): string[] {
  if (!range) return [];
  let parsed: semver.Range;
  try {
    parsed = new semver.Range(range);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const set of parsed.set) {
    const lower = set.find((c) => c.operator === '>=' || (c.operator === '' && c.value !== ''));
    if (lower) out.push(lower.semver.version);
  }
  return out;
}

export function npmPackage(name: string, version: string | undefined, fixedVersions: string[]): FindingInput['package'] {
  return { purl: buildPurl('npm', name, version), ecosystem: 'npm', name, version, fixedVersions };
}

/**
 * Findings for npm 6-style advisories: one per advisory per installed version of its package.
 * `findings[]` lists a version once per group of dependency paths, and yarn 1 repeats the whole
 * advisory once per path, so both collapse here.
 */
export function npmAdvisoryFindings(tool: string, advisories: Iterable<NpmAdvisory>): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const adv of advisories) {
    const { id, aliases } = advisoryIds(adv.id, adv.github_advisory_id, adv.url, adv.cves ?? []);
    const cwes = parseCwes(adv.cwe);
    // An advisory without installed versions still names a vulnerable package: keep it, unversioned.
    const versions = adv.findings.length ? adv.findings.map((f) => f.version) : [undefined];
    for (const version of versions) {
      const key = `${adv.id}\n${adv.module_name}\n${version ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        makeFinding({
          tool,
          kind: 'vulnerability',
          severity: normalizeSeverity(adv.severity),
          id,
          aliases,
          title: adv.title.trim() || id,
          description: adv.overview?.trim() || undefined,
          package: npmPackage(adv.module_name, version, fixedVersionsFromRange(adv.patched_versions)),
          cvssScore: cvssScore(adv.cvss),
          cwes: cwes.length ? cwes : undefined,
          url: adv.url || undefined,
        }),
      );
    }
  }
  return out;
}
