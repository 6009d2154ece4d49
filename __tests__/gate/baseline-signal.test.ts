// The baseline worktree does not outlive an interrupted run: the bundled CLI, stopped with SIGINT
// while a scanner runs, deletes it before dying, and the next run clears git's record of it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitAll, extraWorktrees, git, repoWith, write } from '../helpers/git-repo';
import { fixture, REPO, tmpDir } from '../helpers/paths';

const CLI = path.join(REPO, 'dist', 'cli.js');

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('SIGINT during the scan removes the worktree; the next run prunes what git still remembers', async () => {
  const { dir, base } = repoWith({ '.chaingate.yml': 'scanners: [semgrep]\n', 'a.js': 'module.exports = 1;\n' });
  write(dir, { 'a.js': 'module.exports = 2;\n' });
  commitAll(dir);
  const tmp = fs.realpathSync(tmpDir('chaingate-sigint-'));
  const started = path.join(tmp, 'semgrep-started');
  // Fault injection: a scanner that hangs, so the run is interrupted in the middle.
  const slow = path.join(tmp, 'semgrep');
  fs.writeFileSync(slow, `#!/bin/sh\ntouch "${started}"\nsleep 30\n`, { mode: 0o755 });
  const child = spawn(process.execPath, [CLI, 'scan', dir, '--baseline', base, '--output-dir', path.join(tmp, 'out')], {
    env: { ...process.env, TMPDIR: tmp, CHAINGATE_SEMGREP_PATH: slow },
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const worktrees = () => fs.readdirSync(tmp).filter((f) => f.startsWith('chaingate-baseline-'));
  await until(() => fs.existsSync(started) && worktrees().length > 0, 60_000);
  child.kill('SIGINT');
  expect(await exited).toBe('SIGINT');
  expect(worktrees()).toEqual([]);
  // git still lists it (its folder is gone) until a prune: the next run does that.
  expect(git(dir, 'worktree', 'list', '--porcelain')).toMatch(/prunable/);
  // A clean report: scanning nothing would be incomplete (exit 3).
  const again = spawn(process.execPath, [CLI, 'scan', dir, '--scanners', 'none', '--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`, '--baseline', base, '--output-dir', path.join(tmp, 'out2')], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
  expect(await new Promise((resolve) => again.on('exit', resolve))).toBe(0);
  expect(extraWorktrees(dir)).toEqual([]);
}, 120_000);
