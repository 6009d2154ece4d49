// What the action learns from a pull_request or merge_group event: the PR to comment on, the
// head commit findings link to, and the base commit that `baseline: auto` compares with (fetched
// when the checkout does not have it, as a shallow clone does not).
import * as fs from 'node:fs';
import { ConfigError } from '../errors';
import { describeJsonError } from '../parsers/json-error';
import { firstErrorLine, runTool, type RunResult } from '../process/run-tool';
import type { PullRequestRef } from './pr-comment';

export interface PullRequestEvent {
  name: string;
  /** The PR a comment goes to (for merge_group, the PR the queue's branch was made for). */
  pr?: PullRequestRef;
  baseSha?: string;
  headSha?: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function sha(v: unknown): string | undefined {
  return typeof v === 'string' && SHA.test(v) ? v : undefined;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** Reads GITHUB_EVENT_NAME and the payload at GITHUB_EVENT_PATH; other events give just the name. */
export function readEvent(env: NodeJS.ProcessEnv): PullRequestEvent {
  const name = env.GITHUB_EVENT_NAME ?? '';
  const event: PullRequestEvent = { name, headSha: sha(env.GITHUB_SHA) };
  if (!env.GITHUB_EVENT_PATH || !['pull_request', 'pull_request_target', 'merge_group'].includes(name)) return event;
  let payload: Record<string, unknown>;
  let text: string;
  try {
    text = fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the event payload (${(e as NodeJS.ErrnoException).code ?? 'read failed'})`, env.GITHUB_EVENT_PATH);
  }
  try {
    payload = record(JSON.parse(text));
  } catch (e) {
    // V8's message quotes the text near the error, and the payload holds the PR's title and body.
    const p = describeJsonError(text, e);
    throw new ConfigError(`the event payload is not JSON (${p.problem})`, env.GITHUB_EVENT_PATH, p.line, p.column);
  }
  const repo = (typeof record(payload.repository).full_name === 'string' ? (record(payload.repository).full_name as string) : env.GITHUB_REPOSITORY ?? '').split('/');
  const ref = (n: unknown): PullRequestRef | undefined =>
    repo.length === 2 && Number.isSafeInteger(n) && (n as number) > 0 ? { owner: repo[0], repo: repo[1], number: n as number } : undefined;
  if (name === 'merge_group') {
    const mg = record(payload.merge_group);
    // The queue's branch is gh-readonly-queue/<base>/pr-<number>-<head sha>, for the last PR it holds.
    const m = /\/pr-(\d+)-[0-9a-f]+$/.exec(typeof mg.head_ref === 'string' ? mg.head_ref : '');
    return { name, pr: m ? ref(Number(m[1])) : undefined, baseSha: sha(mg.base_sha), headSha: sha(mg.head_sha) ?? event.headSha };
  }
  const pr = record(payload.pull_request);
  return { name, pr: ref(pr.number), baseSha: sha(record(pr.base).sha), headSha: sha(record(pr.head).sha) ?? event.headSha };
}

export type Run = (command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) => Promise<RunResult>;

/**
 * The baseline the gate compares with. `none`: no baseline. `auto` (the default): the PR's base
 * commit on pull_request and merge_group events, none on others. Anything else is a REF or a
 * FILE for the gate, as given. A base commit the checkout lacks is fetched (depth 1); when that
 * fails, the gate runs without a baseline, where every finding counts, and the warning says why.
 */
export async function resolveBaseline(
  value: string | undefined,
  event: PullRequestEvent,
  repoDir: string,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
  run: Run = runTool,
): Promise<string | undefined> {
  const v = value ?? 'auto';
  if (v === 'none') return undefined;
  if (v !== 'auto') {
    if (v.startsWith('-')) throw new ConfigError(`input baseline: "${v}" is not auto, none, a git revision or a file`);
    return v;
  }
  if (!event.baseSha) return undefined;
  const gitEnv = { ...env, GIT_TERMINAL_PROMPT: '0' };
  const has = await run('git', ['-C', repoDir, 'cat-file', '-e', `${event.baseSha}^{commit}`], { env: gitEnv, timeoutMs: 30_000 });
  if (has.exitCode === 0) return event.baseSha;
  const fetched = await run('git', ['-C', repoDir, 'fetch', '--no-tags', '--depth=1', 'origin', event.baseSha], { env: gitEnv, timeoutMs: 180_000 });
  if (fetched.exitCode === 0) return event.baseSha;
  const why = fetched.spawnError ?? (fetched.timedOut ? 'timed out' : (firstErrorLine(fetched.stderr) ?? `exit ${fetched.exitCode}`));
  warn(
    `chaingate: could not fetch the base commit ${event.baseSha} (${why}); gating without a baseline, so every finding counts. ` +
      'Check out with fetch-depth: 0, or keep the checkout credentials (persist-credentials) so the action can fetch it.',
  );
  return undefined;
}
