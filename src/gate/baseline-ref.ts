// Shell: `--baseline REF`. Checks REF out in a temporary git worktree (never the user's working
// tree or index), lists what the change touches (renames followed), and removes the worktree
// afterwards: on success, failure, timeout and SIGINT/SIGTERM. Worktrees a crashed run left
// behind are removed by the next run. Every git call goes through the one spawner.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseNameStatus, type FileChange } from '../core/baseline';
import { ConfigError } from '../errors';
import { runTool, type RunResult } from '../process/run-tool';

/** Worktree folders are named so: the pid tells whether the run that made one is still alive. */
const PREFIX = 'chaingate-baseline-';
const GIT_TIMEOUT_MS = 300_000;

export interface BaseCheckout {
  ref: string;
  commit: string;
  /** DIR's counterpart inside the worktree. */
  dir: string;
  /** DIR relative to the repository root, '' at the root. */
  sub: string;
  repoRoot: string;
  worktree: string;
  /** What the working tree changes against REF, paths relative to DIR. */
  changes: FileChange[];
  /** Removes the worktree; safe to call twice. */
  remove(): Promise<void>;
}

export interface GitEnv {
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Where the worktree goes (default: the system temp folder). */
  tmpRoot?: string;
}

function gitEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Never prompt, never fetch large files: the checkout is for reading text.
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_LFS_SKIP_SMUDGE: '1', GIT_OPTIONAL_LOCKS: '0' };
}

async function git(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  // Hooks of the repository must not run for a checkout the gate makes.
  const r = await runTool('git', ['-c', 'core.hooksPath=/dev/null', ...args], { cwd, env: gitEnv(env), timeoutMs: GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (r.spawnError !== undefined) throw new ConfigError(`--baseline REF needs git, which could not be started (${r.spawnError}); install git or pass a chaingate-result.json as --baseline FILE`);
  if (r.timedOut) throw new ConfigError(`git ${args[0]} timed out after ${Math.round(r.durationMs / 1000)} s`);
  return r;
}

function stderrLine(r: RunResult): string {
  return r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the worktrees of chaingate runs that are no longer running (killed, crashed). */
async function removeLeftovers(repoRoot: string, g: GitEnv): Promise<void> {
  const list = await git(repoRoot, ['worktree', 'list', '--porcelain', '-z'], g.env);
  const paths = list.stdout
    .split('\0')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
  for (const p of paths) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(path.basename(p));
    if (!m || alive(Number(m[1]))) continue;
    g.log(`removing the baseline worktree an earlier run left behind: ${p}`);
    const r = await git(repoRoot, ['worktree', 'remove', '--force', '--force', p], g.env);
    if (r.exitCode !== 0 && fs.existsSync(p)) {
      throw new ConfigError(`a baseline worktree left by an earlier chaingate run could not be removed (${stderrLine(r)}): remove it with \`git worktree remove --force ${p}\` and run again`, p);
    }
  }
  await git(repoRoot, ['worktree', 'prune'], g.env);
}

async function resolveCommit(repoRoot: string, ref: string, g: GitEnv): Promise<string> {
  const r = await git(repoRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], g.env);
  if (r.exitCode === 0) return r.stdout.trim();
  const shallow = (await git(repoRoot, ['rev-parse', '--is-shallow-repository'], g.env)).stdout.trim() === 'true';
  const fix = /^[0-9a-f]{7,40}$/i.test(ref) ? `\`git fetch origin ${ref}\`` : `\`git fetch origin ${ref}\` (a branch: \`git fetch origin ${ref}:${ref}\`)`;
  throw new ConfigError(
    shallow
      ? `--baseline ${ref}: this is a shallow clone that does not have that revision; check out with full history (actions/checkout with \`fetch-depth: 0\`) or fetch it first with ${fix}`
      : `--baseline ${ref}: no such revision in ${repoRoot}; fetch it first with ${fix}, or name a commit, branch or tag that exists`,
  );
}

/** Changes between `commit` and the working tree, untracked files as added, relative to the repository root. */
async function listChanges(repoRoot: string, commit: string, g: GitEnv): Promise<FileChange[]> {
  const diff = await git(repoRoot, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', commit, '--'], g.env);
  if (diff.exitCode !== 0) throw new ConfigError(`git diff against the baseline failed: ${stderrLine(diff)}`);
  const untracked = await git(repoRoot, ['ls-files', '--others', '--exclude-standard', '-z'], g.env);
  if (untracked.exitCode !== 0) throw new ConfigError(`git ls-files failed: ${stderrLine(untracked)}`);
  const changes = parseNameStatus(diff.stdout);
  for (const p of untracked.stdout.split('\0').filter(Boolean)) changes.push({ status: 'A', path: p });
  return changes;
}

/** Repository-relative changes made relative to DIR; files outside it are dropped, renames into it become additions. */
export function underDir(changes: FileChange[], sub: string): FileChange[] {
  if (sub === '') return changes;
  const prefix = `${sub}/`;
  const inside = (p: string | undefined) => p !== undefined && p.startsWith(prefix);
  const out: FileChange[] = [];
  for (const c of changes) {
    if (!inside(c.path)) {
      // Moved out of DIR: for DIR, a deletion.
      if (c.status === 'R' && inside(c.oldPath)) out.push({ status: 'D', path: (c.oldPath as string).slice(prefix.length) });
      continue;
    }
    const p = c.path.slice(prefix.length);
    if (c.oldPath === undefined) out.push({ status: c.status, path: p });
    else if (inside(c.oldPath)) out.push({ status: c.status, path: p, oldPath: c.oldPath.slice(prefix.length) });
    else out.push({ status: 'A', path: p });
  }
  return out;
}

export async function openBaseCheckout(dir: string, ref: string, g: GitEnv): Promise<BaseCheckout> {
  if (ref.startsWith('-') || ref.trim() === '') throw new ConfigError(`--baseline ${ref}: not a git revision`);
  const top = await git(dir, ['rev-parse', '--show-toplevel'], g.env);
  if (top.exitCode !== 0) {
    throw new ConfigError(`--baseline ${ref}: ${dir} is not inside a git repository (${stderrLine(top)}); check the repository out, or pass an earlier chaingate-result.json as --baseline FILE`);
  }
  const repoRoot = fs.realpathSync(top.stdout.trim());
  const sub = path.relative(repoRoot, fs.realpathSync(dir)).split(path.sep).join('/');
  const commit = await resolveCommit(repoRoot, ref, g);
  await removeLeftovers(repoRoot, g);
  const worktree = fs.mkdtempSync(path.join(g.tmpRoot ?? os.tmpdir(), `${PREFIX}${process.pid}-`));
  let removed = false;
  // A signal ends the process before any finally block: delete the folder now (git's record of
  // it is pruned by the next run), then die of the same signal.
  const onSignal = (sig: NodeJS.Signals) => {
    fs.rmSync(worktree, { recursive: true, force: true });
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const remove = async () => {
    if (removed) return;
    removed = true;
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    try {
      await git(repoRoot, ['worktree', 'remove', '--force', '--force', worktree], g.env);
    } finally {
      fs.rmSync(worktree, { recursive: true, force: true });
      await git(repoRoot, ['worktree', 'prune'], g.env).catch(() => undefined);
    }
  };
  try {
    const add = await git(repoRoot, ['worktree', 'add', '--detach', '--quiet', worktree, commit], g.env);
    if (add.exitCode !== 0) throw new ConfigError(`git worktree add of the baseline ${ref} failed: ${stderrLine(add)}`);
    const changes = underDir(await listChanges(repoRoot, commit, g), sub);
    g.log(`baseline ${ref} (${commit.slice(0, 12)}) checked out in ${worktree}; ${changes.length} changed file(s)`);
    return { ref, commit, dir: sub ? path.join(worktree, sub) : worktree, sub, repoRoot, worktree, changes, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
