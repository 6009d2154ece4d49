// `chaingate pre-commit` and .pre-commit-hooks.yaml: which files it takes (unit), and the real
// pre-commit framework (pinned, from scripts/install-tools.sh pre-commit) running the hook of a
// throwaway hook repository made of this repository's hook files and built CLI, on a throwaway
// project: a staged finding blocks the commit, an unstaged one is not scanned.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { stagedFiles } from '../../src/cli/commands/pre-commit';
import { UsageError } from '../../src/errors';
import { runTool } from '../../src/process/run-tool';
import { cli } from '../helpers/cli';
import { git, GIT_ENV } from '../helpers/git';
import { REPO, tmpDir, toolBin } from '../helpers/paths';

describe('stagedFiles', () => {
  it('takes regular files inside the repository, once each, sorted; skips links and deleted files', () => {
    const root = tmpDir('chaingate-staged-');
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'a.js'), 'x');
    fs.writeFileSync(path.join(root, 'b.py'), 'x');
    fs.symlinkSync('/etc/passwd', path.join(root, 'link'));
    expect(stagedFiles(root, ['src/a.js', 'b.py', './b.py', 'link', 'gone.txt', path.join(root, 'src', 'a.js')])).toEqual(['b.py', path.join('src', 'a.js')]);
  });

  it('refuses a path outside the repository', () => {
    const root = tmpDir('chaingate-staged-');
    expect(() => stagedFiles(root, ['../etc/passwd'])).toThrow(UsageError);
    expect(() => stagedFiles(root, ['/etc/passwd'])).toThrow(/not a file inside/);
    expect(() => stagedFiles(root, ['.'])).toThrow(UsageError);
  });
});

describe('chaingate pre-commit (CLI)', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  it('passes with nothing to scan, and reads a file named like an option after -- as a file', async () => {
    const root = tmpDir('chaingate-pre-commit-cli-');
    process.chdir(root);
    const r = await cli(['pre-commit', '--', '--config=/nonexistent.yml']);
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('no staged file to scan')]);
    const bad = await cli(['pre-commit', '--scanners', 'none', 'x']);
    expect(bad.code).toBe(2);
  });
});

describe('.pre-commit-hooks.yaml with the real pre-commit', () => {
  const hooks = parseYaml(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Array<Record<string, unknown>>;

  it('declares one serial script hook that runs the bundled CLI', () => {
    expect(hooks).toEqual([expect.objectContaining({ id: 'chaingate', language: 'script', entry: 'scripts/pre-commit-hook.sh', require_serial: true })]);
    expect(fs.statSync(path.join(REPO, 'scripts', 'pre-commit-hook.sh')).mode & 0o111).not.toBe(0);
  });

  it('blocks a commit with a staged finding, and scans only the staged files', async () => {
    // The hook repository: this repository's hook files, built CLI and ruleset, committed.
    const hookRepo = tmpDir('chaingate-hook-repo-');
    for (const p of ['.pre-commit-hooks.yaml', 'scripts/pre-commit-hook.sh', 'dist', 'rules', 'package.json']) {
      fs.cpSync(path.join(REPO, p), path.join(hookRepo, p), { recursive: true });
    }
    await git(hookRepo, 'init', '-q');
    await git(hookRepo, 'add', '-A');
    await git(hookRepo, 'commit', '-qm', 'hook');
    const rev = await git(hookRepo, 'rev-parse', 'HEAD');

    const project = tmpDir('chaingate-pre-commit-project-');
    await git(project, 'init', '-q');
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: chaingate\n`);
    fs.writeFileSync(path.join(project, 'ok.py'), 'def add(a, b):\n    return a + b\n');
    // Not staged: must not be scanned.
    fs.writeFileSync(path.join(project, 'creds.ini'), 'aws_access_key_id = "AKIAIOSFODNN7EXAMPLF"\n');
    await git(project, 'add', '.pre-commit-config.yaml', 'ok.py');
    const env = { ...GIT_ENV, PRE_COMMIT_HOME: tmpDir('chaingate-pre-commit-home-'), PRE_COMMIT_COLOR: 'never' };
    const preCommit = (...args: string[]) => runTool(toolBin('pre-commit'), args, { cwd: project, env, timeoutMs: 240_000 });

    const clean = await preCommit('run');
    expect([clean.exitCode, clean.stdout]).toEqual([0, expect.stringMatching(/chaingate \(Semgrep ruleset and secrets on staged files\)\.+Passed/)]);

    await git(project, 'add', 'creds.ini');
    const blocked = await preCommit('run');
    expect([blocked.exitCode, blocked.stdout]).toEqual([1, expect.stringMatching(/\.+Failed/)]);
    expect(blocked.stdout).toMatch(/critical\s+secret\s+aws-access-key-id\s+creds\.ini:1/);
    // The secret itself is never printed.
    expect(blocked.stdout + blocked.stderr).not.toContain('AKIAIOSFODNN7EXAMPLF');

    // As a git hook: the commit is refused.
    expect((await preCommit('install')).exitCode).toBe(0);
    const commit = await runTool('git', ['commit', '-qm', 'add creds'], { cwd: project, env, timeoutMs: 240_000 });
    expect(commit.exitCode).toBe(1);
    expect(await git(project, 'rev-list', '--all', '--count').catch(() => '0')).toBe('0');
  }, 600_000);
});
