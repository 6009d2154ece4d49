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
