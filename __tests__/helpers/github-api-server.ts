// A local stand-in for the GitHub REST API on 127.0.0.1, speaking the real shape of the issue
// comment endpoints the action calls: list (paginated with a Link header, as GitHub does), create,
// get, update and delete; and of the issues endpoints (list by state, pull requests included, as
// GitHub does; create; get; update, close and reopen), with GitHub's error bodies: 401 bad credentials, 403 for a read-only
// (fork) token, secondary rate limits with retry-after, and 5xx pages from the edge.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  token?: string;
}

export interface Fault {
  method?: string;
  /** Matched against the path without the query. */
  path?: RegExp;
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** How many requests it answers; then the real handler does again. */
  times: number;
}

export interface ServerIssue {
  id: number;
  node_id: string;
  number: number;
  url: string;
  html_url: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: 'completed' | 'reopened' | 'not_planned' | null;
  labels: { name: string }[];
  user: { login: string; id: number; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  /** Present on pull requests, which the issues list returns too. */
  pull_request?: { url: string };
}

interface TokenInfo {
  login: string;
  type: 'Bot' | 'User';
  write: boolean;
}

const DOCS = 'https://docs.github.com/rest/issues/comments';
const ISSUE_DOCS = 'https://docs.github.com/rest/issues/issues';

/** The response bodies GitHub sends in these cases. */
export const BODIES = {
  forkToken: JSON.stringify({ message: 'Resource not accessible by integration', documentation_url: `${DOCS}#create-an-issue-comment`, status: '403' }),
  secondaryRateLimit: JSON.stringify({
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222.',
    documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    status: '403',
  }),
  badGateway: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n',
};

export class GitHubApiServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Added before each list response is sent, to hold two runs' lists side by side. */
  listDelayMs = 0;
  private comments = new Map<string, ServerComment[]>();
  private issues = new Map<string, ServerIssue[]>();
  private nextId = 1_000_000_000;
  private server?: http.Server;
  private tokens = new Map<string, TokenInfo>([
    ['ghs_write', { login: 'github-actions[bot]', type: 'Bot', write: true }],
    ['ghs_readonly', { login: 'github-actions[bot]', type: 'Bot', write: false }],
    ['ghp_person', { login: 'mallory', type: 'User', write: true }],
  ]);
  url = '';

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The comments of a PR, oldest first. */
  list(owner: string, repo: string, issue: number): ServerComment[] {
    return this.comments.get(`${owner}/${repo}#${issue}`) ?? [];
  }

  /** Adds a comment as `login` would have written it. */
  seed(owner: string, repo: string, issue: number, body: string, login = 'someone', type: 'Bot' | 'User' = 'User'): ServerComment {
    const key = `${owner}/${repo}#${issue}`;
    const list = this.comments.get(key) ?? [];
    const c = this.makeComment(owner, repo, issue, body, { login, type, write: true });
    list.push(c);
    this.comments.set(key, list);
    return c;
  }

  /** The issues of a repository (pull requests among them), by number. */
  issueList(owner: string, repo: string): ServerIssue[] {
    return this.issues.get(`${owner}/${repo}`) ?? [];
  }

  /** Adds an issue (or, with `pullRequest`, a pull request) as `login` would have opened it. */
  seedIssue(owner: string, repo: string, title: string, body: string, opts: { login?: string; type?: 'Bot' | 'User'; state?: 'open' | 'closed'; pullRequest?: boolean } = {}): ServerIssue {
    const i = this.makeIssue(owner, repo, title, body, { login: opts.login ?? 'someone', type: opts.type ?? 'User', write: true });
    if (opts.state === 'closed') Object.assign(i, { state: 'closed', state_reason: 'completed', closed_at: i.created_at });
    if (opts.pullRequest) i.pull_request = { url: `${this.url}/repos/${owner}/${repo}/pulls/${i.number}` };
    return i;
  }

  private makeIssue(owner: string, repo: string, title: string, body: string | null, who: TokenInfo): ServerIssue {
    const key = `${owner}/${repo}`;
    const list = this.issues.get(key) ?? [];
    const id = this.nextId++;
    const number = list.length + 1;
    const now = new Date(Date.UTC(2026, 11, 5, 8, 0, 0) + id - 1_000_000_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const issue: ServerIssue = {
      id,
      node_id: `I_kwDO${id.toString(36)}`,
      number,
      url: `${this.url}/repos/${owner}/${repo}/issues/${number}`,
      html_url: `https://github.example/${owner}/${repo}/issues/${number}`,
      title,
      body,
      state: 'open',
      state_reason: null,
      labels: [],
      user: { login: who.login, id: who.login.length, type: who.type },
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    list.push(issue);
    this.issues.set(key, list);
    return issue;
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private makeComment(owner: string, repo: string, issue: number, body: string, who: TokenInfo): ServerComment {
    const id = this.nextId++;
    const now = new Date(Date.UTC(2026, 11, 5, 8, 0, 0) + id - 1_000_000_000).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      id,
      node_id: `IC_kwDO${id.toString(36)}`,
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `https://github.example/${owner}/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${issue}`,
      body,
      user: { login: who.login, id: who.login.length, type: who.type },
      created_at: now,
      updated_at: now,
      author_association: who.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    };
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' && body.startsWith('<') ? 'text/html' : 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-resource': 'core',
      ...headers,
    });
    res.end(text);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const u = new URL(req.url ?? '/', this.url);
    const auth = req.headers.authorization ?? '';
    const token = auth.replace(/^(token|bearer)\s+/i, '') || undefined;
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.send(res, 400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
    }
    this.requests.push({ method, path: u.pathname, query: Object.fromEntries(u.searchParams), body, token });

    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(u.pathname)));
    if (fault) {
      fault.times--;
      return this.send(res, fault.status, fault.body, fault.headers);
    }
    const who = token ? this.tokens.get(token) : undefined;
    if (!who) return this.send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });

    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(u.pathname);
    if (m) {
      const [owner, repo, issue] = [m[1], m[2], Number(m[3])];
      if (method === 'GET') {
        if (this.listDelayMs) await new Promise((r) => setTimeout(r, this.listDelayMs).unref());
        if (res.destroyed) return;
        return this.sendPage(res, u, this.list(owner, repo, issue));
      }
      if (method === 'POST') {
        if (!who.write) return this.send(res, 403, BODIES.forkToken);
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string') return this.send(res, 422, { message: 'Invalid request.\n\nFor \'properties/body\', nil is not a string.', documentation_url: `${DOCS}#create-an-issue-comment`, status: '422' });
        if (text.length > 65_536) return this.send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' }], documentation_url: `${DOCS}#create-an-issue-comment`, status: '422' });
        const c = this.makeComment(owner, repo, issue, text, who);
        const key = `${owner}/${repo}#${issue}`;
        this.comments.set(key, [...(this.comments.get(key) ?? []), c]);
        return this.send(res, 201, c, { location: c.url });
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(u.pathname);
    if (m) {
      const [owner, repo] = [m[1], m[2]];
      if (method === 'GET') {
        // GitHub's defaults: open issues, newest first.
        const state = u.searchParams.get('state') ?? 'open';
        const all = this.issueList(owner, repo)
          .filter((i) => state === 'all' || i.state === state)
          .sort((a, b) => b.number - a.number);
        return this.sendPage(res, u, all);
      }
      if (method === 'POST') {
        if (!who.write) return this.send(res, 403, BODIES.forkToken);
        const b = (body ?? {}) as { title?: unknown; body?: unknown };
        if (typeof b.title !== 'string' || b.title === '') return this.send(res, 422, { message: 'Invalid request.\n\n"title" wasn\'t supplied.', documentation_url: `${ISSUE_DOCS}#create-an-issue`, status: '422' });
        if (typeof b.body === 'string' && b.body.length > 65_536) return this.send(res, 422, { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }], documentation_url: `${ISSUE_DOCS}#create-an-issue`, status: '422' });
        const i = this.makeIssue(owner, repo, b.title, typeof b.body === 'string' ? b.body : null, who);
        return this.send(res, 201, i, { location: i.url });
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(u.pathname);
    if (m) {
      const i = this.issueList(m[1], m[2]).find((x) => x.number === Number(m![3]));
      if (!i) return this.send(res, 404, { message: 'Not Found', documentation_url: `${ISSUE_DOCS}#get-an-issue`, status: '404' });
      if (method === 'GET') return this.send(res, 200, i);
      if (method === 'PATCH') {
        if (!who.write) return this.send(res, 403, BODIES.forkToken);
        const b = (body ?? {}) as { title?: unknown; body?: unknown; state?: unknown; state_reason?: unknown };
        if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed') return this.send(res, 422, { message: 'Validation Failed', documentation_url: `${ISSUE_DOCS}#update-an-issue`, status: '422' });
        if (typeof b.title === 'string') i.title = b.title;
        if (typeof b.body === 'string') i.body = b.body;
        if (b.state === 'closed' && i.state === 'open') Object.assign(i, { state: 'closed', state_reason: b.state_reason ?? 'completed', closed_at: i.updated_at });
        if (b.state === 'open' && i.state === 'closed') Object.assign(i, { state: 'open', state_reason: 'reopened', closed_at: null });
        i.updated_at = new Date(Date.parse(i.updated_at) + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        return this.send(res, 200, i);
      }
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(u.pathname);
    if (m) {
      const id = Number(m[3]);
      const key = [...this.comments.keys()].find((k) => this.comments.get(k)!.some((c) => c.id === id));
      const c = key ? this.comments.get(key)!.find((x) => x.id === id) : undefined;
      if (!c || !key) return this.send(res, 404, { message: 'Not Found', documentation_url: `${DOCS}#get-an-issue-comment`, status: '404' });
      if (method === 'GET') return this.send(res, 200, c);
      if (!who.write || c.user.login !== who.login) return this.send(res, 403, BODIES.forkToken);
      if (method === 'PATCH') {
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== 'string' || text.length > 65_536) return this.send(res, 422, { message: 'Validation Failed', documentation_url: `${DOCS}#update-an-issue-comment`, status: '422' });
        c.body = text;
        c.updated_at = new Date(Date.parse(c.updated_at) + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        return this.send(res, 200, c);
      }
      if (method === 'DELETE') {
        this.comments.set(key, this.comments.get(key)!.filter((x) => x.id !== id));
        res.writeHead(204);
        return void res.end();
      }
    }
    return this.send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
  }

  /** GitHub's pagination: `per_page` (default 30, at most 100), `page`, and a Link header. */
  private sendPage(res: http.ServerResponse, u: URL, all: unknown[]): void {
    const perPage = Math.min(100, Number(u.searchParams.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(u.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number, rel: string) => {
      const l = new URL(u.toString());
      l.searchParams.set('per_page', String(perPage));
      l.searchParams.set('page', String(p));
      return `<${l.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'));
    this.send(res, 200, all.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
  }
}
