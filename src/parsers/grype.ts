// grype `-o json` reports: one finding per match. Pure. Matches grype itself ignored
// (`ignoredMatches`, from its own config) are not findings: chaingate's exceptions decide.
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding, type FindingInput, type PackageRef } from '../core/finding';
import { lookupTable } from '../core/lookup';
import type { Parser } from './types';
import { buildPurl, purlType, purlWithoutQualifiers } from './purl';
import { FormatError, parseJson, validate } from './util';
import { describeOther } from './report-fields';

const WHAT = 'grype report';
const TOOL = 'grype';

const CvssSchema = z.looseObject({
  version: z.string().optional(),
  type: z.string().optional(),
  metrics: z.looseObject({ baseScore: z.number().optional() }).optional(),
});
type Cvss = z.infer<typeof CvssSchema>;

const VulnerabilityMetadataSchema = z.looseObject({
  id: z.string().min(1),
  description: z.string().optional(),
  cvss: z.array(CvssSchema).nullish(),
});

const MatchSchema = z.looseObject({
  vulnerability: VulnerabilityMetadataSchema.extend({
    severity: z.string(),
    dataSource: z.string().optional(),
    fix: z.looseObject({ versions: z.array(z.string()).nullish(), state: z.string().optional() }).optional(),
  }),
  relatedVulnerabilities: z.array(VulnerabilityMetadataSchema).nullish(),
  artifact: z.looseObject({
    name: z.string().min(1),
    version: z.string().optional(),
    type: z.string().optional(),
    purl: z.string().optional(),
    locations: z.array(z.looseObject({ path: z.string() })).nullish(),
  }),
});
type Match = z.infer<typeof MatchSchema>;

export const GrypeReportSchema = z.looseObject({ matches: z.array(MatchSchema) });
export type GrypeReport = z.infer<typeof GrypeReportSchema>;

/** grype/syft package type → purl type, for artifacts that come without a purl. */
const ARTIFACT_TYPES = lookupTable({
  npm: 'npm',
  python: 'pypi',
  'java-archive': 'maven',
  'jenkins-plugin': 'maven',
  'go-module': 'golang',
  gem: 'gem',
  deb: 'deb',
  rpm: 'rpm',
  apk: 'apk',
  'rust-crate': 'cargo',
  dotnet: 'nuget',
  'php-composer': 'composer',
  pub: 'pub',
  hex: 'hex',
  conan: 'conan',
  cocoapods: 'cocoapods',
  swift: 'swift',
  binary: 'generic',
});

// grype lists fix versions with every state; for `not-fixed` / `wont-fix` they are not fixes.
const NO_FIX_STATES = new Set(['not-fixed', 'wont-fix']);

/** A CVSS v3/v4 base score, the primary source's first; v2 scores use another scale. */
function cvssScore(lists: Cvss[][]): number | undefined {
  const modern = lists.flat().filter((c) => /^[34]\./.test(c.version ?? '') && c.metrics?.baseScore !== undefined);
  const pick = modern.find((c) => c.type === undefined || c.type === 'Primary') ?? modern[0];
  return pick?.metrics?.baseScore;
}

function packageOf(m: Match): PackageRef {
  const a = m.artifact;
  const mapped = ARTIFACT_TYPES[(a.type ?? '').toLowerCase()];
  const purl = (a.purl && purlWithoutQualifiers(a.purl)) || (mapped ? buildPurl(mapped, a.name, a.version) : undefined);
  const fix = m.vulnerability.fix;
  const pkg: PackageRef = {
    name: a.name,
    fixedVersions: fix && !NO_FIX_STATES.has(fix.state ?? '') ? (fix.versions ?? []) : [],
  };
  if (purl) pkg.purl = purl;
  const ecosystem = (purl && purlType(purl)) || mapped;
  if (ecosystem) pkg.ecosystem = ecosystem;
  if (a.version) pkg.version = a.version;
  return pkg;
}

function fromMatch(m: Match): FindingInput {
  const v = m.vulnerability;
  const related = m.relatedVulnerabilities ?? [];
  const pkg = packageOf(m);
  const f: FindingInput = {
    tool: TOOL,
    kind: 'vulnerability',
    severity: normalizeSeverity(v.severity),
    id: v.id,
    aliases: related.map((r) => r.id),
    title: `${v.id} in ${pkg.name}${pkg.version ? ` ${pkg.version}` : ''}`,
    package: pkg,
  };
  const description = v.description ?? related.find((r) => r.description)?.description;
  if (description) f.description = description;
  const path = m.artifact.locations?.[0]?.path;
  if (path) f.location = { path };
  const score = cvssScore([v.cvss ?? [], ...related.map((r) => r.cvss ?? [])]);
  if (score !== undefined) f.cvssScore = score;
  if (v.dataSource) f.url = v.dataSource;
  return f;
}

export const parseGrype: Parser = (text: string): Finding[] => {
  const data = parseJson(text, WHAT);
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('matches' in data)) {
    throw new FormatError(`${WHAT}: not a grype JSON report (no "matches"; found ${describeOther(data)}); write it with \`grype -o json\``);
  }
  return validate(GrypeReportSchema, data, WHAT).matches.map((m) => makeFinding(fromMatch(m)));
};
