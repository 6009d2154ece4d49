// Trivy adapters: `trivy fs` over the project and `trivy image` over a registry reference, an
// image tarball or an OCI layout. argv building and interpretation are pure; run() is the shell
// (DB freshness check, mirror fallback, reading the report).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Policy } from '../config/schema';
import type { Finding } from '../core/finding';
import { ToolError } from '../errors';
import { parseTrivy } from '../parsers/trivy';
import { FormatError } from '../parsers/util';
import { firstErrorLine, runTool, type RunResult } from '../process/run-tool';
import type { Invocation, ScanContext, Scanner, ScannerOutcome, ToolAdapter } from './types';
import { readBytes } from '../read-text';
import { redactTrivyReport } from '../reports/redact-raw';
import { redactRawReport } from './raw-output';

export const TRIVY = 'trivy';
/** Trivy DB schema that Trivy 0.74 reads (metadata.json "Version"). */
export const TRIVY_DB_SCHEMA = 2;

export type TrivyScannerKind = 'vuln' | 'secret' | 'misconfig' | 'license';

export interface TrivyCommonOptions {
  scanners: TrivyScannerKind[];
  /** Trivy's cache dir; the vulnerability DB lives in <cacheDir>/db. */
  cacheDir: string;
  /** DB mirrors tried in order; empty: Trivy's own default repositories. */
  dbRepositories: string[];
  /** Never touch the network: cached DB, embedded misconfig checks, no version check. */
  offline: boolean;
}

export interface TrivyFsOptions extends TrivyCommonOptions {
  skipDirs: string[];
}

export interface TrivyImageOptions extends TrivyCommonOptions {
  /** Registry reference (repo:tag or repo@sha256:...), or a path to a tarball / OCI layout. */
  image: string;
  /** Set by run() after looking at the file system: true when `image` is a local path. */
  imageIsPath?: boolean;
  /** Plain HTTP / self-signed registry. */
  insecureRegistry: boolean;
}

/** What run() learned about the cache before building argv. */
export interface DbState {
  /** A usable DB is cached: skip the download. */
  fresh: boolean;
}

export function defaultTrivyCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'chaingate', 'trivy');
}

export function trivyOptionsFromPolicy(policy: Policy, env: NodeJS.ProcessEnv = process.env): TrivyCommonOptions {
  return {
    scanners: [...policy.trivy.scanners],
    cacheDir: policy.trivy['cache-dir'] ?? defaultTrivyCacheDir(env),
    dbRepositories: [...policy.trivy['db-repository']],
    offline: env.CHAINGATE_OFFLINE === '1',
  };
}

/**
 * Whether the cached DB can be used without a download: both files there, the schema this Trivy
 * reads, and not past its NextUpdate. Pure: the caller reads the files and passes the clock.
 */
export function dbIsFresh(metadataText: string | undefined, dbExists: boolean, now: Date): boolean {
  if (!dbExists || metadataText === undefined) return false;
  let meta: unknown;
  try {
    meta = JSON.parse(metadataText);
  } catch {
    return false;
  }
  if (typeof meta !== 'object' || meta === null) return false;
  const { Version, NextUpdate } = meta as { Version?: unknown; NextUpdate?: unknown };
  if (Version !== TRIVY_DB_SCHEMA || typeof NextUpdate !== 'string') return false;
  const next = Date.parse(NextUpdate);
  return !Number.isNaN(next) && next > now.getTime();
}

export function readDbState(cacheDir: string, now: Date): DbState {
  const dbDir = path.join(cacheDir, 'db');
  let meta: string | undefined;
  try {
    meta = fs.readFileSync(path.join(dbDir, 'metadata.json'), 'utf8');
  } catch {
    meta = undefined;
  }
  return { fresh: dbIsFresh(meta, fs.existsSync(path.join(dbDir, 'trivy.db')), now) };
}

/** A bare directory name skips it at any depth; anything with a slash or glob is passed as is. */
export function skipDirPatterns(skipDirs: string[]): string[] {
  const out: string[] = [];
  for (const d of skipDirs) {
    const clean = d.replace(/\/+$/, '');
    if (clean === '') continue;
    if (/[/*?[]/.test(clean)) out.push(clean);
    else out.push(clean, `**/${clean}`);
  }
  return [...new Set(out)];
}

/**
 * Flags shared by fs and image scans, one invocation per DB mirror to try. With a fresh cache or
 * offline there is nothing to download, so there is exactly one invocation.
 */
function commonArgs(ctx: ScanContext, opts: TrivyCommonOptions, db: DbState, outputFile: string): string[][] {
  const base = [
    '--format',
    'json',
    '--output',
    outputFile,
    '--scanners',
    opts.scanners.join(','),
    '--cache-dir',
    opts.cacheDir,
    // Trivy's own limit (5 min by default) must not cut a scan short before ours does.
    '--timeout',
    `${Math.max(1, Math.ceil(ctx.timeoutMs / 1000))}s`,
    '--exit-code',
    '0',
    '--no-progress',
    // A gate in CI must not phone home or nag about upgrades.
    '--skip-version-check',
    '--disable-telemetry',
  ];
  if (opts.offline) {
    // Trivy 0.74 embeds its misconfiguration checks: with --skip-check-update and no bundle in
    // the cache it logs "Falling back to embedded checks" (an ERROR line, but not a failure) and
    // scans with them, so misconfig works with no network at all.
    base.push('--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--offline-scan');
    return [base];
  }
  // Without the vuln scanner Trivy never opens the DB, so there is nothing to fetch or skip.
  if (!opts.scanners.includes('vuln')) return [base];
  if (db.fresh) return [[...base, '--skip-db-update']];
  if (opts.dbRepositories.length === 0) return [base];
  return opts.dbRepositories.map((repo) => [...base, '--db-repository', repo]);
}

function outputPath(ctx: ScanContext, name: string): string {
  return path.join(ctx.workDir, `${name}.json`);
}

function toInvocations(ctx: ScanContext, head: string[], tail: string[], argSets: string[][], outputFile: string): Invocation[] {
  return argSets.map((args) => ({
    command: ctx.toolPath(TRIVY),
    args: [...head, ...args, ...tail],
    outputFile,
    env: ctx.env,
  }));
}

export function trivyFsArgv(ctx: ScanContext, opts: TrivyFsOptions, db: DbState): Invocation[] {
  const outputFile = outputPath(ctx, 'trivy-fs');
  const skip = skipDirPatterns(opts.skipDirs).flatMap((d) => ['--skip-dirs', d]);
  return toInvocations(ctx, ['fs'], [...skip, ctx.dir], commonArgs(ctx, opts, db, outputFile), outputFile);
}

export function trivyImageArgv(ctx: ScanContext, opts: TrivyImageOptions, db: DbState): Invocation[] {
  const outputFile = outputPath(ctx, 'trivy-image');
  const target = opts.imageIsPath
    ? ['--input', opts.image]
    : // Straight to the registry: no probing for a local Docker/containerd/Podman daemon first.
      [...(opts.insecureRegistry ? ['--insecure'] : []), '--image-src', 'remote', opts.image];
  return toInvocations(ctx, ['image'], target, commonArgs(ctx, opts, db, outputFile), outputFile);
}

/**
 * Trivy logs `<time>\tFATAL\t...`, with the causes of a multi-error on the lines after it
 * (`\t* remote error: ...`). Prefer that FATAL message, without the timestamp, on one line.
 */
export function trivyErrorLine(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/);
  const at = lines.findIndex((l) => /^\S*\s+FATAL\b/.test(l) || /^FATAL\b/.test(l));
  let line: string | undefined;
  if (at !== -1) {
    const cont: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (l.trim() === '' || /^\d{4}-\d{2}-\d{2}T/.test(l)) break;
      cont.push(l);
    }
    line = [lines[at], ...cont].join(' ');
  } else {
    line = firstErrorLine(stderr);
  }
  if (line === undefined) return undefined;
  const clean = line
    .replace(/^\d{4}-\d{2}-\d{2}T\S+\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  // The wrapped chain is long; its start says what failed and its end says why.
  return clean.length > 700 ? `${clean.slice(0, 250)} … ${clean.slice(-400)}` : clean;
}

/** The failure looks like the vulnerability DB could not be fetched (worth trying another mirror). */
export function isDbDownloadFailure(result: RunResult): boolean {
  return (
    result.exitCode !== 0 &&
    !result.timedOut &&
    result.spawnError === undefined &&
    /failed to download vulnerability DB|DB error|OCI artifact error|OCI repository error|database error/i.test(result.stderr)
  );
}

function describeFailure(result: RunResult): string {
  const line = trivyErrorLine(result.stderr);
  const said = line ? `: ${line}` : ' and printed no error message';
  if (result.spawnError !== undefined) {
    return `${TRIVY} could not be started (${result.spawnError}); install it with scripts/install-tools.sh or set tools.trivy.path in .chaingate.yml`;
  }
  if (result.timedOut) {
    return `${TRIVY} did not finish within ${Math.round(result.durationMs / 1000)} s and was stopped; raise timeout-minutes or skip large folders with skip-dirs`;
  }
  if (result.signal) return `${TRIVY} was killed by ${result.signal}${said}`;
  return `${TRIVY} exited with code ${result.exitCode}${said}`;
}

function interpretTrivy(inv: Invocation, result: RunResult, output: string | Buffer): Finding[] {
  if (result.spawnError !== undefined || result.timedOut || result.signal || result.exitCode !== 0) {
    throw new ToolError(TRIVY, describeFailure(result));
  }
  try {
    return parseTrivy(output);
  } catch (e) {
    if (e instanceof FormatError) {
      const line = trivyErrorLine(result.stderr);
      throw new ToolError(TRIVY, `${TRIVY} exited 0 but its report ${inv.outputFile} is unusable: ${e.message}${line ? ` (trivy said: ${line})` : ''}`);
    }
    throw e;
  }
}

export const trivyFsAdapter: ToolAdapter<{ opts: TrivyFsOptions; db: DbState }> = {
  name: 'trivy-fs',
  argv: (ctx, { opts, db }) => trivyFsArgv(ctx, opts, db),
  interpret: interpretTrivy,
};

export const trivyImageAdapter: ToolAdapter<{ opts: TrivyImageOptions; db: DbState }> = {
  name: 'trivy-image',
  argv: (ctx, { opts, db }) => trivyImageArgv(ctx, opts, db),
  interpret: interpretTrivy,
};

function readOutput(file: string): Buffer {
  try {
    return readBytes(file);
  } catch {
    return Buffer.alloc(0);
  }
}

function mirrorOf(inv: Invocation): string {
  const i = inv.args.indexOf('--db-repository');
  return i === -1 ? "Trivy's default repository" : inv.args[i + 1];
}

/**
 * Runs the invocations in order, moving to the next DB mirror only when the DB download failed;
 * any other failure (crash, timeout, bad report) is final. Fails closed: no invocation that
 * succeeded means a ToolError, never an empty result.
 */
export async function runWithFallback(
  ctx: ScanContext,
  invocations: Invocation[],
  interpret: (inv: Invocation, result: RunResult, output: Buffer) => Finding[],
): Promise<ScannerOutcome> {
  const notes: string[] = [];
  const failures: string[] = [];
  for (const [i, inv] of invocations.entries()) {
    fs.rmSync(inv.outputFile, { force: true });
    ctx.log(`${TRIVY} ${inv.args.join(' ')}`);
    const result = await runTool(inv.command, inv.args, { cwd: inv.cwd, env: inv.env, timeoutMs: ctx.timeoutMs });
    const last = i === invocations.length - 1;
    if (isDbDownloadFailure(result) && !last) {
      const why = `${mirrorOf(inv)}: ${trivyErrorLine(result.stderr) ?? `exit code ${result.exitCode}`}`;
      failures.push(why);
      notes.push(`trivy DB download failed from ${why}; trying the next mirror`);
      continue;
    }
    if (isDbDownloadFailure(result) && failures.length > 0) {
      failures.push(`${mirrorOf(inv)}: ${trivyErrorLine(result.stderr) ?? `exit code ${result.exitCode}`}`);
      throw new ToolError(TRIVY, `${TRIVY} could not download its vulnerability DB from any mirror: ${failures.join('; ')}`);
    }
    const output = readOutput(inv.outputFile);
    let findings: Finding[];
    try {
      findings = interpret(inv, result, output);
    } finally {
      // Also when the run failed: whatever Trivy wrote stays in raw/ without the code it quotes.
      redactRawReport(inv.outputFile, output, ['"Lines"', '"Match"'], redactTrivyReport);
    }
    if (failures.length > 0) notes.push(`trivy DB downloaded from ${mirrorOf(inv)}`);
    return { findings, rawOutputs: [inv.outputFile], notes };
  }
  throw new ToolError(TRIVY, `${TRIVY}: nothing to run`);
}

export function createTrivyFsScanner(opts: TrivyFsOptions, now: () => Date = () => new Date()): Scanner {
  return {
    name: 'trivy-fs',
    run: (ctx) => runWithFallback(ctx, trivyFsArgv(ctx, opts, readDbState(opts.cacheDir, now())), interpretTrivy),
  };
}

/** The trivy-fs scanner as the policy configures it. */
export function trivyFsScannerFromPolicy(policy: Policy, env: NodeJS.ProcessEnv = process.env): Scanner {
  return createTrivyFsScanner({ ...trivyOptionsFromPolicy(policy, env), skipDirs: [...policy['skip-dirs']] });
}

/** The trivy-image scanner for `image` (from --image or trivy.image) as the policy configures it. */
export function trivyImageScannerFromPolicy(policy: Policy, image: string, env: NodeJS.ProcessEnv = process.env): Scanner {
  return createTrivyImageScanner({ ...trivyOptionsFromPolicy(policy, env), image, insecureRegistry: policy.trivy['insecure-registry'] });
}

export function createTrivyImageScanner(opts: TrivyImageOptions, now: () => Date = () => new Date()): Scanner {
  return {
    name: 'trivy-image',
    run: (ctx) => {
      const resolved = { ...opts, imageIsPath: opts.imageIsPath ?? fs.existsSync(opts.image) };
      return runWithFallback(ctx, trivyImageArgv(ctx, resolved, readDbState(opts.cacheDir, now())), interpretTrivy);
    },
  };
}
