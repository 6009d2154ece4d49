// Shell: wires config, reports, scanners, the pure policy and the renderers. It reads and
// writes files and runs scanners; every decision is made by the pure core.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPolicy, loadExceptionsFile, loadPolicyFile, loadVexFile } from '../config/load';
import type { Policy, PolicyInput, ScannerName } from '../config/schema';
import { checkExceptionLimits, type ExceptionSource } from '../core/exceptions';
import { mergeFindings, type Finding, type Severity } from '../core/finding';
import { evaluate } from '../core/policy';
import type { GateResult, ScannerStatus } from '../core/result';
import { checkVexLimits, type VexSource } from '../core/vex';
import { ChaingateError, ConfigError } from '../errors';
import { parseReport } from '../parsers';
import type { ReportTool } from '../parsers/types';
import { FormatError } from '../parsers/util';
import { resultJsonChunks } from '../reports/result-json';
import { sarifJsonChunks } from '../reports/sarif';
import { renderSummary } from '../reports/summary';
import type { ScanContext, Scanner } from '../scanners/types';
import { runVerifyImage, signTools, verifyScannerFailed, verifyScannerStatus } from '../sign';
import { checkPolicyTools, resolveToolPath, untrustedRoots, type PolicyTools } from '../tools/resolve';
import { VERSION } from '../version';
import { readBytes } from '../read-text';
import { writeChunks } from './write-chunks';
import { projectPath } from './repo-root';
import { dependencyPathIndex } from '../core/dep-path';
import { exceptionDays, largestDays } from '../core/sla';
import { findLockfiles, readLockfile, type Lockfile } from '../lockfiles';
import { commitLinksFromEnv } from '../reports/remedy';
import { findingAnchors } from './anchors';
import TOOL_VERSIONS from '../tools/versions.json';

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
  /** Trivy's scanners for this run, over the policy's trivy.scanners (`chaingate pre-commit`: secrets only). */
  trivyScanners?: Policy['trivy']['scanners'];
  /** A git revision or an earlier chaingate-result.json to compare with (the action's baseline: auto gives the PR's base commit); read by the baseline feature. */
  baseline?: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  log: Logger;
}

export interface GateDeps {
  createScanner(name: ScannerName, policy: Policy, opts: GateOptions): Scanner;
  writeSbom?(dir: string, policy: Policy, outFile: string, opts: GateOptions): Promise<{ components: number }>;
}

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
  const policyLoaded = explicitConfig || fs.existsSync(configPath) ? loadPolicyFile(configPath, overridesFrom(opts)) : undefined;
  const policy = policyLoaded ? policyLoaded.value : defaultPolicy(overridesFrom(opts));
  const baseDir = policyLoaded ? path.dirname(configPath) : dir;
  // Refused before anything runs: a tool path the scanned repository could have written.
  const tools: PolicyTools = policyLoaded ? checkPolicyTools(policy, configPath, policyLoaded.lineOf, untrustedRoots([dir], opts.env), opts.env) : {};

  const exceptions: ExceptionSource[] = [];
  let exceptionsInput: GateResult['inputs']['exceptions'];
  const exPath = opts.exceptionsFile !== undefined ? resolveFrom(process.cwd(), opts.exceptionsFile) : resolveFrom(baseDir, policy.exceptions.file);
  if (opts.exceptionsFile !== undefined || fs.existsSync(exPath)) {
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
  const vexLoaded = vexFiles.map(loadVexFile);
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
  if (exceptionsInput) inputs.exceptions = exceptionsInput;
  return { dir, policy, exceptions, vex, inputs, tools, exceptionsPath: exPath };
}

function ingestReport(tool: ReportTool, file: string): { findings: Finding[]; status: ScannerStatus } {
  const started = Date.now();
  const name = `report:${tool}`;
  let bytes: Buffer;
  try {
    bytes = readBytes(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      findings: [],
      status: { name, status: 'failed', durationMs: 0, findings: 0, error: `${file}: ${code === 'ENOENT' ? 'report file not found' : (e as Error).message}` },
    };
  }
  try {
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
function scannedLockfiles(dir: string, policy: Policy): Lockfile[] {
  const out: Lockfile[] = [];
  const read = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
    }
  };
  read(() => {
    for (const file of findLockfiles(dir, { skipDirs: policy['skip-dirs'] })) read(() => out.push(readLockfile(file, path.relative(dir, file) || path.basename(file))));
  });
  return out;
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
  const { dir, policy, exceptions, vex, inputs, tools, exceptionsPath } = loadInputs(opts);
  const outDir = path.resolve(opts.outputDir);
  fs.mkdirSync(outDir, { recursive: true });

  const statuses: ScannerStatus[] = [];
  const all: Finding[] = [];
  const covered = new Set<ScannerName>();
  for (const r of opts.reports) {
    const { findings, status } = ingestReport(r.tool, resolveFrom(process.cwd(), r.path));
    statuses.push(status);
    all.push(...findings);
    for (const s of REPORT_COVERS[r.tool] ?? []) covered.add(s);
  }

  const toRun = policy.scanners.filter((s) => !covered.has(s));
  for (const s of policy.scanners.filter((s) => covered.has(s))) {
    statuses.push({ name: s, status: 'skipped', durationMs: 0, findings: 0, notes: ['its report was given with --report'] });
  }
  const workRoot = path.join(outDir, 'raw');
  const toolPath = toolPathResolver(tools, opts.env);
  const concurrency = Math.max(1, Number(opts.env.CHAINGATE_CONCURRENCY ?? 3) || 3);
  const results = await bounded(toRun, concurrency, async (name) => {
    const started = Date.now();
    const lines: string[] = [];
    const workDir = path.join(workRoot, name);
    fs.mkdirSync(workDir, { recursive: true });
    const ctx: ScanContext = {
      dir,
      workDir,
      toolPath,
      timeoutMs: policy['timeout-minutes'] * 60_000,
      env: opts.env,
      log: (l) => lines.push(l),
    };
    let status: ScannerStatus;
    let findings: Finding[] = [];
    try {
      const scanner = deps.createScanner(name, policy, opts);
      const out = await scanner.run(ctx);
      findings = out.findings;
      status = { name, status: 'ok', durationMs: Date.now() - started, findings: findings.length, outputs: out.rawOutputs.map((o) => path.relative(outDir, o) || o) };
      if (out.notes.length) status.notes = out.notes;
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
      status = { name, status: 'failed', durationMs: Date.now() - started, findings: 0, error: e.message };
      lines.push(`error: ${e.message}`);
    }
    opts.log.group(`${name}: ${status.status}, ${status.findings} findings, ${(status.durationMs / 1000).toFixed(1)} s`, lines);
    return { status, findings };
  });
  for (const r of results) {
    statuses.push(r.status);
    all.push(...r.findings);
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
  if (policy.sbom && deps.writeSbom) {
    sbomFile = path.join(outDir, 'sbom.cdx.json');
    const { components } = await deps.writeSbom(dir, policy, sbomFile, opts);
    opts.log.info(`SBOM: ${components} components in ${sbomFile}`);
  }

  const result = evaluate({
    findings: mergeFindings(all),
    policy,
    exceptions,
    vex,
    scanners: statuses,
    now: opts.now(),
    mode: opts.mode,
    inputs,
    version: VERSION,
  });

  const resultFile = path.join(outDir, 'chaingate-result.json');
  const sarifFile = path.join(outDir, 'chaingate.sarif');
  const summaryFile = path.join(outDir, 'summary.md');
  // Code scanning and links at the commit need paths from the repository root, not the project.
  const repo = projectPath(dir, opts.env);
  const lockfiles = scannedLockfiles(dir, policy);
  const findPath = dependencyPathIndex(lockfiles);
  await writeChunks(resultFile, resultJsonChunks(result));
  await writeChunks(
    sarifFile,
    sarifJsonChunks(result, {
      toolVersion: VERSION,
      root: repo.root,
      project: repo.project,
      toolVersions: toolVersions(statuses, toolPath, opts.env),
      // A vulnerability at its package's line in the lockfile, a Dockerfile check at its instruction.
      anchor: findingAnchors(dir, lockfiles.map((l) => l.path)),
      // Code scanning stores 5,000 results of a run (and refuses one over 25,000): keep the most
      // important ones there; chaingate-result.json has them all.
      maxResultsPerRun: policy.sarif['max-results-per-run'],
      // Tools that ran to the end get a run even when empty, so code scanning closes their alerts.
      completedTools: [...new Set(statuses.filter((s) => s.status === 'ok').flatMap((s) => COMPLETED_TOOL_NAMES[s.name] ?? [s.name.replace(/^report:/, '')]))],
    }),
  );
  const exceptionsFile = path.relative(repo.root, exceptionsPath).split(path.sep).join('/') || exceptionsPath;
  const daysFor = (sev: Severity) => exceptionDays({ maxDays: policy.exceptions['max-days'], sla: policy.sla }, sev, policy['unknown-severity']);
  const summary = renderSummary(result, {
    resultFile: path.basename(resultFile),
    sarifFile: path.basename(sarifFile),
    dependencyPath: (f) => (f.package ? findPath(f.package, f.location?.path) : undefined),
    links: commitLinksFromEnv(opts.env, repo.project),
    exceptionsFile,
    exceptionDays: daysFor,
    scanned: { lockfiles: lockfiles.map((l) => l.path), packages: lockfiles.reduce((n, l) => n + l.packages.length, 0) },
  });
  fs.writeFileSync(summaryFile, summary);
  return { result, resultFile, sarifFile, summaryFile, summary, sbomFile, exceptionsFile, exceptionDays: daysFor };
}
