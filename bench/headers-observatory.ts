// The headers scanner against the MDN HTTP Observatory on the same test sites, case by case:
// which checks each one fails, and how long each takes. Not a test: the Observatory scans a bare
// hostname on ports 80 and 443 only (no port, no path), so every site is served in turn on
// 127.0.0.1:443 (and :80, redirecting to it) as `localhost`, which needs root or
// CAP_NET_BIND_SERVICE. Run:
//   bash scripts/install-tools.sh observatory && npm run build &&
//   npx esbuild bench/headers-observatory.ts --bundle --platform=node --outfile=/tmp/bench-headers.js &&
//   node /tmp/bench-headers.js [RUNS]        (from the repository root)
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { BAD_SITES, GOOD_BODY, GOOD_HEADERS, makeTestCa, withChanges, type HeaderSet, type Route } from '../__tests__/helpers/https-servers';
import * as http from 'node:http';
import * as https from 'node:https';

const run = promisify(execFile);
const repo = process.cwd(); // run from the repository's root
const cli = path.join(repo, 'dist', 'cli.js');
const observatory = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin', 'observatory');
const runs = Number(process.argv[2] ?? 3);

// What each Observatory result means in our check ids; results absent here are passes, or
// checks we do not make (subresource integrity, Cross-Origin-Resource-Policy).
const OBSERVATORY_TO_OURS: Record<string, string> = {
  'hsts-not-implemented': 'hsts-missing',
  'hsts-header-invalid': 'hsts-missing',
  'hsts-implemented-max-age-less-than-six-months': 'hsts-max-age-short',
  'csp-not-implemented': 'csp-missing',
  'csp-not-implemented-but-reporting-enabled': 'csp-missing',
  'csp-header-invalid': 'csp-missing',
  'csp-implemented-with-unsafe-inline': 'csp-unsafe-inline',
  'csp-implemented-with-unsafe-eval': 'csp-unsafe-eval',
  'csp-implemented-with-insecure-scheme': 'csp-script-unrestricted',
  'x-frame-options-not-implemented': 'framing-unrestricted',
  'x-frame-options-header-invalid': 'framing-unrestricted',
  'cookies-without-secure-flag': 'cookie-no-secure',
  'cookies-without-secure-flag-but-protected-by-hsts': 'cookie-no-secure',
  'cookies-session-without-secure-flag': 'cookie-no-secure',
  'cookies-session-without-secure-flag-but-protected-by-hsts': 'cookie-no-secure',
  'cookies-session-without-httponly-flag': 'cookie-no-httponly',
  'cookies-samesite-flag-invalid': 'cookie-no-samesite',
  'cookies-anticsrf-without-samesite-flag': 'cookie-no-samesite',
  'x-content-type-options-not-implemented': 'nosniff-missing',
  'x-content-type-options-header-invalid': 'nosniff-missing',
  'referrer-policy-unsafe': 'referrer-policy-unsafe',
  'referrer-policy-header-invalid': 'referrer-policy-missing',
  'cross-origin-resource-sharing-implemented-with-universal-access': 'cors-wildcard-credentials',
  'redirection-missing': 'no-https-redirect',
  'redirection-not-to-https': 'no-https-redirect',
  'redirection-not-to-https-on-initial-redirection': 'https-downgrade',
};

interface Side {
  ids: string[];
  raw: string[];
  ms: number;
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function answer(route: Route): http.RequestListener {
  return (req, res) => {
    const headers = typeof route.headers === 'function' ? route.headers(req) : (route.headers ?? {});
    res.writeHead(route.status ?? 200, headers).end(route.body ?? '');
  };
}

async function ours(policyDir: string, outDir: string): Promise<Side> {
  const t = process.hrtime.bigint();
  const r = await run(process.execPath, [cli, 'scan', policyDir, '--output-dir', outDir, '--mode', 'warn'], { encoding: 'utf8' }).catch((e) => e);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const result = JSON.parse(fs.readFileSync(path.join(outDir, 'chaingate-result.json'), 'utf8'));
  if (result.verdict === 'incomplete') throw new Error(`chaingate: incomplete: ${r.stderr ?? ''}`);
  const ids: string[] = (result.findings ?? []).map((f: { id: string }) => f.id.replace(/^chaingate\.headers\./, ''));
  return { ids: [...new Set(ids)].sort(), raw: ids, ms };
}

async function theirs(caFile: string): Promise<Side> {
  const t = process.hrtime.bigint();
  const { stdout } = await run(observatory, ['localhost'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const out = JSON.parse(stdout) as { error?: string; tests?: Record<string, { result: string; pass: boolean | null; scoreModifier?: number }> };
  if (out.error) throw new Error(`observatory: ${out.error}`);
  const raw: string[] = [];
  const ids = new Set<string>();
  for (const t of Object.values(out.tests ?? {})) {
    if (t.pass === false || (t.scoreModifier ?? 0) < 0) raw.push(t.result);
    const mine = OBSERVATORY_TO_OURS[t.result];
    if (mine) ids.add(mine);
  }
  return { ids: [...ids].sort(), raw: raw.sort(), ms };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  if (!fs.existsSync(observatory)) throw new Error(`${observatory} missing: bash scripts/install-tools.sh observatory`);
  if (!fs.existsSync(cli)) throw new Error('dist/cli.js missing: npm run build');
  const ca = makeTestCa();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-headers-'));
  fs.writeFileSync(path.join(work, '.chaingate.yml'), `scanners: [headers]\nheaders:\n  urls: [https://localhost/]\n  ca-file: ${JSON.stringify(ca.caFile)}\n`);
  const cases: [string, HeaderSet][] = [['good', GOOD_HEADERS], ...Object.entries(BAD_SITES).map(([id, s]) => [id, withChanges(s.headers)] as [string, HeaderSet])];
  const redirect = http.createServer((_req, res) => res.writeHead(301, { Location: 'https://localhost/' }).end());
  await listen(redirect, 80);
  let agree = 0;
  const oursMs: number[] = [];
  const theirMs: number[] = [];
  console.log(`case | chaingate | Observatory (mapped) | Observatory's failing results | same`);
  for (const [name, headers] of cases) {
    const site = https.createServer({ key: ca.key, cert: ca.cert }, answer({ headers, body: GOOD_BODY }));
    await listen(site, 443);
    try {
      let a: Side | undefined;
      let b: Side | undefined;
      for (let i = 0; i < runs; i++) {
        a = await ours(work, path.join(work, `out-${name}-${i}`));
        b = await theirs(ca.caFile);
        oursMs.push(a.ms);
        theirMs.push(b.ms);
      }
      const same = a!.ids.join() === b!.ids.join();
      if (same) agree++;
      console.log(`${name} | ${a!.ids.join(' ') || '-'} | ${b!.ids.join(' ') || '-'} | ${b!.raw.join(' ') || '-'} | ${same ? 'yes' : 'no'}`);
    } finally {
      await close(site);
    }
  }
  await close(redirect);
  console.log(`\n${agree} of ${cases.length} cases agree after mapping; median wall per scan: chaingate ${median(oursMs).toFixed(0)} ms, Observatory ${median(theirMs).toFixed(0)} ms (${runs} runs a case)`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(ca.dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
