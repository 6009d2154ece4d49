// The tracking issue and the action's history, through the action's entry on scheduled runs:
// the real OSV matcher on a real npm lockfile, @actions/github's Octokit against a local server
// speaking GitHub's REST shape for issues, faults included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../../src/action/main';
import { githubClient, type RetryPolicy } from '../../src/action/github-api';
import { syncTrackingIssue } from '../../src/action/tracking-issue';
import { parseHistory } from '../../src/core/history';
import { runTool } from '../../src/process/run-tool';
import { renderTrackingIssue, trackingMarker } from '../../src/reports/tracking-issue';
import { commentMarker } from '../../src/reports/pr-comment';
import { gateResult } from '../reports/build';
import { makeFinding } from '../../src/core/finding';
import { BODIES, GitHubApiServer } from '../helpers/github-api-server';
import { REPO, tmpDir } from '../helpers/paths';
import { captureActionIo } from '../helpers/action-io';

const REPO_REF = { owner: 'octo-org', repo: 'app' };
const MARKER = trackingMarker(commentMarker('svc', '.chaingate.yml'));
let server: GitHubApiServer;
let osvDb: string;

beforeAll(async () => {
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);
});
beforeEach(async () => {
  server = new GitHubApiServer();
  await server.start();
});
afterEach(() => server.stop());

const lockfile = (minimist: string) =>
  JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0', dependencies: { minimist } }, 'node_modules/minimist': { version: minimist } } });

describe('syncTrackingIssue', () => {
  const want = (open: boolean, body = 'x') => ({ open, title: open ? 'chaingate: 1 critical finding open' : 'chaingate: clean', body: `${MARKER}\n\n${body}\n`, marker: MARKER });
  const retry = (): RetryPolicy => ({ attempts: 3, totalMs: 60_000, attemptTimeoutMs: 5_000, sleep: async () => undefined, now: () => Date.now() });
  const client = (token = 'ghs_write') => githubClient(token, server.url, retry());

  it('opens one issue, updates it, leaves it when unchanged, closes it when clean; a new episode opens a new one', async () => {
    const o = client();
    expect(await syncTrackingIssue(o, REPO_REF, want(false))).toEqual({ action: 'none' });
    const created = await syncTrackingIssue(o, REPO_REF, want(true));
    expect(created).toEqual({ action: 'created', url: 'https://github.example/octo-org/app/issues/1' });
    expect(await syncTrackingIssue(o, REPO_REF, want(true, 'y'))).toEqual({ action: 'updated', url: created.url });
    expect(await syncTrackingIssue(o, REPO_REF, want(true, 'y'))).toEqual({ action: 'unchanged', url: created.url });
    expect(await syncTrackingIssue(o, REPO_REF, want(false))).toEqual({ action: 'closed', url: created.url });
    expect(server.issueList('octo-org', 'app')[0]).toMatchObject({ state: 'closed', state_reason: 'completed', title: 'chaingate: clean' });
    expect(await syncTrackingIssue(o, REPO_REF, want(true))).toEqual({ action: 'created', url: 'https://github.example/octo-org/app/issues/2' });
    expect(server.issueList('octo-org', 'app').map((i) => i.state)).toEqual(['closed', 'open']);
  });

  it("ignores pull requests and other gates' issues, prefers the bot's issue to a person's copy, and closes duplicates", async () => {
    server.seedIssue('octo-org', 'app', 'copy', `${MARKER}\n\nby a person`, { login: 'mallory' });
    server.seedIssue('octo-org', 'app', 'pr', `${MARKER}\n\na PR`, { type: 'Bot', login: 'github-actions[bot]', pullRequest: true });
    server.seedIssue('octo-org', 'app', 'other gate', `${trackingMarker(commentMarker('web', '.chaingate.yml'))}\n`, { type: 'Bot', login: 'github-actions[bot]' });
    const mine = server.seedIssue('octo-org', 'app', 'mine', `${MARKER}\n\nold`, { type: 'Bot', login: 'github-actions[bot]' });
    const dup = server.seedIssue('octo-org', 'app', 'dup', `${MARKER}\n\nrace`, { type: 'Bot', login: 'github-actions[bot]' });
    expect(await syncTrackingIssue(client(), REPO_REF, want(true, 'new'))).toEqual({ action: 'updated', url: mine.html_url });
    const list = server.issueList('octo-org', 'app');
    expect(list.find((i) => i.number === dup.number)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(list.find((i) => i.title === 'copy')?.body).toContain('by a person');
    expect(list.find((i) => i.title === 'pr')?.body).toContain('a PR');
    expect(list.filter((i) => i.state === 'open').map((i) => i.title).sort()).toEqual(['chaingate: 1 critical finding open', 'copy', 'other gate', 'pr']);
  });

  it('finds its issue past the first page of open issues', async () => {
    const mine = server.seedIssue('octo-org', 'app', 'mine', `${MARKER}\n`, { type: 'Bot', login: 'github-actions[bot]' });
    for (let i = 0; i < 120; i++) server.seedIssue('octo-org', 'app', `other ${i}`, 'text');
    expect(await syncTrackingIssue(client(), REPO_REF, want(true))).toEqual({ action: 'updated', url: mine.html_url });
    expect(server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  it('a read-only token or a 5xx edge is an error for the caller (who warns)', async () => {
    await expect(syncTrackingIssue(client('ghs_readonly'), REPO_REF, want(true))).rejects.toMatchObject({ status: 403 });
    server.faults.push({ status: 502, body: BODIES.badGateway, times: 10 });
    await expect(syncTrackingIssue(client(), REPO_REF, want(true))).rejects.toMatchObject({ status: 502 });
  });
});

describe('renderTrackingIssue', () => {
  it('lists open criticals and overdue findings; says resolved when clean', () => {
    const crit = { tool: 'osv', kind: 'vulnerability' as const, severity: 'critical' as const, id: 'GHSA-a', title: 'Prototype | pollution', package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', fixedVersions: ['1.2.6'] }, location: { path: 'package-lock.json' } };
    const evaluated = (f: typeof crit) => ({ ...makeFinding(f), blocking: true, rationale: 'r' });
    const r = gateResult({ findings: [evaluated(crit), evaluated({ ...crit, id: 'GHSA-b', package: { ...crit.package, name: 'other' } })] });
    const [a, b] = r.findings;
    const withExc = { ...r, findings: [a, { ...b, exception: { source: 'e', index: 0, id: b.id, reason: 'r', expires: '2026-12-31' } }] };
    const now = new Date('2026-10-05T00:00:00Z');
    const open = renderTrackingIssue(withExc, { marker: MARKER, gate: 'svc', overdue: [{ fingerprint: a.fingerprint, firstSeen: '2026-09-14', daysOpen: 21, slaDays: 7 }, { fingerprint: 'gone', firstSeen: '2026-09-01', daysOpen: 34, slaDays: 30 }], now, runUrl: 'https://github.example/r/1' });
    expect(open.open).toBe(true);
    expect(open.title).toBe('chaingate in svc: 1 critical finding open, 2 findings past the SLA');
    expect(open.body.split('\n')[0]).toBe(MARKER);
    expect(open.body).toContain('Updated 2026-10-05 ([run](https://github.example/r/1))');
    expect(open.body).toContain('- GHSA-a minimist<span>@</span>1.2.5 in package-lock.json: Prototype \\| pollution');
    expect(open.body).not.toContain('GHSA-b');
    expect(open.body).toContain('| critical | GHSA-a minimist<span>@</span>1.2.5 | 2026-09-14 | 21 | 7 |');
    expect(open.body).toContain('|  | gone | 2026-09-01 | 34 | 30 |');
    const many = { ...r, findings: Array.from({ length: 51 }, (_, i) => ({ ...a, fingerprint: `f${i}`, location: undefined })) };
    const cut = renderTrackingIssue(many, { marker: MARKER, gate: '.', overdue: Array.from({ length: 51 }, (_, i) => ({ fingerprint: `f${i}`, firstSeen: '2026-09-01', daysOpen: 34, slaDays: 7 })), now });
    expect(cut.title).toBe('chaingate: 51 critical findings open, 51 findings past the SLA');
    expect(cut.body).toContain('- and 1 more');
    expect(cut.body).toContain('1 more in the job summary.');
    const onlyOverdue = renderTrackingIssue({ ...r, findings: [] }, { marker: MARKER, gate: '', overdue: [{ fingerprint: 'x', firstSeen: '2026-09-01', daysOpen: 34, slaDays: 30 }], now });
    expect(onlyOverdue.title).toBe('chaingate: 1 finding past the SLA');
    const clean = renderTrackingIssue({ ...r, findings: [] }, { marker: MARKER, gate: 'svc', overdue: [], now });
    expect(clean).toEqual({ open: false, title: 'chaingate in svc: no critical finding open, none past the SLA', body: `${MARKER}\n\nResolved 2026-10-05: no critical finding is open and none is past its SLA. chaingate closes this issue and opens a new one if that changes.\n` });
  });
});

describe('action entry on a schedule: history and tracking issue', () => {
  const saved = { ...process.env };
  let stdout: string[];
  let write: jest.SpyInstance;
  let outFile: string;
  let ws: string;
  let historyFile: string;

  beforeEach(() => {
    ({ outFile, stdout, write } = captureActionIo('chaingate-action-sched-'));
    ws = tmpDir('chaingate-ws-');
    fs.mkdirSync(path.join(ws, 'svc'));
    fs.writeFileSync(path.join(ws, 'svc', '.chaingate.yml'), 'sla:\n  critical: 5\n');
    historyFile = path.join(path.dirname(outFile), 'runner-temp', 'chaingate-history', 'history.json');
  });
  afterEach(() => {
    write.mockRestore();
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  const outputs = () => {
    const o: Record<string, string> = {};
    for (const m of fs.readFileSync(outFile, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) o[m[1]] = m[3];
    return o;
  };
  const run = (minimist: string, at: string, extra: Record<string, string> = {}) => {
    fs.writeFileSync(path.join(ws, 'svc', 'package-lock.json'), lockfile(minimist));
    fs.writeFileSync(outFile, '');
    stdout.length = 0;
    process.exitCode = undefined;
    return runAction(
      {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        GITHUB_OUTPUT: outFile,
        GITHUB_EVENT_NAME: 'schedule',
        GITHUB_REPOSITORY: 'octo-org/app',
        GITHUB_SHA: 'c'.repeat(40),
        GITHUB_RUN_ID: '77',
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_WORKSPACE: ws,
        GITHUB_API_URL: server.url,
        CHAINGATE_OFFLINE: '1',
        CHAINGATE_HISTORY_FILE: historyFile,
        CHAINGATE_INPUT_GITHUB_TOKEN: 'ghs_write',
        CHAINGATE_INPUT_WORKING_DIRECTORY: path.join(ws, 'svc'),
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(ws, 'out'),
        CHAINGATE_INPUT_SCANNERS: 'audit',
        CHAINGATE_INPUT_OSV_DB: osvDb,
        CHAINGATE_INPUT_HISTORY: 'true',
        CHAINGATE_INPUT_TRACKING_ISSUE: 'true',
        ...extra,
      },
      () => new Date(at),
    );
  };
  const issues = () => server.issueList('octo-org', 'app');

  it('opens the issue while a critical is open, updates it, closes it once fixed; the history accumulates', async () => {
    expect(await run('1.2.5', '2026-09-14T06:00:00Z')).toBe(1);
    expect(issues()).toHaveLength(1);
    const [issue] = issues();
    expect(issue.title).toBe('chaingate in svc: 1 critical finding open');
    expect(issue.body?.split('\n')[0]).toBe('<!-- chaingate:tracking-issue dir=svc config=.chaingate.yml -->');
    expect(issue.body).toContain('([run](https://github.example/octo-org/app/actions/runs/77))');
    expect(outputs()['tracking-issue-url']).toBe(issue.html_url);
    expect(outputs()['history-file']).toBe(historyFile);
    expect(parseHistory(fs.readFileSync(historyFile, 'utf8'), historyFile).runs[0]).toMatchObject({ n: 1, commit: 'c'.repeat(40) });

    // A week later, still open: the same issue, updated.
    expect(await run('1.2.5', '2026-09-21T06:00:00Z')).toBe(1);
    expect(issues()).toHaveLength(1);
    expect(issues()[0].body).toContain('Updated 2026-09-21');
    expect(issues()[0].title).toBe('chaingate in svc: 1 critical finding open, 1 finding past the SLA');
    expect(issues()[0].body).toContain('| critical | GHSA-xvch-5gv4-984h minimist<span>@</span>1.2.5 | 2026-09-14 | 7 | 5 |');

    expect(await run('1.2.6', '2026-09-28T06:00:00Z')).toBe(0);
    expect(issues()[0]).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(issues()[0].body).toContain('Resolved 2026-09-28');
    const h = parseHistory(fs.readFileSync(historyFile, 'utf8'), historyFile);
    expect(h.runs.map((r) => r.severity.critical)).toEqual([1, 1, 0]);
    expect(Object.values(h.findings)[0]).toMatchObject({ first: '2026-09-14', fixed: '2026-09-28' });
  });

  it('a read-only token or a 5xx is a warning; the verdict and exit code stay the gate’s', async () => {
    expect(await run('1.2.5', '2026-09-14T06:00:00Z', { CHAINGATE_INPUT_GITHUB_TOKEN: 'ghs_readonly' })).toBe(1);
    expect(outputs().verdict).toBe('fail');
    expect(issues()).toHaveLength(0);
    const warning = stdout.join('').split('\n').find((l) => l.startsWith('::warning::chaingate: the tracking issue was not updated: '));
    expect(warning).toMatch(/HTTP 403.*The verdict and the exit code are not affected. It needs `permissions: issues: write`/);
    // A clean gate with a failing API still passes.
    server.faults.push({ method: 'GET', path: /\/issues$/, status: 404, body: JSON.stringify({ message: 'Not Found' }), times: 10 });
    expect(await run('1.2.6', '2026-09-15T06:00:00Z')).toBe(0);
    expect(stdout.join('')).toContain('::warning::chaingate: the tracking issue was not updated');
  });

  it('a corrupt history stops the gate with exit 2 and is left as it was; no issue is touched', async () => {
    fs.mkdirSync(path.dirname(historyFile), { recursive: true });
    fs.writeFileSync(historyFile, '{"version": 1, "runs": [');
    expect(await run('1.2.5', '2026-09-14T06:00:00Z')).toBe(2);
    expect(stdout.join('')).toMatch(/history\.json(:\d+)*: history file is not valid JSON/);
    expect(fs.readFileSync(historyFile, 'utf8')).toBe('{"version": 1, "runs": [');
    expect(outputs()['history-file']).toBeUndefined();
    expect(server.requests).toEqual([]);
  });

  it('on a pull request, never touches the tracking issue', async () => {
    expect(await run('1.2.5', '2026-09-14T06:00:00Z', { GITHUB_EVENT_NAME: 'pull_request' })).toBe(1);
    expect(server.requests.filter((r) => r.path.endsWith('/issues'))).toEqual([]);
  });
});
