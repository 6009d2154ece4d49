// The shell around dependency-snapshot.ts: reads the lockfiles, sends the snapshots through
// @actions/github's Octokit (GITHUB_API_URL), retries a server error a bounded number of times.
// Never throws: a failed submission is a warning, the gate's verdict does not depend on it.
import * as path from 'node:path';
import * as github from '@actions/github';
import { discoverLockfiles } from '../lockfiles/discover';
import type { Lockfile } from '../lockfiles/types';
import { VERSION } from '../version';
import { planSnapshots, snapshotOf, type Snapshot, type SnapshotRun } from './dependency-snapshot';

export interface SubmitOptions {
  /** The scanned project folder. */
  dir: string;
  env: NodeJS.ProcessEnv;
  token: string;
  now: () => Date;
  skipDirs?: readonly string[];
  /** A snapshot larger than this is sent as one per lockfile. */
  maxBytes?: number;
  /** Tries per snapshot on a server error or a dropped connection (at least 1). */
  attempts?: number;
  retryDelayMs?: number;
  /** Per request. */
  timeoutMs?: number;
  /** Lockfiles already read (the CLI/gate may have them); read from `dir` otherwise. */
  lockfiles?: Lockfile[];
  log?: (line: string) => void;
}

export interface SubmitResult {
  /** Correlators of the snapshots GitHub accepted. */
  submitted: string[];
  warnings: string[];
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** The run's identity from the workflow's environment, or what is missing. */
export function runFromEnv(env: NodeJS.ProcessEnv, dir: string, now: () => Date): { run?: SnapshotRun; owner?: string; repo?: string; missing: string[] } {
  const need = ['GITHUB_REPOSITORY', 'GITHUB_SHA', 'GITHUB_REF', 'GITHUB_RUN_ID', 'GITHUB_JOB'];
  const missing = need.filter((k) => !env[k]);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (env.GITHUB_REPOSITORY && (!owner || !repo)) missing.push('GITHUB_REPOSITORY as owner/name');
  if (env.GITHUB_SHA && !/^[0-9a-f]{40}$/.test(env.GITHUB_SHA)) missing.push('GITHUB_SHA as 40 hex digits');
  if (env.GITHUB_REF && !env.GITHUB_REF.startsWith('refs/')) missing.push('GITHUB_REF as refs/...');
  if (missing.length) return { missing };
  const workspace = env.GITHUB_WORKSPACE ? path.resolve(env.GITHUB_WORKSPACE) : process.cwd();
  const rel = path.relative(workspace, path.resolve(dir)).split(path.sep).join('/');
  const server = env.GITHUB_SERVER_URL;
  return {
    owner,
    repo,
    missing,
    run: {
      sha: env.GITHUB_SHA as string,
      ref: env.GITHUB_REF as string,
      correlator: `${env.GITHUB_WORKFLOW ?? 'workflow'}_${env.GITHUB_JOB}`,
      runId: env.GITHUB_RUN_ID as string,
      htmlUrl: server ? `${server}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      toolVersion: VERSION,
      // The action's own repository (GITHUB_ACTION_REPOSITORY is set for the action's steps).
      detectorUrl: `${server ?? 'https://github.com'}/${env.GITHUB_ACTION_REPOSITORY || 'chaingate'}`,
      scanned: now(),
      prefix: rel.startsWith('..') ? '' : rel,
    },
  };
}

interface HttpError {
  status?: number;
  message?: string;
  response?: { data?: unknown };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What GitHub said, in one line and bounded (a 4xx body names the bad field). */
function said(e: HttpError): string {
  const data = e.response?.data as { message?: string; errors?: unknown } | undefined;
  const detail = data?.message ? `${data.message}${data.errors ? ` ${JSON.stringify(data.errors)}` : ''}` : (e.message ?? String(e));
  return detail.replace(/\s+/g, ' ').slice(0, 300);
}

export async function submitDependencies(opts: SubmitOptions): Promise<SubmitResult> {
  const warnings: string[] = [];
  const submitted: string[] = [];
  const log = opts.log ?? (() => undefined);
  const { run, owner, repo, missing } = runFromEnv(opts.env, opts.dir, opts.now);
  if (!run || !owner || !repo) return { submitted, warnings: [`dependency submission skipped: not in a GitHub Actions run (missing ${missing.join(', ')})`] };
  if (!opts.token) return { submitted, warnings: ['dependency submission skipped: no token (input github-token)'] };
  let locks: Lockfile[];
  try {
    locks = opts.lockfiles ?? discoverLockfiles(opts.dir, opts.skipDirs ? { skipDirs: opts.skipDirs } : {});
  } catch (e) {
    return { submitted, warnings: [`dependency submission skipped: ${(e as Error).message}`] };
  }
  const octokit = github.getOctokit(opts.token, { baseUrl: opts.env.GITHUB_API_URL || undefined });
  const attempts = Math.max(1, opts.attempts ?? 3);
  const delay = opts.retryDelayMs ?? 2000;
  const send = async (s: Snapshot): Promise<'ok' | 'too-large' | 'failed'> => {
    for (let i = 1; ; i++) {
      try {
        const r = await octokit.request('POST /repos/{owner}/{repo}/dependency-graph/snapshots', {
          owner,
          repo,
          ...s,
          request: { signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) },
        });
        const data = r.data as { id?: number; result?: string; message?: string };
        log(`dependency submission: ${s.job.correlator}: ${data.result ?? r.status}${data.id !== undefined ? ` (snapshot ${data.id})` : ''}`);
        submitted.push(s.job.correlator);
        return 'ok';
      } catch (e) {
        const err = e as HttpError;
        // Octokit reports a dropped connection as status 500 without a response.
        const status = err.response ? err.status : undefined;
        if (status === 413) return 'too-large';
        // 4xx is a bad snapshot or token: sending it again gives the same answer.
        const retry = status === undefined || status >= 500;
        if (!retry || i >= attempts) {
          warnings.push(`dependency submission of ${Object.keys(s.manifests).join(', ')} failed${status ? ` (HTTP ${status})` : ''} after ${i} attempt(s): ${said(err)}`);
          return 'failed';
        }
        await sleep(delay * i);
      }
    }
  };
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const { snapshots, tooLarge } = planSnapshots(locks, run, maxBytes);
  for (const t of tooLarge) warnings.push(`dependency submission of ${t} skipped: its snapshot is over ${maxBytes} bytes`);
  for (const s of snapshots) {
    if ((await send(s)) !== 'too-large') continue;
    const names = Object.keys(s.manifests);
    if (names.length === 1) {
      warnings.push(`dependency submission of ${names[0]} refused as too large (HTTP 413)`);
      continue;
    }
    // The server's limit is below ours: one snapshot per lockfile.
    for (const m of Object.values(s.manifests)) {
      if ((await send(snapshotOf([m], run, ` ${m.name}`))) === 'too-large') warnings.push(`dependency submission of ${m.name} refused as too large (HTTP 413)`);
    }
  }
  return { submitted, warnings };
}
