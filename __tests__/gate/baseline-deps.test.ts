// --baseline with the real Trivy and the OSV matcher, offline, on real git repositories: a
// lockfile upgrade that keeps an advisory, packages added and removed, deny-packages, secrets in
// changed files, and a newer advisory on an unchanged dependency against an earlier result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { cli } from '../helpers/cli';
import { commitAll, extraWorktrees, repoWith, write } from '../helpers/git-repo';
import { REPO, tmpDir, toolBin } from '../helpers/paths';
import { ADVISORIES, writeFixtureDb } from '../helpers/trivy-db';

let trivyCache: string;
let osvDb: string;

beforeAll(async () => {
  toolBin('trivy');
  trivyCache = await writeFixtureDb();
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);
}, 300_000);

/** A package.json and its lockfile (v3) with these exact versions. */
function npmProject(deps: Record<string, string>): Record<string, string> {
  const packages: Record<string, object> = { '': { name: 'app', version: '1.0.0', dependencies: deps } };
  for (const [name, version] of Object.entries(deps)) packages[`node_modules/${name}`] = { version, license: 'MIT' };
  return {
    'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: deps }, null, 2) + '\n',
    'package-lock.json': JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n',
  };
}

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));
type F = { id: string; kind: string; blocking: boolean; baseline?: string; newlyDisclosed?: boolean; package?: { name: string; version?: string }; location?: { path: string } };
const env = () => ({ CHAINGATE_TRIVY_CACHE_DIR: trivyCache });
const scan = (dir: string, out: string, extra: string[]) => cli(['scan', dir, '--offline', '--osv-db', osvDb, '--output-dir', out, ...extra], env());

describe('--baseline REF with Trivy and the audit', () => {
  it('a lockfile upgrade: kept advisories existing, added packages new, deny-packages blocks, dependency changes listed first', async () => {
    const { dir, base } = repoWith({
      '.chaingate.yml': "scanners: [trivy-fs, audit]\ndeny-packages: ['pkg:npm/colors@>=1.4.1', 'pkg:npm/event-stream']\n",
      ...npmProject({ lodash: '4.17.19', qs: '6.5.2', 'left-pad': '1.3.0' }),
      'src/index.js': 'module.exports = 1;\n',
    });
    write(dir, npmProject({ lodash: '4.17.20', qs: '6.5.2', minimist: '1.2.5', colors: '1.4.2' }));
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await scan(dir, out, ['--baseline', base]);
    expect(r.stderr).not.toMatch(/internal error/);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    const findings: F[] = result.findings;
    const mark = (name: string, id: string) => findings.find((f) => f.package?.name === name && (f.id === id || f.id.startsWith(id)))?.baseline;
    // Upgraded from 4.17.19 to 4.17.20, still vulnerable to CVE-2021-23337: not the change's doing.
    expect(mark('lodash', 'CVE-2021-23337')).toBe('existing');
    expect(mark('qs', 'CVE-2022-24999')).toBe('existing');
    expect(mark('minimist', 'CVE-2021-44906')).toBe('new');
    const denied = findings.find((f) => f.kind === 'policy');
    expect(denied).toMatchObject({ id: 'deny-packages:pkg:npm/colors@>=1.4.1', baseline: 'new', blocking: true, package: { name: 'colors', version: '1.4.2' }, location: { path: 'package-lock.json' } });
    expect(findings.filter((f) => f.blocking).every((f) => f.baseline === 'new')).toBe(true);
    expect(result.dependencyChanges).toEqual([
      {
        lockfile: 'package-lock.json',
        added: [
          { ecosystem: 'npm', name: 'colors', version: '1.4.2', purl: 'pkg:npm/colors@1.4.2', findings: ['deny-packages:pkg:npm/colors@>=1.4.1'] },
          { ecosystem: 'npm', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', findings: ['CVE-2021-44906'] },
        ],
        removed: [{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }],
        changed: [{ ecosystem: 'npm', name: 'lodash', from: '4.17.19', to: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', findings: ['CVE-2021-23337'] }],
      },
    ]);
    // A dependency file changed: both scanners ran again on the baseline.
    const names = result.scanners.map((s: { name: string; status: string }) => `${s.name}:${s.status}`).sort();
    expect(names).toEqual(['audit:ok', 'baseline:audit:ok', 'baseline:trivy-fs:ok', 'trivy-fs:ok']);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary.indexOf('## Dependency changes')).toBeGreaterThan(0);
    expect(summary.indexOf('## Dependency changes')).toBeLessThan(summary.indexOf('## Findings'));
    expect(summary).toMatch(/\| package-lock\.json \| 🔄 changed \| npm\/lodash \| 4\.17\.19 → 4\.17\.20 \| CVE-2021-23337 \|/);
    expect(r.code).toBe(1);
    expect(extraWorktrees(dir)).toEqual([]);
  }, 600_000);

  it('only source files changed: secrets in them compared with their baseline versions, the audit not run twice', async () => {
    const KEY = 'aws_access_key_id = AKIACHAINGATEFAKE000\n';
    const { dir, base } = repoWith({
      '.chaingate.yml': 'scanners: [trivy-fs, audit]\n',
      ...npmProject({ qs: '6.5.2' }),
      'config/deploy.ini': `[deploy]\n${KEY}`,
    });
    write(dir, {
      'config/deploy.ini': `; moved down\n\n\n[deploy]\n${KEY}`,
      'config/other.ini': `[other]\naws_access_key_id = AKIACHAINGATEFAKE111\n`,
    });
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await scan(dir, out, ['--baseline', base]);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    const secrets = (result.findings as F[]).filter((f) => f.kind === 'secret').map((f) => [f.location?.path, f.baseline]).sort();
    expect(secrets).toEqual([
      ['config/deploy.ini', 'existing'],
      ['config/other.ini', 'new'],
    ]);
    expect((result.findings as F[]).find((f) => f.package?.name === 'qs')?.baseline).toBe('existing');
    const names = result.scanners.map((s: { name: string }) => s.name).sort();
    // One Trivy run searched the changed files and their baseline versions; the audit ran once.
    expect(names).toEqual(['audit', 'trivy-fs']);
    expect(result.baseline.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/audit: no dependency file changed/), expect.stringMatching(/searched only the 2 changed file\(s\) and their baseline versions for secrets/)]),
    );
    expect(result.dependencyChanges).toEqual([]);
    expect(r.code).toBe(1);
  }, 600_000);
});

describe('--baseline REF, dependencies unchanged, Trivy without its secret scanner', () => {
  it("Trivy's findings stand for both sides: existing, not new", async () => {
    const { dir, base } = repoWith({ '.chaingate.yml': 'scanners: [trivy-fs]\ntrivy:\n  scanners: [vuln]\n', ...npmProject({ qs: '6.5.2' }), 'src/a.js': '1;\n' });
    write(dir, { 'src/a.js': '2;\n' });
    commitAll(dir);
    const out = path.join(tmpDir(), 'out');
    const r = await scan(dir, out, ['--baseline', base]);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect((result.findings as F[]).map((f) => [f.id, f.baseline])).toEqual([['CVE-2022-24999', 'existing']]);
    expect(result.scanners.map((s: { name: string }) => s.name)).toEqual(['trivy-fs']);
    expect(r.code).toBe(0);
  }, 300_000);
});

describe('--baseline FILE with Trivy', () => {
  it('a newer advisory on an unchanged dependency is existing and newly disclosed; one on an added dependency is new', async () => {
    // The earlier run knew fewer advisories: its DB lacked CVE-2021-23337 and CVE-2021-44906.
    const all = readJson(ADVISORIES);
    const older = path.join(tmpDir(), 'older.json');
    fs.writeFileSync(older, JSON.stringify({ ...all, vulnerabilities: all.vulnerabilities.filter((v: { id: string }) => !['CVE-2021-23337', 'CVE-2021-44906'].includes(v.id)) }));
    const olderCache = await writeFixtureDb(older);
    const dir = repoWith({ '.chaingate.yml': 'scanners: [trivy-fs]\n', ...npmProject({ lodash: '4.17.19' }) }).dir;
    const baseOut = path.join(tmpDir(), 'base');
    await cli(['scan', dir, '--offline', '--output-dir', baseOut], { CHAINGATE_TRIVY_CACHE_DIR: olderCache });
    const earlier = readJson(path.join(baseOut, 'chaingate-result.json'));
    expect(earlier.findings.map((f: F) => f.id)).toEqual(['CVE-2020-8203']);
    write(dir, npmProject({ lodash: '4.17.19', minimist: '1.2.5' }));
    const out = path.join(tmpDir(), 'out');
    const r = await scan(dir, out, ['--baseline', path.join(baseOut, 'chaingate-result.json')]);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    const by = (id: string) => (result.findings as F[]).find((f) => f.id === id);
    expect(by('CVE-2020-8203')).toMatchObject({ baseline: 'existing' });
    expect(by('CVE-2020-8203')?.newlyDisclosed).toBeUndefined();
    expect(by('CVE-2021-23337')).toMatchObject({ baseline: 'existing', newlyDisclosed: true, blocking: false });
    expect(by('CVE-2021-44906')).toMatchObject({ baseline: 'new', blocking: true });
    expect(result.baseline.newlyDisclosed).toBe(1);
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\(1 newly disclosed\)/);
    expect(r.code).toBe(1);
  }, 600_000);
});
