// A monorepo whose policy has a scanner of the repository as a whole (zizmor: the workflows GitHub
// reads are the root's .github/workflows) next to the projects' audit, through the bundled CLI:
// `chaingate plan` gives zizmor one shard of its own and the project shards only the audit, so
// the workflows are checked once (not once per shard, nor in no shard), and the merge equals a
// full run. A scan of several --project folders runs zizmor once, on DIR.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_SHARD } from '../../src/core/plan';
import { runTool } from '../../src/process/run-tool';
import { REPO, fixture, tmpDir } from '../helpers/paths';
import { writeTree } from '../helpers/tree';

const CLI = path.join(REPO, 'dist', 'cli.js');
const SHA = 'c0ffee0000000000000000000000000000000003';
const ex = (...p: string[]) => fs.readFileSync(path.join(REPO, 'examples', ...p), 'utf8');
const WORKFLOWS = path.join(REPO, '__tests__', 'projects', 'zizmor-workflows', '.github', 'workflows');

type R = { verdict: string; findings: { fingerprint: string; kind: string; tool: string; location?: { path: string } }[]; scanners: { name: string; status: string }[] };
const read = (dir: string): R => JSON.parse(fs.readFileSync(path.join(dir, 'chaingate-result.json'), 'utf8'));
const env = (root: string) => ({ ...process.env, GITHUB_WORKSPACE: root, GITHUB_SHA: SHA });
const scan = (root: string, args: string[]) => runTool(process.execPath, [CLI, 'scan', ...args, '--offline', '--osv-db', fixture('osv-advisories')], { cwd: root, env: env(root), timeoutMs: 300_000 });

describe('a monorepo with a repository scanner', () => {
  let root: string;
  beforeAll(() => {
    const files: Record<string, string> = {
      '.chaingate.yml': 'version: 1\nscanners: [audit, zizmor]\nprojects: ["services/*"]\n',
      'services/web/package.json': ex('vulnerable', 'package.json'),
      'services/web/package-lock.json': ex('vulnerable', 'package-lock.json'),
      'services/api/requirements.txt': ex('vulnerable', 'requirements.txt'),
    };
    for (const f of fs.readdirSync(WORKFLOWS)) files[`.github/workflows/${f}`] = fs.readFileSync(path.join(WORKFLOWS, f), 'utf8');
    root = writeTree(files, 'chaingate-repo-shard-');
  });

  it('plans zizmor in one shard of its own and merges to the full run', async () => {
    const p = await runTool(process.execPath, [CLI, 'plan', root], { env: env(root) });
    expect(p.exitCode).toBe(0);
    const plan: { include: { name: string; args: string[]; projects: string[] }[] } = JSON.parse(p.stdout);
    expect(plan.include.map((e) => [e.name, e.args[e.args.indexOf('--scanners') + 1]]).sort()).toEqual([
      [REPOSITORY_SHARD, 'zizmor'],
      ['services-api', 'audit'],
      ['services-web', 'audit'],
    ]);
    const planFile = path.join(tmpDir('chaingate-repo-plan-'), 'plan.json');
    fs.writeFileSync(planFile, p.stdout);
    const fullOut = path.join(tmpDir('chaingate-repo-full-'), 'o');
    const [full, ...shards] = await Promise.all([scan(root, ['.', '--output-dir', fullOut, '--mode', 'warn']), ...plan.include.map((e) => scan(root, e.args))]);
    expect(full.exitCode).toBe(0);
    for (const s of shards) expect(s.exitCode).toBe(0);
    // The workflows were scanned by the repository shard alone.
    for (const e of plan.include) {
      const r = read(path.join(root, 'chaingate-shards', e.name));
      expect(r.scanners.map((s) => s.name)).toEqual(e.name === REPOSITORY_SHARD ? ['zizmor'] : ['audit']);
    }
    const out = path.join(tmpDir('chaingate-repo-gate-'), 'o');
    const g = await scan(root, ['.', '--scanners', 'none', '--expect-shards', planFile, '--report', 'chaingate=chaingate-shards/*/chaingate-result.json', '--output-dir', out, '--mode', 'warn']);
    expect(g.exitCode).toBe(0);
    const merged = read(out);
    const full1 = read(fullOut);
    const fps = (r: R) => r.findings.map((f) => f.fingerprint).sort();
    expect(full1.findings.filter((f) => f.location?.path.startsWith('.github/workflows/')).length).toBeGreaterThan(3);
    expect(new Set(full1.findings.map((f) => f.location?.path.split('/')[0]))).toEqual(new Set(['.github', 'services']));
    expect(fps(merged)).toEqual(fps(full1));
  }, 600_000);

  it('runs zizmor once on DIR when the scan names project folders', async () => {
    const out = path.join(tmpDir('chaingate-repo-projects-'), 'o');
    const r = await scan(root, ['.', '--project', 'services/web', '--project', 'services/api', '--output-dir', out, '--mode', 'warn']);
    expect(r.exitCode).toBe(0);
    const res = read(out);
    const workflowFindings = res.findings.filter((f) => f.location?.path.startsWith('.github/workflows/'));
    expect(workflowFindings.length).toBeGreaterThan(3);
    expect(res.findings.filter((f) => f.location?.path.startsWith('services/')).length).toBeGreaterThan(0);
  }, 300_000);
});
