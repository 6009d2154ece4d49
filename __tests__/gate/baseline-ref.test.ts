// --baseline REF on real git repositories: bad revisions and shallow clones, worktrees left by a
// crashed run, a baseline side that cannot be scanned, and a pull request that edits the gate.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { commitAll, extraWorktrees, git, repoWith, write } from '../helpers/git-repo';
import { fixture, tmpDir, toolBin } from '../helpers/paths';
import { writeFixtureDb } from '../helpers/trivy-db';

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));
const REPORT = fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json');
// Scanning nothing is incomplete (exit 3): runs that are about the worktree read a clean report.
const CLEAN = ['--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`];
const HIGH_IDS = ['GHSA-cph5-m8f7-6c5x', 'GHSA-4w2v-q235-vp99', 'GHSA-42xw-2xvc-qx8m', 'GHSA-74fj-2j2h-c42q'];

describe('--baseline REF: bad input', () => {
  it('an unknown revision: exit 2, saying how to fetch it; the tree is untouched', async () => {
    const { dir } = repoWith({ 'a.txt': 'a\n' });
    const r = await cli(['scan', dir, '--scanners', 'none', '--baseline', 'origin/nope', '--output-dir', path.join(tmpDir(), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baseline origin\/nope: no such revision in .*; fetch it first with `git fetch origin origin\/nope`/);
    expect(extraWorktrees(dir)).toEqual([]);
    const opt = await cli(['scan', dir, '--scanners', 'none', '--baseline', '--upload-pack=x', '--output-dir', path.join(tmpDir(), 'o')]);
    expect(opt.code).toBe(2);
    const missing = await cli(['scan', dir, '--scanners', 'none', '--baseline', 'prev/chaingate-result.json', '--output-dir', path.join(tmpDir(), 'o')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/chaingate-result\.json: the baseline result file was not found/);
  });

  it('a shallow clone without the revision: exit 2 naming fetch-depth: 0 and git fetch origin SHA', async () => {
    const { dir, base } = repoWith({ 'a.txt': 'a\n' });
    write(dir, { 'a.txt': 'b\n' });
    commitAll(dir);
    const shallow = path.join(tmpDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${dir}`, shallow]);
    const r = await cli(['scan', shallow, '--scanners', 'none', '--baseline', base, '--output-dir', path.join(tmpDir(), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shallow clone that does not have that revision; .*`fetch-depth: 0`.*`git fetch origin [0-9a-f]{40}`/);
  });

  it('a folder outside any git repository: exit 2 pointing to --baseline FILE', async () => {
    const dir = tmpDir();
    const r = await cli(['scan', dir, '--scanners', 'none', '--baseline', 'main', '--output-dir', path.join(tmpDir(), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not inside a git repository.*--baseline FILE/);
  });

  it('usage: --trusted-policy takes head or baseline, needs --baseline, and a REF for baseline', async () => {
    const { dir } = repoWith({ 'a.txt': 'a\n' });
    const o = path.join(tmpDir(), 'o');
    expect((await cli(['scan', dir, '--trusted-policy', 'pr'])).stderr).toMatch(/--trusted-policy must be head or baseline/);
    expect((await cli(['scan', dir, '--trusted-policy', 'baseline'])).stderr).toMatch(/needs --baseline REF/);
    expect((await cli(['scan', dir, '--baseline', ''])).code).toBe(2);
    fs.writeFileSync(path.join(o + '.json'), JSON.stringify({ schemaVersion: 1, tool: { name: 'chaingate' }, verdict: 'pass', findings: [] }));
    const r = await cli(['scan', dir, '--scanners', 'none', '--baseline', `${o}.json`, '--trusted-policy', 'baseline', '--output-dir', o]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a result file does not hold the policy/);
  });

  it('removes a worktree a killed run left behind, and leaves a live run\'s alone', async () => {
    const { dir, base } = repoWith({ 'a.txt': 'a\n' });
    // pids above the kernel's maximum are never alive.
    const dead = path.join(fs.realpathSync(os.tmpdir()), `chaingate-baseline-99999999-${process.pid}x`);
    const live = path.join(fs.realpathSync(os.tmpdir()), `chaingate-baseline-${process.pid}-live${Date.now()}`);
    git(dir, 'worktree', 'add', '--detach', '-q', dead, base);
    git(dir, 'worktree', 'add', '--detach', '-q', live, base);
    fs.writeFileSync(path.join(dead, 'dirty.txt'), 'uncommitted\n');
    const r = await cli(['scan', dir, '--scanners', 'none', ...CLEAN, '--baseline', base, '--output-dir', path.join(tmpDir(), 'o')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/removing the baseline worktree an earlier run left behind/);
    expect(fs.existsSync(dead)).toBe(false);
    expect(extraWorktrees(dir)).toEqual([`worktree ${live}`]);
    git(dir, 'worktree', 'remove', '--force', live);
  });
});

describe('--baseline REF: a baseline that cannot be scanned', () => {
  it('is incomplete naming the baseline side, never a pass, and the worktree is removed', async () => {
    const real = toolBin('trivy');
    const cache = await writeFixtureDb();
    const bin = path.join(tmpDir(), 'trivy');
    // Fault injection: the real Trivy, except on a baseline folder.
    fs.writeFileSync(bin, `#!/bin/sh\ncase "$*" in *chaingate-baseline-*) echo "FATAL disk on fire" >&2; exit 2;; esac\nexec "${real}" "$@"\n`, { mode: 0o755 });
    // A dependency file changes: Trivy runs again on the whole baseline.
    const { dir, base } = repoWith({ '.chaingate.yml': 'scanners: [trivy-fs]\n', 'requirements.txt': 'requests==2.30.0\n' });
    write(dir, { 'requirements.txt': 'requests==2.31.0\n' });
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, '--offline', '--baseline', base, '--output-dir', out], { CHAINGATE_TRIVY_PATH: bin, CHAINGATE_TRIVY_CACHE_DIR: cache });
    expect(r.code).toBe(3);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.verdict).toBe('incomplete');
    const failed = result.scanners.find((s: { name: string }) => s.name === 'baseline:trivy-fs');
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/^the baseline side \(.*\) could not be scanned: .*disk on fire/) });
    expect(result.scanners.find((s: { name: string }) => s.name === 'trivy-fs')).toMatchObject({ status: 'ok' });
    expect(result.reasons.join('\n')).toMatch(/scanner baseline:trivy-fs could not scan: the baseline side/);
    expect(extraWorktrees(dir)).toEqual([]);
  }, 300_000);
});

describe('--baseline REF: a change that edits the gate', () => {
  function prEditingTheGate() {
    const { dir, base } = repoWith({ '.chaingate.yml': 'scanners: []\n' });
    write(dir, {
      '.chaingate.yml': 'scanners: []\nfail-on:\n  vulnerability: critical\n',
      '.chaingate-exceptions.yml': `exceptions:\n${HIGH_IDS.map((id) => `  - id: ${id}\n    reason: the PR says so\n    expires: "2027-01-31"\n`).join('')}`,
    });
    commitAll(dir);
    return { dir, base };
  }

  it("head (default): the PR's policy applies, and its edits are listed at the top of the summary and in the result", async () => {
    const { dir, base } = prEditingTheGate();
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, '--baseline', base, '--report', `npm-audit=${REPORT}`, '--output-dir', out]);
    expect(r.code).toBe(0);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.baseline.trustedPolicy).toBe('head');
    expect(result.policyChanges).toEqual([
      { file: '.chaingate.yml', what: 'policy', change: 'modified', details: ['fail-on.vulnerability: "high" → "critical"'] },
      { file: '.chaingate-exceptions.yml', what: 'exceptions', change: 'added', details: HIGH_IDS.map((id) => `added exception ${id} until 2027-01-31 (the PR says so)`) },
    ]);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary.indexOf('## ⚠️ This change edits the gate')).toBeGreaterThan(0);
    expect(summary.indexOf('## ⚠️ This change edits the gate')).toBeLessThan(summary.indexOf('## Findings'));
    expect(summary).toMatch(/added exception GHSA-cph5-m8f7-6c5x until 2027-01-31/);
  });

  it("baseline: the baseline's policy and exceptions apply, so the PR's new exceptions do not, and the summary says so", async () => {
    const { dir, base } = prEditingTheGate();
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, '--baseline', base, '--trusted-policy', 'baseline', '--report', `npm-audit=${REPORT}`, '--output-dir', out]);
    expect(r.code).toBe(1);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.baseline.trustedPolicy).toBe('baseline');
    expect(result.exceptions.active).toBe(0);
    expect(result.policyChanges).toHaveLength(2);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/The baseline's policy, exceptions and VEX applied \(`--trusted-policy baseline`\): the edits below take effect only once merged/);
  });

  it('a file given on the command line outside the scanned folder is read at the baseline too', async () => {
    const exceptions = (ids: string[]) => `exceptions:\n${ids.map((id) => `  - id: ${id}\n    reason: accepted\n    expires: "2027-01-31"\n`).join('')}`;
    const { dir, base } = repoWith({ 'app/.chaingate.yml': 'scanners: []\n', 'security/exceptions.yml': exceptions(['GHSA-0000-0000-0000']) });
    write(dir, { 'security/exceptions.yml': exceptions(HIGH_IDS) });
    commitAll(dir);
    const args = (trusted: string) => ['scan', path.join(dir, 'app'), '--baseline', base, '--trusted-policy', trusted, '--exceptions', path.join(dir, 'security', 'exceptions.yml'), '--report', `npm-audit=${REPORT}`];
    const head = await cli([...args('head'), '--output-dir', path.join(tmpDir(), 'o')]);
    expect(head.code).toBe(0);
    const out = path.join(tmpDir(), 'o');
    const baseline = await cli([...args('baseline'), '--output-dir', out]);
    expect(baseline.code).toBe(1);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.exceptions.unused.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['GHSA-0000-0000-0000']);
    expect(result.policyChanges[0].details).toHaveLength(5);
    expect(result.baseline.notes).toEqual(expect.arrayContaining([expect.stringMatching(/findings of --report files have no baseline side: they count as new/)]));
  });

  it("a baseline whose policy cannot be read: with head the PR's applies and the problem is listed; with baseline, exit 2", async () => {
    const { dir, base } = repoWith({ '.chaingate.yml': 'scanners: []\nfail-on: [oops\n' });
    write(dir, { '.chaingate.yml': 'scanners: []\n' });
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, ...CLEAN, '--baseline', base, '--output-dir', out]);
    expect(r.code).toBe(0);
    expect(readJson(path.join(out, 'chaingate-result.json')).policyChanges[0].details[0]).toMatch(/^the baseline's policy, exceptions or VEX could not be read: /);
    const strict = await cli(['scan', dir, ...CLEAN, '--baseline', base, '--trusted-policy', 'baseline', '--output-dir', out]);
    expect(strict.code).toBe(2);
  });
});
