// `chaingate scan` end to end on real tool outputs (--report), in process: exit codes, reports,
// exceptions, VEX, and bad input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { REPO, fixture, tmpDir } from '../helpers/paths';

function project(files: Record<string, string> = {}): string {
  const d = tmpDir('chaingate-cli-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return d;
}

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));

describe('chaingate scan with --report', () => {
  it('fails (exit 1) on a real npm audit report with high findings, and writes every report', async () => {
    const dir = project();
    const out = path.join(dir, 'out');
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`, '--output-dir', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^chaingate: FAIL/);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.verdict).toBe('fail');
    expect(result.summary.blocking).toBeGreaterThan(0);
    // The blocking findings as a table on the terminal, worst first.
    expect(r.stdout).toContain(`\nBlocking findings (${result.summary.blocking}):\nSEVERITY  `);
    expect(result.scanners).toEqual([expect.objectContaining({ name: 'report:npm-audit', status: 'ok' })]);
    const sarif = readJson(path.join(out, 'chaingate.sarif'));
    expect(sarif.version).toBe('2.1.0');
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/fail/i);
    // A project without a lockfile: the summary says so rather than implying coverage.
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('**Scanned:** no lockfile · scanners report:npm-audit (');
  });

  it('says which lockfiles and how many packages a dependency report covered, and places findings in them', async () => {
    const dir = project({ 'package-lock.json': fs.readFileSync(path.join(REPO, 'examples', 'vulnerable', 'package-lock.json'), 'utf8'), 'package.json': fs.readFileSync(path.join(REPO, 'examples', 'vulnerable', 'package.json'), 'utf8') });
    const out = path.join(dir, 'out');
    await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${path.join(REPO, '__tests__', 'goldens', 'real', 'trivy-fs-vulnerable.json')}`, '--output-dir', out, '--mode', 'warn']);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toContain('**Scanned:** 1 lockfile (package-lock.json), 5 packages · scanners report:trivy (');
    expect(summary).toContain('| qs 6.5.2 ← package.json (direct) | 6.5.2 → **6.5.3** |');
    const qs = readJson(path.join(out, 'chaingate.sarif')).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'CVE-2022-24999');
    expect(qs.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: expect.stringMatching(/package-lock\.json$/) }, region: { startLine: 54 } });
  });

  it('passes (exit 0) on a report with no vulnerabilities', async () => {
    const dir = project();
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`, '--output-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^chaingate: PASS/);
  });

  it('merges the same vulnerability reported by several tools into one finding', async () => {
    const dir = project();
    const out = path.join(dir, 'out');
    const report = fixture('trivy', 'fs-npm-package-lock.json');
    await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${report}`, '--report', `trivy=${report}`, '--output-dir', out, '--mode', 'warn']);
    const once = readJson(path.join(out, 'chaingate-result.json'));
    const dir2 = project();
    await cli(['scan', dir2, '--scanners', 'none', '--report', `trivy=${report}`, '--output-dir', path.join(dir2, 'out'), '--mode', 'warn']);
    const single = readJson(path.join(dir2, 'out', 'chaingate-result.json'));
    expect(once.summary.total).toBe(single.summary.total);
  });

  it('ingests every supported report format', async () => {
    const dir = project();
    const reports = [
      `trivy=${fixture('trivy', 'image-alpine-310.json')}`,
      `semgrep=${fixture('semgrep', 'json-1.97.0-dataflow-trace.json')}`,
      `semgrep=${fixture('semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json')}`,
      `npm-audit=${fixture('npm-audit', 'npm6-v1-advisories-axios-follow-redirects.json')}`,
      `yarn-audit=${fixture('yarn-audit', 'yarn1-classic-qs-high.ndjson')}`,
      `pnpm-audit=${fixture('pnpm-audit', 'pnpm-audit-qs-high.json')}`,
      `pip-audit=${fixture('pip-audit', 'pip-audit-with-aliases-fastapi-jinja2.json')}`,
      `osv-scanner=${fixture('osv-scanner', 'osv-scanner-v1-yarn-malicious-package.json')}`,
      `grype=${fixture('grype', 'grype-0.94.0-image-epss-risk.json')}`,
      `sarif=${fixture('trivy', 'sarif-image-alpine-310.sarif.json')}`,
    ];
    const out = path.join(dir, 'out');
    const r = await cli(['scan', dir, '--scanners', 'none', ...reports.flatMap((x) => ['--report', x]), '--output-dir', out]);
    expect(r.code).toBe(1);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.scanners.map((s: { status: string }) => s.status)).toEqual(reports.map(() => 'ok'));
    const tools = new Set(result.findings.flatMap((f: { tools: string[] }) => f.tools));
    for (const t of ['trivy', 'semgrep', 'npm-audit', 'yarn-audit', 'pnpm-audit', 'pip-audit', 'osv-scanner', 'grype']) expect(tools).toContain(t);
  });

  describe('fails closed (exit 3) when a report cannot be read', () => {
    it.each([
      ['truncated', (d: string) => {
        const t = fs.readFileSync(fixture('trivy', 'fs-npm-package-lock.json'), 'utf8');
        fs.writeFileSync(path.join(d, 'r.json'), t.slice(0, Math.floor(t.length / 2)));
        return path.join(d, 'r.json');
      }, /r\.json(:\d+)?: .*not valid JSON/],
      ['wrong format', () => fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json'), /unexpected format|not a Trivy/i],
      ['missing', (d: string) => path.join(d, 'nope.json'), /nope\.json: report file not found/],
      ['empty', (d: string) => {
        fs.writeFileSync(path.join(d, 'e.json'), '');
        return path.join(d, 'e.json');
      }, /empty/],
    ])('%s report', async (_name, make, message) => {
      const dir = project();
      const out = path.join(dir, 'out');
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${make(dir)}`, '--output-dir', out]);
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/^chaingate: INCOMPLETE/);
      const result = readJson(path.join(out, 'chaingate-result.json'));
      expect(result.verdict).toBe('incomplete');
      expect(result.scanners[0].status).toBe('failed');
      expect(result.scanners[0].error).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
    it('the npm audit error object (endpoint down) is not "clean"', async () => {
      const dir = project();
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${fixture('npm-audit', 'npm-audit-error-ENOAUDIT.json')}`, '--output-dir', path.join(dir, 'out')]);
      expect(r.code).toBe(3);
    });
    it('unless on-scanner-error is warn', async () => {
      const dir = project({ '.chaingate.yml': 'on-scanner-error: warn\n' });
      const missing = `trivy=${path.join(dir, 'missing.json')}`;
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', missing, '--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`, '--output-dir', path.join(dir, 'out')]);
      expect(r.code).toBe(0);
      // With nothing read at all, warn does not make it a pass: nothing was scanned.
      const alone = await cli(['scan', dir, '--scanners', 'none', '--report', missing, '--output-dir', path.join(dir, 'out')]);
      expect(alone.code).toBe(3);
      expect(alone.stdout).toContain('nothing was scanned: every scanner failed and no report was read');
    });
  });

  it('applies an exceptions file and a VEX document, keeping suppressed findings in the reports', async () => {
    const report = fixture('trivy', 'image-debian-fluentd-gems.json');
    const base = await (async () => {
      const d = project();
      await cli(['scan', d, '--scanners', 'none', '--report', `trivy=${report}`, '--output-dir', path.join(d, 'out'), '--mode', 'warn']);
      return readJson(path.join(d, 'out', 'chaingate-result.json'));
    })();
    const blocking = base.findings.filter((f: { blocking: boolean }) => f.blocking);
    expect(blocking.length).toBeGreaterThan(1);
    const [first, ...rest] = blocking;
    const exceptions = [
      'version: 1',
      'exceptions:',
      `  - id: ${first.aliases[0] ?? first.id}`,
      `    package: ${first.package.purl.replace(/@[^@/]*$/, '')}`,
      '    reason: "not reachable from our code"',
      '    expires: 2027-01-15',
      '    owner: "@web-team"',
      '  - id: CVE-1999-0001',
      '    reason: "stale entry"',
      '    expires: 2027-01-15',
      '  - id: CVE-1999-0002',
      '    reason: "expired entry"',
      '    expires: 2026-01-01',
    ].join('\n');
    const vex = {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.test/vex/1',
      author: 'security@example.test',
      timestamp: '2026-11-01T00:00:00Z',
      version: 1,
      statements: rest.map((f: { id: string; package: { purl: string } }) => ({
        vulnerability: { name: f.id },
        products: [{ '@id': f.package.purl }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
      })),
    };
    const dir = project({ 'ex.yml': exceptions, 'app.openvex.json': JSON.stringify(vex) });
    const out = path.join(dir, 'out');
    const r = await cli([
      'scan', dir, '--scanners', 'none', '--report', `trivy=${report}`,
      '--exceptions', path.join(dir, 'ex.yml'), '--vex', path.join(dir, 'app.openvex.json'), '--output-dir', out,
    ]);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    expect(result.findings.filter((f: { blocking: boolean }) => f.blocking)).toEqual([]);
    expect(r.code).toBe(0);
    expect(result.summary.suppressed).toBe(base.summary.suppressed + blocking.length);
    const suppressed = result.findings.find((f: { fingerprint: string }) => f.fingerprint === first.fingerprint);
    expect(suppressed.exception).toMatchObject({ reason: 'not reachable from our code', owner: '@web-team', expires: '2027-01-15' });
    expect(result.exceptions.unused.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['CVE-1999-0001']);
    expect(result.exceptions.expired.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['CVE-1999-0002']);
    expect(result.inputs.exceptions.sha256).toMatch(/^[0-9a-f]{64}$/);
    const sarif = readJson(path.join(out, 'chaingate.sarif'));
    const withSuppression = sarif.runs.flatMap((run: { results: { suppressions?: unknown[] }[] }) => run.results).filter((x: { suppressions?: unknown[] }) => x.suppressions?.length);
    expect(withSuppression.length).toBe(blocking.length);
  });

  it('keeps at most sarif.max-results-per-run results in each SARIF run, every finding in the result file', async () => {
    const report = fixture('trivy', 'image-alpine-310.json');
    const run = async (policy: string) => {
      const dir = project({ '.chaingate.yml': policy });
      const out = path.join(dir, 'out');
      await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${report}`, '--output-dir', out, '--mode', 'warn']);
      return { result: readJson(path.join(out, 'chaingate-result.json')), sarif: readJson(path.join(out, 'chaingate.sarif')) };
    };
    const roomy = await run('version: 1\n');
    const total = roomy.result.summary.total;
    expect(total).toBeGreaterThan(3);
    expect(roomy.sarif.runs[0].results).toHaveLength(total);
    const capped = await run('version: 1\nsarif:\n  max-results-per-run: 3\n');
    expect(capped.result.summary.total).toBe(total);
    expect(capped.sarif.runs[0].results).toHaveLength(3);
    expect(capped.sarif.runs[0].properties).toEqual({ omittedResults: total - 3 });
  });

  it('warn mode reports a failing verdict and exits 0', async () => {
    const dir = project();
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`, '--output-dir', path.join(dir, 'out'), '--mode', 'warn']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^chaingate: FAIL \(warn mode: not enforced\)/);
  });

  describe('configuration mistakes exit 2 with file and line, nothing evaluated', () => {
    it.each([
      [{ '.chaingate.yml': 'fail-on:\n  vulnerabilty: high\n' }, [], /\.chaingate\.yml:2:3: invalid policy: fail-on: unknown key here/],
      [{ '.chaingate.yml': 'exceptions:\n  max-days: 30\n', '.chaingate-exceptions.yml': 'exceptions:\n  - id: CVE-1\n    reason: r\n    expires: 2027-06-01\n' }, [], /\.chaingate-exceptions\.yml:2: exception CVE-1 expires 2027-06-01, 185 days from today, beyond the policy's exceptions.max-days 30/],
      [{ 'x.yml': 'exceptions:\n  - id: CVE-1\n    expires: 2027-01-01\n' }, ['--exceptions', 'x.yml'], /x\.yml:2:5: invalid exceptions file: exceptions\.0\.reason: is required/],
      [{}, ['--config', 'missing.yml'], /missing\.yml: policy file not found/],
      [{}, ['--mode', 'loud'], /--mode must be enforce or warn/],
      [{}, ['--report', 'nessus=x.json'], /--report nessus=x\.json: expected TOOL=PATH/],
      [{}, ['--scanners', 'semgrep,zap'], /unknown scanner "zap"/],
      [{}, ['--bogus'], /Unknown option '--bogus'/],
    ])('%#', async (files, extra, message) => {
      const dir = project(files as Record<string, string>);
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const out = path.join(dir, 'out');
        const r = await cli(['scan', dir, '--scanners', 'none', '--output-dir', out, ...(extra as string[])]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
        expect(fs.existsSync(path.join(out, 'chaingate-result.json'))).toBe(false);
      } finally {
        process.chdir(cwd);
      }
    });
    it('a missing project directory', async () => {
      const r = await cli(['scan', '/nonexistent/dir', '--scanners', 'none']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/project directory \/nonexistent\/dir does not exist/);
    });
  });

  it('prints help and version, and rejects unknown commands', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/^ {2}scan +run the scanners/m);
    expect((await cli([])).code).toBe(2);
    expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await cli(['scan', '--help'])).stdout).toMatch(/--report TOOL=PATH/);
    const u = await cli(['frobnicate']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown command "frobnicate"/);
  });
});

describe('a report in SARIF where JSON was expected', () => {
  it('reads a Semgrep SARIF report given as semgrep=, and fails closed on a truncated one', async () => {
    const sarif = fixture('semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json');
    const dir = project();
    const ok = await cli(['scan', dir, '--scanners', 'none', '--report', `semgrep=${sarif}`, '--output-dir', path.join(dir, 'out'), '--mode', 'warn']);
    expect(ok.code).toBe(0);
    const text = fs.readFileSync(sarif, 'utf8');
    fs.writeFileSync(path.join(dir, 'cut.sarif'), text.slice(0, text.length - 40));
    const cut = await cli(['scan', dir, '--scanners', 'none', '--report', `semgrep=${path.join(dir, 'cut.sarif')}`, '--output-dir', path.join(dir, 'out2')]);
    expect(cut.code).toBe(3);
  });
});

describe('scan --write-sbom', () => {
  it('writes a CycloneDX SBOM of the project next to the reports', async () => {
    const dir = project();
    const out = path.join(dir, 'out');
    const example = path.join(__dirname, '..', '..', 'examples', 'vulnerable');
    const r = await cli(['scan', example, '--scanners', 'none', '--write-sbom', '--output-dir', out]);
    // An SBOM is not a scan: with no scanner and no report the gate is incomplete (chaingate sbom writes one alone).
    expect(r.code).toBe(3);
    const sbom = readJson(path.join(out, 'sbom.cdx.json'));
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.specVersion).toBe('1.6');
    const purls = JSON.stringify(sbom.components);
    expect(purls).toContain('pkg:npm/lodash@4.17.20');
    expect(purls).toContain('pkg:pypi/jinja2@3.1.3');
    expect(r.stdout).toContain('sbom.cdx.json');
  });

  it('leaves test fixtures out by default, as chaingate sbom does, and honours skip-dirs', async () => {
    const lock = (name: string) =>
      JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0', dependencies: { [name]: '1.0.0' } }, [`node_modules/${name}`]: { version: '1.0.0' } } });
    const files = { 'package-lock.json': lock('shipped'), 'test/fixtures/old/package-lock.json': lock('fixture-only') };
    const sbomOf = async (policy: string) => {
      const dir = project({ ...files, '.chaingate.yml': policy });
      await cli(['scan', dir, '--scanners', 'none', '--write-sbom', '--output-dir', path.join(dir, 'out')]);
      return JSON.stringify(readJson(path.join(dir, 'out', 'sbom.cdx.json')).components);
    };
    const byDefault = await sbomOf('version: 1\n');
    expect(byDefault).toContain('pkg:npm/shipped@1.0.0');
    expect(byDefault).not.toContain('fixture-only');
    const dir = project(files);
    await cli(['sbom', dir, '--output', path.join(dir, 'alone.cdx.json')]);
    expect(JSON.stringify(readJson(path.join(dir, 'alone.cdx.json')).components)).toBe(byDefault);
    expect(await sbomOf('version: 1\nskip-dirs: [node_modules]\n')).toContain('pkg:npm/fixture-only@1.0.0');
  });
});

describe('scan --sbom', () => {
  it('audits an SBOM produced elsewhere against offline OSV advisories given relative to the working directory', async () => {
    const dir = project();
    const example = path.join(__dirname, '..', '..', 'examples', 'vulnerable');
    expect((await cli(['sbom', example, '--output', path.join(dir, 'app.cdx.json')])).code).toBe(0);
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'osv-from-advisories.mjs'), path.join(dir, 'osv')], { stdio: 'ignore' });
    fs.mkdirSync(path.join(dir, 'empty'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli(['scan', 'empty', '--scanners', 'audit', '--sbom', 'app.cdx.json', '--osv-db', 'osv', '--offline', '--output-dir', 'out']);
      expect(r.code).toBe(1);
      const result = readJson(path.join(dir, 'out', 'chaingate-result.json'));
      const ids = result.findings.flatMap((f: { id: string; aliases: string[]; package: { name: string } }) => [f.id, ...f.aliases].map((i) => `${f.package.name} ${i}`));
      expect(ids).toContain('lodash CVE-2021-23337');
      expect(ids).toContain('jinja2 CVE-2024-34064');
    } finally {
      process.chdir(cwd);
    }
  });
});
