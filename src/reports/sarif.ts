// chaingate.sarif: every finding, suppressed ones included, as one SARIF 2.1.0 log with one run per
// tool, shaped for GitHub code scanning (security-severity on rules, one physical location per
// result, our fingerprint as a partial fingerprint). Pure.
import { securitySeverityScore, worseSeverity, type Severity } from '../core/finding';
import { nearestFix } from '../core/fix';
import { isUrlLocation } from '../core/url-location';
import { wellFormed } from '../core/lookup';
import { md } from './markdown';
import { linkTarget, SECRET_REMEDIATION } from './remedy';
import type { EvaluatedFinding, GateResult } from '../core/result';
import * as path from 'node:path';
import { compareStrings, normalizePath, packageLabel, sortFindings } from './order';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** partialFingerprints key (written literally in buildRun): versioned, so a change to how we fingerprint can be told apart. */
export const FINGERPRINT_KEY = 'chaingateFingerprint/v1';
const DEFAULT_FALLBACK_URI = '.chaingate.yml';

export interface SarifOptions {
  /** chaingate's version, recorded as the converter of every run. */
  toolVersion: string;
  /**
   * Lockfile or manifest per package ecosystem (purl type: npm, pypi...), repository-relative.
   * A vulnerability reported without a file is shown on its ecosystem's lockfile.
   */
  lockfiles?: Record<string, string>;
  /**
   * Where any other finding without a file is shown. Code scanning rejects a result without a
   * physical location, so there must be one: default the policy file the gate ran with, else
   * `.chaingate.yml` at the repository root.
   */
  fallbackUri?: string;
  /** The version of each tool (as findings name them) where known: the run's driver.version. */
  toolVersions?: Record<string, string>;
  /**
   * The line to show a finding at when its tool gave none: a vulnerable package's entry in its
   * lockfile, a Dockerfile check's instruction. Code scanning shows a line-less alert on the
   * file's first line.
   */
  anchor?: (f: EvaluatedFinding) => { path: string; startLine: number } | undefined;
  /** Absolute checkout root: absolute paths under it are made relative. */
  root?: string;
  /**
   * The scanned folder relative to the repository root (`services/api`), when it is not the
   * root: findings' relative paths are relative to it, and code scanning needs them relative to
   * the repository. Also part of each run's category, so the uploads of two projects of one
   * repository do not close each other's alerts.
   */
  project?: string;
  /**
   * Keep at most this many results per run, the most important first (blocking, then worst
   * severity). Unset, the log holds every finding. Code scanning rejects a run with more than
   * CODE_SCANNING_MAX_RESULTS_PER_RUN results, so a log meant for upload should set it.
   */
  maxResultsPerRun?: number;
  /**
   * Tools (as findings name them: trivy, npm-audit...) that ran to completion. Each gets a run
   * even with no results, so code scanning closes the alerts they no longer report. Leave out
   * a tool that failed: its empty run would close its alerts as if they were fixed.
   */
  completedTools?: string[];
  /**
   * The monorepo's project folders (relative to the scanned folder, as findings carry them):
   * each completed tool also gets an empty run per project, so code scanning closes the alerts
   * of a project that has none left. Projects findings carry are included anyway.
   */
  projects?: string[];
}

export { CODE_SCANNING_MAX_RESULTS_PER_RUN } from '../config/defaults';

/** Each tool's home page, for the driver's informationUri. */
const TOOL_URIS: Record<string, string> = {
  trivy: 'https://trivy.dev/',
  semgrep: 'https://semgrep.dev/',
  osv: 'https://osv.dev/',
  'osv-scanner': 'https://google.github.io/osv-scanner/',
  grype: 'https://github.com/anchore/grype',
  'pip-audit': 'https://github.com/pypa/pip-audit',
  cosign: 'https://docs.sigstore.dev/cosign/',
  zizmor: 'https://docs.zizmor.sh/',
};


type Obj = Record<string, unknown>;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
  unknown: 'note',
};

/**
 * A repository-relative URI reference: forward slashes, each segment percent-encoded. Reports
 * are read well-formed, but a path may come from elsewhere: a lone surrogate, which
 * encodeURIComponent throws on, is encoded as U+FFFD.
 */
export function toArtifactUri(path: string, root?: string): string {
  return relativeTo(normalizePath(path), rootPrefix(root))
    .split('/')
    .map((seg) => encodeURIComponent(wellFormed(seg)))
    .join('/');
}

/** The root as paths are compared with it: normalized, without trailing slashes; undefined for none. */
function rootPrefix(root: string | undefined): string | undefined {
  return root ? normalizePath(root).replace(/\/+$/, '') : undefined;
}

/** A normalized path relative to the root prefix when it is inside it, else as it is. */
function relativeTo(p: string, r: string | undefined): string {
  if (r === undefined) return p;
  if (p === r) return '.';
  return p.startsWith(`${r}/`) ? p.slice(r.length + 1) : p;
}

/** An http(s) URL of plain characters: what advisory links look like, accepted without parsing. */
const PLAIN_WEB_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9\-._~%/]*)?$/;

/** Only web links become helpUri: a tool-provided `javascript:` or relative URL must not. */
export function isWebUrl(u: string): boolean {
  if (PLAIN_WEB_URL.test(u)) return true;
  try {
    return /^https?:$/.test(new URL(u).protocol);
  } catch {
    return false;
  }
}

function cweTag(cwe: string): string {
  const m = /(\d+)/.exec(cwe);
  return m ? `external/cwe/cwe-${m[1]}` : cwe;
}

/** cweTag, worked out once per CWE in a render: a log of 100,000 findings names a few dozen. */
function cweTagOnce(ctx: Ctx, cwe: string): string {
  let tag = ctx.cweTags.get(cwe);
  if (tag === undefined) ctx.cweTags.set(cwe, (tag = cweTag(cwe)));
  return tag;
}

function messageText(f: EvaluatedFinding): string {
  if (f.package) {
    const nearest = nearestFix(f.package);
    // A license has no fixed version: what to do is in the remediation.
    const fixed = f.kind === 'license' ? '' : nearest === undefined ? ' No fixed version yet.' : ` Fixed in ${nearest}.`;
    return `${f.id} in ${packageLabel(f.package)}: ${f.title || f.id}.${fixed}`;
  }
  const at = f.location && isUrlLocation(f.location.path) ? ` at ${f.location.path}` : '';
  return `${f.title ? `${f.title} (${f.id})` : f.id}${at}`;
}

function region(f: EvaluatedFinding): Obj | undefined {
  const l = f.location;
  // SARIF lines are 1-based; a tool's 0 or missing start means "the whole file".
  if (!l || l.startLine === undefined || !Number.isInteger(l.startLine) || l.startLine < 1) return undefined;
  const end = l.endLine !== undefined && Number.isInteger(l.endLine) && l.endLine >= l.startLine ? l.endLine : undefined;
  return { startLine: l.startLine, endLine: end };
}

/** Per-render state. */
interface Ctx {
  opts: SarifOptions;
  fallback: string;
  /** rootPrefix(opts.root), worked out once. */
  root: string | undefined;
  /** projectPrefix(opts.project), worked out once. */
  project: string | undefined;
  /** md() of each title, and of each description, met so far (see mdOnce). */
  titles: Map<string, string>;
  descriptions: Map<string, string>;
  /** isWebUrl of each rule link met so far. */
  webUrls: Map<string, boolean>;
  /** cweTag of each CWE met so far. */
  cweTags: Map<string, string>;
  /** textBytes of each shared text met so far. */
  textBytes: Map<string, Uint8Array>;
}

/**
 * md(text, max), worked out once per text in a render: the rules of a large log repeat a few
 * hundred advisories' titles and descriptions (the same CVE in many packages and projects), and
 * escaping each again took 0.6 s of a 100,000-finding merge.
 */
function mdOnce(seen: Map<string, string>, text: string, max?: number): string {
  let out = seen.get(text);
  if (out === undefined) seen.set(text, (out = md(text, max)));
  return out;
}

/** Paths toArtifactUri would return unchanged (what encodeURIComponent leaves alone, and `/`). */
const PLAIN_PATH = /^(?!\.\/)[A-Za-z0-9\-_.!~*'()/]*$/;

/** Absolute on POSIX or Windows: such a path is made relative to the root, not to the project. */
const ABSOLUTE = /^(?:[\\/]|[A-Za-z]:[\\/])/;

function uriFor(file: string, ctx: Ctx): string {
  const project = ctx.project;
  if (project !== undefined && !ABSOLUTE.test(file)) file = path.posix.join(project, normalizePath(file));
  // A plain path is already normalized, and so is any part of it: nothing to encode either.
  return PLAIN_PATH.test(file) ? relativeTo(file, ctx.root) : toArtifactUri(file, ctx.opts.root);
}

/** The project folder as a plain relative path, or undefined for the repository root. */
function projectPrefix(project: string | undefined): string | undefined {
  const p = project === undefined ? '' : path.posix.normalize(normalizePath(project)).replace(/\/+$/, '');
  return p === '' || p === '.' ? undefined : p;
}

function lockfileFor(p: EvaluatedFinding['package'], ctx: Ctx): string | undefined {
  const eco = p?.ecosystem?.toLowerCase();
  // The ecosystem is a report's text: only the map's own entries count.
  const files = ctx.opts.lockfiles;
  return eco === undefined || files === undefined || !Object.hasOwn(files, eco) ? undefined : files[eco];
}

function location(f: EvaluatedFinding, ctx: Ctx): Obj {
  const p = f.package;
  // Code scanning maps artifact URIs to repository files: a deployed URL (the headers scanner) is
  // shown on the policy file that names it, the URL its logical location and in its message.
  const url = f.location && isUrlLocation(f.location.path) ? f.location.path : undefined;
  let file = url ? ctx.fallback : (f.location?.path ?? lockfileFor(p, ctx) ?? ctx.fallback);
  let at = region(f);
  const anchor = at === undefined ? ctx.opts.anchor?.(f) : undefined;
  if (anchor) {
    file = anchor.path;
    at = { startLine: anchor.startLine };
  }
  return {
    physicalLocation: { artifactLocation: { uri: uriFor(file, ctx) }, region: at },
    logicalLocations: p ? [{ fullyQualifiedName: p.purl ?? packageLabel(p), kind: 'package' }] : url && [{ fullyQualifiedName: url, kind: 'resource' }],
  };
}

function suppressions(f: EvaluatedFinding): Obj[] {
  const out: Obj[] = [];
  if (f.exception) {
    const e = f.exception;
    const who = [e.owner ? `owner ${e.owner}` : '', `expires ${e.expires}`, e.ticket ? `ticket ${e.ticket}` : ''].filter(Boolean).join(', ');
    out.push({
      kind: 'external',
      status: 'accepted',
      justification: `${e.reason} (${who}; exception ${e.id} #${e.index + 1} in ${e.source})`,
      properties: { exception: e },
    });
  }
  if (f.vex) {
    const v = f.vex;
    const why = [v.justification, v.statement].filter(Boolean).join(': ');
    out.push({
      kind: 'external',
      status: 'accepted',
      justification: `VEX ${v.status}${why ? `: ${why}` : ''} (${v.source})`,
      properties: { vex: v },
    });
  }
  return out;
}

function resultProperties(f: EvaluatedFinding): Obj {
  return {
    blocking: f.blocking,
    rationale: f.rationale,
    severity: f.severity,
    kind: f.kind,
    tools: f.tools,
    alsoReportedBy: f.tools.length > 1 ? f.tools.slice(1) : undefined,
    aliases: f.aliases.length ? f.aliases : undefined,
    // The package itself is the logical location; its fix is what a reader acts on.
    fixedVersions: f.package?.fixedVersions,
    fixedIn: f.package && nearestFix(f.package),
    cvssScore: f.cvssScore,
  };
}

interface RuleAcc {
  first: EvaluatedFinding;
  worst: Severity;
  cwes: Set<string>;
}

/** What to do about a finding of this kind: the remediation code scanning shows under the alert. */
function remediation(f: EvaluatedFinding, webUrl: boolean): string {
  switch (f.kind) {
    case 'vulnerability': {
      const to = f.package && nearestFix(f.package);
      const pkg = f.package ? `\`${codeText(f.package.name)}\`` : 'the package';
      if (to === undefined) return `No fixed version of ${pkg} is known yet: remove or replace it, or accept the risk in the exceptions file with a reason and an expiry.`;
      return `Upgrade ${pkg} to \`${codeText(to)}\` or later (the nearest fixed version). A transitive dependency is upgraded through the package that requires it, or pinned (npm \`overrides\`, yarn \`resolutions\`, a pip constraint); then regenerate the lockfile.`;
    }
    case 'secret':
      return SECRET_REMEDIATION;
    case 'license':
      return 'Replace the package with one under a license the policy allows, or accept it in the exceptions file with a reason and an expiry.';
    case 'signature':
      return 'Sign the image with a trusted key or identity, or correct the keys in the policy\'s `verify:` section.';
    default:
      return 'Change the code or configuration at the location shown' + (webUrl ? ', as the rule\'s documentation describes.' : '.') + ' To accept the risk instead, add an exception with a reason and an expiry.';
  }
}

/** Tool text inside a code span: one line, no backticks to close it. */
function codeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[`\u0000-\u001f\u007f]/g, ' ');
}

/** How much of a description the help's Markdown shows. */
const MAX_DESCRIPTION_CHARS = 4000;

/** The help's Markdown paragraphs: a heading, the description, the remediation, a link. */
interface HelpParagraphs {
  /** Of the title (shared by the rules of one advisory), else of the rule's id (its own). */
  heading: string;
  description?: string;
  remediation: string;
  link?: string;
}

function helpParagraphs(id: string, f: EvaluatedFinding, ctx: Ctx, webUrl: boolean): HelpParagraphs {
  return {
    heading: `**${f.title ? mdOnce(ctx.titles, f.title) : md(id)}**`,
    description: f.description ? mdOnce(ctx.descriptions, f.description, MAX_DESCRIPTION_CHARS) : undefined,
    remediation: `**Remediation:** ${remediation(f, webUrl)}`,
    link: webUrl ? `[${md(id)}](${linkTarget(f.url as string)})` : undefined,
  };
}

function helpMarkdown(id: string, f: EvaluatedFinding, ctx: Ctx, webUrl: boolean): string {
  const h = helpParagraphs(id, f, ctx, webUrl);
  return [h.heading, h.description, h.remediation, h.link].filter((p) => p !== undefined).join('\n\n');
}

/** isWebUrl of a rule's link, once per link in a render: thousands of rules share a few hundred. */
function webUrlOnce(ctx: Ctx, url: string | undefined): boolean {
  if (!url) return false;
  let web = ctx.webUrls.get(url);
  if (web === undefined) ctx.webUrls.set(url, (web = isWebUrl(url)));
  return web;
}

function rule(id: string, acc: RuleAcc, ctx: Ctx): Obj {
  const f = acc.first;
  const web = webUrlOnce(ctx, f.url);
  const r: Obj = { id, shortDescription: { text: f.title || id } };
  if (f.description) r.fullDescription = { text: f.description };
  if (web) r.helpUri = f.url;
  r.help = { text: [f.description || f.title, f.url].filter(Boolean).join('\n\n') || id, markdown: helpMarkdown(id, f, ctx, web) };
  r.properties = {
    'security-severity': securitySeverityScore(acc.worst),
    // Code scanning rejects a rule with more than 20 tags.
    tags: ['security', f.kind, ...[...acc.cwes].sort().map((c) => cweTagOnce(ctx, c))].slice(0, 20),
  };
  return r;
}

/** A piece of a log: text, the UTF-8 bytes of a text met before (see textBytes), or a list of those. */
export type SarifPiece = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * The UTF-8 bytes of JSON.stringify(text) without its quotes, made once per text in a render. The
 * rules of a log repeat a few hundred titles, descriptions and remediations, each two or three
 * times a rule: 80 of the 107 MB of the log of 100,000 findings of distinct advisories. Written
 * from these bytes, they are neither escaped nor encoded again.
 */
function textBytes(ctx: Ctx, text: string): Uint8Array {
  let b = ctx.textBytes.get(text);
  if (b === undefined) ctx.textBytes.set(text, (b = Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8')));
  return b;
}

/**
 * JSON.stringify(rule(id, acc, ctx)), as pieces: the same bytes once encoded and joined. Texts
 * rules share are textBytes; escaping pieces apart equals escaping them joined, because every
 * joint is an ASCII character (JSON escapes a character alone, except a surrogate, whose escape
 * depends on its neighbours; an ASCII one leaves it as lone as the end of its piece did).
 */
function rulePieces(id: string, acc: RuleAcc, ctx: Ctx, firstRule: boolean): (string | Uint8Array)[] {
  const f = acc.first;
  const web = webUrlOnce(ctx, f.url);
  const idJson = JSON.stringify(id);
  const out: (string | Uint8Array)[] = [`${firstRule ? '' : ','}{"id":${idJson},"shortDescription":{"text":`];
  const quoted = (text: string, after: string) => out.push('"', textBytes(ctx, text), `"${after}`);
  if (f.title) quoted(f.title, '}');
  else out.push(`${idJson}}`);
  if (f.description) {
    out.push(',"fullDescription":{"text":');
    quoted(f.description, '}');
  }
  if (web) {
    out.push(',"helpUri":');
    quoted(f.url as string, '');
  }
  out.push(',"help":{"text":');
  const first = f.description || f.title;
  if (first && f.url) out.push('"', textBytes(ctx, first), '\\n\\n', textBytes(ctx, f.url), '",');
  else if (first || f.url) quoted((first || f.url) as string, ',');
  else out.push(`${idJson},`);
  const h = helpParagraphs(id, f, ctx, web);
  // The heading of an id is the rule's own: not kept.
  out.push('"markdown":"', f.title ? textBytes(ctx, h.heading) : JSON.stringify(h.heading).slice(1, -1));
  if (h.description !== undefined) out.push('\\n\\n', textBytes(ctx, h.description));
  out.push('\\n\\n', textBytes(ctx, h.remediation));
  const tags = ['security', f.kind, ...[...acc.cwes].sort().map((c) => cweTagOnce(ctx, c))].slice(0, 20);
  const properties = `"},"properties":{"security-severity":${JSON.stringify(securitySeverityScore(acc.worst))},"tags":${JSON.stringify(tags)}}}`;
  out.push(h.link === undefined ? properties : `\\n\\n${JSON.stringify(h.link).slice(1, -1)}${properties}`);
  return out;
}

/** A run whose driver's `rules` and whose `results` are still to be filled from `ruleIds` and `findings`. */
interface RunParts {
  run: Obj;
  driver: Obj;
  findings: EvaluatedFinding[];
  ruleIds: string[];
  rules: Map<string, RuleAcc>;
  ruleIndex: Map<string, number>;
}

function sarifResult(f: EvaluatedFinding, ruleIndex: Map<string, number>, ctx: Ctx): Obj {
  return {
    ruleId: f.id,
    ruleIndex: ruleIndex.get(f.id),
    level: LEVEL[f.severity],
    message: { text: messageText(f) },
    locations: [location(f, ctx)],
    partialFingerprints: { 'chaingateFingerprint/v1': f.fingerprint },
    suppressions: f.exception || f.vex ? suppressions(f) : undefined,
    // SARIF's own word for a baseline comparison: code scanning and viewers read it.
    baselineState: f.baseline === undefined ? undefined : f.baseline === 'new' ? 'new' : 'unchanged',
    properties: resultProperties(f),
  };
}

/** A tool's findings kept for its run (the first maxResultsPerRun), and how many were left out. */
interface ToolFindings {
  kept: EvaluatedFinding[];
  omitted: number;
}

/** The category's project: the scanned folder, then the finding's project inside it. */
function categoryProject(ctx: Ctx, project: string | undefined): string | undefined {
  const p = projectPrefix(project);
  if (p === undefined) return ctx.project;
  return ctx.project === undefined ? p : `${ctx.project}/${p}`;
}

function buildRun(tool: string, project: string | undefined, { kept: findings, omitted }: ToolFindings, ctx: Ctx): RunParts {
  const max = ctx.opts.maxResultsPerRun;
  const rules = new Map<string, RuleAcc>();
  for (const f of findings) {
    const acc = rules.get(f.id);
    if (!acc) rules.set(f.id, { first: f, worst: f.severity, cwes: new Set(f.cwes) });
    else {
      acc.worst = worseSeverity(acc.worst, f.severity);
      if (f.cwes) for (const c of f.cwes) acc.cwes.add(c);
    }
  }
  const ruleIds = [...rules.keys()].sort(compareStrings);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const driver: Obj = { name: tool, version: ctx.opts.toolVersions?.[tool], informationUri: TOOL_URIS[tool], rules: undefined };
  const run: Obj = {
    tool: { driver },
    conversion: { tool: { driver: { name: 'chaingate', version: ctx.opts.toolVersion } } },
    // A distinct category per tool and project, so code scanning tracks each one's alerts separately.
    automationDetails: { id: project === undefined ? `chaingate/${tool}/` : `chaingate/${tool}/${project}/` },
    // Said where a reader of the log looks: the run's own invocation notifications.
    invocations: omitted
      ? [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              { level: 'warning', message: { text: `${omitted} less important ${tool} results left out of this log (limit ${max} per run); chaingate-result.json lists every finding.` } },
            ],
          },
        ]
      : undefined,
    properties: omitted ? { omittedResults: omitted } : undefined,
    results: undefined,
  };
  return { run, driver, findings, ruleIds, rules, ruleIndex };
}

/** Code scanning rejects a log of more runs than this. */
export const CODE_SCANNING_MAX_RUNS = 20;

interface RunGroup {
  tool: string;
  project: string | undefined;
  t: ToolFindings;
}

/**
 * Runs by tool and, with `perProject`, by project too (the category's, from the repository root):
 * a monorepo's projects are then tracked apart, as if each had uploaded its own log.
 */
function groupRuns(findings: readonly EvaluatedFinding[], ctx: Ctx, perProject: boolean): RunGroup[] {
  const opts = ctx.opts;
  // By tool, then project: a key string made per finding cost more than the grouping itself.
  const byRun = new Map<string, Map<string, RunGroup>>();
  const get = (tool: string, project: string | undefined): ToolFindings => {
    let inTool = byRun.get(tool);
    if (!inTool) byRun.set(tool, (inTool = new Map()));
    let r = inTool.get(project ?? '');
    if (!r) inTool.set(project ?? '', (r = { tool, project, t: { kept: [], omitted: 0 } }));
    return r.t;
  };
  const max = opts.maxResultsPerRun ?? Infinity;
  const projects = new Set<string | undefined>([ctx.project]);
  if (perProject) for (const p of opts.projects ?? []) projects.add(categoryProject(ctx, p));
  // Findings name a handful of projects: each worked out once (path normalizing per finding was
  // a tenth of the log's time on 100,000 findings).
  const categories = new Map<string | undefined, string | undefined>();
  const categoryOf = (p: string | undefined): string | undefined => {
    if (!categories.has(p)) categories.set(p, categoryProject(ctx, p));
    return categories.get(p);
  };
  for (const f of findings) {
    // A finding several tools reported lives in the run of the first (tools are sorted).
    // The model always names a tool; should one slip through without, it still gets a run.
    const project = perProject ? categoryOf(f.project) : ctx.project;
    projects.add(project);
    const t = get(f.tools[0] ?? 'chaingate', project);
    if (t.kept.length < max) t.kept.push(f);
    else t.omitted++;
  }
  for (const tool of opts.completedTools ?? []) for (const p of projects) get(tool, p);
  return [...byRun.values()].flatMap((m) => [...m.values()]).sort((a, b) => compareStrings(a.tool, b.tool) || compareStrings(a.project ?? '', b.project ?? ''));
}

/** What the log is made of: the findings, and the policy file (the fallback location). */
export type SarifSource = Pick<GateResult, 'findings' | 'inputs'>;

/** The log with every run's results still to be filled: what renderSarif and sarifJsonChunks share. */
function sarifParts(result: SarifSource, opts: SarifOptions): { log: Obj; runs: RunParts[]; ctx: Ctx } {
  const ctx: Ctx = { opts, fallback: opts.fallbackUri ?? result.inputs.policy?.path ?? DEFAULT_FALLBACK_URI, root: rootPrefix(opts.root), project: projectPrefix(opts.project), titles: new Map(), descriptions: new Map(), webUrls: new Map(), cweTags: new Map(), textBytes: new Map() };
  // Sorted once up front, so each run's results come out in the same order as the other reports.
  const findings = sortFindings(result.findings);
  let groups = groupRuns(findings, ctx, true);
  // Too many projects × tools for one upload: one run per tool, as without projects, rather
  // than a log code scanning refuses.
  if (groups.length > CODE_SCANNING_MAX_RUNS) groups = groupRuns(findings, ctx, false);
  const runs = groups.map((r) => buildRun(r.tool, r.project, r.t, ctx));
  // A log without runs tells code scanning nothing; an empty chaingate run says "no findings".
  if (runs.length === 0) runs.push(buildRun('chaingate', ctx.project, { kept: [], omitted: 0 }, ctx));
  return { log: { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: runs.map((r) => r.run) }, runs, ctx };
}

/**
 * The SARIF log object. Members left undefined are not written by JSON.stringify, which is how
 * it is meant to be serialized (compact: the log of a big scan is tens of MB pretty-printed).
 */
export function renderSarif(result: SarifSource, opts: SarifOptions): Obj {
  const { log, runs, ctx } = sarifParts(result, opts);
  for (const p of runs) {
    p.driver.rules = p.ruleIds.map((id) => rule(id, p.rules.get(id) as RuleAcc, ctx));
    p.run.results = p.findings.map((f) => sarifResult(f, p.ruleIndex, ctx));
  }
  return log;
}

const mark = (what: string, i: number): string => `\u0000${what} ${i}\u0000`;

/**
 * A JSON array's items, one a piece: the array's compact text once joined, without its brackets.
 * One item a piece for the writer's sake (see resultJsonChunks).
 */
function* arrayChunks<T>(items: readonly T[], toJson: (item: T) => Obj): Generator<string> {
  for (let j = 0; j < items.length; j++) yield (j > 0 ? ',' : '') + JSON.stringify(toJson(items[j]));
}

/**
 * chaingate.sarif text in pieces, one rule or result a piece: the same bytes as
 * renderSarifJson, without holding the whole log, or every rule and result object, at once.
 * Rules are streamed as results are: 100,000 findings of distinct advisories make as many rules,
 * whose objects and help text (about 130 MB) all outlived the young generation when built up
 * front, and their copying took 0.8 s of garbage collection.
 */
export function* sarifJsonChunks(result: SarifSource, opts: SarifOptions): Generator<SarifPiece> {
  const { log, runs, ctx } = sarifParts(result, opts);
  runs.forEach((p, i) => {
    p.driver.rules = mark('rules', i);
    p.run.results = mark('results', i);
  });
  const text = JSON.stringify(log) + '\n';
  let from = 0;
  const upTo = function* (member: string, i: number): Generator<string> {
    const at = `"${member}":${JSON.stringify(mark(member, i))}`;
    const pos = text.indexOf(at, from);
    yield `${text.slice(from, pos)}"${member}":[`;
    from = pos + at.length;
  };
  for (let i = 0; i < runs.length; i++) {
    const { rules, ruleIds, findings, ruleIndex } = runs[i];
    yield* upTo('rules', i);
    for (let j = 0; j < ruleIds.length; j++) yield rulePieces(ruleIds[j], rules.get(ruleIds[j]) as RuleAcc, ctx, j === 0);
    yield ']';
    yield* upTo('results', i);
    yield* arrayChunks(findings, (f) => sarifResult(f, ruleIndex, ctx));
    yield ']';
  }
  yield text.slice(from);
}

/** A piece as text: bytes are of whole texts, so decoded alone. */
export function pieceText(p: SarifPiece): string {
  if (typeof p === 'string') return p;
  if (p instanceof Uint8Array) return Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8');
  return p.map(pieceText).join('');
}

/** chaingate.sarif text: compact, because the log of a large scan runs to tens of MB. */
export function renderSarifJson(result: SarifSource, opts: SarifOptions): string {
  return [...sarifJsonChunks(result, opts)].map(pieceText).join('');
}
