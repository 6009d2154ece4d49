// SARIF 2.1.0 logs from any tool (CodeQL, Semgrep, Trivy, gitleaks, checkov...). Pure.
//
// Choices, each tested:
// - Severity: the rule's `security-severity` score (what code scanning ranks by) when present,
//   else the level: result.level, else the rule's defaultConfiguration.level, else SARIF's default
//   `warning`. error → high, warning → medium, note → low, none → info (the same ladder as
//   Semgrep's ERROR / WARNING / INFO).
// - Suppressed results: a result whose suppressions are all accepted (status absent or
//   `accepted`, e.g. a `nosemgrep` comment, kind inSource) is left out and counted; one with a
//   suppression under review or rejected stays a finding. Results of kind `pass` or
//   `notApplicable` are checks that held, not findings.
// - Paths: Windows backslashes become `/`, `file://` and percent-encoding are undone and `a/../b`
//   is folded, so one file has one spelling.
// - Secrets: the title comes from the rule, never from the message or snippet, which may quote
//   the secret.
import * as path from 'node:path';
import { z } from 'zod';
import {
  makeFinding,
  severityFromScore,
  type Finding,
  type FindingInput,
  type Kind,
  type Location,
  type PackageRef,
  type Severity,
} from '../core/finding';
import { lookupTable } from '../core/lookup';
import type { Parser } from './types';
import { FormatError, parseJson, validate } from './util';

const WHAT = 'SARIF log';

const TextSchema = z.looseObject({ text: z.string().optional() });

const RuleSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: TextSchema.optional(),
  fullDescription: TextSchema.optional(),
  helpUri: z.string().optional(),
  defaultConfiguration: z.looseObject({ level: z.string().optional() }).optional(),
  properties: z
    .looseObject({
      tags: z.array(z.string()).optional(),
      'security-severity': z.union([z.string(), z.number()]).optional(),
      cvssv3_baseScore: z.number().optional(),
    })
    .optional(),
});
type Rule = z.infer<typeof RuleSchema>;

const ToolComponentSchema = z.looseObject({
  name: z.string(),
  rules: z.array(RuleSchema).nullish(),
});
type ToolComponent = z.infer<typeof ToolComponentSchema>;

const ResultSchema = z.looseObject({
  ruleId: z.string().optional(),
  ruleIndex: z.number().int().optional(),
  rule: z
    .looseObject({
      id: z.string().optional(),
      index: z.number().int().optional(),
      toolComponent: z.looseObject({ index: z.number().int().optional() }).optional(),
    })
    .optional(),
  kind: z.string().optional(),
  level: z.string().optional(),
  message: TextSchema,
  locations: z
    .array(
      z.looseObject({
        physicalLocation: z
          .looseObject({
            artifactLocation: z.looseObject({ uri: z.string().optional() }).optional(),
            region: z.looseObject({ startLine: z.number().int().optional(), endLine: z.number().int().optional() }).optional(),
          })
          .optional(),
      }),
    )
    .nullish(),
  suppressions: z.array(z.looseObject({ kind: z.string(), status: z.string().optional() })).nullish(),
});
type Result = z.infer<typeof ResultSchema>;

const RunSchema = z.looseObject({
  tool: z.looseObject({ driver: ToolComponentSchema, extensions: z.array(ToolComponentSchema).nullish() }),
  invocations: z.array(z.looseObject({ executionSuccessful: z.boolean().optional() })).nullish(),
  // Absent or null when the tool did not produce results (see failedRun).
  results: z.array(ResultSchema).nullish(),
});
type Run = z.infer<typeof RunSchema>;

export const SarifLogSchema = z.looseObject({
  version: z.literal('2.1.0'),
  runs: z.array(RunSchema),
});
export type SarifLog = z.infer<typeof SarifLogSchema>;

/**
 * The properties SARIF 2.1.0 defines for a log and for a run. Its schema allows no others
 * (anything a tool adds goes into `properties`), so any other key, such as a `results` with a
 * byte changed, means the log is damaged or edited.
 */
const LOG_KEYS = new Set(['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties']);
const RUN_KEYS = new Set([
  'tool', 'invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts',
  'logicalLocations', 'graphs', 'results', 'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens',
  'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind', 'externalPropertyFileReferences',
  'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses',
  'specialLocations', 'properties',
]);

function unknownKey(o: object, known: Set<string>): string | undefined {
  return Object.keys(o).find((k) => !known.has(k));
}

/**
 * Why a run is no clean result, if it is not. SARIF says how a consumer tells: a run whose
 * `results` is absent or null produced none (the tool failed; one that found nothing writes
 * `[]`), and an invocation with `executionSuccessful: false` failed.
 */
function failedRun(run: Run): string | undefined {
  if (run.results == null) return 'has no "results" array, which in SARIF means the tool did not produce results';
  if ((run.invocations ?? []).some((i) => i.executionSuccessful === false)) return 'has an invocation with executionSuccessful false';
  return undefined;
}

/** A parsed JSON value that is a SARIF log (of any version: the parser then says which it reads). */
export function isSarif(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const o = data as Record<string, unknown>;
  return Array.isArray(o.runs) && (typeof o.version === 'string' || /sarif/i.test(String(o.$schema ?? '')));
}

const LEVELS = lookupTable<Severity>({ error: 'high', warning: 'medium', note: 'low', none: 'info' });

const SECRET_TOOLS = new Set(['gitleaks', 'trufflehog', 'detect-secrets', 'ggshield', 'secretlint']);
const IAC_TOOLS = new Set(['checkov', 'tfsec', 'kics', 'terrascan', 'hadolint']);
const TRIVY_RULE_NAMES = lookupTable<Kind>({
  ospackagevulnerability: 'vulnerability',
  languagespecificpackagevulnerability: 'vulnerability',
  misconfiguration: 'misconfiguration',
  secret: 'secret',
  license: 'license',
});
const ADVISORY_ID = /^(CVE|GHSA|GO|PYSEC|RUSTSEC|OSV|MAL|DLA|DSA|DTSA|USN|ALAS\d*|RHSA|ELSA|SUSE-SU|OPENSUSE-SU)-/i;

/** The `tool` of a run's findings: known drivers by their usual name, others as a slug. */
export function toolName(driverName: string): string {
  const slug = driverName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.startsWith('semgrep')) return 'semgrep';
  if (slug.startsWith('trivy')) return 'trivy';
  return slug || 'sarif';
}

/** The rule a result refers to: by tool component and index, else by id in any component. */
function findRule(run: Run, r: Result): Rule | undefined {
  const extIndex = r.rule?.toolComponent?.index;
  const component: ToolComponent | undefined = extIndex === undefined ? run.tool.driver : (run.tool.extensions ?? [])[extIndex];
  const index = r.rule?.index ?? r.ruleIndex;
  const byIndex = index === undefined ? undefined : (component?.rules ?? [])[index];
  if (byIndex) return byIndex;
  const id = r.ruleId ?? r.rule?.id;
  if (id === undefined) return undefined;
  for (const c of [run.tool.driver, ...(run.tool.extensions ?? [])]) {
    const found = (c.rules ?? []).find((x) => x.id === id);
    if (found) return found;
  }
  return undefined;
}

function severityOf(r: Result, rule: Rule | undefined): Severity {
  const raw = rule?.properties?.['security-severity'];
  const score = raw === undefined || raw === '' ? NaN : Number(raw);
  if (Number.isFinite(score)) return severityFromScore(score);
  const level = (r.level ?? rule?.defaultConfiguration?.level ?? 'warning').toLowerCase();
  return LEVELS[level] ?? 'unknown';
}

function kindOf(tool: string, id: string, rule: Rule | undefined): Kind {
  const tags = (rule?.properties?.tags ?? []).map((t) => t.toLowerCase());
  if (tool === 'trivy') {
    const byName = TRIVY_RULE_NAMES[(rule?.name ?? '').toLowerCase()];
    if (byName) return byName;
    if (tags.includes('secret')) return 'secret';
    return ADVISORY_ID.test(id) ? 'vulnerability' : 'misconfiguration';
  }
  if (SECRET_TOOLS.has(tool) || tags.includes('secret') || tags.includes('secrets')) return 'secret';
  if (IAC_TOOLS.has(tool)) return 'misconfiguration';
  return 'code';
}

/** Accepted suppressions only: one under review or rejected does not hide the result. */
function isSuppressed(r: Result): boolean {
  const s = r.suppressions ?? [];
  return s.length > 0 && s.every((x) => (x.status ?? 'accepted') === 'accepted');
}

function normalizeUri(uri: string): string {
  let p = uri.replace(/\\/g, '/').replace(/^file:\/\/(localhost)?/i, '');
  // file:///C:/src/x → C:/src/x
  if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
  try {
    p = decodeURIComponent(p);
  } catch {
    // A stray `%` that is not an escape: keep the text as written.
  }
  return path.posix.normalize(p);
}

function locationOf(r: Result): Location | undefined {
  const phys = r.locations?.[0]?.physicalLocation;
  const uri = phys?.artifactLocation?.uri;
  if (!uri) return undefined;
  const loc: Location = { path: normalizeUri(uri) };
  const start = phys?.region?.startLine;
  const end = phys?.region?.endLine;
  if (start !== undefined) loc.startLine = start;
  if (end !== undefined) loc.endLine = end;
  return loc;
}

function firstLine(text: string | undefined): string | undefined {
  return text
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
}

/** CWE ids from rule tags: CodeQL's `external/cwe/cwe-079`, Semgrep's `CWE-79: ...`. */
function cwesOf(rule: Rule | undefined): string[] {
  const cwes = new Set<string>();
  for (const t of rule?.properties?.tags ?? []) for (const m of t.matchAll(/\bcwe[-/](\d+)/gi)) cwes.add(`CWE-${Number(m[1])}`);
  return [...cwes].sort();
}

/** Trivy's SARIF carries the package only in the message ("Package: x\nInstalled Version: y"). */
function trivyPackage(message: string | undefined): PackageRef | undefined {
  const field = (name: string): string | undefined => {
    const m = new RegExp(`^${name}: *(.+)$`, 'm').exec(message ?? '');
    return m?.[1].trim();
  };
  const name = field('Package');
  if (!name) return undefined;
  const pkg: PackageRef = {
    name,
    fixedVersions: (field('Fixed Version') ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  };
  const version = field('Installed Version');
  if (version) pkg.version = version;
  return pkg;
}

function fromResult(run: Run, tool: string, r: Result): FindingInput {
  const rule = findRule(run, r);
  const id = r.ruleId ?? r.rule?.id ?? rule?.id ?? `${tool}-result`;
  const kind = kindOf(tool, id, rule);
  const ruleTitle = rule?.shortDescription?.text || rule?.name;
  // Trivy's message is a field list ("Package: ..."); its rule text is the advisory title.
  const title =
    kind === 'secret' || tool === 'trivy' ? (ruleTitle ?? id) : (firstLine(r.message.text) ?? ruleTitle ?? id);
  const f: FindingInput = { tool, kind, severity: severityOf(r, rule), id, title };
  const description = kind === 'secret' ? undefined : rule?.fullDescription?.text;
  if (description && description !== title) f.description = description;
  if (tool === 'trivy' && kind === 'vulnerability') {
    const pkg = trivyPackage(r.message.text);
    if (pkg) f.package = pkg;
    const score = rule?.properties?.cvssv3_baseScore;
    if (score !== undefined) f.cvssScore = score;
  }
  const loc = locationOf(r);
  if (loc) f.location = loc;
  const cwes = cwesOf(rule);
  if (cwes.length) f.cwes = cwes;
  if (rule?.helpUri) f.url = rule.helpUri;
  return f;
}

export interface SarifParseResult {
  findings: Finding[];
  /** Results left out because every suppression on them is accepted. */
  suppressed: number;
}

/** Findings of every run, and how many results were suppressed in the log itself. */
export function parseSarifLog(text: string): SarifParseResult {
  const data = parseJson(text, WHAT);
  if (!isSarif(data)) {
    throw new FormatError(`${WHAT}: not a SARIF log (expected an object with "version" and "runs")`);
  }
  const version = (data as { version?: unknown }).version;
  if (version !== '2.1.0') {
    const shown = typeof version === 'string' && /^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$/.test(version) ? `${version} ` : '';
    throw new FormatError(`${WHAT}: SARIF version ${shown}is not supported; chaingate reads SARIF 2.1.0`);
  }
  const log = validate(SarifLogSchema, data, WHAT);
  const extra = unknownKey(log, LOG_KEYS);
  if (extra !== undefined) throw new FormatError(`${WHAT}: unexpected key in the log, which SARIF 2.1.0 does not define; the log is damaged or was edited`);
  const findings: Finding[] = [];
  let suppressed = 0;
  for (const [i, run] of log.runs.entries()) {
    const tool = toolName(run.tool.driver.name);
    const key = unknownKey(run, RUN_KEYS);
    if (key !== undefined) throw new FormatError(`${WHAT}: run ${i}: unexpected key, which SARIF 2.1.0 does not define for a run; the log is damaged or was edited`);
    const failed = failedRun(run);
    if (failed !== undefined) throw new FormatError(`${WHAT}: run ${i} ${failed}; this is not a clean result`);
    for (const r of run.results as Result[]) {
      const kind = (r.kind ?? 'fail').toLowerCase();
      if (kind === 'pass' || kind === 'notapplicable') continue;
      if (isSuppressed(r)) {
        suppressed++;
        continue;
      }
      findings.push(makeFinding(fromResult(run, tool, r)));
    }
  }
  return { findings, suppressed };
}

export const parseSarif: Parser = (text: string): Finding[] => parseSarifLog(text).findings;
