// osv-scanner `--format json` reports (v1 and v2). Pure.
//
// One finding per package and alias group: osv-scanner lists the same issue under each database
// that knows it (GHSA-x and PYSEC-y) and groups them itself, so a group is one vulnerability.
import { z } from 'zod';
import {
  makeFinding,
  normalizeSeverity,
  packageKey,
  severityFromScore,
  worseSeverity,
  type Finding,
  type FindingInput,
  type PackageRef,
  type Severity,
} from '../core/finding';
import type { Parser } from './types';
import { buildPurl, purlNamespaceForOsvEcosystem, purlTypeForOsvEcosystem } from './purl';
import { FormatError, parseJson, validate } from './util';
import { describeOther } from './report-fields';

const WHAT = 'osv-scanner report';
const TOOL = 'osv-scanner';

const OsvPackageSchema = z.looseObject({
  ecosystem: z.string().optional(),
  name: z.string().optional(),
});

const OsvVulnerabilitySchema = z.looseObject({
  id: z.string().min(1),
  aliases: z.array(z.string()).nullish(),
  summary: z.string().optional(),
  details: z.string().optional(),
  affected: z
    .array(
      z.looseObject({
        package: OsvPackageSchema.optional(),
        ranges: z
          .array(
            z.looseObject({
              type: z.string(),
              events: z.array(z.looseObject({ fixed: z.string().optional() })),
            }),
          )
          .nullish(),
        database_specific: z
          .looseObject({ cwes: z.array(z.looseObject({ cweId: z.string() })).optional() })
          .nullish(),
      }),
    )
    .nullish(),
  references: z.array(z.looseObject({ type: z.string().optional(), url: z.string() })).nullish(),
  database_specific: z
    .looseObject({
      severity: z.string().nullish(),
      cwe_ids: z.array(z.string()).nullish(),
    })
    .nullish(),
});
type OsvVulnerability = z.infer<typeof OsvVulnerabilitySchema>;

const GroupSchema = z.looseObject({
  ids: z.array(z.string()).min(1),
  aliases: z.array(z.string()).nullish(),
  max_severity: z.string().optional(),
});
type Group = z.infer<typeof GroupSchema>;

const PackageResultSchema = z.looseObject({
  package: z.looseObject({
    name: z.string().optional(),
    version: z.string().optional(),
    ecosystem: z.string().optional(),
    // Git-sourced packages have a commit instead of a name and version.
    commit: z.string().optional(),
  }),
  vulnerabilities: z.array(OsvVulnerabilitySchema).nullish(),
  groups: z.array(GroupSchema).nullish(),
});
type PackageResult = z.infer<typeof PackageResultSchema>;

export const OsvScannerReportSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      source: z.looseObject({ path: z.string(), type: z.string().optional() }),
      // osv-scanner always writes it for a source: without it the source's findings are gone.
      packages: z.array(PackageResultSchema).nullable(),
    }),
  ),
});
export type OsvScannerReport = z.infer<typeof OsvScannerReportSchema>;

/**
 * osv-scanner v2 logs to stderr; a CI step that captures both streams into one file puts log lines
 * before the JSON. Those leading lines (up to the first line that starts with `{`) are dropped.
 * Anything after the JSON is not dropped: a report followed by more text is suspect and fails.
 */
function stripLogPrefix(text: string): { json: string; skippedLines: number } {
  if (text.trimStart().startsWith('{')) return { json: text, skippedLines: 0 };
  const m = /^\{/m.exec(text);
  if (!m) {
    throw new FormatError(
      `${WHAT}: no JSON object found (the file holds only log text); write the report with \`osv-scanner --format json --output FILE\``,
    );
  }
  return { json: text.slice(m.index), skippedLines: text.slice(0, m.index).split('\n').length - 1 };
}

function parseReport(text: string): unknown {
  const { json, skippedLines } = stripLogPrefix(text);
  try {
    return parseJson(json, WHAT);
  } catch (e) {
    // Line numbers must point into the file as it is, log lines included. The text starts with
    // `{`, so it is not empty and the error has a line.
    const err = e as FormatError;
    throw new FormatError(err.message, (err.line as number) + skippedLines);
  }
}

function sameEcosystem(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').split(':')[0].toLowerCase() === (b ?? '').split(':')[0].toLowerCase();
}

/** Versions that fix `vuln` for this package; GIT ranges name commits, not versions. */
function fixedVersions(vuln: OsvVulnerability, pkg: PackageRef, osvEcosystem: string | undefined): string[] {
  const out: string[] = [];
  for (const a of vuln.affected ?? []) {
    if (!a.package?.name || !sameEcosystem(a.package.ecosystem, osvEcosystem)) continue;
    if (packageKey({ ...pkg, name: a.package.name }) !== packageKey(pkg)) continue;
    for (const r of a.ranges ?? []) {
      if (r.type === 'GIT') continue;
      for (const e of r.events) if (e.fixed) out.push(e.fixed);
    }
  }
  return out;
}

/** The group's CVSS score (osv-scanner computes max_severity), else the databases' own ratings, else unknown. */
function severityOf(group: Group, vulns: OsvVulnerability[]): { severity: Severity; cvssScore?: number } {
  const score = group.max_severity ? Number(group.max_severity) : NaN;
  if (Number.isFinite(score)) return { severity: severityFromScore(score), cvssScore: score };
  const severity = vulns.map((v) => normalizeSeverity(v.database_specific?.severity)).reduce(worseSeverity, 'unknown');
  // Malicious-package records (OpenSSF, MAL-*) carry no rating: installed malware is critical.
  if (severity === 'unknown' && group.ids.some((id) => id.startsWith('MAL-'))) return { severity: 'critical' };
  return { severity };
}

function packageOf(p: PackageResult): PackageRef {
  const { name, version, ecosystem, commit } = p.package;
  const pkg: PackageRef = { name: name ?? commit ?? '(unnamed package)', fixedVersions: [] };
  const type = ecosystem ? purlTypeForOsvEcosystem(ecosystem) : undefined;
  if (type) {
    pkg.ecosystem = type;
    const purl = name ? buildPurl(type, name, version, purlNamespaceForOsvEcosystem(ecosystem as string)) : undefined;
    if (purl) pkg.purl = purl;
  }
  if (version) pkg.version = version;
  return pkg;
}

function cwesOf(vulns: OsvVulnerability[]): string[] {
  const cwes = new Set<string>();
  for (const v of vulns) {
    for (const c of v.database_specific?.cwe_ids ?? []) cwes.add(c);
    for (const a of v.affected ?? []) for (const c of a.database_specific?.cwes ?? []) cwes.add(c.cweId);
  }
  return [...cwes].sort();
}

function fromGroup(group: Group, vulns: OsvVulnerability[], p: PackageResult, path: string): FindingInput {
  const id = group.ids[0];
  const primary = vulns.find((v) => v.id === id) ?? vulns[0];
  const base = packageOf(p);
  const pkg: PackageRef = {
    ...base,
    fixedVersions: vulns.flatMap((v) => fixedVersions(v, base, p.package.ecosystem)),
  };
  const { severity, cvssScore } = severityOf(group, vulns);
  const f: FindingInput = {
    tool: TOOL,
    kind: 'vulnerability',
    severity,
    id,
    aliases: [...group.ids, ...(group.aliases ?? []), ...vulns.flatMap((v) => v.aliases ?? [])],
    title: primary?.summary || `${id} in ${pkg.name}${pkg.version ? ` ${pkg.version}` : ''}`,
    package: pkg,
    location: { path },
    url: primary?.references?.find((r) => r.type === 'ADVISORY')?.url ?? `https://osv.dev/vulnerability/${id}`,
  };
  const details = primary?.details?.trim();
  if (details) f.description = details;
  if (cvssScore !== undefined) f.cvssScore = cvssScore;
  const cwes = cwesOf(vulns);
  if (cwes.length) f.cwes = cwes;
  return f;
}

/** osv-scanner's groups, plus a group of one for any vulnerability no group names (older output). */
function groupsOf(p: PackageResult): { group: Group; vulns: OsvVulnerability[] }[] {
  const vulns = p.vulnerabilities ?? [];
  const byId = new Map(vulns.map((v) => [v.id, v]));
  const grouped = new Set<string>();
  const out: { group: Group; vulns: OsvVulnerability[] }[] = [];
  for (const group of p.groups ?? []) {
    const members = group.ids.flatMap((id) => byId.get(id) ?? []);
    group.ids.forEach((id) => grouped.add(id));
    out.push({ group, vulns: members });
  }
  for (const v of vulns) if (!grouped.has(v.id)) out.push({ group: { ids: [v.id] }, vulns: [v] });
  return out;
}

export const parseOsvScanner: Parser = (text: string): Finding[] => {
  // Always an object: the text parsed starts with `{`.
  const data = parseReport(text) as object;
  if (!('results' in data)) {
    throw new FormatError(`${WHAT}: not an osv-scanner JSON report (no "results"; found ${describeOther(data)}); write it with \`osv-scanner --format json\``);
  }
  const report = validate(OsvScannerReportSchema, data, WHAT);
  const out: Finding[] = [];
  for (const r of report.results) {
    for (const p of r.packages ?? []) {
      for (const { group, vulns } of groupsOf(p)) out.push(makeFinding(fromGroup(group, vulns, p, r.source.path)));
    }
  }
  return out;
};
