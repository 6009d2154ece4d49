// Test helper: an OSV API (v1) on 127.0.0.1 speaking the real request and response shapes,
// answering from a table of package@version → advisory ids and serving the fixture advisories.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OsvAdvisory } from '../../src/osv/schema';

export interface OsvServer {
  url: string;
  requests: { method: string; url: string; body: unknown }[];
  close(): Promise<void>;
}

export interface OsvServerOptions {
  /** "Ecosystem/name@version" → pages of ids (each page but the last carries a next_page_token). */
  answers: Record<string, string[][]>;
  advisories: OsvAdvisory[];
  /** Replace the body of one path with this text (fault injection). */
  garbage?: Record<string, string>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startOsvServer(opts: OsvServerOptions): Promise<OsvServer> {
  const requests: OsvServer['requests'] = [];
  const byId = new Map(opts.advisories.map((a) => [a.id, a]));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(res, 400, { code: 3, message: 'invalid JSON' });
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      const garbage = opts.garbage?.[req.url ?? ''];
      if (garbage !== undefined) return send(res, 200, garbage);
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        const queries = (body as { queries?: unknown[] })?.queries;
        if (!Array.isArray(queries) || queries.length > 1000) return send(res, 400, { code: 3, message: 'too many queries' });
        const results = queries.map((q) => {
          const { package: p, version, page_token } = q as { package?: { ecosystem?: string; name?: string }; version?: string; page_token?: string };
          if (!p?.ecosystem || !p.name || !version) return { error: 'bad query' };
          const pages = opts.answers[`${p.ecosystem}/${p.name}@${version}`] ?? [];
          const page = page_token ? Number(page_token.replace('page-', '')) : 0;
          const ids = pages[page] ?? [];
          return {
            ...(ids.length ? { vulns: ids.map((id) => ({ id, modified: byId.get(id)?.modified ?? '2024-01-01T00:00:00Z' })) } : {}),
            ...(page + 1 < pages.length ? { next_page_token: `page-${page + 1}` } : {}),
          };
        });
        if (results.some((r) => 'error' in r)) return send(res, 400, { code: 3, message: 'invalid query' });
        return send(res, 200, { results });
      }
      // POST /v1/query: one package version, the full advisories in the answer ({} when none).
      if (req.method === 'POST' && req.url === '/v1/query') {
        const { package: p, version } = (body ?? {}) as { package?: { ecosystem?: string; name?: string }; version?: string };
        if (!p?.ecosystem || !p.name || !version) return send(res, 400, { code: 3, message: 'invalid query' });
        const ids = (opts.answers[`${p.ecosystem}/${p.name}@${version}`] ?? []).flat();
        const vulns = ids.map((id) => byId.get(id)).filter((a) => a !== undefined);
        return send(res, 200, vulns.length ? { vulns } : {});
      }
      const m = /^\/v1\/vulns\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const a = byId.get(decodeURIComponent(m[1]));
        return a ? send(res, 200, a) : send(res, 404, { code: 5, message: 'Bug not found.' });
      }
      send(res, 404, { code: 5, message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
