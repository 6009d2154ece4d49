// `headers` scanner: requests each configured URL over real HTTP(S) with Node's own client,
// follows its redirects by hand, and hands what it saw to the pure checks (core/headers.ts).
// Fails closed: a URL that does not answer, a TLS error, a redirect loop, too many hops or a
// server error page makes the scan incomplete, naming the URL and why.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { checkObservation, displayUrl, metaCsps, nextHop, type Observation, type ObservedResponse } from '../core/headers';
import type { Finding } from '../core/finding';
import { ToolError } from '../errors';
import { VERSION } from '../version';
import type { ScanContext, Scanner, ScannerOutcome } from './types';

export const HEADERS = 'headers';

export interface HeadersOptions {
  urls: string[];
  /** PEM file of extra CA certificates (a staging site's private CA), trusted beside the system's. */
  caFile?: string;
  /** For each URL, its whole redirect chain. */
  timeoutMs: number;
  /** Redirects followed before giving up. */
  maxRedirects?: number;
  /** Bytes of an HTML body read to find <meta> CSPs; the rest is not downloaded. */
  maxBodyBytes?: number;
}

/**
 * Sent as Origin with every request: a server that echoes it back with credentials lets any
 * site read its authenticated responses. `.invalid` is reserved (RFC 2606), so it is nobody's.
 */
export const PROBE_ORIGIN = 'https://chaingate-cors-probe.invalid';
export const MAX_REDIRECTS = 10;
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * The only response headers the checks read and the raw output keeps. Others (an
 * `X-Auth-Token`, a session id in a custom header) may be credentials and are never stored.
 */
const KEPT_HEADERS = new Set([
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'content-type',
  'set-cookie',
  'location',
]);

interface Hop extends ObservedResponse {
  location?: string;
}

/** What a failed request says, in words a reader can act on. */
function describeError(e: NodeJS.ErrnoException & { reason?: string }): string {
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/.test(code)) return `TLS error ${code}: ${e.reason ?? e.message}`;
  return code ? `${code}: ${e.message}` : e.message;
}

function isHtml(contentType: string | string[] | undefined): boolean {
  const t = Array.isArray(contentType) ? contentType[0] : contentType;
  return t !== undefined && /^\s*(text\/html|application\/xhtml\+xml)\b/i.test(t);
}

/** One request, its kept headers and (for an HTML page that is not a redirect) its head's meta CSPs. */
function request(url: string, ca: string[] | undefined, deadline: number, maxBody: number): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      reject(new Error('timed out'));
      return;
    }
    const req = lib.request(u, {
      method: 'GET',
      agent: false,
      ca,
      headers: { Origin: PROBE_ORIGIN, 'User-Agent': `chaingate/${VERSION} (headers scanner)`, Accept: 'text/html,*/*;q=0.8', 'Accept-Encoding': 'identity' },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error('timed out'));
    }, remaining);
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    req.on('error', (e) => done(() => reject(e)));
    req.on('response', (res) => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i].toLowerCase();
        if (KEPT_HEADERS.has(name)) headers.push([name, res.rawHeaders[i + 1]]);
      }
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      const hop = { url, status, headers, metaCsp: [] as string[], location };
      const redirect = location !== undefined && status >= 300 && status < 400;
      if (redirect || !isHtml(res.headers['content-type'])) {
        res.destroy();
        done(() => resolve(hop));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => done(() => resolve({ ...hop, metaCsp: metaCsps(Buffer.concat(chunks).toString('utf8')) }));
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        // The head is at the top: what a 2 MiB cap leaves out holds no pragma a browser honours.
        if (size >= maxBody) {
          res.destroy();
          finish();
        }
      });
      res.on('end', finish);
      res.on('error', (e) => done(() => reject(e)));
      // Closed before its end: the timer stopped it, or the server hung up mid-body.
      res.on('close', () => done(() => reject(new Error(timedOut ? 'timed out' : 'the connection closed before the response ended'))));
    });
    req.end();
  });
}

/** The chain of one URL, or why it could not be observed. */
export async function observe(
  url: string,
  opts: HeadersOptions,
  ca: string[] | undefined,
  log: (l: string) => void,
  scanDeadline = Infinity,
): Promise<Observation | { url: string; error: string }> {
  const deadline = Math.min(Date.now() + opts.timeoutMs, scanDeadline);
  const maxRedirects = opts.maxRedirects ?? MAX_REDIRECTS;
  const chain: ObservedResponse[] = [];
  const start = new URL(url);
  start.hash = '';
  const visited = [start.href];
  for (;;) {
    const current = visited[visited.length - 1];
    let hop: Hop;
    try {
      hop = await request(current, ca, deadline, opts.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (e) {
      const why = (e as Error).message !== 'timed out'
        ? describeError(e as NodeJS.ErrnoException)
        : deadline === scanDeadline ? 'the scanner ran out of time (timeout-minutes)' : `no answer within ${opts.timeoutMs / 1000} s`;
      return { url, error: `${displayUrl(current)}: ${why}` };
    }
    log(`GET ${displayUrl(current)} → ${hop.status}`);
    chain.push({ url: hop.url, status: hop.status, headers: hop.headers, metaCsp: hop.metaCsp });
    const next = nextHop(current, hop.status, hop.location, visited, maxRedirects);
    if (next.kind === 'final') return { url, probeOrigin: PROBE_ORIGIN, chain };
    if (next.kind === 'error') return { url, error: next.reason };
    visited.push(next.url);
  }
}

/** The raw output kept: URLs without queries, kept headers only, cookies by name only. */
function rawRecord(o: Observation | { url: string; error: string }): unknown {
  if ('error' in o) return { url: displayUrl(o.url), error: o.error };
  return {
    url: displayUrl(o.url),
    chain: o.chain.map((r) => ({
      url: displayUrl(r.url),
      status: r.status,
      headers: r.headers.map(([n, v]) => [n, n === 'set-cookie' ? cookieShape(v) : n === 'location' ? displayUrl(v) : v]),
      metaCsp: r.metaCsp,
    })),
  };
}

/** A Set-Cookie line without its value: `name=…; Secure; Path=/`. */
function cookieShape(line: string): string {
  const semi = line.indexOf(';');
  const pair = semi === -1 ? line : line.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq === -1 ? '' : pair.slice(0, eq).trim();
  return `${name}=…${semi === -1 ? '' : line.slice(semi)}`;
}

function readCa(file: string): string[] {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ToolError(HEADERS, `cannot read ca-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ToolError(HEADERS, `ca-file ${file} holds no PEM certificate`);
  // Beside the system's roots, not instead: a redirect to a public host must still verify.
  return [...tls.rootCertificates, pem];
}

export async function runHeaders(ctx: ScanContext, opts: HeadersOptions): Promise<ScannerOutcome> {
  if (opts.urls.length === 0) throw new ToolError(HEADERS, 'no URL to check; set headers.urls in the policy or pass --url');
  const ca = opts.caFile ? readCa(opts.caFile) : undefined;
  // timeout-minutes bounds the scanner as a whole, however many URLs wait their timeout-seconds.
  const scanDeadline = Date.now() + ctx.timeoutMs;
  const findings: Finding[] = [];
  const notes: string[] = [];
  const failures: string[] = [];
  const raw: unknown[] = [];
  for (const url of opts.urls) {
    const o = await observe(url, opts, ca, ctx.log, scanDeadline);
    raw.push(rawRecord(o));
    if ('error' in o) {
      failures.push(o.error);
      continue;
    }
    const checked = checkObservation(o);
    findings.push(...checked.findings);
    notes.push(...checked.notes);
    if (checked.incomplete) failures.push(checked.incomplete);
  }
  const rawFile = path.join(ctx.workDir, 'headers.json');
  fs.writeFileSync(rawFile, `${JSON.stringify(raw, null, 2)}\n`);
  if (failures.length > 0) {
    const others = opts.urls.length - failures.length;
    throw new ToolError(HEADERS, `${failures.join('; ')}${others > 0 ? ` (the responses of the other ${others} URL(s) are in ${rawFile})` : ''}`);
  }
  return { findings, rawOutputs: [rawFile], notes };
}

export function createHeadersScanner(opts: HeadersOptions): Scanner {
  return { name: HEADERS, run: (ctx) => runHeaders(ctx, opts) };
}
