// The headers scanner end to end: the bundled CLI (dist/cli.js, `npm run build`) with --url and
// with the policy's `headers:`, and the action with its `urls` input, against real HTTPS servers
// on 127.0.0.1. Verdicts and exit codes as documented; a cookie value never appears in stdout,
// stderr, the result, the summary, the SARIF, the raw output, GITHUB_OUTPUT or the job summary;
// a header value shaped like a workflow command does not become one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../../src/action/main';
import { runTool } from '../../src/process/run-tool';
import { captureActionIo } from '../helpers/action-io';
import { cli as cliInProcess } from '../helpers/cli';
import { commitAll, repoWith, write } from '../helpers/git-repo';
import { REPO, tmpDir } from '../helpers/paths';
import { closedPort, GOOD_BODY, makeTestCa, siteRoutes, startHttpsServer, withChanges, type TestCa, type TestServer } from '../helpers/https-servers';

// Built at run time, so this file holds nothing a secret scanner would flag.
const SESSION_VALUE = ['CanaryCookie', 'Q1w2E3r4T5y6U7i8'].join('');
const SECOND_VALUE = ['CanaryCookie', 'Z9x8C7v6B5n4M3'].join('');

let ca: TestCa;
let other: TestCa;
let site: TestServer;

beforeAll(async () => {
  ca = makeTestCa();
  other = makeTestCa('untrusted CA');
  const routes = siteRoutes();
  // Session cookie without HttpOnly or Secure, another without SameSite, CORS reflecting any
  // Origin with credentials, and a cookie name and a header value written like workflow commands.
  routes['/leaky'] = {
    headers: (req) => ({
      ...withChanges({
        'Set-Cookie': [`sessionid=${SESSION_VALUE}; Path=/; SameSite=Lax`, `prefs=${SECOND_VALUE}; Secure`, '::warning::forged-by-site=1; Secure'],
        'X-Content-Type-Options': '::warning file=README.md::forged by the site',
      }),
      'Access-Control-Allow-Origin': req.headers.origin ?? '',
      'Access-Control-Allow-Credentials': 'true',
    }),
    body: GOOD_BODY,
  };
  site = await startHttpsServer(ca, routes);
});

afterAll(async () => {
  await site?.close();
});

function project(policy: string): string {
  const dir = tmpDir('chaingate-headers-e2e-');
  fs.writeFileSync(path.join(dir, '.chaingate.yml'), policy);
  fs.copyFileSync(ca.caFile, path.join(dir, 'staging-ca.pem'));
  fs.copyFileSync(other.caFile, path.join(dir, 'other-ca.pem'));
  return dir;
}

async function cli(args: string[]) {
  const out = path.join(tmpDir('chaingate-headers-out-'), 'out');
  const r = await runTool(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'scan', ...args, '--output-dir', out], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeoutMs: 120_000,
  });
  const result = fs.existsSync(path.join(out, 'chaingate-result.json')) ? JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8')) : undefined;
  return { ...r, out, result };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function texts(out: string, extra: Record<string, string>): Record<string, string> {
  return { ...extra, ...Object.fromEntries(filesUnder(out).map((f) => [path.relative(out, f), fs.readFileSync(f, 'utf8')])) };
}

const leaks = (t: Record<string, string>) => Object.entries(t).flatMap(([where, text]) => [SESSION_VALUE, SECOND_VALUE, 'CanaryCookie'].filter((n) => text.includes(n)).map((n) => `${where}: ${n}`));

describe('headers scanner through dist/cli.js', () => {
  it('--url adds the scanner to the policy\'s (empty) list and passes a good site', async () => {
    const dir = project('scanners: []\nheaders:\n  ca-file: staging-ca.pem\n');
    const r = await cli([dir, '--url', site.url('/')]);
    expect(r.stderr).toContain(`GET ${site.url('/')} → 200`);
    expect(r.exitCode).toBe(0);
    expect(r.result.verdict).toBe('pass');
    expect(r.result.scanners.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([['headers', 'ok']]);
    expect(r.result.findings).toEqual([]);
    // The completed scanner gets its SARIF run, so code scanning closes alerts it no longer reports.
    const sarif = JSON.parse(fs.readFileSync(path.join(r.out, 'chaingate.sarif'), 'utf8'));
    expect(sarif.runs.map((x: { tool: { driver: { name: string } } }) => x.tool.driver.name)).toContain('headers');
  });

  it('policy headers: blocks a reflected CORS origin, names cookies, never their values', async () => {
    const dir = project(`scanners: [headers]\nheaders:\n  urls: [${JSON.stringify(site.url('/leaky'))}, ${JSON.stringify(site.url('/bad/csp-unsafe-inline'))}]\n  ca-file: staging-ca.pem\n  timeout-seconds: 10\n`);
    const r = await cli([dir]);
    expect(r.exitCode).toBe(1);
    const found = r.result.findings.map((f: { id: string; severity: string; blocking: boolean; location: { path: string } }) => [f.location.path, f.id, f.severity, f.blocking]).sort();
    expect(found).toEqual(
      [
        [site.url('/bad/csp-unsafe-inline'), 'chaingate.headers.csp-unsafe-inline', 'medium', false],
        [site.url('/leaky'), 'chaingate.headers.cookie-no-httponly', 'medium', false],
        [site.url('/leaky'), 'chaingate.headers.cookie-no-samesite', 'low', false],
        [site.url('/leaky'), 'chaingate.headers.cookie-no-secure', 'medium', false],
        [site.url('/leaky'), 'chaingate.headers.cors-origin-reflected', 'high', true],
        [site.url('/leaky'), 'chaingate.headers.nosniff-missing', 'low', false],
      ].sort(),
    );
    expect(r.stdout).toContain(`chaingate.headers.cors-origin-refle…  ${site.url('/leaky')}`);
    const all = texts(r.out, { stdout: r.stdout, stderr: r.stderr });
    expect(all['summary.md']).toContain('sessionid');
    expect(all['chaingate.sarif']).toContain('sessionid');
    expect(leaks(all)).toEqual([]);
    expect(Object.keys(all)).toContain(path.join('raw', 'headers', 'headers.json'));
  });

  it('is incomplete (exit 3) on a closed port and on a certificate of another CA, naming the URL', async () => {
    const port = await closedPort();
    const closed = await cli([project('scanners: [headers]\nheaders:\n  ca-file: staging-ca.pem\n'), '--url', `https://127.0.0.1:${port}/`]);
    expect(closed.exitCode).toBe(3);
    expect(closed.result.verdict).toBe('incomplete');
    expect(closed.stdout).toContain(`https://127.0.0.1:${port}/: connection refused`);
    const wrong = await cli([project('scanners: [headers]\nheaders:\n  ca-file: other-ca.pem\n'), '--url', site.url('/')]);
    expect(wrong.exitCode).toBe(3);
    expect(wrong.result.scanners[0]).toMatchObject({ name: 'headers', status: 'failed', error: expect.stringContaining(`${site.url('/')}: TLS error`) });
  });

  it('refuses --url beside a scanner list without headers, and headers without a URL (exit 2)', async () => {
    const dir = project('scanners: []\n');
    const usage = await cli([dir, '--scanners', 'semgrep', '--url', site.url('/')]);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('--url needs the headers scanner');
    const none = await cli([project('scanners: [headers]\n')]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/\.chaingate\.yml:1:? scanner headers needs at least one URL/);
    const bad = await cli([project('scanners: []\n'), '--url', 'javascript:alert(1)']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('headers.urls.0: must be an http:// or https:// URL');
    const secret = await cli([project('scanners: []\n'), '--url', 'https://user:pw@example.test/']);
    expect(secret.exitCode).toBe(2);
    expect(secret.stderr).toContain('a URL must not hold a user name or password');
    const notUrl = await cli([project('scanners: []\n'), '--url', 'https://exa mple.test/']);
    expect(notUrl.exitCode).toBe(2);
    expect(notUrl.stderr).toContain('is not an absolute URL');
  });
});

describe('headers scanner through the action', () => {
  it('takes the urls input, keeps cookie values out of every output, and forges no workflow command', async () => {
    // Every finding blocks, so each is annotated on stdout, hostile cookie name included.
    const dir = project('scanners: []\nfail-on: {misconfiguration: low}\nheaders:\n  ca-file: staging-ca.pem\n');
    const out = path.join(tmpDir('chaingate-headers-action-'), 'out');
    const summaryFile = path.join(tmpDir('chaingate-headers-summary-'), 'step_summary');
    fs.writeFileSync(summaryFile, '');
    const saved = process.env.GITHUB_OUTPUT;
    const io = captureActionIo('chaingate-headers-action-io-');
    const stderr: string[] = [];
    const errWrite = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (stderr.push(String(c)), true));
    let code: number;
    try {
      code = await runAction({ PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: io.outFile, GITHUB_STEP_SUMMARY: summaryFile, CHAINGATE_INPUT_WORKING_DIRECTORY: dir, CHAINGATE_INPUT_OUTPUT_DIR: out, CHAINGATE_INPUT_URLS: `${site.url('/leaky')}\n${site.url('/')}` });
    } finally {
      io.write.mockRestore();
      errWrite.mockRestore();
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
      process.exitCode = undefined;
    }
    const stdout = io.stdout.join('');
    expect(code).toBe(1);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.scanners.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([['headers', 'ok']]);
    expect(result.findings.some((f: { id: string }) => f.id === 'chaingate.headers.cors-origin-reflected')).toBe(true);
    const all = texts(out, { stdout, stderr: stderr.join(''), GITHUB_OUTPUT: fs.readFileSync(io.outFile, 'utf8'), GITHUB_STEP_SUMMARY: fs.readFileSync(summaryFile, 'utf8') });
    expect(all.GITHUB_STEP_SUMMARY).toContain('sessionid');
    expect(leaks(all)).toEqual([]);
    // The site's `::warning::` is text inside chaingate's own annotation, never a command of its own.
    const forged = stdout.split('\n').filter((l) => l.includes('::warning::forged-by-site'));
    expect(forged.length).toBeGreaterThan(0);
    expect(forged.filter((l) => l.startsWith('::warning::forged'))).toEqual([]);
    for (const l of forged) expect(l).toMatch(/^::error title=[^:]*::chaingate\.headers\.cookie-no-samesite: Cookie without SameSite: prefs, ::warning::forged-by-site at https/);
    // URL findings are annotated without a file: the URL is no file of the repository.
    expect(stdout).not.toMatch(/file=https/);
  });
});

describe('a pull request that edits headers: (--baseline REF)', () => {
  function prRepointingTheScanner() {
    const policy = (url: string) => `scanners: [headers]\nheaders:\n  urls: [${JSON.stringify(url)}]\n  ca-file: staging-ca.pem\n`;
    const { dir, base } = repoWith({ '.chaingate.yml': policy(site.url('/bad/hsts-missing')), 'staging-ca.pem': fs.readFileSync(ca.caFile, 'utf8') });
    write(dir, { '.chaingate.yml': policy(site.url('/')) });
    commitAll(dir);
    return { dir, base };
  }

  it("head: the PR's URL is scanned, and the edit is listed among the gate's changes", async () => {
    const { dir, base } = prRepointingTheScanner();
    const out = path.join(tmpDir(), 'out');
    const r = await cliInProcess(['scan', dir, '--baseline', base, '--output-dir', out]);
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.policyChanges).toEqual([
      { file: '.chaingate.yml', what: 'policy', change: 'modified', details: [`headers.urls: [${JSON.stringify(site.url('/bad/hsts-missing'))}] → [${JSON.stringify(site.url('/'))}]`] },
    ]);
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('This change edits the gate');
  });

  it("baseline: the base branch's URL is scanned, whatever the PR wrote", async () => {
    const { dir, base } = prRepointingTheScanner();
    const out = path.join(tmpDir(), 'out');
    const r = await cliInProcess(['scan', dir, '--baseline', base, '--trusted-policy', 'baseline', '--output-dir', out]);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.findings.map((f: { id: string; location: { path: string } }) => [f.id, f.location.path])).toEqual([['chaingate.headers.hsts-missing', site.url('/bad/hsts-missing')]]);
    expect(r.code).toBe(0);
  });
});
