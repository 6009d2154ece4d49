// --baseline with the real Semgrep on real git repositories: lines inserted above a finding, a
// reformatted line, a renamed file and a copied flaw, against a REF and against an earlier result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { commitAll, extraWorktrees, git, repoWith, write } from '../helpers/git-repo';
import { tmpDir, toolBin } from '../helpers/paths';

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));
type F = { id: string; kind: string; blocking: boolean; baseline?: string; location?: { path: string; startLine?: number } };

const BASE = {
  '.chaingate.yml': 'scanners: [semgrep]\n',
  'src/app.js': 'function run(input) {\n  return eval(input);\n}\nmodule.exports = run;\n',
  'src/old-name.js': 'module.exports = function (x) {\n  return eval(x);\n};\n',
  'src/dup.js': 'function a(s) {\n  eval(s);\n}\n',
  'src/untouched.js': 'module.exports = (z) => eval(z);\n',
};

/** The change: lines above a finding, a reformatted line, a rename, a copied flaw, a new file. */
function applyChange(dir: string): void {
  write(dir, {
    'src/app.js': '// a header\n// more header\n\n\n\nfunction run(input) {\n  return eval(  input  );\n}\nmodule.exports = run;\n',
    'src/dup.js': 'function a(s) {\n  eval(s);\n}\nfunction b(s) {\n  eval(s);\n}\n',
    'src/added.js': 'module.exports = (q) => eval(q);\n',
  });
  git(dir, 'mv', 'src/old-name.js', 'src/new-name.js');
  write(dir, { 'src/new-name.js': '// renamed\nmodule.exports = function (x) {\n  return eval(x);\n};\n' });
}

function byFile(findings: F[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings) (out[f.location?.path ?? ''] ??= []).push(f.baseline ?? 'none');
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

beforeAll(() => {
  toolBin('semgrep');
});

describe('--baseline REF with the real Semgrep', () => {
  it('marks what the change introduced new and the rest existing, surviving moved lines, reformatting and renames', async () => {
    const { dir, base } = repoWith(BASE);
    applyChange(dir);
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, '--baseline', base, '--output-dir', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    const findings: F[] = result.findings;
    expect(byFile(findings)).toEqual({
      'src/added.js': ['new'],
      'src/app.js': ['existing'],
      'src/dup.js': ['existing', 'new'],
      'src/new-name.js': ['existing'],
    });
    // The copy further down is the new one.
    const dup = findings.filter((f) => f.location?.path === 'src/dup.js').sort((a, b) => (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0));
    expect(dup.map((f) => f.baseline)).toEqual(['existing', 'new']);
    // block: new (the default with a baseline): only new findings block.
    expect(findings.filter((f) => f.blocking).every((f) => f.baseline === 'new')).toBe(true);
    expect(findings.filter((f) => f.blocking)).toHaveLength(2);
    expect(result.summary).toMatchObject({ new: 2, existing: 3 });
    expect(result.baseline).toMatchObject({ source: 'ref', ref: base, commit: base, block: 'new', trustedPolicy: 'head' });
    expect(result.baseline.changedFiles).toEqual(expect.arrayContaining(['src/old-name.js → src/new-name.js', 'src/added.js']));
    expect(r.code).toBe(1);
    const sarif = readJson(path.join(out, 'chaingate.sarif'));
    const states = sarif.runs.flatMap((run: { results: { baselineState?: string }[] }) => run.results.map((x) => x.baselineState)).sort();
    expect(states).toEqual(['new', 'new', 'unchanged', 'unchanged', 'unchanged']);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\*\*2 new\*\* in this change · 3 existing before it/);
    expect(summary).toMatch(/<details>\n<summary>3 existing findings: there before this change<\/summary>/);
    // The temporary worktree is gone, and the user's tree and index are as they were.
    expect(extraWorktrees(dir)).toEqual([]);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(r.stdout).toMatch(/2 new, 3 existing/);

    // block: all: existing findings block too, and stay marked.
    fs.appendFileSync(path.join(dir, '.chaingate.yml'), 'block: all\n');
    const all = await cli(['scan', dir, '--baseline', base, '--output-dir', path.join(tmpDir(), 'out')]);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/5 findings at or above/);
  }, 300_000);

  it('FILE: an earlier result is the baseline (line-independent), and a newer schema or a non-result is refused with exit 2', async () => {
    const { dir } = repoWith(BASE);
    const baseOut = path.join(tmpDir(), 'base-out');
    const first = await cli(['scan', dir, '--output-dir', baseOut]);
    expect(first.code).toBe(1);
    const earlier = path.join(baseOut, 'chaingate-result.json');
    expect(readJson(earlier).findings.every((f: { textHash?: string }) => typeof f.textHash === 'string')).toBe(true);
    // The same, from Semgrep's own report given with --report: its findings get text hashes too.
    const fromReport = path.join(tmpDir(), 'report-out');
    await cli(['scan', dir, '--scanners', 'none', '--report', `semgrep=${path.join(baseOut, 'raw', 'semgrep', 'semgrep.json')}`, '--output-dir', fromReport]);
    const hashes = (file: string) => readJson(file).findings.map((f: { textHash?: string }) => f.textHash).sort();
    expect(hashes(path.join(fromReport, 'chaingate-result.json'))).toEqual(hashes(earlier));
    applyChange(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await cli(['scan', dir, '--baseline', earlier, '--output-dir', out]);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    // A FILE baseline has no rename information: the renamed file's finding is new; everything else as with REF.
    expect(byFile(result.findings)).toEqual({
      'src/added.js': ['new'],
      'src/app.js': ['existing'],
      'src/dup.js': ['existing', 'new'],
      'src/new-name.js': ['new'],
      'src/untouched.js': ['existing'],
    });
    expect(result.baseline).toMatchObject({ source: 'file', block: 'new' });
    const reportOut = path.join(tmpDir(), 'report-head');
    await cli(['scan', dir, '--scanners', 'none', '--report', `semgrep=${path.join(out, 'raw', 'semgrep', 'semgrep.json')}`, '--baseline', path.join(fromReport, 'chaingate-result.json'), '--output-dir', reportOut]);
    expect(byFile(readJson(path.join(reportOut, 'chaingate-result.json')).findings)).toEqual(byFile(result.findings));
    expect(result.baseline.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.code).toBe(1);

    const newer = path.join(tmpDir(), 'newer.json');
    fs.writeFileSync(newer, JSON.stringify({ ...readJson(earlier), schemaVersion: 2 }));
    const n = await cli(['scan', dir, '--baseline', newer, '--output-dir', path.join(tmpDir(), 'o')]);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/newer chaingate \(result schema version 2; this one reads up to 1\)/);
    const notResult = path.join(tmpDir(), 'x.json');
    fs.writeFileSync(notResult, '{"bomFormat":"CycloneDX"}');
    const x = await cli(['scan', dir, '--baseline', notResult, '--output-dir', path.join(tmpDir(), 'o')]);
    expect(x.code).toBe(2);
    expect(x.stderr).toMatch(/is not a chaingate result/);
    const notJson = path.join(tmpDir(), 'x.txt');
    fs.writeFileSync(notJson, 'hello');
    const y = await cli(['scan', dir, '--baseline', notJson, '--output-dir', path.join(tmpDir(), 'o')]);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/not JSON/);
  }, 300_000);
});
