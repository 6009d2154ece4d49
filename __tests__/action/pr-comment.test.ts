// The PR comment through @actions/github's Octokit against a local server that speaks GitHub's
// REST shape: upsert by marker, pagination, two runs at once, and every failure the action must
// survive (fork token, rate limits, 5xx, no network, a server that never answers).
import * as net from 'node:net';
import { describeApiError, githubClient, retryDelay, type RetryPolicy } from '../../src/action/github-api';
import { upsertComment, type PullRequestRef } from '../../src/action/pr-comment';
import { commentMarker } from '../../src/reports/pr-comment';
import { BODIES, GitHubApiServer } from '../helpers/github-api-server';

const PR: PullRequestRef = { owner: 'octo-org', repo: 'app', number: 7 };
const MARKER = commentMarker('.', '.chaingate.yml');
const body = (text: string, marker = MARKER) => `${marker}\n\n${text}\n`;

let server: GitHubApiServer;
let sleeps: number[];
const retry = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({
  attempts: 5,
  totalMs: 60_000,
  attemptTimeoutMs: 5_000,
  sleep: async (ms) => void sleeps.push(ms),
  // The clock moves by the waits too, as it would if they were slept.
  now: () => Date.now() + sleeps.reduce((a, b) => a + b, 0),
  ...over,
});
const client = (token = 'ghs_write', over: Partial<RetryPolicy> = {}) => githubClient(token, server.url, retry(over));

beforeEach(async () => {
  server = new GitHubApiServer();
  await server.start();
  sleeps = [];
});
afterEach(() => server.stop());

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('upsertComment', () => {
  it('creates the comment once, then updates it in place', async () => {
    const octokit = client();
    const first = await upsertComment(octokit, PR, MARKER, body('fail'), true);
    expect(first.action).toBe('created');
    expect(first.url).toMatch(/^https:\/\/github\.example\/octo-org\/app\/pull\/7#issuecomment-\d+$/);
    const second = await upsertComment(octokit, PR, MARKER, body('still failing'), true);
    expect(second).toEqual({ action: 'updated', url: first.url });
    const third = await upsertComment(octokit, PR, MARKER, body('still failing'), true);
    expect(third).toEqual({ action: 'unchanged', url: first.url });
    expect(server.list('octo-org', 'app', 7).map((c) => c.body)).toEqual([body('still failing')]);
    expect(server.writes().map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(server.requests.every((r) => r.token === 'ghs_write')).toBe(true);
  });

  it('without `create`, leaves a PR without the comment alone and still updates an existing one', async () => {
    const octokit = client();
    expect(await upsertComment(octokit, PR, MARKER, body('pass'), false)).toEqual({ action: 'none' });
    expect(server.writes()).toEqual([]);
    const c = server.seed('octo-org', 'app', 7, body('fail'), 'github-actions[bot]', 'Bot');
    expect(await upsertComment(octokit, PR, MARKER, body('pass'), false)).toEqual({ action: 'updated', url: c.html_url });
    expect(server.list('octo-org', 'app', 7)[0].body).toBe(body('pass'));
  });

  it('finds its comment on the second page of a PR with 120 comments', async () => {
    for (let i = 0; i < 115; i++) server.seed('octo-org', 'app', 7, `comment ${i}`);
    const mine = server.seed('octo-org', 'app', 7, body('old'), 'github-actions[bot]', 'Bot');
    for (let i = 0; i < 4; i++) server.seed('octo-org', 'app', 7, `later ${i}`);
    const out = await upsertComment(client(), PR, MARKER, body('new'), true);
    expect(out).toEqual({ action: 'updated', url: mine.html_url });
    const lists = server.requests.filter((r) => r.method === 'GET');
    expect(lists.map((r) => [r.query.per_page, r.query.page ?? '1'])).toEqual([
      ['100', '1'],
      ['100', '2'],
    ]);
    expect(server.list('octo-org', 'app', 7)).toHaveLength(120);
    expect(server.writes().map((r) => [r.method, r.path])).toEqual([['PATCH', `/repos/octo-org/app/issues/comments/${mine.id}`]]);
  });

  it('two concurrent runs of one gate leave exactly one comment, with one of their bodies', async () => {
    server.listDelayMs = 150;
    const [a, b] = await Promise.all([
      upsertComment(client(), PR, MARKER, body('run a'), true),
      upsertComment(client(), PR, MARKER, body('run b'), true),
    ]);
    // The race happened: both listed before either created.
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    const left = server.list('octo-org', 'app', 7);
    expect(left).toHaveLength(1);
    expect([body('run a'), body('run b')]).toContain(left[0].body);
    expect(a.url).toBe(left[0].html_url);
    expect(b.url).toBe(left[0].html_url);
    expect(server.requests.some((r) => r.method === 'DELETE')).toBe(true);
  });

  it('removes duplicates an earlier race left, keeping the oldest', async () => {
    const old = server.seed('octo-org', 'app', 7, body('one'), 'github-actions[bot]', 'Bot');
    const dup = server.seed('octo-org', 'app', 7, body('two'), 'github-actions[bot]', 'Bot');
    const out = await upsertComment(client(), PR, MARKER, body('three'), true);
    expect(out).toEqual({ action: 'updated', url: old.html_url });
    expect(server.list('octo-org', 'app', 7).map((c) => [c.id, c.body])).toEqual([[old.id, body('three')]]);
    expect(server.writes().map((r) => [r.method, r.path])).toContainEqual(['DELETE', `/repos/octo-org/app/issues/comments/${dup.id}`]);
  });

  it("ignores a person's copy of the marker when the bot's comment exists, and a marker that is not on the first line", async () => {
    server.seed('octo-org', 'app', 7, body('fake by a person'), 'mallory', 'User');
    server.seed('octo-org', 'app', 7, `quoting:\n${body('x')}`, 'github-actions[bot]', 'Bot');
    const mine = server.seed('octo-org', 'app', 7, body('real'), 'github-actions[bot]', 'Bot');
    expect(await upsertComment(client(), PR, MARKER, body('updated'), true)).toEqual({ action: 'updated', url: mine.html_url });
    expect(server.list('octo-org', 'app', 7).map((c) => c.body)).toEqual([body('fake by a person'), `quoting:\n${body('x')}`, body('updated')]);
  });

  it('two gates in one workflow keep two comments', async () => {
    const other = commentMarker('services/api', 'services/api/.chaingate.yml');
    await upsertComment(client(), PR, MARKER, body('root'), true);
    await upsertComment(client(), PR, other, body('api', other), true);
    await upsertComment(client(), PR, MARKER, body('root again'), true);
    expect(server.list('octo-org', 'app', 7).map((c) => c.body)).toEqual([body('root again'), body('api', other)]);
  });
});

describe('failures: the call fails with a cause the warning can name', () => {
  it('a read-only (fork) token: 403 at once, no retry', async () => {
    const e = await failure(upsertComment(client('ghs_readonly'), PR, MARKER, body('x'), true));
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(describeApiError(e)).toBe(
      'the token may not write to this pull request (HTTP 403: Resource not accessible by integration); a pull request from a fork gets a read-only token',
    );
  });

  it('a token the API refuses, and a repository it cannot see', async () => {
    expect(describeApiError(await failure(upsertComment(client('ghs_unknown'), PR, MARKER, body('x'), true)))).toBe('the token was refused (HTTP 401: Bad credentials)');
    server.faults.push({ path: /comments$/, status: 404, body: JSON.stringify({ message: 'Not Found', status: '404' }), times: 1 });
    expect(describeApiError(await failure(upsertComment(client(), PR, MARKER, body('x'), true)))).toBe('the repository or pull request was not found with this token (HTTP 404)');
  });

  it('a secondary rate limit with retry-after: waits that long, then succeeds', async () => {
    server.faults.push({ method: 'POST', status: 403, headers: { 'retry-after': '3' }, body: BODIES.secondaryRateLimit, times: 1 });
    server.faults.push({ method: 'PATCH', status: 429, headers: { 'retry-after': '1' }, body: BODIES.secondaryRateLimit, times: 1 });
    const octokit = client();
    expect((await upsertComment(octokit, PR, MARKER, body('x'), true)).action).toBe('created');
    expect((await upsertComment(octokit, PR, MARKER, body('y'), true)).action).toBe('updated');
    expect(sleeps).toEqual([3000, 1000]);
    expect(server.list('octo-org', 'app', 7).map((c) => c.body)).toEqual([body('y')]);
  });

  it('a secondary rate limit asking for longer than the bound: gives up without waiting', async () => {
    server.faults.push({ method: 'GET', status: 403, headers: { 'retry-after': '120' }, body: BODIES.secondaryRateLimit, times: 1 });
    const e = await failure(upsertComment(client(), PR, MARKER, body('x'), true));
    expect(sleeps).toEqual([]);
    expect(describeApiError(e)).toMatch(
      /^GitHub's rate limit \(HTTP 403: You have exceeded a secondary rate limit\. .*\); the next attempt would have been in 120 s, past the 60 s this step waits$/,
    );
  });

  it('the time bound is for all calls of the comment together, not per call', async () => {
    server.faults.push({ method: 'GET', status: 403, headers: { 'retry-after': '40' }, body: BODIES.secondaryRateLimit, times: 1 });
    server.faults.push({ method: 'POST', status: 403, headers: { 'retry-after': '30' }, body: BODIES.secondaryRateLimit, times: 1 });
    const e = await failure(upsertComment(client(), PR, MARKER, body('x'), true));
    expect(sleeps).toEqual([40_000]);
    expect(describeApiError(e)).toMatch(/the next attempt would have been in 30 s, past the 60 s this step waits$/);
  });

  it('502 from the edge: retried with backoff, succeeds on the third attempt', async () => {
    server.faults.push({ method: 'POST', status: 502, body: BODIES.badGateway, times: 2 });
    expect((await upsertComment(client(), PR, MARKER, body('x'), true)).action).toBe('created');
    expect(sleeps).toEqual([1000, 2000]);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
  });

  it('502 every time: a bounded number of attempts, then the cause', async () => {
    server.faults.push({ status: 502, body: BODIES.badGateway, times: 100 });
    const e = await failure(upsertComment(client(), PR, MARKER, body('x'), true));
    expect(server.requests).toHaveLength(5);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(describeApiError(e)).toBe('GitHub answered HTTP 502 after 5 attempts (<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>)');
  });

  it('the bound on total time stops the backoff before the attempts run out', async () => {
    server.faults.push({ status: 503, body: JSON.stringify({ message: 'Service Unavailable' }), times: 100 });
    const e = await failure(upsertComment(client('ghs_write', { totalMs: 5_000 }), PR, MARKER, body('x'), true));
    expect(sleeps).toEqual([1000, 2000]);
    expect(describeApiError(e)).toBe('GitHub answered HTTP 503 after 3 attempts (Service Unavailable)');
  });

  it('no network: the connection is refused, retried, then named', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const octokit = githubClient('ghs_write', `http://127.0.0.1:${port}/`, retry({ attempts: 3 }));
    const e = await failure(upsertComment(octokit, PR, MARKER, body('x'), true));
    expect(sleeps).toEqual([1000, 2000]);
    expect(describeApiError(e)).toBe(`the GitHub API could not be reached (connect ECONNREFUSED 127.0.0.1:${port}) after 3 attempts`);
  });

  it('a server that accepts and never answers: each attempt times out', async () => {
    server.listDelayMs = 10_000;
    const e = await failure(upsertComment(client('ghs_write', { attempts: 2, attemptTimeoutMs: 300 }), PR, MARKER, body('x'), true));
    expect(server.requests).toHaveLength(2);
    expect(describeApiError(e)).toBe('the GitHub API could not be reached (no answer within 1 s) after 2 attempts');
  });
});

describe('retryDelay', () => {
  const err = (status: number, headers: Record<string, string>, message = '') => ({ status, message, response: { status, headers } });
  it('reads retry-after in seconds or as a date, and the primary limit reset', () => {
    expect(retryDelay(err(403, { 'retry-after': '0' }), 1, 0)).toBe(0);
    expect(retryDelay(err(429, { 'retry-after': 'Sat, 05 Dec 2026 08:00:30 GMT' }), 1, Date.parse('2026-12-05T08:00:00Z'))).toBe(30_000);
    expect(retryDelay(err(429, { 'retry-after': 'soon' }), 1, 0)).toBe(60_000);
    expect(retryDelay(err(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '100' }), 1, 90_000)).toBe(10_000);
    expect(retryDelay(err(403, {}, 'You have exceeded a secondary rate limit'), 1, 0)).toBe(60_000);
  });
  it('backs off on 5xx and dropped connections, and never retries other client errors', () => {
    expect(retryDelay(err(500, {}), 3, 0)).toBe(4000);
    expect(retryDelay({ status: 500, message: 'fetch failed' }, 1, 0)).toBe(1000);
    expect(retryDelay({ name: 'TimeoutError', message: 'timed out' }, 2, 0)).toBe(2000);
    expect(retryDelay(err(403, {}, 'Resource not accessible by integration'), 1, 0)).toBeUndefined();
    expect(retryDelay(err(422, {}), 1, 0)).toBeUndefined();
    expect(retryDelay({ status: 400, message: 'x' }, 1, 0)).toBeUndefined();
  });
});
