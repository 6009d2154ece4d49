// The GitHub Action entry: inputs arrive as CHAINGATE_INPUT_* environment variables (action.yml
// maps them with `env:`, never by interpolating into a script). Runs the same engine as the
// CLI, sets outputs, writes the job summary, and is the one place that calls setFailed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { ScannerNameSchema, type ScannerName } from '../config/schema';
import { exitCodeFor } from '../core/policy';
import { ChaingateError, ConfigError, describeInternalError } from '../errors';
import { logLine } from '../log-text';
import { defaultDeps } from '../gate/deps';
import { runGate, type GateOptions, type GateOutput, type Logger } from '../gate/run-gate';
import { REPORT_TOOLS, type ReportTool } from '../parsers/types';
import { projectPath, repositoryRoot } from '../gate/repo-root';
import { blockingAnnotations } from '../reports/annotations';
import { commentMarker, newBlocking, policyChanged, renderPrComment } from '../reports/pr-comment';
import { commitLinksFromEnv } from '../reports/remedy';
import { resolveSigningKey, runSignBlob, runSignImage, signTools } from '../sign';
import { describeApiError, githubClient } from './github-api';
import { upsertComment } from './pr-comment';
import { syncTrackingIssue } from './tracking-issue';
import { renderTrackingIssue, trackingMarker } from '../reports/tracking-issue';
import { readEvent, resolveBaseline, type PullRequestEvent } from './pull-request';


/** Inputs that take one item per line; every other input is a single line. */
const LIST_INPUTS = new Set(['reports', 'vex', 'sign-blobs', 'scanners', 'urls']);
// C0 and C1 controls, DEL and the Unicode line/paragraph separators: no path, reference or option
// has them, and they are how a value would smuggle a workflow command or a fake log line.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex -- as above, line breaks allowed
const LIST_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;

export function input(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[`CHAINGATE_INPUT_${name.toUpperCase().replace(/-/g, '_')}`];
  if (v === undefined || v.trim() === '') return undefined;
  const value = v.trim();
  const list = LIST_INPUTS.has(name);
  const bad = (list ? LIST_CONTROL : CONTROL).exec(value);
  if (bad || (list && value.split('\n').some((l) => /\r./.test(l)))) {
    const code = bad ? bad[0].codePointAt(0)! : 0x0d;
    throw new ConfigError(`input ${name} contains a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})${list ? ' other than line breaks' : ''}; remove it`);
  }
  return value;
}

export function lines(v: string | undefined): string[] {
  return (v ?? '')
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = input(env, name);
  if (v === undefined) return undefined;
  if (/^(true|yes|1)$/i.test(v)) return true;
  if (/^(false|no|0)$/i.test(v)) return false;
  throw new ConfigError(`input ${name} must be true or false, got "${v}"`);
}

/** Builds the gate options from the action's inputs; unset inputs leave the config file in charge. */
export function optionsFromInputs(env: NodeJS.ProcessEnv, now: () => Date, log: Logger): GateOptions {
  const mode = input(env, 'mode') ?? 'enforce';
  if (mode !== 'enforce' && mode !== 'warn') throw new ConfigError(`input mode must be enforce or warn, got "${mode}"`);
  const reports = lines(input(env, 'reports')).map((r) => {
    const eq = r.indexOf('=');
    const tool = r.slice(0, eq);
    if (eq <= 0 || !(REPORT_TOOLS as readonly string[]).includes(tool)) {
      throw new ConfigError(`input reports: "${r}" is not TOOL=PATH with TOOL one of ${REPORT_TOOLS.join(', ')}`);
    }
    return { tool: tool as ReportTool, path: r.slice(eq + 1) };
  });
  const trustedPolicy = input(env, 'trusted-policy');
  if (trustedPolicy !== undefined && trustedPolicy !== 'head' && trustedPolicy !== 'baseline') {
    throw new ConfigError(`input trusted-policy must be head or baseline, got "${trustedPolicy}"`);
  }
  const scannersInput = input(env, 'scanners');
  let scanners: ScannerName[] | undefined;
  if (scannersInput !== undefined) {
    const list = lines(scannersInput);
    scanners = list.length === 1 && list[0] === 'none' ? [] : list.map((s) => {
      const r = ScannerNameSchema.safeParse(s);
      if (!r.success) throw new ConfigError(`input scanners: unknown scanner "${s}"`);
      return r.data;
    });
  }
  const urls = lines(input(env, 'urls'));
  if (urls.length > 0 && scanners !== undefined && !scanners.includes('headers')) throw new ConfigError('input urls needs the headers scanner: add headers to the scanners input');
  prCommentMode(env);
  bool(env, 'tracking-issue');
  // history: true keeps the file the workflow's cache steps restore and save (action.yml sets where).
  const history = bool(env, 'history') ? historyPath(env) : undefined;
  // The token is for the comment only: scanners and the tools they start never see it.
  const gateEnv = { ...env };
  delete gateEnv.CHAINGATE_INPUT_GITHUB_TOKEN;
  return {
    dir: input(env, 'working-directory') ?? '.',
    configFile: input(env, 'config'),
    exceptionsFile: input(env, 'exceptions'),
    vexFiles: lines(input(env, 'vex')),
    reports,
    outputDir: input(env, 'output-dir') ?? 'chaingate-out',
    mode,
    scanners,
    image: input(env, 'image'),
    urls: urls.length ? urls : undefined,
    osvDb: input(env, 'osv-db'),
    sbom: bool(env, 'sbom'),
    insecureRegistry: bool(env, 'insecure-registry'),
    verifyImage: input(env, 'verify-image'),
    trustedPolicy,
    history,
    expectShards: input(env, 'expect-shards'),
    env: gateEnv,
    now,
    log,
  };
}

function historyPath(env: NodeJS.ProcessEnv): string {
  if (env.CHAINGATE_HISTORY_FILE) return env.CHAINGATE_HISTORY_FILE;
  if (!env.RUNNER_TEMP) throw new ConfigError('input history is true but neither CHAINGATE_HISTORY_FILE nor RUNNER_TEMP is set');
  return path.join(env.RUNNER_TEMP, 'chaingate-history', 'history.json');
}

/**
 * tracking-issue: one issue per gate, open while a critical finding is open or a finding is
 * past its SLA, closed once clean. Runs on pushes and schedules, not on pull requests (a PR's
 * state is not the branch's). Whatever goes wrong is a warning: the verdict is the gate's alone.
 */
export async function trackIssueAfterGate(env: NodeJS.ProcessEnv, event: PullRequestEvent, opts: GateOptions, out: GateOutput): Promise<void> {
  if (!bool(env, 'tracking-issue') || event.pr || ['pull_request', 'pull_request_target', 'merge_group'].includes(event.name)) return;
  const token = input(env, 'github-token');
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) {
    core.warning('chaingate: tracking-issue needs github-token and GITHUB_REPOSITORY; no tracking issue was updated');
    return;
  }
  core.setSecret(token);
  try {
    const { project } = projectPath(opts.dir, env);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const marker = trackingMarker(commentMarker(project || '.', opts.configFile ?? '.chaingate.yml'));
    const want = renderTrackingIssue(out.result, {
      marker,
      gate: project || '.',
      overdue: out.overdue ?? [],
      now: opts.now(),
      runUrl: env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
    });
    const octokit = githubClient(token, env.GITHUB_API_URL ?? 'https://api.github.com');
    const done = await syncTrackingIssue(octokit, { owner, repo }, { ...want, marker });
    if (done.url) {
      core.setOutput('tracking-issue-url', done.url);
      core.info(`chaingate: tracking issue ${done.action}: ${done.url}`);
    }
  } catch (e) {
    const cause = apiCause(e);
    core.warning(`chaingate: the tracking issue was not updated: ${cause}. The verdict and the exit code are not affected. It needs \`permissions: issues: write\` for the job.`);
  }
}

function apiCause(e: unknown): string {
  return typeof (e as { status?: unknown })?.status === 'number' ? describeApiError(e) : `unexpected error: ${(e as Error)?.message ?? String(e)}`;
}

const PR_COMMENT_MODES = ['auto', 'always', 'never'] as const;

function prCommentMode(env: NodeJS.ProcessEnv): (typeof PR_COMMENT_MODES)[number] {
  const v = input(env, 'pr-comment') ?? 'auto';
  if (!(PR_COMMENT_MODES as readonly string[]).includes(v)) throw new ConfigError(`input pr-comment must be auto, always or never, got "${v}"`);
  return v as (typeof PR_COMMENT_MODES)[number];
}

/** The blocking findings as error annotations on their lines (the 10 GitHub shows). */
function annotate(out: GateOutput, opts: GateOptions, repoRoot: string): void {
  for (const a of blockingAnnotations(out.result, path.resolve(opts.dir), repoRoot)) {
    core.error(a.message, { title: a.title, file: a.file, startLine: a.startLine, endLine: a.endLine });
  }
}

/**
 * The gate's comment on the pull request (pr-comment auto: when it does not pass, and the same
 * comment again once it does). Whatever goes wrong here is a warning: the verdict and the exit
 * code are the gate's alone.
 */
export async function commentOnPullRequest(env: NodeJS.ProcessEnv, event: PullRequestEvent, opts: GateOptions, out: GateOutput): Promise<void> {
  const mode = prCommentMode(env);
  if (mode === 'never' || !event.pr) return;
  const token = input(env, 'github-token');
  if (!token) {
    core.warning('chaingate: no github-token, so no pull-request comment (the default is the workflow token, github.token)');
    return;
  }
  core.setSecret(token);
  try {
    const r = out.result;
    const { project } = projectPath(opts.dir, env);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const repository = env.GITHUB_REPOSITORY ?? `${event.pr.owner}/${event.pr.repo}`;
    // Two gates in one workflow differ by folder or config, and so do their comments.
    const marker = commentMarker(project || '.', opts.configFile ?? '.chaingate.yml');
    const body = renderPrComment(r, {
      marker,
      // Links go to the PR's head commit, not to the merge commit the workflow checked out.
      links: commitLinksFromEnv({ ...env, GITHUB_SHA: event.headSha ?? env.GITHUB_SHA }, project),
      runUrl: env.GITHUB_RUN_ID ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      exceptionsFile: out.exceptionsFile,
      exceptionDays: out.exceptionDays,
      now: opts.now(),
    });
    const octokit = githubClient(token, env.GITHUB_API_URL ?? 'https://api.github.com');
    const done = await upsertComment(octokit, event.pr, marker, body, mode === 'always' || r.verdict !== 'pass');
    if (done.url) {
      core.setOutput('comment-url', done.url);
      core.info(`chaingate: pull-request comment ${done.action}: ${done.url}`);
    }
  } catch (e) {
    const cause = apiCause(e);
    core.warning(
      `chaingate: the pull-request comment was skipped: ${cause}. The verdict and the exit code are not affected. ` +
        'Commenting needs `permissions: pull-requests: write` for the job (pull requests from forks get a read-only token).',
    );
  }
}

export function actionLogger(): Logger {
  return {
    info: (l) => core.info(logLine(l)),
    warning: (l) => core.warning(l),
    group: (title, ls) => {
      core.startGroup(title);
      for (const l of ls) core.info(logLine(l));
      core.endGroup();
    },
  };
}

/**
 * Release pipelines: after a passing gate, sign the image by digest, attest the SBOM and the
 * verdict (a SLSA VSA), and sign release files. Keys never reach argv or logs: cosign reads
 * COSIGN_PRIVATE_KEY / COSIGN_PASSWORD from the environment, and they are masked.
 */
export async function signAfterGate(env: NodeJS.ProcessEnv, now: () => Date, opts: GateOptions, out: GateOutput): Promise<void> {
  const image = input(env, 'sign-image');
  const blobs = lines(input(env, 'sign-blobs'));
  if (!image && blobs.length === 0) return;
  const signEnv = {
    tools: signTools(env),
    env,
    now,
    log: (l: string) => core.info(logLine(l)),
    mask: (v: string) => core.setSecret(v),
  };
  const key = resolveSigningKey({ key: input(env, 'sign-key') }, env);
  const tlog = bool(env, 'sign-tlog');
  const setOutput = bestEffortOutputs();
  if (image) {
    const sbomInput = input(env, 'sign-sbom');
    let sbom: string | undefined;
    if (sbomInput === 'true') {
      if (!out.sbomFile) throw new ConfigError('input sign-sbom is true but no SBOM was written');
      sbom = out.sbomFile;
    } else if (sbomInput && sbomInput !== 'false') sbom = sbomInput;
    const attestVerdict = bool(env, 'attest-verdict') ?? true;
    const signed = await runSignImage(
      {
        image,
        key,
        sbom,
        result: attestVerdict ? { path: out.resultFile, value: out.result } : undefined,
        insecureRegistry: opts.insecureRegistry,
        tlog,
        workDir: opts.outputDir,
      },
      signEnv,
    );
    setOutput('digest', signed.digest);
    setOutput('signed-image', signed.image);
  }
  const bundles: string[] = [];
  for (const file of blobs) bundles.push((await runSignBlob({ file, key, tlog }, signEnv)).bundle);
  if (bundles.length) setOutput('bundles', bundles.join('\n'));
}

/**
 * The runner's output file and job summary are for people and later steps: when one cannot be
 * written, the step says so, and the verdict alone still decides the exit code.
 */
function bestEffortOutputs(): (name: string, value: string) => void {
  let warned = false;
  return (name, value) => {
    try {
      core.setOutput(name, value);
    } catch (e) {
      if (!warned) core.warning(`chaingate: could not write the step outputs (GITHUB_OUTPUT): ${fileProblem(e)}`);
      warned = true;
    }
  };
}

function writeJobSummary(env: NodeJS.ProcessEnv, summary: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    fs.appendFileSync(file, summary);
  } catch (e) {
    core.warning(`chaingate: could not write the job summary (GITHUB_STEP_SUMMARY): ${fileProblem(e)}`);
  }
}

/** The errno code of a failed write (the message would repeat the path). */
function fileProblem(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/**
 * submit-dependencies: the lockfile graph to GitHub's dependency graph. Whatever happens is a
 * warning: the verdict never depends on it.
 */
export async function submitAfterGate(env: NodeJS.ProcessEnv, now: () => Date, opts: GateOptions): Promise<void> {
  const token = input(env, 'github-token') ?? '';
  if (token) core.setSecret(token);
  try {
    const { submitDependencies } = await import('../sbom/submit-dependencies');
    const r = await submitDependencies({ dir: opts.dir, env, token, now, log: (l) => core.info(l) });
    for (const w of r.warnings) core.warning(`chaingate: ${w}`);
  } catch (e) {
    core.warning(`chaingate: dependency submission failed: ${(e as Error).message}`);
  }
}

export async function runAction(env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): Promise<number> {
  try {
    // Every input is checked before anything runs, also those read only after the gate.
    for (const k of Object.keys(env).filter((k) => k.startsWith('CHAINGATE_INPUT_'))) input(env, k.slice(16).toLowerCase().replace(/_/g, '-'));
    const opts = optionsFromInputs(env, now, actionLogger());
    const submit = bool(env, 'submit-dependencies') ?? false;
    if (input(env, 'sign-sbom') === 'true' && opts.sbom === undefined) opts.sbom = true;
    const event = readEvent(env);
    // GITHUB_WORKSPACE when the project is in the checkout: where git runs and annotation paths start.
    const repoRoot = repositoryRoot(opts.dir, env);
    const baseline = await resolveBaseline(input(env, 'baseline'), event, repoRoot, env, (l) => core.warning(l));
    if (baseline !== undefined) {
      opts.baseline = baseline;
      core.info(`chaingate: baseline ${baseline}`);
    }
    const out = await runGate(opts, defaultDeps());
    const r = out.result;
    const setOutput = bestEffortOutputs();
    setOutput('verdict', r.verdict);
    // The cache step saves the history only when this run wrote it.
    if (out.history && opts.history) setOutput('history-file', opts.history);
    setOutput('blocking', String(r.summary.blocking));
    for (const s of ['critical', 'high', 'medium', 'low'] as const) setOutput(s, String(r.summary[s]));
    setOutput('result-file', out.resultFile);
    setOutput('sarif-file', out.sarifFile);
    if (out.sbomFile) setOutput('sbom-file', out.sbomFile);
    writeJobSummary(env, out.summary);
    setOutput('new-blocking', String(newBlocking(r)));
    setOutput('policy-changed', String(policyChanged(r)));
    annotate(out, opts, repoRoot);
    await commentOnPullRequest(env, event, opts, out);
    await trackIssueAfterGate(env, event, opts, out);
    const code = exitCodeFor(r);
    if (out.result.scanners.some((x) => x.name === 'cosign-verify')) {
      setOutput('verified', String(!r.findings.some((f) => f.kind === 'signature' && !f.exception && !f.vex)));
    }
    if (submit) await submitAfterGate(env, now, opts);
    if (code === 0) await signAfterGate(env, now, opts, out);
    else if (input(env, 'sign-image') || input(env, 'sign-blobs')) core.warning('chaingate: the gate did not pass, so nothing was signed');
    if (code !== 0) core.setFailed(`chaingate: ${r.verdict}: ${r.reasons[0] ?? ''}`);
    else if (r.verdict !== 'pass') core.warning(`chaingate (warn mode): ${r.verdict}: ${r.reasons[0] ?? ''}`);
    return code;
  } catch (e) {
    if (e instanceof ChaingateError) {
      core.setFailed(`chaingate: ${e.message}`);
      return e.code === 'REPORT_INVALID' || e.code === 'TOOL_FAILED' ? 3 : 2;
    }
    core.setFailed(`chaingate: internal error (a bug, please report it): ${describeInternalError(e)}`);
    return 70;
  }
}
