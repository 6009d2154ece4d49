import { OsvApiUnreachable, osvApiBaseUrl, osvQuery, queryOsvApi, DEFAULT_OSV_API_URL } from '../../src/osv/api';
import { ToolError } from '../../src/errors';
import type { OsvPackage } from '../../src/osv/types';
import { allAdvisories } from './advisories';
import { closedPort, startOsvServer, type OsvServer } from './osv-server';

const PKGS: OsvPackage[] = [
  { ecosystem: 'npm', name: 'lodash', version: '4.17.11', path: 'package-lock.json' },
  { ecosystem: 'npm', name: 'left-pad', version: '1.3.0', path: 'package-lock.json' },
  { ecosystem: 'pypi', name: 'Jinja2', version: '3.1.3', path: 'requirements.txt' },
  { ecosystem: 'golang', name: 'golang.org/x/text', version: 'v0.3.7', path: 'go.mod' },
];

describe('OSV API client against a local server speaking the v1 API', () => {
  let server: OsvServer;
  beforeAll(async () => {
    server = await startOsvServer({
      advisories: allAdvisories(),
      answers: {
        // Two pages: the client must follow next_page_token.
        'npm/lodash@4.17.11': [['GHSA-35jh-r3h4-6jhm', 'GHSA-jf85-cpcp-j695'], ['GHSA-p6mc-m468-83gw']],
        'PyPI/Jinja2@3.1.3': [['GHSA-h75v-3vvj-5mfj']],
        'Go/golang.org/x/text@0.3.7': [['GO-2022-1059']],
      },
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.requests.splice(0));

  it('queries in batches, follows pages, and fetches each advisory once', async () => {
    const r = await queryOsvApi(PKGS, { baseUrl: server.url, batchSize: 3 });
    expect(r.ids).toEqual([['GHSA-35jh-r3h4-6jhm', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw'], [], ['GHSA-h75v-3vvj-5mfj'], ['GO-2022-1059']]);
    expect([...r.advisories.keys()].sort()).toEqual(['GHSA-35jh-r3h4-6jhm', 'GHSA-h75v-3vvj-5mfj', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw', 'GO-2022-1059']);
    const batches = server.requests.filter((q) => q.url === '/v1/querybatch');
    // 4 queries in batches of 3, then the second page of lodash.
    expect(batches.map((b) => (b.body as { queries: unknown[] }).queries.length)).toEqual([3, 1, 1]);
    expect((batches[2].body as { queries: unknown[] }).queries[0]).toEqual({ package: { ecosystem: 'npm', name: 'lodash' }, version: '4.17.11', page_token: 'page-1' });
    expect(server.requests.filter((q) => q.method === 'GET')).toHaveLength(5);
    expect(r.requests).toBe(8);
  });

  it('asks in OSV spelling: PyPI, Go without the v', () => {
    expect(osvQuery(PKGS[2])).toEqual({ package: { ecosystem: 'PyPI', name: 'Jinja2' }, version: '3.1.3' });
    expect(osvQuery(PKGS[3])).toEqual({ package: { ecosystem: 'Go', name: 'golang.org/x/text' }, version: '0.3.7' });
  });

  it('takes the base URL from CHAINGATE_OSV_API_URL, else the public API', () => {
    expect(osvApiBaseUrl({ env: { CHAINGATE_OSV_API_URL: 'http://127.0.0.1:9/' } })).toBe('http://127.0.0.1:9');
    expect(osvApiBaseUrl({ env: {} })).toBe(DEFAULT_OSV_API_URL);
  });

  const X: OsvPackage[] = [{ ecosystem: 'npm', name: 'x', version: '1.0.0', path: 'p' }];

  it('rejects an advisory that is not OSV', async () => {
    const s = await startOsvServer({ advisories: [], answers: { 'npm/x@1.0.0': [['GHSA-broken']] }, garbage: { '/v1/vulns/GHSA-broken': '{"id": 42}' } });
    try {
      await expect(queryOsvApi(X, { baseUrl: s.url })).rejects.toThrow(/OSV API advisory GHSA-broken: unexpected format: id: /);
    } finally {
      await s.close();
    }
  });

  it('fails on a querybatch answer that is not JSON or not the API shape, and on HTTP errors, as ToolError', async () => {
    const s = await startOsvServer({ advisories: [], answers: { 'npm/x@1.0.0': [['GHSA-gone']] }, garbage: { '/v1/querybatch': '<html>proxy error' } });
    const t = await startOsvServer({ advisories: [], answers: {}, garbage: { '/v1/querybatch': '{"results": "none"}' } });
    try {
      await expect(queryOsvApi(X, { baseUrl: s.url })).rejects.toThrow(ToolError);
      await expect(queryOsvApi(X, { baseUrl: s.url })).rejects.toThrow(/not JSON/);
      await expect(queryOsvApi(X, { baseUrl: t.url })).rejects.toThrow(/querybatch response: unexpected format: results/);
    } finally {
      await s.close();
      await t.close();
    }
    const u = await startOsvServer({ advisories: [], answers: { 'npm/x@1.0.0': [['GHSA-gone']] } });
    try {
      await expect(queryOsvApi(X, { baseUrl: u.url })).rejects.toThrow(/GET .*\/v1\/vulns\/GHSA-gone answered HTTP 404/);
    } finally {
      await u.close();
    }
  });

  it('tells an unreachable API apart', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(queryOsvApi(PKGS, { baseUrl: url })).rejects.toBeInstanceOf(OsvApiUnreachable);
    await expect(queryOsvApi(PKGS, { baseUrl: url })).rejects.toThrow(/ECONNREFUSED/);
  });
});
