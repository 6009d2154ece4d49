// `chaingate plan` in process: which projects, from the policy's projects: key or discovery.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { writeTree } from '../helpers/tree';
import { REPO } from '../helpers/paths';

const lock = fs.readFileSync(path.join(REPO, 'examples', 'clean', 'package-lock.json'), 'utf8');

const tree = (files: Record<string, string>): string => writeTree(files, 'chaingate-plan-');

const projectsOf = (stdout: string) => (JSON.parse(stdout) as { include: { args: string[] }[] }).include.map((e) => e.args[0]).sort();

describe('chaingate plan', () => {
  const files = {
    'services/a/package-lock.json': lock,
    'services/b/requirements.txt': 'requests==2.30.0\n',
    'services/b/node_modules/x/package-lock.json': lock,
    'docs/.chaingate.yml': 'version: 1\n',
    'empty/readme.txt': 'x',
  };

  it('discovers folders with a lockfile or their own policy, skipping node_modules and DIR itself', async () => {
    const d = tree({ ...files, '.chaingate.yml': 'version: 1\n' });
    const r = await cli(['plan', d]);
    expect(r.code).toBe(0);
    expect(projectsOf(r.stdout)).toEqual(['docs', 'services/a', 'services/b']);
    expect(JSON.parse(r.stdout).include[0].args).toEqual(expect.arrayContaining(['--config', '.chaingate.yml']));
  });

  it('takes the projects: key of the policy instead (folders and globs)', async () => {
    const d = tree({ ...files, '.chaingate.yml': 'version: 1\nprojects: ["services/*", empty]\n' });
    const r = await cli(['plan', d, '--shards', '4']);
    expect(r.code).toBe(0);
    expect(projectsOf(r.stdout)).toHaveLength(4);
    expect([...new Set(projectsOf(r.stdout))]).toEqual(['empty', 'services/a', 'services/b']);
  });

  it('takes projects given with their own policy file, and groups them into fewer shards', async () => {
    const d = tree({ ...files, '.chaingate.yml': 'version: 1\nprojects:\n  - { path: "services/*", policy: p.yml }\n  - docs\n', 'p.yml': 'version: 1\n' });
    const r = await cli(['plan', d, '--shards', '2']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { include: { name: string; args: string[]; projects: string[] }[] };
    expect(plan.include.map((e) => e.name)).toEqual(['shard-1-of-2', 'shard-2-of-2']);
    expect(plan.include.flatMap((e) => e.projects).sort()).toEqual(['docs', 'services/a', 'services/b']);
    for (const e of plan.include) expect(e.args.filter((a) => a.startsWith('--project=')).sort()).toEqual(e.projects.map((p) => `--project=${p}`).sort());
  });

  it('warns of files no shard scans, not of the policy and exceptions files', async () => {
    const d = tree({ ...files, '.chaingate.yml': 'version: 1\n', '.chaingate-exceptions.yml': 'version: 1\n' });
    const r = await cli(['plan', d]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: 1 file(s) of ${d} are in no project (empty/readme.txt): no shard scans them; list their folders, or ".", in projects:\n`);
    const inside = tree({ 'a/package-lock.json': lock, '.chaingate.yml': 'version: 1\n' });
    expect((await cli(['plan', inside])).stderr).toBe('');
    const root = tree({ 'package-lock.json': lock, 'a/package-lock.json': lock, 'x.txt': 'x' });
    expect((await cli(['plan', root])).stderr).toBe('');
  });

  it.each([
    ['projects: [missing]', /projects: "missing" is not a folder/],
    ['projects: ["apps/*"]', /projects: "apps\/\*" names no folder/],
    ['projects: ["../up"]', /projects/],
  ])('refuses %s (exit 2)', async (line, message) => {
    const d = tree({ ...files, '.chaingate.yml': `version: 1\n${line}\n` });
    const r = await cli(['plan', d]);
    expect(r.code).toBe(2);
    expect(r.all).toMatch(message);
  });

  it.each([[['--shards', '0']], [['--shards', 'x']], [['a', 'b']], [['--nope']]])('refuses the usage %j (exit 2)', async (args) => {
    expect((await cli(['plan', ...args])).code).toBe(2);
  });

  it('refuses a folder with no project, or no folder', async () => {
    const d = tree({ 'readme.txt': 'x' });
    expect((await cli(['plan', d])).all).toMatch(/no project found/);
    expect((await cli(['plan', path.join(d, 'readme.txt')])).code).toBe(2);
  });
});
