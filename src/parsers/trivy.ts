// Trivy `--format json` reports (SchemaVersion 2): vulnerabilities, misconfigurations, secrets
// and licenses. Pure. `--format sarif` goes through sarif.ts; CycloneDX output is not read here.
import { z } from 'zod';
import { lookupTable } from '../core/lookup';
import { makeFinding, normalizeSeverity, type Finding, type FindingInput, type Location, type PackageRef } from '../core/finding';
import { buildPurl, canonicalPurlType, purlType, purlWithoutQualifiers } from './purl';
import { plainValidator } from './conforms';
import { misspelledKey } from './key-check';
import { splitTrivy, type TrivySplit } from './trivy-split';
import { decodeText, FormatError, jsonParse, parseJson, shapeOf, validate } from './util';
import { describeOther } from './report-fields';

const WHAT = 'trivy report';
const TOOL = 'trivy';

const CvssEntrySchema = z.looseObject({
  V3Score: z.number().optional(),
  V40Score: z.number().optional(),
});

const VulnerabilitySchema = z.looseObject({
  VulnerabilityID: z.string().min(1),
  VendorIDs: z.array(z.string()).nullish(),
  PkgName: z.string(),
  PkgPath: z.string().optional(),
  PkgIdentifier: z.looseObject({ PURL: z.string().optional() }).optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  Status: z.string().optional(),
  SeveritySource: z.string().optional(),
  PrimaryURL: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  Severity: z.string(),
  CweIDs: z.array(z.string()).nullish(),
  CVSS: z.record(z.string(), CvssEntrySchema).nullish(),
  References: z.array(z.string()).nullish(),
});
type Vulnerability = z.infer<typeof VulnerabilitySchema>;

const MisconfigurationSchema = z.looseObject({
  ID: z.string().min(1),
  AVDID: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  Message: z.string().optional(),
  Resolution: z.string().optional(),
  Severity: z.string(),
  PrimaryURL: z.string().optional(),
  // What Trivy writes; anything else (a misspelled or lower-cased FAIL) would read as a check that held.
  Status: z.literal(['FAIL', 'PASS', 'EXCEPTION'], { error: 'expected FAIL, PASS or EXCEPTION' }).optional(),
  CauseMetadata: z
    .looseObject({
      StartLine: z.number().int().optional(),
      EndLine: z.number().int().optional(),
    })
    .optional(),
});
type Misconfiguration = z.infer<typeof MisconfigurationSchema>;

// Match and Code hold the secret itself (Trivy masks it, but only as well as its rule allows):
// they are deliberately absent from the schema so that nothing downstream can reach them.
const SecretSchema = z.looseObject({
  RuleID: z.string().min(1),
  Category: z.string().optional(),
  Severity: z.string(),
  Title: z.string().optional(),
  StartLine: z.number().int().optional(),
  EndLine: z.number().int().optional(),
});
type Secret = z.infer<typeof SecretSchema>;

const LicenseSchema = z.looseObject({
  Name: z.string().min(1),
  Severity: z.string(),
  Category: z.string().optional(),
  PkgName: z.string().optional(),
  FilePath: z.string().optional(),
  Link: z.string().optional(),
});
type License = z.infer<typeof LicenseSchema>;

const ResultSchema = z.looseObject({
  Target: z.string(),
  Class: z.string().optional(),
  Type: z.string().optional(),
  Vulnerabilities: z.array(VulnerabilitySchema).nullish(),
  Misconfigurations: z.array(MisconfigurationSchema).nullish(),
  Secrets: z.array(SecretSchema).nullish(),
  Licenses: z.array(LicenseSchema).nullish(),
});
type Result = z.infer<typeof ResultSchema>;

export const TrivyReportSchema = z.looseObject({
  SchemaVersion: z.literal(2),
  ArtifactName: z.string().optional(),
  // Trivy leaves Results out when nothing was scanned.
  Results: z.array(ResultSchema).nullish(),
});
export type TrivyReport = z.infer<typeof TrivyReportSchema>;

/** Trivy result Type → purl type. OS types also give the purl namespace (pkg:deb/debian/...). */
const LANG_TYPES = lookupTable({
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  bun: 'npm',
  'node-pkg': 'npm',
  javascript: 'npm',
  pip: 'pypi',
  pipenv: 'pypi',
  poetry: 'pypi',
  uv: 'pypi',
  pylock: 'pypi',
  'python-pkg': 'pypi',
  'conda-pkg': 'conda',
  'conda-environment': 'conda',
  gomod: 'golang',
  gobinary: 'golang',
  jar: 'maven',
  pom: 'maven',
  gradle: 'maven',
  sbt: 'maven',
  gemspec: 'gem',
  bundler: 'gem',
  cargo: 'cargo',
  rustbinary: 'cargo',
  composer: 'composer',
  'composer-vendor': 'composer',
  nuget: 'nuget',
  'dotnet-core': 'nuget',
  'packages-props': 'nuget',
  conan: 'conan',
  cocoapods: 'cocoapods',
  swift: 'swift',
  pub: 'pub',
  hex: 'hex',
  bitnami: 'bitnami',
  julia: 'julia',
});
const OS_TYPES = lookupTable({
  debian: 'deb',
  ubuntu: 'deb',
  alpine: 'apk',
  wolfi: 'apk',
  chainguard: 'apk',
  minimos: 'apk',
  redhat: 'rpm',
  centos: 'rpm',
  'centos-stream': 'rpm',
  rocky: 'rpm',
  alma: 'rpm',
  amazon: 'rpm',
  oracle: 'rpm',
  fedora: 'rpm',
  photon: 'rpm',
  'cbl-mariner': 'rpm',
  azurelinux: 'rpm',
  opensuse: 'rpm',
  'opensuse-leap': 'rpm',
  'opensuse-tumbleweed': 'rpm',
  sles: 'rpm',
  slem: 'rpm',
});
/**
 * Types whose packages Trivy gathers from many files under one made-up Target ("Java",
 * "Node.js", "Python", "Ruby", "Conda"): that Target is not a path.
 */
const AGGREGATED_TYPES = new Set(['jar', 'node-pkg', 'python-pkg', 'gemspec', 'conda-pkg']);

const CVE = /\bCVE-\d{4}-\d{4,}\b/g;
const GHSA_URL = /\/advisories\/(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b/g;

/** Distinct matches of `re` in the texts that contain `marker` (a cheap test before the regex). */
function uniqueMatches(texts: string[], marker: string, re: RegExp, group: number): string[] {
  // Called twice per vulnerability and nearly always empty: nothing allocated until a match.
  // exec with lastIndex, not matchAll: matchAll copies the regex for every text it scans.
  let found: Set<string> | undefined;
  for (const t of texts) {
    if (!t.includes(marker)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(t); m !== null; m = re.exec(t)) (found ??= new Set()).add(m[group]);
  }
  return found ? [...found] : [];
}

/**
 * Other ids of the same vulnerability: VendorIDs that are CVE/GHSA ids, and the CVE or GHSA
 * named by the references. References often cite related issues too, so an id taken from them
 * counts only when it is the only one of its kind there: a wrong alias would merge two distinct
 * vulnerabilities.
 */
function vulnerabilityAliases(v: Vulnerability): string[] {
  const vendor = v.VendorIDs ? v.VendorIDs.filter((id) => /^(CVE|GHSA)-/.test(id)) : [];
  const refs = v.References;
  if (!refs || refs.length === 0) return vendor;
  const cves = uniqueMatches(refs, 'CVE-', CVE, 0);
  const ghsas = uniqueMatches(refs, '/advisories/GHSA-', GHSA_URL, 1);
  if (cves.length !== 1 && ghsas.length !== 1) return vendor;
  return [...vendor, ...(cves.length === 1 ? cves : []), ...(ghsas.length === 1 ? ghsas : [])];
}

/** "11.0.14, 10.1.49, 9.0.112" → three versions (Trivy joins one fix per release line). */
function splitFixedVersions(s: string | undefined): string[] {
  const out: string[] = [];
  if (!s) return out;
  // indexOf and slice rather than split: no array of parts to throw away, per vulnerability.
  for (let from = 0; from <= s.length; ) {
    const comma = s.indexOf(',', from);
    const end = comma < 0 ? s.length : comma;
    const x = s.slice(from, end).trim();
    if (x !== '') out.push(x);
    from = end + 1;
  }
  return out;
}

/**
 * One CVSS base score: NVD's v3 (then v4) when present, else the vendor Trivy took the severity
 * from, else the first other vendor by name. CVSS v2 scores are left out: they use another scale.
 */
function cvssScore(v: Vulnerability): number | undefined {
  const cvss = v.CVSS ?? {};
  const scoreOf = (name: string | undefined) => (name === undefined ? undefined : (cvss[name]?.V3Score ?? cvss[name]?.V40Score));
  // NVD's or the severity source's score nearly always exists: sort the other vendors only when not.
  const first = scoreOf('nvd') ?? scoreOf(v.SeveritySource || undefined);
  if (first !== undefined) return first;
  for (const name of Object.keys(cvss).sort()) {
    const score = scoreOf(name);
    if (score !== undefined) return score;
  }
  return undefined;
}

/**
 * purlWithoutQualifiers and the purl's type, remembered for one report: a package with several
 * vulnerabilities repeats its purl, and parsing one costs more than the rest of the finding.
 */
type PurlCache = Map<string, { purl?: string; type?: string }>;

function reportPurl(purl: string, cache: PurlCache): { purl?: string; type?: string } {
  let hit = cache.get(purl);
  if (hit === undefined) {
    const p = purlWithoutQualifiers(purl);
    hit = { purl: p, type: p && purlType(p) };
    cache.set(purl, hit);
  }
  return hit;
}

function builtPurl(v: Vulnerability, type: string): string | undefined {
  const os = OS_TYPES[type];
  if (os) return buildPurl(os, v.PkgName, v.InstalledVersion, type);
  const lang = LANG_TYPES[type];
  return lang ? buildPurl(lang, v.PkgName, v.InstalledVersion) : undefined;
}

/** What the vulnerabilities of one Result share, worked out once for all of them. */
interface ResultContext {
  /** The Result's Type, lower-cased. */
  type: string;
  /** The Target, when it names the file the packages were found in. */
  file?: string;
}

function resultContext(r: Result): ResultContext {
  const type = (r.Type ?? '').toLowerCase();
  // os-pkgs Targets name the image ("img (alpine 3.10.2)"), not a file.
  return { type, file: r.Class === 'lang-pkgs' && !AGGREGATED_TYPES.has(type) ? r.Target : undefined };
}

function packageOf(v: Vulnerability, { type }: ResultContext, cache: PurlCache): PackageRef {
  const reported = v.PkgIdentifier?.PURL;
  let purl: string | undefined;
  let purlEcosystem: string | undefined;
  if (reported) {
    // Most reported purls are already what the finding carries: no parse, no cache entry.
    purlEcosystem = canonicalPurlType(reported);
    if (purlEcosystem !== undefined) purl = reported;
    else ({ purl, type: purlEcosystem } = reportPurl(reported, cache));
  }
  if (purl === undefined) {
    purl = builtPurl(v, type);
    purlEcosystem = purl && purlType(purl);
  }
  return {
    purl: purl || undefined,
    ecosystem: purlEcosystem ?? OS_TYPES[type] ?? LANG_TYPES[type],
    name: v.PkgName,
    version: v.InstalledVersion || undefined,
    fixedVersions: splitFixedVersions(v.FixedVersion),
  };
}

function vulnerabilityLocation(v: Vulnerability, ctx: ResultContext): Location | undefined {
  if (v.PkgPath) return { path: v.PkgPath };
  return ctx.file === undefined ? undefined : { path: ctx.file };
}

function lines(path: string, start: number | undefined, end: number | undefined): Location {
  const loc: Location = { path };
  if (start !== undefined && start > 0) loc.startLine = start;
  if (end !== undefined && end > 0) loc.endLine = end;
  return loc;
}

/** Trivy writes "" for a text it does not have: absent, as every other report says it. */
function text(s: string | undefined): string | undefined {
  return s === '' ? undefined : s;
}

function fromVulnerability(v: Vulnerability, ctx: ResultContext, purls: PurlCache): FindingInput {
  return {
    tool: TOOL,
    kind: 'vulnerability',
    severity: normalizeSeverity(v.Severity),
    id: v.VulnerabilityID,
    aliases: vulnerabilityAliases(v),
    title: v.Title || v.VulnerabilityID,
    description: text(v.Description),
    package: packageOf(v, ctx, purls),
    location: vulnerabilityLocation(v, ctx),
    cvssScore: cvssScore(v),
    cwes: v.CweIDs?.length ? v.CweIDs : undefined,
    url: text(v.PrimaryURL),
  };
}

function fromMisconfiguration(m: Misconfiguration, r: Result): FindingInput {
  return {
    tool: TOOL,
    kind: 'misconfiguration',
    severity: normalizeSeverity(m.Severity),
    id: m.ID,
    aliases: m.AVDID ? [m.AVDID] : [],
    title: m.Title || m.ID,
    description: text([m.Message, m.Description, m.Resolution && `Resolution: ${m.Resolution}`].filter(Boolean).join('\n\n')),
    location: lines(r.Target, m.CauseMetadata?.StartLine, m.CauseMetadata?.EndLine),
    url: text(m.PrimaryURL),
  };
}

function fromSecret(s: Secret, r: Result): FindingInput {
  return {
    tool: TOOL,
    kind: 'secret',
    severity: normalizeSeverity(s.Severity),
    id: s.RuleID,
    title: s.Title || s.RuleID,
    description: s.Category ? `Category: ${s.Category}` : undefined,
    location: lines(r.Target, s.StartLine, s.EndLine),
  };
}

function fromLicense(l: License, r: Result): FindingInput {
  const category = l.Category ? ` (${l.Category})` : '';
  return {
    tool: TOOL,
    kind: 'license',
    severity: normalizeSeverity(l.Severity),
    id: l.Name,
    title: l.PkgName ? `License ${l.Name}${category} of ${l.PkgName}` : `License ${l.Name}${category}`,
    package: l.PkgName ? { name: l.PkgName, fixedVersions: [] } : undefined,
    // License results of packages have a made-up Target ("Node.js", "OS Packages").
    location: l.FilePath ? { path: l.FilePath } : r.Class === 'license-file' ? { path: r.Target } : undefined,
    url: text(l.Link),
  };
}

function explainWrongFormat(data: unknown): void {
  if (Array.isArray(data)) {
    throw new FormatError(
      `${WHAT}: a top-level array is the JSON of Trivy before 0.20 (no SchemaVersion); run a current Trivy with --format json`,
    );
  }
  if (typeof data !== 'object' || data === null) throw new FormatError(`${WHAT}: expected a JSON object, got ${shapeOf(data)}`);
  const o = data as Record<string, unknown>;
  if ('SchemaVersion' in o || 'Results' in o) return;
  let hint = 'was it written by `trivy ... --format json`?';
  if (o.bomFormat === 'CycloneDX') hint = 'this is a CycloneDX document; write the report with --format json';
  else if (typeof o.version === 'string' && Array.isArray(o.runs)) hint = 'this is a SARIF log; read it as format sarif';
  throw new FormatError(`${WHAT}: not a Trivy JSON report (no SchemaVersion or Results; found ${describeOther(o)}); ${hint}`);
}

/** The findings of one Result; its vulnerabilities come from `vulns` (whole, or batch by batch). */
function resultFindings(r: Result, vulns: Iterable<Vulnerability[]>, purls: PurlCache, out: Finding[]): void {
  const ctx = resultContext(r);
  // Each input becomes its finding at once: collected first, 80,000 inputs would outlive the
  // young generation and be copied into the old one only to die there.
  for (const batch of vulns) for (const v of batch) out.push(makeFinding(fromVulnerability(v, ctx, purls)));
  // PASS and EXCEPTION entries (--include-non-failures) are checks that held; reports from
  // before Trivy had Status listed failures only.
  for (const m of r.Misconfigurations ?? []) if ((m.Status ?? 'FAIL') === 'FAIL') out.push(makeFinding(fromMisconfiguration(m, r)));
  for (const s of r.Secrets ?? []) out.push(makeFinding(fromSecret(s, r)));
  for (const l of r.Licenses ?? []) out.push(makeFinding(fromLicense(l, r)));
}

/**
 * Trivy always names what it scanned (ArtifactName) and leaves Results out when it found
 * nothing. A report with neither (only a SchemaVersion, say) is no evidence of a scan.
 */
function scannedSomething(report: TrivyReport): boolean {
  return (report.Results ?? []).length > 0 || report.ArtifactName !== undefined;
}

function parseWhole(text: string): Finding[] {
  const data = parseJson(text, WHAT);
  explainWrongFormat(data);
  const report = validate(TrivyReportSchema, data, WHAT);
  if (!scannedSomething(report)) throw new FormatError(`${WHAT}: no Results and no ArtifactName, so it does not show that anything was scanned`);
  const out: Finding[] = [];
  const purls: PurlCache = new Map();
  for (const r of report.Results ?? []) resultFindings(r, [r.Vulnerabilities ?? []], purls, out);
  return out;
}

const VulnerabilityListSchema = z.array(VulnerabilitySchema);
const isReport = plainValidator(TrivyReportSchema);
const isVulnerabilityList = plainValidator(VulnerabilityListSchema);

/** JSON.parse, or undefined for text that is not JSON. */
function tryParse(text: string): unknown {
  try {
    return jsonParse(text);
  } catch {
    return undefined;
  }
}

/**
 * The findings of a report read batch by batch (see trivy-split.ts); undefined when anything
 * is not as expected, and parseWhole is to read it (and explain what is wrong).
 */
function parseInBatches(bytes: Buffer, split: TrivySplit): Finding[] | undefined {
  const report = tryParse(split.skeleton);
  if (!isReport?.(report) || misspelledKey(TrivyReportSchema, report) !== undefined || !scannedSomething(report)) return undefined;
  const out: Finding[] = [];
  const purls: PurlCache = new Map();
  let ok = true;
  function* batches(ranges: [number, number][]): Generator<Vulnerability[]> {
    for (const [from, to] of ranges) {
      const list = tryParse(`[${decodeText(bytes, from, to)}]`);
      if (!isVulnerabilityList?.(list) || misspelledKey(VulnerabilityListSchema, list) !== undefined) {
        ok = false;
        return;
      }
      yield list;
    }
  }
  (report.Results ?? []).forEach((r, i) => resultFindings(r, batches(split.batches.get(i) ?? []), purls, out));
  return ok ? out : undefined;
}

/** Reports smaller than this are parsed whole: batches pay off only where the heap would grow large. */
const BATCH_ABOVE_BYTES = 4 << 20;

/**
 * The parser, with the sizes that decide batching open to tests. It takes the report's text or,
 * cheaper for a large one, the file's bytes (UTF-8): only those are read in batches.
 */
export function parseTrivyReport(report: string | Buffer, sizes: { batchAbove: number; batchBytes?: number }): Finding[] {
  if (report.length > sizes.batchAbove) {
    const bytes = typeof report === 'string' ? Buffer.from(report, 'utf8') : report;
    const split = splitTrivy(bytes, sizes.batchBytes);
    const found = split && parseInBatches(bytes, split);
    if (found) return found;
  }
  return parseWhole(typeof report === 'string' ? report : decodeText(report));
}

/** A Trivy report, as text or as the file's bytes. */
export const parseTrivy = (report: string | Buffer): Finding[] => parseTrivyReport(report, { batchAbove: BATCH_ABOVE_BYTES });
