// Shell: wires config, reports, scanners, the pure policy and the renderers. It reads and
// writes files and runs scanners; every decision is made by the pure core.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPolicy, loadExceptionsFile, loadPolicyFile, loadVexFile } from '../config/load';
import type { Policy, PolicyInput, ScannerName } from '../config/schema';
import { checkExceptionLimits, type ExceptionSource } from '../core/exceptions';
import { computeFingerprint, mergeFindings, type Finding, type Severity } from '../core/finding';
import { evaluate } from '../core/policy';
import type { GateResult, ResultComponent, ScannerStatus } from '../core/result';
import { checkVexLimits, type VexSource } from '../core/vex';
import { ChaingateError, ConfigError } from '../errors';
import { expandReportPath } from './report-glob';
import { listedProjects, projectPolicies, scanProjects } from './projects';
import { assignProjects, REPOSITORY_SCANNERS, shardCoverage, underProject, type ShardStamp } from '../core/plan';
import { readShardPlan } from './shard-plan';
import type { ReportTool } from '../parsers/types';
import { decodeText, FormatError } from '../parsers/util';
import { resultJsonChunks } from '../reports/result-json';
import { sarifJsonChunks, type SarifOptions } from '../reports/sarif';
import { renderSummary } from '../reports/summary';
import type { ScanContext, Scanner, ScannerOutcome } from '../scanners/types';
import { absoluteConfigs } from '../scanners/semgrep-config';
import { checkPolicyTools, resolveToolPath, untrustedRoots, type PolicyTools } from '../tools/resolve';
import { VERSION } from '../version';
import { readBytes } from '../read-text';
import { writeChunks } from './write-chunks';
import { readShared, SarifThread, threadWanted } from './sarif-thread';
import { projectPath } from './repo-root';
import { dependencyPathIndex } from '../core/dep-path';
import { exceptionDays, largestDays, overdueFindings, type Overdue } from '../core/sla';
import type { Lockfile } from '../lockfiles';
import { commitLinksFromEnv } from '../reports/remedy';
import { findingAnchors } from './anchors';
import TOOL_VERSIONS from '../tools/versions.json';
// A baseline, a history file, --report files and an image to verify are loaded where a run has
// them (dynamic imports, lazy in the bundle): they bring parsers, zod schemas and node:child_process.
import type { BaselineSession, Comparison, JobResult, ScanJob } from './baseline';
import { addTextHashes } from './text-hash';
import { checkRepoFileLink, checkReportPath, outputWrite, prepareOutputDir } from './output-paths';
import { findingLabel, firstSeenMap, historyDigests, historyKeys, updateHistory, type HistoryChange, type RunFinding } from '../core/history';
import { renderHistorySection } from '../reports/history-summary';
import { checkLicenses, readProjectLockfiles } from './licenses';
import { cachedLockfileReader, type LockfileReader } from './lockfile-cache';

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  /** A titled, collapsible section (a log group in Actions). */
  group(title: string, lines: string[]): void;
}

export interface GateOptions {
  dir: string;
  configFile?: string;
  exceptionsFile?: string;
  vexFiles: string[];
  reports: { tool: ReportTool; path: string }[];
  outputDir: string;
  mode: 'enforce' | 'warn';
  scanners?: ScannerName[];
  image?: string;
  osvDb?: string;
  sbomInput?: string;
  sbom?: boolean;
  insecureRegistry?: boolean;
  /** Verify this image's signatures (overrides verify.image of the policy). */
  verifyImage?: string;
  /** Never touch the network: cached Trivy DB, offline OSV advisories only. */
  offline?: boolean;
  /**
   * URLs for the `headers` scanner (--url, the urls input): they replace headers.urls of the
   * policy, and add the scanner to the policy's scanners when `scanners` is not given.
   */
  urls?: string[];
  /** Trivy's scanners for this run, over the policy's trivy.scanners (`chaingate pre-commit`: secrets only). */
  trivyScanners?: Policy['trivy']['scanners'];
  /**
   * Compare with a baseline: a git revision of the repository holding `dir` (scanned in a
   * temporary worktree) or an earlier chaingate-result.json. Findings are then new or existing.
   */
  baseline?: string;
  /** Whose policy, exceptions and VEX apply with a REF baseline: the change's (default) or the baseline's. */
  trustedPolicy?: 'head' | 'baseline';
  /** A history file to read and update (first seen, fixed, per-run counts; see src/core/history.ts). */
  history?: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  log: Logger;
  /** When each finding (by fingerprint) was first seen, from a baseline: what `sla` counts from. */
  firstSeen?: ReadonlyMap<string, string>;
  /** `--project`: scan only these folders of `dir` (paths from it), finding paths still from `dir`. */
  projects?: string[];
  /** `--shard NAME --plan-id ID`: stamped into the result, for the gate merging a plan's shards. */
  shard?: { name: string; plan: string };
  /** `--expect-shards FILE`: the matrix `chaingate plan` printed; each of its shards must be read once. */
  expectShards?: string;
}

export interface GateDeps {
  createScanner(name: ScannerName, policy: Policy, opts: GateOptions): Scanner;
  writeSbom?(dir: string, policy: Policy, outFile: string, opts: GateOptions, merge?: SbomMerge): Promise<{ components: number; list?: ResultComponent[] }>;
}

/** A shard's SBOM covers its `--project` folders only; the gate's adds the shards' components. */
export interface SbomMerge {
  only?: string[];
  extra?: ResultComponent[];
  /** The run's lockfile reader: the SBOM reuses the audit's parse of each lockfile. */
  readLockfile?: LockfileReader;
}

/** Components a result lists at most (chaingate-result.json stays readable); a bigger shard is split. */
const MAX_RESULT_COMPONENTS = 100_000;

export interface GateOutput {
  result: GateResult;
  resultFile: string;
  sarifFile: string;
  summaryFile: string;
  summary: string;
  sbomFile?: string;
  /** The exceptions file from the repository root, and the days an exception may run per severity: for the PR comment's snippet. */
  exceptionsFile: string;
  exceptionDays: (severity: Severity) => number;
  /** With `history`: this run as recorded, and what changed since the last one. */
  history?: HistoryChange;
  /** With `history`: the unsuppressed findings open past the policy's `sla`. */
  overdue?: Overdue[];
}

/** Which scanners a `--report TOOL=...` stands in for: that tool is not run again. */
export const REPORT_COVERS: Partial<Record<ReportTool, ScannerName[]>> = {
  trivy: ['trivy-fs'],
  semgrep: ['semgrep'],
  'npm-audit': ['audit'],
  'yarn-audit': ['audit'],
  'pnpm-audit': ['audit'],
  'pip-audit': ['audit'],
  'osv-scanner': ['audit'],
  // The shards ran the scanners of their projects: the gate merging them runs none again.
  chaingate: ['semgrep', 'trivy-fs', 'audit'],
};

/** The tool names findings carry, per scanner/report status name. */
const COMPLETED_TOOL_NAMES: Record<string, string[]> = {
  semgrep: ['semgrep'],
  'trivy-fs': ['trivy'],
  'trivy-image': ['trivy'],
  audit: ['osv'],
  'cosign-verify': ['cosign'],
  zizmor: ['zizmor'],
  'report:sarif': [],
};

function overridesFrom(opts: GateOptions) {
  return (raw: PolicyInput): PolicyInput => {
    const r: PolicyInput = { ...raw };
    if (opts.scanners) r.scanners = opts.scanners;
    // Paths given on the command line are relative to where it runs, not to the project.
    if (opts.image) r.trivy = { ...(r.trivy ?? {}), image: fs.existsSync(opts.image) ? path.resolve(opts.image) : opts.image };
    if (opts.insecureRegistry) r.trivy = { ...(r.trivy ?? {}), 'insecure-registry': true };
    if (opts.trivyScanners) r.trivy = { ...(r.trivy ?? {}), scanners: opts.trivyScanners };
    if (opts.osvDb) r.audit = { ...(r.audit ?? {}), 'osv-db': path.resolve(opts.osvDb) };
    if (opts.sbom !== undefined) r.sbom = opts.sbom;
    if (opts.urls?.length) {
      r.headers = { ...(r.headers ?? {}), urls: opts.urls };
      const scanners = r.scanners ?? defaultPolicy().scanners;
      if (!opts.scanners && !scanners.includes('headers')) r.scanners = [...scanners, 'headers'];
    }
    return r;
  };
}

function resolveFrom(base: string, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(base, p);
}

export function loadInputs(opts: GateOptions) {
  const dir = path.resolve(opts.dir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ConfigError(`project directory ${opts.dir} does not exist`);
  }
  const explicitConfig = opts.configFile !== undefined;
  // One rule for paths: those given as flags or inputs are relative to the current directory
  // (the workspace in Actions), those written in a config file to that file's folder.
  const configPath = explicitConfig ? resolveFrom(process.cwd(), opts.configFile as string) : path.join(dir, '.chaingate.yml');
  // Config files in the repository must not lead out of it through a link (see checkRepoFileLink).
  const repoRoots = untrustedRoots([dir], opts.env);
  if (explicitConfig || fs.existsSync(configPath)) checkRepoFileLink(configPath, repoRoots, 'policy file');
  const policyLoaded = explicitConfig || fs.existsSync(configPath) ? loadPolicyFile(configPath, overridesFrom(opts)) : undefined;
  const policy = policyLoaded ? policyLoaded.value : defaultPolicy(overridesFrom(opts));
  const baseDir = policyLoaded ? path.dirname(configPath) : dir;
  // Refused before anything runs: a tool path the scanned repository could have written.
  const tools: PolicyTools = policyLoaded ? checkPolicyTools(policy, configPath, policyLoaded.lineOf, repoRoots, opts.env) : {};
  // Checked once --url and the urls input are laid over: the file alone may leave them to those.
  if (policy.scanners.includes('headers') && policy.headers.urls.length === 0) {
    throw new ConfigError('scanner headers needs at least one URL: set headers.urls or pass --url (the urls input)', policyLoaded ? configPath : undefined, policyLoaded?.lineOf?.(['scanners']));
  }
  // semgrep would read a rule file linked out of the repository and print its text in its errors.
  for (const c of absoluteConfigs(policy.semgrep.config, dir)) if (path.isAbsolute(c)) checkRepoFileLink(c, repoRoots, 'semgrep rule file');

  const exceptions: ExceptionSource[] = [];
  let exceptionsInput: GateResult['inputs']['exceptions'];
  const exPath = opts.exceptionsFile !== undefined ? resolveFrom(process.cwd(), opts.exceptionsFile) : resolveFrom(baseDir, policy.exceptions.file);
  if (opts.exceptionsFile !== undefined || fs.existsSync(exPath)) {
    checkRepoFileLink(exPath, repoRoots, 'exceptions file');
    const ex = loadExceptionsFile(exPath);
    const source = path.relative(dir, exPath) || exPath;
    exceptions.push({ source, entries: ex.value.exceptions, lines: ex.itemLines });
    exceptionsInput = { path: source, sha256: ex.sha256 };
    const problems = checkExceptionLimits(exceptions[0], policy.exceptions['max-days'], opts.now());
    if (problems.length > 0) {
      const p = problems[0];
      throw new ConfigError(p.message + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''), exPath, p.line);
    }
  }

  const vex: VexSource[] = [];
  const vexInputs: GateResult['inputs']['vex'] = [];
  const vexFiles = [...policy.exceptions.vex.map((v) => resolveFrom(baseDir, v)), ...opts.vexFiles.map((v) => resolveFrom(process.cwd(), v))];
  const vexLoaded = vexFiles.map((v) => {
    checkRepoFileLink(v, repoRoots, 'VEX document');
    return loadVexFile(v);
  });
  for (const v of vexLoaded) {
    const source = path.relative(dir, v.path) || v.path;
    vex.push({ source, doc: v.value });
    vexInputs.push({ path: source, sha256: v.sha256 });
  }
  // Under max-days a VEX statement holds for max-days from its timestamp: it needs one.
  const vexProblems = checkVexLimits(vex, largestDays(policy.exceptions['max-days']), opts.now());
  if (vexProblems.length > 0) {
    const p = vexProblems[0];
    const v = vexLoaded[vex.findIndex((x) => x.source === p.source)];
    throw new ConfigError(p.message + (vexProblems.length > 1 ? ` (and ${vexProblems.length - 1} more)` : ''), v.path, v.lineOf?.(['statements', p.index]));
  }
  const inputs: GateResult['inputs'] = { vex: vexInputs };
  if (policyLoaded) inputs.policy = { path: path.relative(dir, configPath) || configPath, sha256: policyLoaded.sha256 };
  // Projects' own policies, where the policy's projects: are folders of this scan (see policyProjects).
  const byProject = policyLoaded && path.dirname(configPath) === dir ? projectPolicies(dir, configPath, policy, policyLoaded.lineOf, repoRoots) : undefined;
  if (byProject?.files.length) inputs.projectPolicies = byProject.files;
  if (exceptionsInput) inputs.exceptions = exceptionsInput;
  return { dir, policy, exceptions, vex, inputs, tools, exceptionsPath: exPath, projectPolicies: byProject?.policies };
}

/**
 * Another run's chaingate-result.json (a shard of a matrix): its raw findings, and a failed status
 * naming the file when it cannot stand for its part of the run (see shardProblems).
 */
async function ingestShard(bytes: Buffer, file: string, commit: string | undefined, started: number, onShard?: (bytes: Buffer, findings: Finding[]) => void): Promise<Ingested> {
  const { parseChaingateResult, shardProblems } = await import('../parsers/chaingate');
  const shard = parseChaingateResult(decodeText(bytes));
  onShard?.(bytes, shard.findings);
  const problems = shardProblems(shard, commit);
  const status: ScannerStatus = problems.length
    ? { name: 'report:chaingate', status: 'failed', durationMs: Date.now() - started, findings: shard.findings.length, error: `${file}${shard.shard ? ` (shard ${shard.shard.name})` : ''}: ${problems.join('; ')}`, outputs: [file] }
    : { name: 'report:chaingate', status: 'ok', durationMs: Date.now() - started, findings: shard.findings.length, outputs: [file] };
  return { findings: shard.findings, status, project: shard.project, projects: shard.projects, shard: shard.shard ?? null, components: shard.components };
}

/** A report read; `shard` is null for a chaingate result without a stamp, undefined for other tools' or unreadable ones. */
interface Ingested {
  findings: Finding[];
  status: ScannerStatus;
  project?: string;
  projects?: string[];
  shard?: ShardStamp | null;
  components?: ResultComponent[];
}

/**
 * The policy's `projects:` as folders from the scanned folder, when it is the policy's own folder
 * (a shard scanning one project with the monorepo's policy is that project as a whole: the gate
 * merging it knows which one from its result).
 */
function policyProjects(dir: string, policy: Policy, inputs: GateResult['inputs']): string[] {
  const file = inputs.policy && path.resolve(dir, inputs.policy.path);
  return policy.projects && file && path.dirname(file) === path.resolve(dir) ? listedProjects(dir, file, policy.projects) : [];
}

async function ingestReport(tool: ReportTool, file: string, roots: string[], commit?: string, onShard?: (bytes: Buffer, findings: Finding[]) => void): Promise<Ingested> {
  const started = Date.now();
  const name = `report:${tool}`;
  checkReportPath(file, roots);
  let bytes: Buffer;
  try {
    bytes = tool === 'chaingate' && onShard ? readShared(file) : readBytes(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      findings: [],
      status: { name, status: 'failed', durationMs: 0, findings: 0, error: `${file}: ${code === 'ENOENT' ? 'report file not found' : (e as Error).message}` },
    };
  }
  try {
    // Awaited here: its FormatError is caught below.
    if (tool === 'chaingate') return await ingestShard(bytes, file, commit, started, onShard);
    const { parseReport } = await import('../parsers');
    const findings = parseReport(tool, bytes);
    return { findings, status: { name, status: 'ok', durationMs: Date.now() - started, findings: findings.length, outputs: [file] } };
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const where = e.line ? `${file}:${e.line}` : file;
    return {
      findings: [],
      status: { name, status: 'failed', durationMs: Date.now() - started, findings: 0, error: `${where}: ${e.message}` },
    };
  }
}

/** A run over both sides' files (see ScanJob.split): each side's findings, paths relative to its folder. */
function splitSides(all: Finding[], dir: string, split: { baseDir: string; headDir?: string }): { findings: Finding[]; baseFindings: Finding[] } {
  const findings: Finding[] = [];
  const baseFindings: Finding[] = [];
  const rel = (from: string, p: string) => path.relative(from, p).split(path.sep).join('/');
  for (const f of all) {
    const l = f.location;
    const abs = l && path.resolve(dir, l.path);
    if (l && abs && abs.startsWith(split.baseDir + path.sep)) baseFindings.push({ ...f, location: { ...l, path: rel(split.baseDir, abs) } });
    else if (l && abs && split.headDir) findings.push({ ...f, location: { ...l, path: rel(split.headDir, abs) }, fingerprint: computeFingerprint({ ...f, location: { ...l, path: rel(split.headDir, abs) } }) });
    else findings.push(f);
  }
  return { findings, baseFindings };
}

/**
 * One scanner over the `--project` folders one after the other, as one status: findings with
 * paths from the scanned folder. A project it cannot scan fails the scanner, naming the project.
 */
async function runOver(scanner: Scanner, ctx: ScanContext, projects: string[] | undefined): Promise<ScannerOutcome> {
  if (!projects) return scanner.run(ctx);
  const all: ScannerOutcome = { findings: [], rawOutputs: [], notes: [] };
  for (const p of projects) {
    const workDir = p === '' ? ctx.workDir : path.join(ctx.workDir, p.replace(/[^A-Za-z0-9._-]+/g, '-'));
    fs.mkdirSync(workDir, { recursive: true });
    let out: ScannerOutcome;
    try {
      out = await scanner.run({ ...ctx, dir: path.join(ctx.dir, p), workDir });
    } catch (e) {
      if (e instanceof ChaingateError) e.message = `project ${p || '.'}: ${e.message}`;
      throw e;
    }
    all.findings.push(...underProject(out.findings, p));
    all.rawOutputs.push(...out.rawOutputs);
    all.notes.push(...out.notes.map((n) => (projects.length > 1 ? `${p || '.'}: ${n}` : n)));
  }
  return all;
}

function withProject(c: ResultComponent, project: string): ResultComponent {
  const out: ResultComponent = { purl: c.purl, name: c.name };
  if (c.version !== undefined) out.version = c.version;
  if (project) out.project = project;
  return out;
}

/** Runs async tasks with at most `limit` at once, keeping the input order in the output. */
async function bounded<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function toolPathResolver(tools: PolicyTools, env: NodeJS.ProcessEnv) {
  return (tool: string): string => resolveToolPath(tool, env, tools[tool as keyof PolicyTools]);
}

/**
 * The project's lockfiles, for the summary: what was scanned, and the dependency chains of
 * vulnerable packages. One that cannot be read is left out here; the audit reports it.
 */
function scannedLockfiles(dir: string, policy: Policy, readLock: LockfileReader): Lockfile[] {
  return readProjectLockfiles(dir, policy, readLock).lockfiles;
}

/** Whether a scanner that reads lockfiles (the audit, Trivy's vuln scanner, a dependency report) completed. */
function dependenciesScanned(statuses: ScannerStatus[], policy: Policy): boolean {
  return statuses.some(
    (s) =>
      s.status === 'ok' &&
      (s.name === 'audit' || (s.name === 'trivy-fs' && policy.trivy.scanners.includes('vuln')) || (s.name.startsWith('report:') && s.name !== 'report:semgrep' && s.name !== 'report:sarif')),
  );
}

/**
 * Versions of the tools that ran from chaingate's pinned install (src/tools/versions.json), and
 * of its own OSV matcher: a tool taken from PATH or a report is of a version we do not know.
 */
function toolVersions(statuses: ScannerStatus[], toolPath: (tool: string) => string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  const ran = new Set(statuses.filter((s) => s.status === 'ok').map((s) => s.name));
  const pinnedDir = path.join(env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
  const pinned: Record<string, string> = { semgrep: 'semgrep', 'trivy-fs': 'trivy', 'trivy-image': 'trivy', 'cosign-verify': 'cosign', zizmor: 'zizmor' };
  for (const [scanner, tool] of Object.entries(pinned)) {
    const v = (TOOL_VERSIONS as Record<string, { version: string } | undefined>)[tool]?.version;
    if (ran.has(scanner) && v && toolPath(tool) === path.join(pinnedDir, tool)) out[tool] = v;
  }
  if (ran.has('audit')) out.osv = VERSION;
  return out;
}

export async function runGate(opts: GateOptions, deps: GateDeps): Promise<GateOutput> {
  const head = loadInputs(opts);
  const session = opts.baseline
    ? await (await import('./baseline')).openBaseline({
        spec: opts.baseline,
        trustedPolicy: opts.trustedPolicy ?? 'head',
        headDir: head.dir,
        env: opts.env,
        log: (l) => opts.log.info(l),
        loadBase: (d, toBase) => {
          // Files named on the command line are read at the baseline too, wherever in the repository they are.
          const vexFiles = opts.vexFiles.map((v) => toBase(resolveFrom(process.cwd(), v))).filter((v): v is string => v !== undefined);
          const configFile = opts.configFile === undefined ? undefined : toBase(resolveFrom(head.dir, opts.configFile));
          const exceptionsFile = opts.exceptionsFile === undefined ? undefined : toBase(resolveFrom(process.cwd(), opts.exceptionsFile));
          return loadInputs({ ...opts, dir: d, configFile, exceptionsFile, vexFiles });
        },
        head,
      })
    : undefined;
  try {
    return await gate(opts, deps, head, session);
  } finally {
    await session?.close();
  }
}

async function gate(opts: GateOptions, deps: GateDeps, head: ReturnType<typeof loadInputs>, session: BaselineSession | undefined): Promise<GateOutput> {
  const reportFiles = opts.reports.flatMap((x) => expandReportPath(resolveFrom(process.cwd(), x.path)).map((p) => ({ tool: x.tool, path: p })));
  // Shards' results to merge: their SARIF log is rendered on a second thread (see sarif-thread.ts).
  const shardBytes = reportFiles.reduce((n, r) => n + (r.tool === 'chaingate' ? (fs.statSync(r.path, { throwIfNoEntry: false })?.size ?? 0) : 0), 0);
  const sarifThread = threadWanted(opts.env, shardBytes) && shardBytes > 0 ? SarifThread.start() : undefined;
  try {
    return await gateWith(opts, deps, head, session, reportFiles, sarifThread);
  } finally {
    await sarifThread?.close();
  }
}

async function gateWith(
  opts: GateOptions,
  deps: GateDeps,
  head: ReturnType<typeof loadInputs>,
  session: BaselineSession | undefined,
  reportFiles: { tool: ReportTool; path: string }[],
  sarifThread: SarifThread | undefined,
): Promise<GateOutput> {
  const trusted = opts.trustedPolicy === 'baseline' && session?.baseInputs ? session.baseInputs : head;
  const { policy, exceptions, vex, inputs, tools, exceptionsPath, projectPolicies: byProject } = trusted as typeof head;
  const dir = head.dir;
  // Scanners are configured from where the applied policy lives (its rule files, its OSV DB).
  const scannerOpts = trusted === head ? opts : { ...opts, dir: trusted.dir };
  // Read before anything runs: a corrupt history stops the gate at once (exit 2), file untouched.
  const historyFile = opts.history !== undefined ? resolveFrom(process.cwd(), opts.history) : undefined;
  const historyIo = historyFile !== undefined ? await import('./history-file') : undefined;
  const previousHistory = historyIo && historyFile !== undefined ? historyIo.readHistoryFile(historyFile) : undefined;
  const outDir = path.resolve(opts.outputDir);
  const roots = [dir, ...(opts.env.GITHUB_WORKSPACE ? [opts.env.GITHUB_WORKSPACE] : [])];

  const statuses: ScannerStatus[] = [];
  const all: Finding[] = [];
  const covered = new Set<ScannerName>();
  const commit = opts.env.GITHUB_SHA || undefined;
  const shardProjects: string[] = [];
  // Refused before anything is read or run: a --project that is no folder of the scanned one.
  const scanned = opts.projects && scanProjects(dir, opts.projects);
  const plan = opts.expectShards === undefined ? undefined : readShardPlan(resolveFrom(process.cwd(), opts.expectShards));
  const stamps: { file: string; shard?: ShardStamp }[] = [];
  const shardComponents: ResultComponent[] = [];
  for (const r of reportFiles) {
    const { findings, status, project, projects: shardFolders, shard, components } = await ingestReport(r.tool, r.path, roots, commit, sarifThread && ((b, f) => sarifThread.addShard(b, f)));
    if (project) shardProjects.push(project);
    // A shard of several projects scanned from the root: each of its folders is a project.
    if (shardFolders) shardProjects.push(...shardFolders.filter((p) => p !== ''));
    if (shard !== undefined) stamps.push({ file: r.path, shard: shard ?? undefined });
    if (components) shardComponents.push(...components);
    else if (shard !== undefined && policy.sbom && status.status === 'ok') opts.log.warning(`SBOM: ${r.path} lists no components (its scan wrote no SBOM): the SBOM has this checkout's lockfiles only for it`);
    // A later run may take this result as its baseline: its findings need their text hashes too.
    addTextHashes(findings, dir);
    statuses.push(status);
    all.push(...findings);
    for (const s of REPORT_COVERS[r.tool] ?? []) covered.add(s);
  }
  // A shard missing, truncated, duplicated or of another plan leaves part of the repository
  // unscanned: the gate is incomplete, naming it (a blocking finding elsewhere still fails it).
  if (plan) {
    for (const problem of shardCoverage(plan, stamps)) statuses.push({ name: 'report:chaingate', status: 'failed', durationMs: 0, findings: 0, error: problem });
  }
  // After the reports are read: one may be a file of an earlier run in this folder.
  await prepareOutputDir(outDir, opts.outputDir, roots);

  const toRun = policy.scanners.filter((s) => !covered.has(s));
  for (const s of policy.scanners.filter((s) => covered.has(s))) {
    statuses.push({ name: s, status: 'skipped', durationMs: 0, findings: 0, notes: ['its report was given with --report'] });
  }
  const workRoot = path.join(outDir, 'raw');
  // The audit, the license policy and the summary below share each lockfile's one parse.
  const readLock = cachedLockfileReader();
  const toolPath = toolPathResolver(tools, opts.env);
  const concurrency = Math.max(1, Number(opts.env.CHAINGATE_CONCURRENCY ?? 3) || 3);
  const jobs: ScanJob[] = toRun.map((name) => session?.headJob(name, dir, policy) ?? { name, side: 'head', dir });
  // Each baseline job right after its head job: both sides of one scanner run together.
  for (const b of session?.baseJobs(toRun, policy) ?? []) jobs.splice(jobs.findIndex((j) => j.name === b.name) + 1, 0, b);
  const results: JobResult[] = await bounded(jobs, concurrency, async (job) => {
    const name = job.side === 'base' ? `baseline:${job.name}` : job.name;
    const started = Date.now();
    const lines: string[] = [];
    const workDir = path.join(workRoot, job.side === 'base' ? path.join('baseline', job.name) : job.name);
    fs.mkdirSync(workDir, { recursive: true });
    const ctx: ScanContext = {
      dir: job.dir,
      workDir,
      toolPath,
      timeoutMs: policy['timeout-minutes'] * 60_000,
      env: opts.env,
      log: (l) => lines.push(l),
      targets: job.targets,
      readLockfile: readLock,
    };
    let status: ScannerStatus;
    let findings: Finding[] = [];
    let baseFindings: Finding[] | undefined;
    try {
      const scanner = deps.createScanner(job.name, job.policy ?? policy, scannerOpts);
      // An image, deployed URLs, the root's workflows are no folder of a project: scanned once, whatever the projects.
      const out = await runOver(scanner, ctx, (REPOSITORY_SCANNERS as readonly string[]).includes(job.name) ? undefined : scanned);
      findings = out.findings;
      if (job.split) ({ findings, baseFindings } = splitSides(findings, job.dir, job.split));
      addTextHashes(findings, job.split?.headDir ?? job.dir);
      if (baseFindings && job.split) addTextHashes(baseFindings, job.split.baseDir);
      status = { name, status: 'ok', durationMs: Date.now() - started, findings: findings.length, outputs: out.rawOutputs.map((o) => path.relative(outDir, o) || o) };
      if (out.notes.length) status.notes = out.notes;
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
      const side = job.side === 'base' ? `the baseline side (${opts.baseline}) could not be scanned: ` : '';
      status = { name, status: 'failed', durationMs: Date.now() - started, findings: 0, error: `${side}${e.message}` };
      lines.push(`error: ${e.message}`);
    }
    opts.log.group(`${name}: ${status.status}, ${status.findings} findings, ${(status.durationMs / 1000).toFixed(1)} s`, lines);
    return { job, status, findings, baseFindings };
  });
  for (const r of results) {
    statuses.push(r.status);
    if (r.job.side === 'head') all.push(...r.findings);
  }

  // The policy's verify: section (and the action's verify-image) checks signatures of an image;
  // its failures are findings of kind `signature`, its outage makes the gate incomplete.
  const verifyImage = opts.verifyImage ?? policy.verify?.image;
  if (verifyImage) {
    const v = policy.verify ?? { keys: [], 'revoked-keys': [], 'require-attestations': [], 'insecure-registry': false };
    const started = Date.now();
    const lines: string[] = [];
    const workDir = path.join(workRoot, 'cosign-verify');
    fs.mkdirSync(workDir, { recursive: true });
    const { runVerifyImage, signTools, verifyScannerFailed, verifyScannerStatus } = await import('../sign');
    try {
      const o = await runVerifyImage(
        {
          image: verifyImage,
          keys: v.keys.map((k) => (k.includes('://') ? k : resolveFrom(dir, k))),
          revokedKeys: v['revoked-keys'].map((k) => (k.includes('://') ? k : resolveFrom(dir, k))),
          identity: v.identity && v.issuer ? { identity: v.identity, issuer: v.issuer } : undefined,
          requireAttestations: v['require-attestations'],
          insecureRegistry: v['insecure-registry'] || opts.insecureRegistry === true,
        },
        { tools: signTools(opts.env, tools), env: opts.env, log: (l) => lines.push(l), workDir },
      );
      all.push(...o.findings);
      statuses.push(verifyScannerStatus(o, Date.now() - started));
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
      statuses.push(verifyScannerFailed(e.message, Date.now() - started));
      lines.push(`error: ${e.message}`);
    }
    opts.log.group(`cosign-verify: ${verifyImage}, ${((Date.now() - started) / 1000).toFixed(1)} s`, lines);
  }

  let sbomFile: string | undefined;
  let listed: ResultComponent[] | undefined;
  if (policy.sbom && deps.writeSbom) {
    sbomFile = path.join(outDir, 'sbom.cdx.json');
    const { components, list } = await deps.writeSbom(dir, policy, sbomFile, opts, { only: scanned, extra: shardComponents.length ? shardComponents : undefined, readLockfile: readLock });
    opts.log.info(`SBOM: ${components} components in ${sbomFile}`);
    // A shard lists its components in its result, for the gate's SBOM to equal a full run's.
    if (opts.shard && list) {
      if (list.length > MAX_RESULT_COMPONENTS) throw new ConfigError(`this shard's SBOM has ${list.length} components, more than the ${MAX_RESULT_COMPONENTS} a result lists: plan more shards (chaingate plan --shards N)`);
      listed = list;
    }
  }

  if (policy.licenses) {
    const { findings, status } = checkLicenses(dir, policy, policy.licenses, opts.sbomInput, readLock);
    all.push(...findings);
    statuses.push(status);
  }

  const projects = [...shardProjects, ...(scanned ?? []).filter((p) => p !== ''), ...policyProjects(dir, policy, inputs)];
  const merged = assignProjects(mergeFindings(all), projects);
  const now = opts.now();
  let runFindings: RunFinding[] = [];
  if (previousHistory) {
    const keys = historyKeys(merged);
    runFindings = merged.map((f, i) => ({ key: keys[i], severity: f.severity, kind: f.kind, label: findingLabel(f), fingerprint: f.fingerprint }));
  }
  const firstSeen = previousHistory ? firstSeenMap(previousHistory, runFindings, now) : opts.firstSeen;
  let comparison: Comparison | undefined;
  let denied: Finding[] = [];
  let lockfileErrors: string[] = [];
  if (session) {
    comparison = session.compare(
      results.filter((r) => r.job.side === 'head'),
      results.filter((r) => r.job.side === 'base'),
      merged,
      policy,
      dir,
    );
    ({ denied, lockfileErrors } = comparison);
    if (session.source === 'ref') {
      // Nothing on the baseline side stands for these: fail safe, they count as new.
      if (opts.reports.length) comparison.record.notes.push('findings of --report files have no baseline side: they count as new (an earlier result as --baseline FILE has one)');
      if (toRun.includes('trivy-image')) comparison.record.notes.push('trivy-image scans an image, not the tree: its findings count as new');
    }
  } else if (policy['deny-packages'].length > 0) {
    const review = (await import('./baseline')).dependencyReview(dir, undefined, merged, policy);
    denied = review.denied;
    lockfileErrors = review.headErrors;
  }
  if (policy['deny-packages'].length > 0 && lockfileErrors.length > 0) {
    // deny-packages cannot vouch for a lockfile it could not read.
    statuses.push({ name: 'deny-packages', status: 'failed', durationMs: 0, findings: 0, error: lockfileErrors.join('; ') });
  }
  const evaluated = evaluate({
    findings: denied.length ? [...merged, ...denied] : merged,
    baseline: comparison && { marks: comparison.marks, record: comparison.record },
    dependencyChanges: comparison?.dependencyChanges,
    policyChanges: session?.policyChanges,
    policy,
    projectPolicies: byProject,
    exceptions,
    vex,
    scanners: statuses,
    now,
    mode: opts.mode,
    inputs,
    version: VERSION,
    firstSeen,
  });
  let history: HistoryChange | undefined;
  let overdue: Overdue[] | undefined;
  if (previousHistory && historyFile && historyIo) {
    const open = evaluated.findings.filter((f) => !f.exception && !f.vex);
    overdue = overdueFindings(open, firstSeen, policy.sla, now, policy['unknown-severity']);
    history = updateHistory(previousHistory, {
      now,
      commit: await historyIo.currentCommit(dir, opts.env),
      findings: runFindings,
      exceptions: evaluated.exceptions.active,
      complete: !statuses.some((s) => s.status === 'failed') && evaluated.verdict !== 'incomplete',
    });
    historyIo.writeHistoryFile(historyFile, history.history);
    opts.log.info(`history: run ${history.run.n} recorded in ${historyFile} (${history.added.length} new, ${history.fixed.length} fixed since the last run)`);
  }

  // Paths in the result are relative to the scanned folder: a gate merging shards needs which one.
  const scannedProject = projectPath(dir, opts.env).project;
  const result: GateResult = {
    ...evaluated,
    ...(commit ? { commit } : {}),
    ...(scannedProject ? { project: scannedProject } : {}),
    ...(scanned ? { projects: scanned.map((p) => [scannedProject, p].filter(Boolean).join('/')) } : {}),
    ...(opts.shard ? { shard: opts.shard } : {}),
    // Components' projects from the repository root, as findings' are.
    ...(listed ? { components: listed.map((c) => withProject(c, [scannedProject, c.project ?? ''].filter(Boolean).join('/'))) } : {}),
  };
  const resultFile = path.join(outDir, 'chaingate-result.json');
  const sarifFile = path.join(outDir, 'chaingate.sarif');
  const summaryFile = path.join(outDir, 'summary.md');
  // Code scanning and links at the commit need paths from the repository root, not the project.
  const repo = projectPath(dir, opts.env);
  // Read only when something asks: a run without dependency scanners or package findings (Semgrep
  // alone, zizmor) has no use for the lockfiles, and parsing a large one is most of a short run.
  let lockfileList: Lockfile[] | undefined;
  const lockfiles = () => (lockfileList ??= scannedLockfiles(dir, policy, readLock));
  let pathIndex: ReturnType<typeof dependencyPathIndex> | undefined;
  const findPath: ReturnType<typeof dependencyPathIndex> = (pkg, file) => (pathIndex ??= dependencyPathIndex(lockfiles()))(pkg, file);
  // A vulnerability at its package's line in the lockfile, a Dockerfile check at its instruction.
  const anchor = findingAnchors(dir, () => lockfiles().map((l) => l.path));
  const sarifOptions: Omit<SarifOptions, 'anchor'> = {
    toolVersion: VERSION,
    root: repo.root,
    project: repo.project,
    // A project with no finding left still gets its runs, so code scanning closes its alerts.
    projects,
    toolVersions: toolVersions(statuses, toolPath, opts.env),
    // Code scanning stores 5,000 results of a run (and refuses one over 25,000): keep the most
    // important ones there; chaingate-result.json has them all.
    maxResultsPerRun: policy.sarif['max-results-per-run'],
    // Tools that ran to the end get a run even when empty, so code scanning closes their alerts.
    // A baseline side, or a scanner that saw only the changed files, must not close alerts.
    completedTools: [
      ...new Set(
        statuses
          .filter((s) => s.status === 'ok' && !s.name.startsWith('baseline:') && !session?.partial.has(s.name))
          .flatMap((s) => COMPLETED_TOOL_NAMES[s.name] ?? [s.name.replace(/^report:/, '')]),
      ),
    ],
  };
  // The log on the second thread while this one renders the result, where there is one.
  const sarifOnThread = sarifThread?.render(sarifFile, result, sarifOptions, dir, () => lockfiles().map((l) => l.path));
  sarifOnThread?.catch(() => undefined);
  try {
    await outputWrite(resultFile, () => writeChunks(resultFile, resultJsonChunks(result)));
  } catch (e) {
    // No log without its result: the thread's is dropped.
    await sarifOnThread?.then(() => fs.rmSync(`${sarifFile}.partial`, { force: true }), () => undefined);
    throw e;
  }
  const exceptionsFile = path.relative(repo.root, exceptionsPath).split(path.sep).join('/') || exceptionsPath;
  const daysFor = (sev: Severity) => exceptionDays({ maxDays: policy.exceptions['max-days'], sla: policy.sla }, sev, policy['unknown-severity']);
  const summary = renderSummary(result, {
    resultFile: path.basename(resultFile),
    sarifFile: path.basename(sarifFile),
    dependencyPath: (f) => (f.package ? findPath(f.package, f.location?.path) : undefined),
    links: commitLinksFromEnv(opts.env, repo.project),
    anchor,
    exceptionsFile,
    exceptionDays: daysFor,
    // Lockfiles count as scanned only when a dependency scanner read them to the end.
    scanned: dependenciesScanned(statuses, policy) ? { lockfiles: lockfiles().map((l) => l.path), packages: lockfiles().reduce((n, l) => n + l.packages.length, 0) } : undefined,
  });
  const withHistory = history
    ? `${summary}\n${renderHistorySection(result, history, { now, digests: historyDigests(runFindings), sla: policy.sla, unknownAs: policy['unknown-severity'] })}`
    : summary;
  // The summary is rendered while the thread may still be on the log; written after it, as before.
  await outputWrite(sarifFile, async () => {
    if (await sarifOnThread) fs.renameSync(`${sarifFile}.partial`, sarifFile);
    else await writeChunks(sarifFile, sarifJsonChunks(result, { ...sarifOptions, anchor }));
  });
  await outputWrite(summaryFile, async () => fs.writeFileSync(summaryFile, withHistory));
  return { result, resultFile, sarifFile, summaryFile, summary: withHistory, sbomFile, exceptionsFile, exceptionDays: daysFor, history, overdue };
}
