// `pip-audit -f json`: `{dependencies: [...], fixes: [...]}` (2.x) or, before 2.0, a top-level
// list of dependencies. Pure.
import { z } from 'zod';
import { makeFinding, type Finding } from '../core/finding';
import { buildPurl } from './purl';
import { compact, headline, validateReport } from './report-fields';
import type { Parser } from './types';
import { FormatError, parseJson } from './util';

const WHAT = 'pip-audit JSON report';
const KIND = 'pip-audit output';

const VulnSchema = z.looseObject({
  id: z.string().min(1),
  fix_versions: z.array(z.string()).optional(),
  aliases: z.array(z.string()).optional(),
  description: z.string().nullish(),
});

const DependencySchema = z.looseObject({
  name: z.string().min(1),
  version: z.string().optional(),
  vulns: z.array(VulnSchema).optional(),
  skip_reason: z.string().optional(),
});
type Dependency = z.infer<typeof DependencySchema>;

const PipAuditSchema = z.union([
  z.looseObject({ dependencies: z.array(DependencySchema), fixes: z.array(z.unknown()).optional() }),
  z.array(DependencySchema),
]);

type Audited = Dependency & { version: string; vulns: z.infer<typeof VulnSchema>[] };

/**
 * The report's dependencies, split into audited ones and those pip-audit skipped. `alone`: the
 * report stands alone (`--report`), so one that audited nothing is no result; beside the OSV
 * matcher (the audit scanner) skipped dependencies are only noted, since the matcher checks them.
 */
/**
 * What kind of skip a reason says, in our words: pip-audit's reason quotes the package name,
 * and names come from the pull request's requirements.
 */
function skipKind(reason: string): string {
  if (/^Dependency not found on PyPI\b/.test(reason)) return 'not found on PyPI, so it could not be audited';
  return 'skipped for a reason pip-audit gave';
}

function dependencies(text: string, alone: boolean): { audited: Audited[]; skipped: Dependency[] } {
  const report = validateReport(PipAuditSchema, parseJson(text, WHAT), WHAT, KIND);
  const deps = Array.isArray(report) ? report : report.dependencies;
  const audited: Audited[] = [];
  const skipped: Dependency[] = [];
  deps.forEach((d, i) => {
    if (d.skip_reason !== undefined) {
      skipped.push(d);
    } else if (d.version !== undefined && d.vulns !== undefined) {
      audited.push({ ...d, version: d.version, vulns: d.vulns });
    } else {
      // Neither audited nor skipped: reading it as clean could hide a vulnerability.
      throw new FormatError(`${WHAT}: dependency ${i} has no ${d.version === undefined ? 'version' : 'vulns list'} and no skip_reason`);
    }
  });
  // Nothing audited is no evidence of a clean environment: pip-audit skips a dependency it cannot
  // look up (e.g. when PyPI's JSON API does not answer), and an empty list audited nothing.
  if (!alone) return { audited, skipped };
  if (deps.length === 0) throw new FormatError(`${WHAT}: the report lists no dependencies, so nothing was audited`);
  if (audited.length === 0) {
    throw new FormatError(`${WHAT}: every dependency was skipped (${skipped.length}, e.g. dependency ${deps.indexOf(skipped[0])}: ${skipKind(skipped[0].skip_reason as string)}), so nothing was audited`);
  }
  return { audited, skipped };
}

/**
 * One finding per vulnerability per audited dependency. Severity is `unknown`: pip-audit reports
 * none, and the policy's rule for unknown severities decides. A report that audited nothing
 * (no dependencies, or every one skipped) is rejected.
 */
export const parsePipAudit: Parser = (text) => findingsOf(dependencies(text, true).audited);

/** parsePipAudit for the audit scanner, where skipped dependencies are noted (see pipAuditSkipped). */
export const parsePipAuditBesideMatcher: Parser = (text) => findingsOf(dependencies(text, false).audited);

function findingsOf(audited: Audited[]): Finding[] {
  const out: Finding[] = [];
  for (const dep of audited) {
    for (const v of dep.vulns) {
      const description = v.description?.trim() || undefined;
      out.push(
        makeFinding({
          tool: 'pip-audit',
          kind: 'vulnerability' as const,
          severity: 'unknown' as const,
          id: v.id,
          aliases: v.aliases ?? [],
          title: (description && headline(description)) || `${v.id} in ${dep.name} ${dep.version}`,
          description,
          package: {
            purl: buildPurl('pypi', dep.name, dep.version),
            ecosystem: 'pypi',
            name: dep.name,
            version: dep.version,
            fixedVersions: v.fix_versions ?? [],
          },
          // pip-audit links nothing; every id it reports (PYSEC, GHSA, ...) has an OSV page.
          url: `https://osv.dev/vulnerability/${encodeURIComponent(v.id)}`,
        }),
      );
    }
  }
  return out;
}

export interface SkippedDependency {
  name: string;
  version?: string;
  reason: string;
}

/**
 * Dependencies pip-audit could not audit (not on the index, local path...). They are not
 * findings, but the adapter lists them so nobody mistakes them for audited and clean.
 */
export function pipAuditSkipped(text: string): SkippedDependency[] {
  return dependencies(text, false).skipped.map((d) => compact({ name: d.name, version: d.version, reason: d.skip_reason as string }));
}
