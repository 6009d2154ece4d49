// A synthetic monorepo (npm, Python and Go projects, some vulnerable), scanned through the
// bundled CLI (dist/cli.js) once in full and as the shards `chaingate plan` prints, run as
// separate processes in parallel and merged by `--report chaingate=GLOB`: the merged gate must
// equal the full run, and a missing or truncated shard must make it incomplete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { REPO, fixture, tmpDir } from '../helpers/paths';
import { writeTree } from '../helpers/tree';

const CLI = path.join(REPO, 'dist', 'cli.js');
const OSV_DB = fixture('osv-advisories');
const SHA = 'c0ffee0000000000000000000000000000000001';
const ex = (...p: string[]) => fs.readFileSync(path.join(REPO, 'examples', ...p), 'utf8');


function monorepo(): string {
  return writeTree({
    '.chaingate.yml': 'version: 1\nscanners: [audit]\nprojects: ["services/*", "libs/*", tools/worker]\nexceptions:\n  file: .chaingate-exceptions.yml\n',
    '.chaingate-exceptions.yml': [
      'version: 1',
      'exceptions:',
      '  - id: CVE-2021-23337',
      '    paths: ["services/web/**"]',
      '    reason: "template() never receives user input"',
      '    expires: 2099-01-31',
      '    owner: "@web"',
      '  - id: CVE-2099-0001',
      '    reason: "matches nothing: reported as unused"',
      '    expires: 2099-01-31',
      '',
    ].join('\n'),
    'services/web/package.json': ex('vulnerable', 'package.json'),
    'services/web/package-lock.json': ex('vulnerable', 'package-lock.json'),
    'services/site/package.json': ex('clean', 'package.json'),
    'services/site/package-lock.json': ex('clean', 'package-lock.json'),
    'services/api/requirements.txt': ex('vulnerable', 'requirements.txt'),
    'libs/py-clean/requirements.txt': ex('clean', 'requirements.txt'),
    'tools/worker/go.mod': 'module example.com/worker\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.7\n',
  }, 'chaingate-monorepo-');
}

type R = { verdict: string; findings: { fingerprint: string; blocking: boolean; exception?: unknown; location?: { path: string }; project?: string }[]; exceptions: { applied: { matched: string[] }[]; unused: unknown[]; active: number }; summary: Record<string, number> };
const read = (f: string): R => JSON.parse(fs.readFileSync(f, 'utf8'));
const env = (root: string) => ({ ...process.env, GITHUB_WORKSPACE: root, GITHUB_SHA: SHA });
const scan = (root: string, args: string[]) =>
  runTool(process.execPath, [CLI, 'scan', ...args, '--offline', '--osv-db', OSV_DB], { cwd: root, env: env(root), timeoutMs: 300_000 });

function accounting(r: R) {
  return {
    verdict: r.verdict,
    findings: r.findings.map((f) => [f.fingerprint, f.blocking, Boolean(f.exception), f.project ?? '']).sort(),
    applied: r.exceptions.applied.map((a) => [...a.matched].sort()),
    unused: r.exceptions.unused.length,
    active: r.exceptions.active,
    summary: r.summary,
  };
}

describe('a monorepo scanned in shards equals one full run', () => {
  let root: string;
  let full: R;
  let plan: { include: { name: string; args: string[] }[] };

  beforeAll(async () => {
    root = monorepo();
    const p = await runTool(process.execPath, [CLI, 'plan', root], { env: env(root) });
    expect(p.stderr).toBe('');
    expect(p.exitCode).toBe(0);
    plan = JSON.parse(p.stdout);
    const fullOut = path.join(tmpDir('chaingate-full-'), 'out');
    const [f, ...shards] = await Promise.all([scan(root, ['.', '--output-dir', fullOut]), ...plan.include.map((e) => scan(root, e.args))]);
    expect(f.exitCode).toBe(1);
    for (const s of shards) expect(s.exitCode).toBe(0);
    full = read(path.join(fullOut, 'chaingate-result.json'));
  }, 600_000);

  it('plans one shard per project, with the monorepo policy', () => {
    expect(plan.include.map((e) => e.args[0]).sort()).toEqual(['libs/py-clean', 'services/api', 'services/site', 'services/web', 'tools/worker']);
    for (const e of plan.include) expect(e.args).toEqual(expect.arrayContaining(['--mode', 'warn', '--config', '.chaingate.yml']));
  });

  it('merges to the same findings, verdict and exceptions accounting', async () => {
    const out = path.join(tmpDir('chaingate-gate-'), 'out');
    const g = await scan(root, ['.', '--scanners', 'none', '--report', 'chaingate=chaingate-shards/*/chaingate-result.json', '--output-dir', out]);
    expect(g.exitCode).toBe(1);
    const merged = read(path.join(out, 'chaingate-result.json'));
    expect(full.findings.length).toBeGreaterThan(5);
    // Something of every ecosystem, and the exception scoped to one project applied.
    expect(new Set(full.findings.map((f) => f.location?.path))).toEqual(new Set(['services/web/package-lock.json', 'services/api/requirements.txt', 'tools/worker/go.mod']));
    expect(full.exceptions.applied).toHaveLength(1);
    expect(accounting(merged)).toEqual(accounting(full));
    // Each merged finding carries the project (shard) it came from.
    for (const f of merged.findings) expect(f.location?.path.startsWith(`${f.project}/`)).toBe(true);
    expect(new Set(merged.findings.map((f) => f.project))).toEqual(new Set(['services/web', 'services/api', 'tools/worker']));
  }, 120_000);

  // Among the clean projects' shards: with a blocking finding in another shard the gate fails
  // (exit 1) before it is incomplete, as for any failed scanner (see core/policy.ts).
  it('a missing or truncated shard result makes the gate incomplete (exit 3), naming it', async () => {
    const shards = path.join(tmpDir('chaingate-broken-'), 'shards');
    const clean = plan.include.filter((e) => e.args[0] === 'services/site' || e.args[0] === 'libs/py-clean').map((e) => e.name).sort();
    expect(clean).toHaveLength(2);
    for (const n of clean) fs.cpSync(path.join(root, 'chaingate-shards', n), path.join(shards, n), { recursive: true });
    const reports = (names: string[]) => names.map((n) => `--report=chaingate=${path.join(shards, n, 'chaingate-result.json')}`);
    const ok = await scan(root, ['.', '--scanners', 'none', ...reports(clean), '--output-dir', path.join(shards, '..', 'o0')]);
    expect(ok.exitCode).toBe(0);
    const missing = await scan(root, ['.', '--scanners', 'none', ...reports([...clean, 'services-web']), '--output-dir', path.join(shards, '..', 'o1')]);
    expect(missing.exitCode).toBe(3);
    expect(missing.stdout).toContain('services-web/chaingate-result.json: report file not found');
    const file = path.join(shards, clean[1], 'chaingate-result.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 300));
    const truncated = await scan(root, ['.', '--scanners', 'none', '--report', `chaingate=${shards}/*/chaingate-result.json`, '--output-dir', path.join(shards, '..', 'o2')]);
    expect(truncated.exitCode).toBe(3);
    expect(truncated.stdout).toMatch(new RegExp(`${clean[1]}/chaingate-result.json:\\d+: chaingate result: not valid JSON`));
  }, 120_000);
});
