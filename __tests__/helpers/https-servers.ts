// Real HTTP(S) servers on 127.0.0.1 for the `headers` scanner, with a test CA made at test time by
// the openssl CLI (nothing key-like is committed). Importable on its own, to run any HTTP
// header scanner (chaingate's, the MDN HTTP Observatory...) against the same sites:
//
//   const sites = await startTestSites();          // a fresh CA, the HTTPS site and its plain-HTTP side
//   sites.urls                                     // name → URL: good, bad/<check>, redirect chains
//   sites.expected                                 // name → the chaingate.headers.* ids chaingate reports
//   // trust sites.ca.caFile (headers.ca-file, NODE_EXTRA_CA_CERTS, curl --cacert)
//   await sites.close();
//
// Lower level: makeTestCa() (a CA and a server cert for 127.0.0.1 and localhost),
// startHttpsServer(ca, siteRoutes(), port?) and startHttpServer(routes, port?).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { tmpDir } from './paths';

export interface TestCa {
  dir: string;
  /** The CA certificate (PEM): what a client must trust. */
  caFile: string;
  /** The server's key and certificate (PEM), for 127.0.0.1 and localhost, signed by the CA. */
  key: string;
  cert: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A fresh CA and a server certificate it signed (EC P-256, 2 days), in a temporary folder. */
export function makeTestCa(name = 'chaingate test CA'): TestCa {
  const dir = tmpDir('chaingate-test-ca-');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    key: fs.readFileSync(path.join(dir, 'server.key'), 'utf8'),
    cert: fs.readFileSync(path.join(dir, 'server.pem'), 'utf8'),
  };
}

export type HeaderSet = Record<string, string | string[]>;

export interface Route {
  status?: number;
  /** Response headers; a function sees the request (to reflect its Origin). */
  headers?: HeaderSet | ((req: http.IncomingMessage) => HeaderSet);
  body?: string;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

/** Path (without query) → route; `*` answers any other path. */
export type Routes = Record<string, Route>;

export interface TestServer {
  /** `https://127.0.0.1:<port>` (or http://). */
  origin: string;
  port: number;
  url(pathname?: string): string;
  /** Requests seen: method, path and the Origin header sent. */
  requests: { method: string; path: string; origin?: string }[];
  close(): Promise<void>;
}

/** The secure baseline: every check of the headers scanner passes on it. */
export const GOOD_HEADERS: HeaderSet = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
  'Content-Security-Policy': "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Set-Cookie': ['__Host-session=S3CRET-SESSION-VALUE; Path=/; Secure; HttpOnly; SameSite=Lax', 'theme=dark; Secure; SameSite=Strict'],
  'Content-Type': 'text/html; charset=utf-8',
};

export const GOOD_BODY = '<!doctype html><html><head><title>ok</title></head><body><p>ok</p></body></html>';

/**
 * One bad header each, on top of GOOD_HEADERS (a value of `null` removes the header): the key is
 * the headers scanner's check id (`chaingate.headers.<key>`) that site must produce, and only it.
 */
export const BAD_SITES: Record<string, { headers: Record<string, string | string[] | null>; body?: string }> = {
  'hsts-missing': { headers: { 'Strict-Transport-Security': null } },
  'hsts-max-age-short': { headers: { 'Strict-Transport-Security': 'max-age=86400; includeSubDomains' } },
  'hsts-no-include-subdomains': { headers: { 'Strict-Transport-Security': 'max-age=63072000' } },
  'csp-missing': { headers: { 'Content-Security-Policy': null, 'X-Frame-Options': 'DENY' } },
  'csp-unsafe-inline': { headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'" } },
  'csp-unsafe-eval': { headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'" } },
  'csp-script-unrestricted': { headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' https: data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'" } },
  'csp-object-src': { headers: { 'Content-Security-Policy': "default-src 'self'; object-src *; base-uri 'self'; frame-ancestors 'self'" } },
  'csp-base-uri-missing': { headers: { 'Content-Security-Policy': "default-src 'self'; object-src 'none'; frame-ancestors 'self'" } },
  'framing-unrestricted': { headers: { 'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'self'" } },
  'cookie-no-secure': { headers: { 'Set-Cookie': ['prefs=S3CRET-PREFS-VALUE; Path=/; SameSite=Lax'] } },
  'cookie-no-httponly': { headers: { 'Set-Cookie': ['PHPSESSID=S3CRET-PHPSESSID-VALUE; Path=/; Secure; SameSite=Lax'] } },
  'cookie-no-samesite': { headers: { 'Set-Cookie': ['prefs=S3CRET-PREFS-VALUE; Path=/; Secure'] } },
  'cookie-prefix-invalid': { headers: { 'Set-Cookie': ['__Host-prefs=S3CRET-PREFS-VALUE; Path=/app; Secure; SameSite=Lax'] } },
  'nosniff-missing': { headers: { 'X-Content-Type-Options': null } },
  'referrer-policy-missing': { headers: { 'Referrer-Policy': null } },
  'referrer-policy-unsafe': { headers: { 'Referrer-Policy': 'unsafe-url' } },
  'cors-wildcard-credentials': { headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' } },
};

/** GOOD_HEADERS with a bad site's changes laid over. */
export function withChanges(changes: Record<string, string | string[] | null>): HeaderSet {
  const out: HeaderSet = { ...GOOD_HEADERS };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * The routes of the test site: `/` good, `/bad/<check>` for each BAD_SITES entry,
 * `/bad/cors-origin-reflected` echoing the request's Origin with credentials, `/meta-csp`
 * (the CSP in a <meta> only, framing by X-Frame-Options), `/error` (503), `/missing` (404 with
 * good headers), `/redirect/loop-a` ↔ `/redirect/loop-b`, `/redirect/to-good` (302 to `/`),
 * `/redirect/javascript` (Location javascript:), `/redirect/hops/<n>` (n redirects to `/`).
 * `downgradeTo`: `/redirect/downgrade` answers 302 to that plain-HTTP URL.
 */
export function siteRoutes(opts: { downgradeTo?: string } = {}): Routes {
  const routes: Routes = {
    '/': { headers: GOOD_HEADERS, body: GOOD_BODY },
    '/bad/cors-origin-reflected': {
      headers: (req) => ({ ...GOOD_HEADERS, 'Access-Control-Allow-Origin': req.headers.origin ?? 'null', 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }),
      body: GOOD_BODY,
    },
    '/meta-csp': {
      headers: withChanges({ 'Content-Security-Policy': null, 'X-Frame-Options': 'SAMEORIGIN' }),
      body: `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; object-src 'none'; base-uri 'self'"><title>meta</title></head><body></body></html>`,
    },
    '/error': { status: 503, headers: GOOD_HEADERS, body: 'down' },
    '/missing': { status: 404, headers: GOOD_HEADERS, body: GOOD_BODY },
    '/redirect/loop-a': { status: 302, headers: { Location: '/redirect/loop-b' } },
    '/redirect/loop-b': { status: 302, headers: { Location: '/redirect/loop-a' } },
    '/redirect/to-good': { status: 302, headers: { ...GOOD_HEADERS, Location: '/' } },
    '/redirect/javascript': { status: 302, headers: { Location: 'javascript:alert(1)' } },
    '/hang': { hang: true },
  };
  for (const [id, site] of Object.entries(BAD_SITES)) routes[`/bad/${id}`] = { headers: withChanges(site.headers), body: site.body ?? GOOD_BODY };
  for (let n = 1; n <= 12; n++) routes[`/redirect/hops/${n}`] = { status: 302, headers: { Location: n === 1 ? '/' : `/redirect/hops/${n - 1}` } };
  if (opts.downgradeTo) routes['/redirect/downgrade'] = { status: 302, headers: { ...GOOD_HEADERS, Location: opts.downgradeTo } };
  return routes;
}

function handler(routes: Routes, requests: TestServer['requests']): http.RequestListener {
  return (req, res) => {
    const p = (req.url ?? '/').split('?')[0];
    requests.push({ method: req.method ?? '', path: p, origin: req.headers.origin });
    const route = routes[p] ?? routes['*'];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (route.hang) return;
    const headers = typeof route.headers === 'function' ? route.headers(req) : (route.headers ?? {});
    res.writeHead(route.status ?? 200, headers);
    res.end(route.body ?? '');
  };
}

async function listen(server: http.Server | https.Server, scheme: 'http' | 'https', requests: TestServer['requests'], port = 0): Promise<TestServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const origin = `${scheme}://127.0.0.1:${bound}`;
  return {
    origin,
    port: bound,
    url: (p = '/') => `${origin}${p}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An HTTPS server on 127.0.0.1 (a free port, or `port`) with the CA's server certificate. */
export function startHttpsServer(ca: TestCa, routes: Routes, port = 0): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  return listen(https.createServer({ key: ca.key, cert: ca.cert }, handler(routes, requests)), 'https', requests, port);
}

/** A plain-HTTP server on 127.0.0.1 (a free port, or `port`). Routes may be added once it listens. */
export function startHttpServer(routes: Routes, port = 0): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  return listen(http.createServer(handler(routes, requests)), 'http', requests, port);
}

export interface TestSites {
  ca: TestCa;
  site: TestServer;
  plain: TestServer;
  /** Every test URL by name: `good`, `meta-csp`, `bad/<check>`, `http-redirect`, `http-only`... */
  urls: Record<string, string>;
  /**
   * The chaingate.headers.* ids (without the prefix, sorted) chaingate reports for each URL of
   * `urls` that it can scan; `incomplete` for those it must refuse (loop, hops, javascript:, 5xx).
   */
  expected: Record<string, string[] | 'incomplete'>;
  close(): Promise<void>;
}

/**
 * The whole test setup: a fresh CA, the HTTPS site (siteRoutes) and its plain-HTTP side, where
 * `/` redirects to the HTTPS site at once, `/stays` answers over HTTP, `/via-http` takes another
 * HTTP hop first, and `/plain` is where the HTTPS site's `/redirect/downgrade` lands.
 */
export async function startTestSites(ports: { https?: number; http?: number } = {}): Promise<TestSites> {
  const ca = makeTestCa();
  // Each side's routes name the other's port: the plain side's are filled in once both listen.
  const plainRoutes: Routes = {};
  const plain = await startHttpServer(plainRoutes, ports.http);
  const site = await startHttpsServer(ca, siteRoutes({ downgradeTo: `${plain.origin}/plain` }), ports.https);
  const page = { headers: { 'Content-Type': 'text/html' }, body: '<html></html>' };
  Object.assign(plainRoutes, {
    '/': { status: 301, headers: { Location: site.url('/') } },
    '/stays': page,
    '/via-http': { status: 301, headers: { Location: `${plain.origin}/` } },
    '/plain': page,
  });
  const plainPage = ['csp-missing', 'framing-unrestricted', 'nosniff-missing', 'referrer-policy-missing'];
  const urls: Record<string, string> = {
    good: site.url('/'),
    'meta-csp': site.url('/meta-csp'),
    'not-found': site.url('/missing'),
    'redirect-relative': site.url('/redirect/to-good'),
    'http-redirect': plain.url('/'),
    'http-only': plain.url('/stays'),
    'http-via-http': plain.url('/via-http'),
    downgrade: site.url('/redirect/downgrade'),
    'cors-origin-reflected': site.url('/bad/cors-origin-reflected'),
    'server-error': site.url('/error'),
    'redirect-loop': site.url('/redirect/loop-a'),
    'redirect-11-hops': site.url('/redirect/hops/11'),
    'redirect-javascript': site.url('/redirect/javascript'),
  };
  const expected: TestSites['expected'] = {
    good: [],
    'meta-csp': [],
    'not-found': [],
    'redirect-relative': [],
    'http-redirect': [],
    'http-only': [...plainPage, 'no-https-redirect'].sort(),
    'http-via-http': ['no-https-redirect'],
    downgrade: [...plainPage, 'https-downgrade'].sort(),
    'cors-origin-reflected': ['cors-origin-reflected'],
    'server-error': 'incomplete',
    'redirect-loop': 'incomplete',
    'redirect-11-hops': 'incomplete',
    'redirect-javascript': 'incomplete',
  };
  for (const id of Object.keys(BAD_SITES)) {
    urls[`bad/${id}`] = site.url(`/bad/${id}`);
    expected[`bad/${id}`] = [id];
  }
  return {
    ca,
    site,
    plain,
    urls,
    expected,
    close: async () => {
      await site.close();
      await plain.close();
    },
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
