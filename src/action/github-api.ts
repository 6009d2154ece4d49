// The GitHub REST client of the action: @actions/github's Octokit, with retries on what is worth
// retrying (5xx, a dropped connection, secondary rate limits that say when to come back), all
// within one bounded time, and the one-line causes the action's warnings name.
import * as github from '@actions/github';
import { getProxyFetch } from '@actions/github/lib/internal/utils';

export type Octokit = ReturnType<typeof github.getOctokit>;

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** For all requests of one client together: no wait starts that would end later, and no attempt outlasts it by more than a second. */
  totalMs: number;
  /** One attempt is abandoned after this long (a server that accepts and never answers). */
  attemptTimeoutMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  totalMs: 60_000,
  attemptTimeoutMs: 20_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
};

/** What @octokit/request throws: a RequestError with the status, or 500 and no response when the connection failed. */
interface ApiError {
  name?: string;
  message?: string;
  status?: number;
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown };
  attempts?: number;
  /** Why the last retry was not made, when a wait would have passed the time bound. */
  gaveUp?: string;
}

function asApiError(e: unknown): ApiError {
  return (e ?? {}) as ApiError;
}

function isRateLimit(e: ApiError): boolean {
  const h = e.response?.headers ?? {};
  if (e.status !== 403 && e.status !== 429) return false;
  return h['retry-after'] !== undefined || h['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? '');
}

/** Milliseconds to wait before the next attempt, or undefined when the error is final. */
export function retryDelay(e: ApiError, attempt: number, now: number): number | undefined {
  const backoff = 1000 * 2 ** (attempt - 1);
  if (!e.response) return e.status === undefined || e.status >= 500 || e.name === 'AbortError' || e.name === 'TimeoutError' ? backoff : undefined;
  if (e.status !== undefined && e.status >= 500) return backoff;
  if (!isRateLimit(e)) return undefined;
  const h = e.response.headers;
  const after = h['retry-after'];
  if (after !== undefined) {
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    return Number.isNaN(date) ? 60_000 : Math.max(0, date - now);
  }
  const reset = Number(h['x-ratelimit-reset']);
  // GitHub's advice for a secondary limit without retry-after: wait at least a minute.
  return h['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
}

/** An Octokit for `apiUrl` whose every request retries within `retry`'s bounds. */
export function githubClient(token: string, apiUrl: string, retry: RetryPolicy = DEFAULT_RETRY): Octokit {
  const baseUrl = apiUrl.replace(/\/+$/, '');
  // The toolkit's fetch honours the runner's proxy settings; each attempt gets its own deadline
  // here, as a hook cannot change the options the request it wraps was bound to.
  const proxyFetch = getProxyFetch(baseUrl);
  const started = retry.now();
  const remaining = () => retry.totalMs - (retry.now() - started);
  const fetch = (url: string, init: { signal?: AbortSignal } = {}) => {
    const ms = Math.max(1000, Math.min(retry.attemptTimeoutMs, remaining()));
    const deadline = AbortSignal.timeout(ms);
    return proxyFetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline }).catch((e: { name?: string; cause?: { message?: unknown } }) => {
      // Named here, where the cause is at hand: "fetch failed" alone says nothing.
      if (deadline.aborted) throw new Error(`no answer within ${ms / 1000} s`);
      if (typeof e?.cause?.message === 'string') throw new Error(e.cause.message);
      throw e;
    });
  };
  const octokit = github.getOctokit(token, { baseUrl, request: { fetch } });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (e) {
        const err = asApiError(e);
        const delay = retryDelay(err, attempt, retry.now());
        if (delay === undefined || attempt >= retry.attempts || delay > remaining()) {
          if (e !== null && typeof e === 'object') {
            err.attempts = attempt;
            if (delay !== undefined && attempt < retry.attempts) err.gaveUp = `the next attempt would have been in ${Math.ceil(delay / 1000)} s, past the ${Math.round(retry.totalMs / 1000)} s this step waits`;
          }
          throw e;
        }
        await retry.sleep(delay);
      }
    }
  });
  return octokit;
}

function apiMessage(e: ApiError): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  const m = typeof data?.message === 'string' ? data.message : (e.message ?? String(e));
  // One line, bounded: a proxy's HTML error page is not a message.
  return m.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** One line naming why a GitHub call failed, for a warning. */
export function describeApiError(e: unknown): string {
  const err = asApiError(e);
  const tries = err.attempts && err.attempts > 1 ? ` after ${err.attempts} attempts` : '';
  const gaveUp = err.gaveUp ? `; ${err.gaveUp}` : '';
  if (!err.response) return `the GitHub API could not be reached (${apiMessage(err)})${tries}${gaveUp}`;
  const status = err.response.status;
  if (isRateLimit(err)) return `GitHub's rate limit (HTTP ${status}: ${apiMessage(err)})${tries}${gaveUp}`;
  if (status === 401) return `the token was refused (HTTP 401: ${apiMessage(err)})`;
  if (status === 403) return `the token may not write to this pull request (HTTP 403: ${apiMessage(err)}); a pull request from a fork gets a read-only token`;
  if (status === 404) return `the repository or pull request was not found with this token (HTTP 404)`;
  return `GitHub answered HTTP ${status}${tries} (${apiMessage(err)})`;
}
