// `chaingate scan DIR --project P...` in process: one scan of several folders of a monorepo,
// finding paths from DIR, and the flags' refusals (exit 2).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { fixture, REPO, tmpDir } from '../helpers/paths';
import { writeTree } from '../helpers/tree';
import { PNPM_LOCK } from '../helpers/vulnerable-lockfiles';

const ex = (...p: string[]) => fs.readFileSync(path.join(REPO, 'examples', ...p), 'utf8');
const OSV = fixture('osv-advisories');

function repo(): string {
  return writeTree(
    {
      '.chaingate.yml': 'version: 1\nscanners: [audit]\n',
      'a/svc/pnpm-lock.yaml': PNPM_LOCK,
      'b/web/requirements.txt': ex('vulnerable', 'requirements.txt'),
      'c/other/requirements.txt': ex('vulnerable', 'requirements.txt'),
      'd/broken/pnpm-lock.yaml': "lockfileVersion: '9.0'\npackages: [\n",
    },
    'chaingate-projects-',
  );
}

type R = { findings: { location?: { path: string }; project?: string }[]; projects?: string[]; shard?: unknown; scanners: { name: string; status: string; error?: string; notes?: string[] }[] };

describe('chaingate scan --project', () => {
  it('scans only the named folders, with paths and projects from DIR, and records them', async () => {
    const d = repo();
    const out = path.join(tmpDir('chaingate-projects-out-'), 'o');
    const r = await cli(['scan', d, '--project', './a/svc', '--project', 'b/web/', '--offline', '--osv-db', OSV, '--mode', 'warn', '--output-dir', out, '--shard', 's1', '--plan-id', 'abc']);
    expect(r.code).toBe(0);
    const res: R = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(res.projects).toEqual(['a/svc', 'b/web']);
    expect(res.shard).toEqual({ name: 's1', plan: 'abc' });
    expect(new Set(res.findings.map((f) => [f.location?.path, f.project].join(' ')))).toEqual(new Set(['a/svc/pnpm-lock.yaml a/svc', 'b/web/requirements.txt b/web']));
    expect(res.scanners.find((s) => s.name === 'audit')?.status).toBe('ok');
  });

  it("lists a shard's SBOM components with their projects from the repository root", async () => {
    const d = repo();
    const out = path.join(tmpDir('chaingate-projects-out-'), 'o');
    const r = await cli(['scan', path.join(d, 'a'), '--project', 'svc', '--write-sbom', '--shard', 's', '--plan-id', 'p', '--offline', '--osv-db', OSV, '--mode', 'warn', '--output-dir', out], { GITHUB_WORKSPACE: d });
    expect(r.code).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(res.project).toBe('a');
    expect(res.projects).toEqual(['a/svc']);
    expect(res.components).toEqual([
      { purl: 'pkg:npm/lodash@4.17.20', name: 'lodash', version: '4.17.20', project: 'a/svc' },
      { purl: 'pkg:npm/minimist@1.2.5', name: 'minimist', version: '1.2.5', project: 'a/svc' },
    ]);
    // Without --shard a result lists none.
    const plain = await cli(['scan', d, '--project', 'a/svc', '--write-sbom', '--offline', '--osv-db', OSV, '--mode', 'warn', '--output-dir', out]);
    expect(plain.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8')).components).toBeUndefined();
  });

  it('fails the scanner naming the project it could not scan', async () => {
    const d = repo();
    const out = path.join(tmpDir('chaingate-projects-out-'), 'o');
    const r = await cli(['scan', d, '--project', 'a/svc', '--project', 'd/broken', '--offline', '--osv-db', OSV, '--output-dir', out]);
    expect(r.code).toBe(3);
    const res: R = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(res.scanners.find((s) => s.name === 'audit')?.error).toMatch(/^project d\/broken: /);
  });

  it.each([
    [['--project', '../x'], /--project "\.\.\/x" must be a folder inside/],
    [['--project', '/etc'], /--project "\/etc" must be a folder inside/],
    [['--project', 'nope'], /--project "nope" is not a folder/],
    [['--project', 'link'], /--project "link" leads out of/],
    [['--project', 'a/svc', '--baseline', 'HEAD'], /--project cannot be combined with --baseline/],
    [['--shard', 'x'], /--shard and --plan-id go together/],
    [['--shard', 'a b', '--plan-id', 'x'], /--shard must be letters/],
  ])('refuses %j (exit 2)', async (args, message) => {
    const d = repo();
    fs.symlinkSync(tmpDir('chaingate-outside-'), path.join(d, 'link'));
    const r = await cli(['scan', d, ...args, '--offline', '--osv-db', OSV, '--output-dir', path.join(tmpDir('chaingate-projects-out-'), 'o')]);
    expect(r.code).toBe(2);
    expect(r.all).toMatch(message);
  });
});

describe('projects with their own policy file', () => {
  const scanWith = async (files: Record<string, string>) => {
    const d = writeTree({ 'a/svc/pnpm-lock.yaml': PNPM_LOCK, ...files }, 'chaingate-project-policy-');
    return cli(['scan', d, '--offline', '--osv-db', OSV, '--output-dir', path.join(tmpDir('chaingate-pp-out-'), 'o')]);
  };
  const policy = (entry: string) => `version: 1\nscanners: [audit]\nprojects:\n  - ${entry}\n`;

  it("applies the project's thresholds and records its digest", async () => {
    const d = writeTree({ 'a/svc/pnpm-lock.yaml': PNPM_LOCK, '.chaingate.yml': policy('{ path: "a/*", policy: a/p.yml }'), 'a/p.yml': 'fail-on:\n  vulnerability: none\n' }, 'chaingate-project-policy-');
    const out = path.join(tmpDir('chaingate-pp-out-'), 'o');
    const r = await cli(['scan', d, '--offline', '--osv-db', OSV, '--output-dir', out]);
    expect(r.code).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(res.findings.length).toBeGreaterThan(0);
    expect(res.findings.every((f: { rationale: string; project: string }) => f.project === 'a/svc' && f.rationale === 'fail-on.vulnerability is none (policy of project a/svc)')).toBe(true);
    expect(res.inputs.projectPolicies).toEqual([{ path: 'a/p.yml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it.each([
    ['a key the project may not set', { '.chaingate.yml': policy('{ path: a/svc, policy: a/p.yml }'), 'a/p.yml': 'version: 1\nscanners: [semgrep]\n' }, /a\/p\.yml:2:1: invalid project policy: unknown key/],
    ['a bad threshold', { '.chaingate.yml': policy('{ path: a/svc, policy: a/p.yml }'), 'a/p.yml': 'fail-on:\n  vulnerability: severe\n' }, /a\/p\.yml:2/],
    ['a missing file', { '.chaingate.yml': policy('{ path: a/svc, policy: a/nope.yml }') }, /a\/nope\.yml: project policy file not found/],
    ['a file outside the repository', { '.chaingate.yml': policy('{ path: a/svc, policy: ../../etc/passwd }') }, /\.chaingate\.yml:4: projects: the policy "\.\.\/\.\.\/etc\/passwd" of a\/svc is outside the repository/],
    ['two policies for one folder', { '.chaingate.yml': `${policy('{ path: a/svc, policy: a/p.yml }')}  - { path: "a/*", policy: a/q.yml }\n`, 'a/p.yml': 'version: 1\n', 'a/q.yml': 'version: 1\n' }, /\.chaingate\.yml:5: projects: a\/svc has two policy files/],
  ])('refuses %s (exit 2, file:line)', async (_what, files, message) => {
    const r = await scanWith(files);
    expect(r.code).toBe(2);
    expect(r.all).toMatch(message);
  });
});
