// The proof of issue 19: a synthetic monorepo of 30 projects (npm, pnpm, yarn 1 and berry,
// requirements.txt, poetry and Go; some vulnerable), planned into 3 shards of several projects
// each, the shards run as separate processes of the bundled CLI (dist/cli.js) in parallel and
// merged by the gate with --expect-shards: the same findings, verdict and exceptions accounting
// as one full run. Then each way a shard can go wrong (missing, truncated, of another commit,
// duplicated, of another plan) makes the gate incomplete, naming the shard.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { REPO, fixture, tmpDir } from '../helpers/paths';
import { writeTree } from '../helpers/tree';
import { BERRY_LOCK, PNPM_LOCK, YARN_LOCK } from '../helpers/vulnerable-lockfiles';

const CLI = path.join(REPO, 'dist', 'cli.js');
const OSV_DB = fixture('osv-advisories');
const SHA = 'c0ffee0000000000000000000000000000000030';
const ex = (...p: string[]) => fs.readFileSync(path.join(REPO, 'examples', ...p), 'utf8');

const POETRY_LOCK = [
  '[[package]]', 'name = "pyyaml"', 'version = "5.3.1"', 'category = "main"', 'optional = false', 'python-versions = "*"', '',
  '[[package]]', 'name = "jinja2"', 'version = "2.11.2"', 'category = "main"', 'optional = false', 'python-versions = "*"', '',
  '[metadata]', 'lock-version = "1.1"', 'python-versions = "^3.8"', 'content-hash = "0"', '',
].join('\n');

/** The project kinds, cycled over the 30 folders: lockfiles by name. */
const KINDS: Record<string, string>[] = [
  { 'package.json': ex('vulnerable', 'package.json'), 'package-lock.json': ex('vulnerable', 'package-lock.json') },
  { 'package.json': ex('clean', 'package.json'), 'package-lock.json': ex('clean', 'package-lock.json') },
  { 'pnpm-lock.yaml': PNPM_LOCK },
  { 'yarn.lock': YARN_LOCK },
  { 'package.json': '{"name":"berry-demo","dependencies":{"lodash":"npm:4.17.20","minimist":"npm:1.2.5"}}\n', 'yarn.lock': BERRY_LOCK },
  { 'requirements.txt': ex('vulnerable', 'requirements.txt') },
  { 'requirements.txt': ex('clean', 'requirements.txt') },
  { 'poetry.lock': POETRY_LOCK, 'pyproject.toml': '[tool.poetry]\nname = "p"\nversion = "0.1.0"\n' },
  { 'go.mod': 'module example.com/m\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.7\n' },
];
const name = (i: number) => `svc/p${String(i).padStart(2, '0')}`;

function monorepo(): string {
  const files: Record<string, string> = {
    // svc/p08 (Go, its advisory unrated) has its own thresholds: unrated counts as medium there.
    '.chaingate.yml': [
      'version: 1',
      'scanners: [audit]',
      'sbom: true',
      'projects:',
      `  - { path: ${name(8)}, policy: ${name(8)}/chaingate-project.yml }`,
      '  - "svc/*"',
      'exceptions:',
      '  file: .chaingate-exceptions.yml',
      '',
    ].join('\n'),
    [`${name(8)}/chaingate-project.yml`]: 'version: 1\nunknown-severity: medium\nfail-on:\n  vulnerability: high\n',
    '.chaingate-exceptions.yml': [
      'version: 1',
      'exceptions:',
      // Scoped to one project: the same advisory in the other pnpm/yarn projects still blocks.
      '  - id: GHSA-35jh-r3h4-6jhm',
      `    project: ${name(2)}`,
      '    reason: "lodash template() never reaches user input in this service"',
      '    expires: 2099-01-31',
      '  - id: CVE-2021-23337',
      `    paths: ["${name(0)}/**"]`,
      '    reason: "template() never receives user input"',
      '    expires: 2099-01-31',
      '  - id: CVE-2099-0001',
      '    reason: "matches nothing: reported as unused"',
      '    expires: 2099-01-31',
      '',
    ].join('\n'),
  };
  for (let i = 0; i < 30; i++) for (const [f, text] of Object.entries(KINDS[i % KINDS.length])) files[`${name(i)}/${f}`] = text;
  return writeTree(files, 'chaingate-monorepo30-');
}

type R = {
  verdict: string;
  reasons: string[];
  findings: { id: string; fingerprint: string; blocking: boolean; exception?: unknown; location?: { path: string }; project?: string }[];
  exceptions: { applied: { matched: string[]; entry: { id: string } }[]; unused: unknown[]; active: number };
  summary: Record<string, number>;
  projects?: string[];
  shard?: { name: string; plan: string };
};
type Plan = { include: { name: string; args: string[]; projects: string[] }[] };
const read = (f: string): R => JSON.parse(fs.readFileSync(f, 'utf8'));
const env = (root: string, sha = SHA, extra: Record<string, string> = {}) => ({ ...process.env, GITHUB_WORKSPACE: root, GITHUB_SHA: sha, ...extra });
const scan = (root: string, args: string[], sha = SHA, extra: Record<string, string> = {}) =>
  runTool(process.execPath, [CLI, 'scan', ...args, '--offline', '--osv-db', OSV_DB], { cwd: root, env: env(root, sha, extra), timeoutMs: 120_000 });

function accounting(r: R) {
  return {
    verdict: r.verdict,
    findings: r.findings.map((f) => [f.fingerprint, f.blocking, Boolean(f.exception), f.project ?? '']).sort(),
    applied: r.exceptions.applied.map((a) => [a.entry.id, [...a.matched].sort()]),
    unused: r.exceptions.unused.length,
    active: r.exceptions.active,
    summary: r.summary,
  };
}

describe('30 projects in 3 shards equal one full run', () => {
  let root: string;
  let full: R;
  let plan: Plan;
  let planFile: string;
  let fullOut: string;
  const gate = (extra: string[], sha = SHA, vars: Record<string, string> = {}) => {
    const out = path.join(tmpDir('chaingate-gate30-'), 'out');
    return scan(root, ['.', '--scanners', 'none', '--expect-shards', planFile, '--output-dir', out, ...extra], sha, vars).then((r) => ({ ...r, out }));
  };

  beforeAll(async () => {
    root = monorepo();
    const p = await runTool(process.execPath, [CLI, 'plan', root, '--shards', '3'], { env: env(root) });
    expect(p.stderr).toBe('');
    expect(p.exitCode).toBe(0);
    plan = JSON.parse(p.stdout);
    planFile = path.join(tmpDir('chaingate-plan30-'), 'plan.json');
    fs.writeFileSync(planFile, p.stdout);
    fullOut = path.join(tmpDir('chaingate-full30-'), 'out');
    // The full run and the 3 shards at once, each its own process.
    const [f, ...shards] = await Promise.all([scan(root, ['.', '--output-dir', fullOut]), ...plan.include.map((e) => scan(root, e.args))]);
    expect(f.exitCode).toBe(1);
    for (const s of shards) expect({ code: s.exitCode, err: s.stderr.includes('error') ? s.stderr : '' }).toEqual({ code: 0, err: '' });
    full = read(path.join(fullOut, 'chaingate-result.json'));
  }, 120_000);

  it('plans 3 shards of 10 projects in all, each scanning its folders from the root', () => {
    expect(plan.include.map((e) => e.name).sort()).toEqual(['shard-1-of-3', 'shard-2-of-3', 'shard-3-of-3']);
    expect(plan.include.flatMap((e) => e.projects).sort()).toEqual(Array.from({ length: 30 }, (_, i) => name(i)));
    for (const e of plan.include) {
      expect(e.projects.length).toBeGreaterThanOrEqual(5);
      expect(e.args[0]).toBe('.');
      const r = read(path.join(root, 'chaingate-shards', e.name, 'chaingate-result.json'));
      expect(r.projects).toEqual(e.projects);
      expect(r.shard).toEqual({ name: e.name, plan: e.args[e.args.indexOf('--plan-id') + 1] });
      // Paths from the repository root, only of the shard's own projects.
      for (const f of r.findings) expect(e.projects).toContain(f.location?.path.split('/').slice(0, 2).join('/'));
    }
  });

  it('merges to the same findings, verdict and exceptions accounting, with a project-scoped exception', async () => {
    const g = await gate(['--report', 'chaingate=chaingate-shards/*/chaingate-result.json']);
    expect(g.exitCode).toBe(1);
    const merged = read(path.join(g.out, 'chaingate-result.json'));
    // Every ecosystem found something.
    const lockfiles = new Set(full.findings.map((f) => path.basename(f.location?.path ?? '')));
    expect([...lockfiles].sort()).toEqual(['go.mod', 'package-lock.json', 'pnpm-lock.yaml', 'poetry.lock', 'requirements.txt', 'yarn.lock']);
    expect(full.findings.length).toBeGreaterThan(60);
    // The project-scoped exception suppressed lodash in its project only.
    const scoped = full.exceptions.applied.find((a) => a.entry.id === 'GHSA-35jh-r3h4-6jhm');
    expect(scoped?.matched.length).toBeGreaterThan(0);
    const lodash = full.findings.filter((f) => f.id === 'GHSA-35jh-r3h4-6jhm' && f.location?.path.endsWith('pnpm-lock.yaml'));
    expect(lodash.map((f) => [f.project, f.blocking, Boolean(f.exception)]).sort()).toEqual([
      [name(2), false, true],
      [name(11), true, false],
      [name(20), true, false],
      [name(29), true, false],
    ]);
    // The project's own policy: its Go advisory does not block, the same one elsewhere does.
    const go = full.findings.filter((f) => f.location?.path.endsWith('go.mod')).map((f) => [f.project, f.blocking]);
    expect(go.sort()).toEqual([[name(8), false], [name(17), true], [name(26), true]]);
    expect(accounting(merged)).toEqual(accounting(full));
    expect(merged.reasons.some((r) => r.includes('could not scan'))).toBe(false);
  }, 60_000);

  it('writes the same reports with the SARIF log on its own thread as without, and a broken shard still makes it incomplete', async () => {
    const shards = ['--report', 'chaingate=chaingate-shards/*/chaingate-result.json'];
    const [on, off] = await Promise.all([gate(shards, SHA, { CHAINGATE_SARIF_THREAD: 'on' }), gate(shards, SHA, { CHAINGATE_SARIF_THREAD: 'off' })]);
    expect([on.exitCode, off.exitCode]).toEqual([1, 1]);
    const file = (g: { out: string }, name: string) => fs.readFileSync(path.join(g.out, name), 'utf8');
    expect(file(on, 'chaingate.sarif')).toBe(file(off, 'chaingate.sarif'));
    const runs = JSON.parse(file(on, 'chaingate.sarif')).runs as { results: unknown[] }[];
    expect(runs.reduce((n, r) => n + r.results.length, 0)).toBeGreaterThan(60);
    // The result differs in its time and durations only.
    const stable = (g: { out: string }) => file(g, 'chaingate-result.json').replace(/"generatedAt": "[^"]*"|"durationMs": \d+/g, '');
    expect(stable(on)).toBe(stable(off));
    expect(fs.readdirSync(on.out).filter((f) => f.endsWith('.partial'))).toEqual([]);
    // A truncated shard: no parse of the thread stands in for the gate's. The others' blocking
    // findings fail the gate (fail outranks incomplete), which still names the shard.
    const cut = path.join(tmpDir('chaingate-cut30-'), 'cut.json');
    fs.writeFileSync(cut, fs.readFileSync(path.join(root, 'chaingate-shards', plan.include[1].name, 'chaingate-result.json'), 'utf8').slice(0, 5000));
    const t = await gate(['--report', `chaingate=chaingate-shards/${plan.include[0].name}/chaingate-result.json`, '--report', `chaingate=${cut}`, '--report', `chaingate=chaingate-shards/${plan.include[2].name}/chaingate-result.json`], SHA, { CHAINGATE_SARIF_THREAD: 'on' });
    expect(t.exitCode).toBe(1);
    const r = read(path.join(t.out, 'chaingate-result.json'));
    expect(r.reasons.some((x) => /cut\.json:\d+: chaingate result: not valid JSON/.test(x))).toBe(true);
    expect(r.reasons.some((x) => x.includes(`shard ${plan.include[1].name} (projects`))).toBe(true);
    expect(fs.existsSync(path.join(t.out, 'chaingate.sarif'))).toBe(true);
    // An unknown setting is refused.
    const bad = await gate(shards, SHA, { CHAINGATE_SARIF_THREAD: 'fast' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr + bad.stdout).toContain('CHAINGATE_SARIF_THREAD="fast" is not one of on, off, auto');
  }, 60_000);

  it("writes the SBOM of a full run from the shards' components alone", async () => {
    const purls = (f: string) => (JSON.parse(fs.readFileSync(f, 'utf8')).components as { purl?: string }[]).flatMap((c) => (c.purl ? [c.purl] : [])).sort();
    const full = purls(path.join(fullOut, 'sbom.cdx.json'));
    expect(full.length).toBeGreaterThan(50);
    // Each shard lists the components of its own projects' lockfiles only.
    const listed = plan.include.map((e) => read(path.join(root, 'chaingate-shards', e.name, 'chaingate-result.json')) as R & { components: { purl: string; project: string }[] });
    for (const [i, r] of listed.entries()) for (const c of r.components) expect(plan.include[i].projects).toContain(c.project);
    expect([...new Set(listed.flatMap((r) => r.components.map((c) => c.purl)))].sort()).toEqual(full);
    // A gate run in a folder with no lockfile at all: its SBOM is the shards' components.
    fs.mkdirSync(path.join(root, 'empty'));
    const out = path.join(tmpDir('chaingate-sbom30-'), 'out');
    const g = await runTool(process.execPath, [CLI, 'scan', 'empty', '--scanners', 'none', '--write-sbom', '--expect-shards', planFile, '--report', 'chaingate=chaingate-shards/*/chaingate-result.json', '--output-dir', out, '--mode', 'warn'], { cwd: root, env: env(root), timeoutMs: 60_000 });
    expect(g.exitCode).toBe(0);
    expect(purls(path.join(out, 'sbom.cdx.json'))).toEqual(full);
    // And one in the checkout (the usual gate job) has the same components, each once.
    const h = await gate(['--write-sbom', '--report', 'chaingate=chaingate-shards/*/chaingate-result.json']);
    expect(purls(path.join(h.out, 'sbom.cdx.json'))).toEqual(full);
  }, 60_000);

  it('names a missing, truncated, duplicated, foreign or other-commit shard (incomplete, exit 3)', async () => {
    const cases = tmpDir('chaingate-broken30-');
    const results = plan.include.map((e) => path.join(root, 'chaingate-shards', e.name, 'chaingate-result.json'));
    const [a, b, c] = plan.include.map((e) => e.name);
    // Only the clean shards can show incomplete over fail: a run with a shard's findings of
    // kind vulnerability blocks. So each case reads results with their findings removed.
    const cleanCopy = (file: string, dest: string, edit: (r: Record<string, unknown>) => void = () => {}) => {
      const r = JSON.parse(fs.readFileSync(file, 'utf8'));
      r.findings = [];
      edit(r);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, JSON.stringify(r));
      return dest;
    };
    const rep = (files: string[]) => files.map((f) => `--report=chaingate=${f}`);
    const all = results.map((f, i) => cleanCopy(f, path.join(cases, 'ok', `${i}.json`)));
    const ok = await gate(rep(all));
    expect({ code: ok.exitCode, out: ok.stdout }).toEqual({ code: 0, out: expect.stringContaining('PASS') });

    const missing = await gate(rep(all.slice(0, 2)));
    expect(missing.exitCode).toBe(3);
    expect(missing.stdout).toContain(`shard ${c} (projects ${plan.include[2].projects.join(', ')})`);
    expect(missing.stdout).toContain('no readable result');

    const truncated = path.join(cases, 'trunc.json');
    fs.writeFileSync(truncated, fs.readFileSync(all[1], 'utf8').slice(0, 200));
    const t = await gate(rep([all[0], truncated, all[2]]));
    expect(t.exitCode).toBe(3);
    expect(t.stdout).toMatch(/trunc\.json:\d+: chaingate result: not valid JSON/);
    expect(t.stdout).toContain(`shard ${b} (projects`);

    const dup = await gate(rep([...all, cleanCopy(results[0], path.join(cases, 'dup.json'))]));
    expect(dup.exitCode).toBe(3);
    expect(dup.stdout).toMatch(new RegExp(`shard ${a} .*: 2 results`));

    const foreign = cleanCopy(results[1], path.join(cases, 'foreign.json'), (r) => (r.shard = { name: b, plan: '0123456789abcdef' }));
    const f = await gate(rep([all[0], foreign, all[2]]));
    expect(f.exitCode).toBe(3);
    expect(f.stdout).toContain(`foreign.json: shard ${b} is of plan 0123456789abcdef`);

    const old = cleanCopy(results[2], path.join(cases, 'old.json'), (r) => (r.commit = 'c0ffee0000000000000000000000000000000000'));
    const o = await gate(rep([all[0], all[1], old]));
    expect(o.exitCode).toBe(3);
    expect(o.stdout).toContain(`old.json (shard ${c}): it is of commit c0ffee0000000000000000000000000000000000, not ${SHA}`);
  }, 60_000);

  it('still names a missing shard when a blocking finding fails the gate (exit 1: fail outranks incomplete)', async () => {
    const [first] = plan.include;
    const g = await gate(['--report', `chaingate=chaingate-shards/${first.name}/chaingate-result.json`]);
    expect(g.exitCode).toBe(1);
    const r = read(path.join(g.out, 'chaingate-result.json'));
    expect(r.verdict).toBe('fail');
    expect(r.reasons.filter((x) => /shard shard-\d-of-3 .*no readable result/.test(x))).toHaveLength(2);
    expect(fs.readFileSync(path.join(g.out, 'summary.md'), 'utf8')).toMatch(/shard shard-\d-of-3 \\?\(projects svc\/p\d\d/);
  }, 60_000);

  it('refuses a plan file that is not a plan (exit 2, naming it)', async () => {
    const bad = path.join(tmpDir('chaingate-badplan-'), 'plan.json');
    fs.writeFileSync(bad, '{"include": [{"name": "x", "args": ["."]}]}');
    const r = await scan(root, ['.', '--scanners', 'none', '--expect-shards', bad, '--report', 'chaingate=x.json', '--output-dir', path.join(bad, '..', 'o')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr + r.stdout).toContain(`${bad}: --expect-shards: include[0] (x) has no --shard x --plan-id ID`);
    fs.writeFileSync(bad, '{"include": [');
    const t = await scan(root, ['.', '--scanners', 'none', '--expect-shards', bad, '--report', 'chaingate=x.json', '--output-dir', path.join(bad, '..', 'o')]);
    expect(t.exitCode).toBe(2);
    expect(t.stderr + t.stdout).toMatch(/plan\.json:1: shard plan: not valid JSON/);
  }, 30_000);
});
