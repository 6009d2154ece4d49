// Shell: the OSV API client. `POST /v1/querybatch` tells which advisory ids affect each package
// version (paged by next_page_token); `GET /v1/vulns/{id}` returns each advisory in full.
// Responses are validated; the base URL comes from CHAINGATE_OSV_API_URL for mirrors and tests.
import { ToolError } from '../errors';
import { FormatError, validate } from '../parsers/util';
import { OsvAdvisorySchema, OsvBatchResponseSchema, type OsvAdvisory, type OsvQuery } from './schema';
import type { OsvPackage } from './types';
import { baseEcosystem, osvEcosystem } from './versions';

export const DEFAULT_OSV_API_URL = 'https://api.osv.dev';

/** The API could not be reached at all (DNS, refused, timeout): no advisory source online. */
export class OsvApiUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OsvApiUnreachable';
  }
}

export interface OsvApiOptions {
  baseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Per request. */
  timeoutMs?: number;
  /** Queries per querybatch request (the API accepts up to 1000). */
  batchSize?: number;
  /** Parallel GET /v1/vulns requests. */
  concurrency?: number;
  fetchImpl?: typeof fetch;
}

export interface OsvApiResult {
  /** For each package (same order as the input): the advisory ids the API says affect it. */
  ids: string[][];
  advisories: Map<string, OsvAdvisory>;
  requests: number;
}

export function osvApiBaseUrl(opts: OsvApiOptions): string {
  const url = opts.baseUrl ?? opts.env?.CHAINGATE_OSV_API_URL ?? DEFAULT_OSV_API_URL;
  return url.replace(/\/+$/, '');
}

/** The query for a package: OSV ecosystem spelling; Go versions without the leading v. */
export function osvQuery(p: OsvPackage): OsvQuery {
  const ecosystem = osvEcosystem(p.ecosystem);
  const version = baseEcosystem(ecosystem) === 'go' ? p.version.replace(/^v/, '') : p.version;
  return { package: { ecosystem, name: p.name }, version };
}

async function request(url: string, init: RequestInit, opts: OsvApiOptions): Promise<unknown> {
  const f = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new OsvApiUnreachable(`OSV API ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    throw new ToolError('osv', `OSV API ${init.method ?? 'GET'} ${url} answered HTTP ${res.status}: ${text.slice(0, 200).trim()}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ToolError('osv', `OSV API ${url} answered with something that is not JSON (${text.slice(0, 80).trim()}...)`);
  }
}

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

function checked<T>(schema: Parameters<typeof validate<T>>[0], data: unknown, what: string): T {
  try {
    return validate(schema, data, what);
  } catch (e) {
    if (e instanceof FormatError) throw new ToolError('osv', e.message);
    throw e;
  }
}

/** Asks the OSV API about every package; fetches each advisory it names once. */
export async function queryOsvApi(packages: OsvPackage[], opts: OsvApiOptions = {}): Promise<OsvApiResult> {
  const base = osvApiBaseUrl(opts);
  const batchSize = opts.batchSize ?? 1000;
  const ids: string[][] = packages.map(() => []);
  let requests = 0;
  // Pending queries: index into `packages` + page token.
  let pending = packages.map((_, i) => ({ i, token: undefined as string | undefined }));
  while (pending.length) {
    const next: typeof pending = [];
    for (let s = 0; s < pending.length; s += batchSize) {
      const chunk = pending.slice(s, s + batchSize);
      const queries = chunk.map(({ i, token }) => ({ ...osvQuery(packages[i]), ...(token ? { page_token: token } : {}) }));
      const body = await request(`${base}/v1/querybatch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queries }) }, opts);
      requests++;
      const parsed = checked(OsvBatchResponseSchema, body, 'OSV API querybatch response');
      if (parsed.results.length !== chunk.length) {
        throw new ToolError('osv', `OSV API querybatch answered ${parsed.results.length} results for ${chunk.length} queries`);
      }
      parsed.results.forEach((r, k) => {
        const i = chunk[k].i;
        for (const v of r.vulns ?? []) if (!ids[i].includes(v.id)) ids[i].push(v.id);
        if (r.next_page_token) next.push({ i, token: r.next_page_token });
      });
    }
    pending = next;
  }
  const advisories = new Map<string, OsvAdvisory>();
  const wanted = [...new Set(ids.flat())].sort();
  await pool(wanted, opts.concurrency ?? 8, async (id) => {
    const body = await request(`${base}/v1/vulns/${encodeURIComponent(id)}`, { method: 'GET' }, opts);
    requests++;
    const adv = checked(OsvAdvisorySchema, body, `OSV API advisory ${id}`);
    if (adv.id !== id) throw new ToolError('osv', `OSV API answered advisory ${adv.id} when asked for ${id}`);
    advisories.set(id, adv);
  });
  return { ids, advisories, requests };
}
