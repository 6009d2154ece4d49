// The headers scanner over real HTTPS: servers on 127.0.0.1 with a CA made at test time. A good
// site gives no finding, each bad header exactly its finding, redirect chains are followed by
// hand (http→https fine, https→http a finding, loops and too many hops incomplete), and a URL
// that does not answer, times out or presents an untrusted certificate fails the scan naming it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HEADER_CHECKS } from '../../src/core/headers';
import { ToolError } from '../../src/errors';
import { createHeadersScanner, PROBE_ORIGIN, runHeaders, type HeadersOptions } from '../../src/scanners/headers';
import type { ScanContext, ScannerOutcome } from '../../src/scanners/types';
import { tmpDir } from '../helpers/paths';
import { BAD_SITES, closedPort, makeTestCa, startTestSites, type TestCa, type TestServer, type TestSites } from '../helpers/https-servers';

let ca: TestCa;
let other: TestCa;
let site: TestServer;
let plain: TestServer;
let sites: TestSites;

function context(): ScanContext & { lines: string[] } {
  const lines: string[] = [];
  return { dir: tmpDir(), workDir: tmpDir('chaingate-headers-'), toolPath: () => '', timeoutMs: 60_000, env: {}, log: (l) => lines.push(l), lines };
}

function scan(urls: string[], extra: Partial<HeadersOptions> = {}, ctx = context()): Promise<ScannerOutcome> {
  return createHeadersScanner({ urls, caFile: ca.caFile, timeoutMs: 5_000, ...extra }).run(ctx);
}

const ids = (o: ScannerOutcome) => o.findings.map((f) => f.id.replace('chaingate.headers.', '')).sort();

async function failure(p: Promise<unknown>): Promise<ToolError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ToolError);
  return e as ToolError;
}

beforeAll(async () => {
  sites = await startTestSites();
  ({ ca, site, plain } = sites);
  other = makeTestCa('another CA');
});

afterAll(async () => {
  await sites?.close();
});

describe('headers scanner on real HTTPS servers', () => {
  it('finds nothing on a site with good headers, sending the probe Origin, and keeps no cookie value', async () => {
    const ctx = context();
    const out = await scan([site.url('/')], {}, ctx);
    expect(out.findings).toEqual([]);
    expect(out.rawOutputs).toEqual([path.join(ctx.workDir, 'headers.json')]);
    const raw = fs.readFileSync(out.rawOutputs[0], 'utf8');
    expect(raw).toContain('__Host-session=…; Path=/; Secure; HttpOnly; SameSite=Lax');
    expect(raw).not.toContain('S3CRET');
    expect(site.requests.at(-1)).toEqual({ method: 'GET', path: '/', origin: PROBE_ORIGIN });
    expect(ctx.lines).toEqual([`GET ${site.url('/')} → 200`]);
  });

  it.each(Object.keys(BAD_SITES).map((k) => [k]))('finds exactly %s on the site with that one bad header', async (id) => {
    const out = await scan([site.url(`/bad/${id}`)]);
    expect(ids(out)).toEqual([id]);
    const f = out.findings[0];
    expect(f).toMatchObject({ kind: 'misconfiguration', tools: ['headers'], location: { path: site.url(`/bad/${id}`) }, severity: HEADER_CHECKS[id as keyof typeof HEADER_CHECKS].severity });
    expect(JSON.stringify(out)).not.toContain('S3CRET');
  });

  it('gives, on every URL of the shared test sites, what their `expected` table says (the table the Observatory comparison reads)', async () => {
    const got: Record<string, string[] | 'incomplete'> = {};
    for (const [name, url] of Object.entries(sites.urls)) {
      got[name] = await scan([url]).then(ids, (e: unknown) => {
        if (!(e instanceof ToolError)) throw e;
        return 'incomplete';
      });
    }
    expect(got).toEqual(sites.expected);
  });

  it('finds a server that reflects any Origin with credentials', async () => {
    const out = await scan([site.url('/bad/cors-origin-reflected')]);
    expect(ids(out)).toEqual(['cors-origin-reflected']);
    expect(out.findings[0].severity).toBe('high');
  });

  it('reads a CSP given in <meta> (and X-Frame-Options for framing)', async () => {
    expect((await scan([site.url('/meta-csp')])).findings).toEqual([]);
  });

  it('follows an http→https redirect without a finding, and checks the final page', async () => {
    const ctx = context();
    const out = await scan([plain.url('/')], {}, ctx);
    expect(out.findings).toEqual([]);
    expect(ctx.lines).toEqual([`GET ${plain.url('/')} → 301`, `GET ${site.url('/')} → 200`]);
  });

  it('follows a relative redirect on the same site', async () => {
    expect((await scan([site.url('/redirect/to-good')])).findings).toEqual([]);
  });

  it('finds a plain-HTTP page, and an http hop before https, as no-https-redirect', async () => {
    const stays = await scan([plain.url('/stays')]);
    expect(ids(stays)).toEqual(['csp-missing', 'framing-unrestricted', 'no-https-redirect', 'nosniff-missing', 'referrer-policy-missing']);
    expect(stays.findings.find((f) => f.id.endsWith('no-https-redirect'))?.severity).toBe('high');
    const via = await scan([plain.url('/via-http')]);
    expect(ids(via)).toEqual(['no-https-redirect']);
  });

  it('finds an https→http downgrade in the chain', async () => {
    const out = await scan([site.url('/redirect/downgrade')]);
    expect(ids(out)).toContain('https-downgrade');
    expect(out.findings.find((f) => f.id.endsWith('https-downgrade'))?.description).toContain(`${plain.origin}/plain`);
  });

  it('checks a 404 page and says so in a note', async () => {
    const out = await scan([site.url('/missing')]);
    expect(out.findings).toEqual([]);
    expect(out.notes).toEqual([`${site.url('/missing')} answered 404: its headers were checked as they are`]);
  });

  it('fails on a 5xx page, naming the URL', async () => {
    const e = await failure(scan([site.url('/error')]));
    expect(e.message).toContain(`${site.url('/error')} answered 503`);
  });

  it('fails on a closed port, naming the URL', async () => {
    const port = await closedPort();
    const e = await failure(scan([`https://127.0.0.1:${port}/`]));
    expect(e.message).toBe(`https://127.0.0.1:${port}/: connection refused`);
  });

  it('fails on a certificate of a CA it does not trust, and without the ca-file', async () => {
    const wrong = await failure(scan([site.url('/')], { caFile: other.caFile }));
    expect(wrong.message).toMatch(new RegExp(`^${site.url('/').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: TLS error [A-Z_]+`));
    const none = await failure(scan([site.url('/')], { caFile: undefined }));
    expect(none.message).toContain('TLS error');
  });

  it('fails on a URL that does not answer in time', async () => {
    const started = Date.now();
    const e = await failure(scan([site.url('/hang')], { timeoutMs: 500 }));
    expect(e.message).toBe(`${site.url('/hang')}: no answer within 0.5 s`);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('stops at the scanner\'s own timeout, however long each URL may take', async () => {
    const ctx = { ...context(), timeoutMs: 300 };
    const e = await failure(scan([site.url('/hang'), site.url('/hang')], { timeoutMs: 60_000 }, ctx));
    expect(e.message).toBe(`${site.url('/hang')}: the scanner ran out of time (timeout-minutes); ${site.url('/hang')}: the scanner ran out of time (timeout-minutes)`);
  });

  it('fails on a redirect loop, too many hops and a javascript: redirect', async () => {
    expect((await failure(scan([site.url('/redirect/loop-a')]))).message).toContain(`redirect loop: ${site.url('/redirect/loop-b')} leads back to ${site.url('/redirect/loop-a')}`);
    expect((await failure(scan([site.url('/redirect/hops/12')])))).toBeDefined();
    expect((await scan([site.url('/redirect/hops/10')])).findings).toEqual([]);
    expect((await failure(scan([site.url('/redirect/hops/11')]))).message).toContain('more than 10 redirects');
    expect((await failure(scan([site.url('/redirect/javascript')]))).message).toContain('redirects to a javascript: URL, not http(s)');
  });

  it('names every failing URL and keeps the others in the raw output', async () => {
    const port = await closedPort();
    const ctx = context();
    const e = await failure(scan([site.url('/bad/nosniff-missing'), `https://127.0.0.1:${port}/x?token=S3CRET`], {}, ctx));
    expect(e.message).toContain(`https://127.0.0.1:${port}/x?…: connection refused`);
    expect(e.message).toContain('the responses of the other 1 URL(s)');
    expect(e.message).not.toContain('S3CRET');
    const raw = JSON.parse(fs.readFileSync(path.join(ctx.workDir, 'headers.json'), 'utf8'));
    expect(raw).toHaveLength(2);
    expect(JSON.stringify(raw)).not.toContain('S3CRET');
  });

  it('refuses to run without a URL, or with an unreadable or non-PEM ca-file', async () => {
    expect((await failure(runHeaders(context(), { urls: [], timeoutMs: 1000 }))).message).toContain('no URL to check');
    expect((await failure(scan([site.url('/')], { caFile: path.join(tmpDir(), 'nope.pem') }))).message).toContain('cannot read ca-file');
    const notPem = path.join(tmpDir(), 'x.pem');
    fs.writeFileSync(notPem, 'hello');
    expect((await failure(scan([site.url('/')], { caFile: notPem }))).message).toContain('holds no PEM certificate');
  });
});
