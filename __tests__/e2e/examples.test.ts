// End to end with the real pinned tools (Semgrep, Trivy, the OSV matcher), through the bundled
// CLI, offline: the vulnerable example fails with findings of every kind, its clean twin passes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { REPO, tmpDir, toolBin } from '../helpers/paths';
import { writeFixtureDb } from '../helpers/trivy-db';

const CLI = path.join(REPO, 'dist', 'cli.js');
let trivyCache: string;
let osvDb: string;

beforeAll(async () => {
  toolBin('trivy');
  toolBin('semgrep');
  trivyCache = await writeFixtureDb();
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);
}, 300_000);

async function scan(example: string, extra: string[] = []) {
  const out = path.join(tmpDir('chaingate-e2e-'), 'out');
  const r = await runTool(process.execPath, [CLI, 'scan', path.join(REPO, 'examples', example), '--offline', '--osv-db', osvDb, '--output-dir', out, ...extra], {
    env: { ...process.env, CHAINGATE_TRIVY_CACHE_DIR: trivyCache },
    timeoutMs: 600_000,
  });
  const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  return { r, result, out };
}

type F = { kind: string; tools: string[]; id: string; blocking: boolean; package?: { name: string }; location?: { path: string } };

describe('examples with the real tools', () => {
  it('examples/vulnerable fails with blocking findings of every kind from every scanner', async () => {
    const { r, result } = await scan('vulnerable');
    expect(r.exitCode).toBe(1);
    expect(result.verdict).toBe('fail');
    expect(result.scanners.map((s: { name: string; status: string }) => [s.name, s.status]).sort()).toEqual([
      ['audit', 'ok'],
      ['semgrep', 'ok'],
      ['trivy-fs', 'ok'],
    ]);
    const findings: F[] = result.findings;
    const blockingKinds = new Set(findings.filter((f) => f.blocking).map((f) => f.kind));
    for (const k of ['vulnerability', 'code', 'secret', 'misconfiguration']) expect(blockingKinds).toContain(k);
    // The same advisory from Trivy and from our OSV matcher is one finding listing both tools.
    const lodash = findings.find((f) => f.kind === 'vulnerability' && f.package?.name === 'lodash' && f.id === 'CVE-2021-23337');
    expect(lodash?.tools).toEqual(expect.arrayContaining(['osv', 'trivy']));
    expect(findings.some((f) => f.tools.includes('semgrep') && f.id.startsWith('chaingate.'))).toBe(true);
    expect(findings.some((f) => f.kind === 'secret' && f.location?.path.endsWith('credentials.ini'))).toBe(true);
    expect(findings.some((f) => f.kind === 'misconfiguration' && f.location?.path.endsWith('main.tf'))).toBe(true);
    expect(findings.some((f) => f.kind === 'misconfiguration' && f.location?.path.endsWith('Dockerfile'))).toBe(true);
  });

  it('examples/clean passes with no blocking finding', async () => {
    const { r, result } = await scan('clean');
    expect(result.findings.filter((f: F) => f.blocking)).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(r.exitCode).toBe(0);
  });

  it('a scanner that cannot run makes the verdict incomplete, naming the tool', async () => {
    const { r, result } = await scan('clean', ['--scanners', 'semgrep']);
    expect(r.exitCode).toBe(0);
    const broken = await runTool(process.execPath, [CLI, 'scan', path.join(REPO, 'examples', 'clean'), '--scanners', 'semgrep', '--output-dir', path.join(tmpDir(), 'o')], {
      env: { ...process.env, CHAINGATE_SEMGREP_PATH: '/nonexistent/semgrep' },
    });
    expect(broken.exitCode).toBe(3);
    expect(broken.stdout).toMatch(/INCOMPLETE/);
    expect(broken.stdout).toMatch(/semgrep/);
    expect(result.verdict).toBe('pass');
  });

  it('the bundled CLI runs without node_modules', async () => {
    // dist/cli.js and the per-command bundles it loads (dist/cli-*.js), nothing else.
    const d = tmpDir('chaingate-dist-');
    const files = fs.readdirSync(path.dirname(CLI)).filter((f) => /^cli(-.*)?\.js$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['cli.js', 'cli-scan.js', 'cli-sbom.js']));
    for (const f of files) fs.copyFileSync(path.join(path.dirname(CLI), f), path.join(d, f));
    const r = await runTool(process.execPath, [path.join(d, 'cli.js'), '--version'], { cwd: d });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await runTool(process.execPath, [path.join(d, 'cli.js'), 'scan', '--help'], { cwd: d })).exitCode).toBe(0);
    const sbom = await runTool(process.execPath, [path.join(d, 'cli.js'), 'sbom', path.join(REPO, 'examples', 'vulnerable'), '--output', path.join(d, 'sbom.cdx.json')], { cwd: d });
    expect(sbom.exitCode).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(d, 'sbom.cdx.json'), 'utf8')).bomFormat).toBe('CycloneDX');
  });
});
