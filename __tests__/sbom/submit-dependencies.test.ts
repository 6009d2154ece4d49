// Dependency submission against a local server on 127.0.0.1 speaking the REST endpoint's shape
// (POST /repos/{owner}/{repo}/dependency-graph/snapshots): 201 with the snapshot id, 422 for a
// snapshot that does not validate, 413 over its size limit, 5xx when it has a bad moment.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readLockfile } from '../../src/lockfiles';
import { planSnapshots, type Snapshot, type SnapshotRun } from '../../src/sbom/dependency-snapshot';
import { submitDependencies, type SubmitOptions } from '../../src/sbom/submit-dependencies';
import { FIXTURES } from '../helpers/paths';

const REPRO = path.join(FIXTURES, 'sbom-repro');
const PUBLIC = path.resolve(REPRO, '..', 'lockfiles-public');
const SHA = 'a'.repeat(40);

interface Server {
  url: string;
  received: { auth?: string; body: Snapshot; bytes: number }[];
  statuses: number[];
  /** Status codes to answer with, in order, before validating normally. */
  failNext: number[];
  limit: number;
  close: () => Promise<void>;
}

/** What the endpoint checks: the documented required fields and their formats. */
function invalid(s: Snapshot): string[] {
  const errors: string[] = [];
  if (typeof s.version !== 'number') errors.push('version');
  if (!/^[0-9a-f]{40}$/.test(s.sha)) errors.push('sha');
  if (!/^refs\//.test(s.ref)) errors.push('ref');
  if (!s.job?.correlator || !s.job?.id) errors.push('job');
  if (!s.detector?.name || !s.detector?.version || !s.detector?.url) errors.push('detector');
  if (Number.isNaN(Date.parse(s.scanned))) errors.push('scanned');
  for (const [k, m] of Object.entries(s.manifests ?? {})) {
    if (!m.name) errors.push(`manifests.${k}.name`);
    for (const [n, p] of Object.entries(m.resolved ?? {})) {
      if (!/^pkg:[a-z]+\/.+@.+/.test(p.package_url)) errors.push(`manifests.${k}.resolved.${n}.package_url`);
      if (!['direct', 'indirect'].includes(p.relationship)) errors.push(`manifests.${k}.resolved.${n}.relationship`);
      if (!['runtime', 'development'].includes(p.scope)) errors.push(`manifests.${k}.resolved.${n}.scope`);
      if (!Array.isArray(p.dependencies) || p.dependencies.some((d) => typeof d !== 'string')) errors.push(`manifests.${k}.resolved.${n}.dependencies`);
    }
  }
  return errors;
}

async function server(): Promise<Server> {
  const s: Partial<Server> = { received: [], statuses: [], failNext: [], limit: 50 * 1024 * 1024 };
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown) => {
        (s.statuses as number[]).push(status);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const raw = Buffer.concat(chunks);
      if (req.method !== 'POST' || !/^\/repos\/[^/]+\/[^/]+\/dependency-graph\/snapshots$/.test(req.url ?? '')) return answer(404, { message: 'Not Found' });
      const forced = (s.failNext as number[]).shift();
      if (forced) return answer(forced, { message: forced >= 500 ? 'Server Error' : 'Invalid request.', errors: forced < 500 ? ['manifests is invalid'] : undefined });
      if (raw.length > (s.limit as number)) return answer(413, { message: 'Payload Too Large' });
      const body = JSON.parse(raw.toString('utf8')) as Snapshot;
      (s.received as Server['received']).push({ auth: req.headers.authorization, body, bytes: raw.length });
      const errors = invalid(body);
      if (errors.length) return answer(422, { message: 'Invalid request.', errors });
      answer(201, { id: s.received?.length, created_at: new Date().toISOString(), result: 'SUCCESS', message: 'Dependency results for the repo have been successfully updated.' });
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  s.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  s.close = () => new Promise<void>((r) => srv.close(() => r()));
  return s as Server;
}

function env(url: string): NodeJS.ProcessEnv {
  return {
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '42',
    GITHUB_JOB: 'gate',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_WORKSPACE: REPRO,
  };
}

const now = () => new Date('2026-12-05T00:00:00Z');
let srv: Server;
beforeEach(async () => {
  srv = await server();
});
afterEach(async () => srv.close());

const submit = (o: Partial<SubmitOptions>) => submitDependencies({ dir: path.join(REPRO, 'r2-npm-workspace'), env: env(srv.url), token: 'ghs_test', now, retryDelayMs: 1, ...o });

describe('dependency submission', () => {
  it('sends the lockfile graph in the snapshot shape: workspaces left out, their dependencies direct', async () => {
    const r = await submit({});
    expect(r).toEqual({ submitted: ['ci_gate'], warnings: [] });
    expect(srv.statuses).toEqual([201]);
    const [{ auth, body }] = srv.received;
    expect(auth).toBe('token ghs_test');
    expect(body).toMatchObject({
      version: 0,
      sha: SHA,
      ref: 'refs/heads/main',
      job: { correlator: 'ci_gate', id: '42', html_url: 'https://github.example/octo/app/actions/runs/42' },
      detector: { name: 'chaingate' },
      scanned: '2026-12-05T00:00:00.000Z',
    });
    expect(Object.keys(body.manifests)).toEqual(['r2-npm-workspace/package-lock.json']);
    expect(body.manifests['r2-npm-workspace/package-lock.json'].resolved).toEqual({
      'pkg:npm/is-number@6.0.0': { package_url: 'pkg:npm/is-number@6.0.0', relationship: 'indirect', scope: 'development', dependencies: [] },
      'pkg:npm/is-number@7.0.0': { package_url: 'pkg:npm/is-number@7.0.0', relationship: 'direct', scope: 'runtime', dependencies: [] },
      'pkg:npm/is-odd@3.0.1': { package_url: 'pkg:npm/is-odd@3.0.1', relationship: 'direct', scope: 'development', dependencies: ['pkg:npm/is-number@6.0.0'] },
    });
  });

  it('a real monorepo lockfile validates, every package once', async () => {
    const lock = readLockfile(path.join(PUBLIC, 'npm-theia', 'package-lock.json'), 'package-lock.json');
    const r = await submit({ lockfiles: [lock] });
    expect(r.warnings).toEqual([]);
    const resolved = srv.received[0].body.manifests['r2-npm-workspace/package-lock.json'].resolved;
    expect(Object.keys(resolved).length).toBe(lock.packages.filter((p) => !p.workspace).length);
  });

  it('retries a server error, a bounded number of times', async () => {
    srv.failNext = [502, 500];
    expect(await submit({ attempts: 3 })).toEqual({ submitted: ['ci_gate'], warnings: [] });
    expect(srv.statuses).toEqual([502, 500, 201]);
    srv.statuses = [];
    srv.failNext = [503, 503, 503, 503];
    const r = await submit({ attempts: 3 });
    expect(srv.statuses).toEqual([503, 503, 503]);
    expect(r.submitted).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/failed \(HTTP 503\) after 3 attempt\(s\): Server Error/)]);
  });

  it('does not retry a 4xx: the same snapshot gets the same answer, and the reason is in the warning', async () => {
    srv.failNext = [422];
    const r = await submit({});
    expect(srv.statuses).toEqual([422]);
    expect(r.warnings).toEqual([expect.stringMatching(/HTTP 422.*Invalid request\. \["manifests is invalid"\]/)]);
  });

  it('splits per lockfile when the server refuses the size (413), and names a lockfile too large alone', async () => {
    const small = readLockfile(path.join(REPRO, 'r4-pip-hashes', 'requirements.txt'), 'py/requirements.txt');
    const big = readLockfile(path.join(PUBLIC, 'nodegoat', 'package-lock.json'), 'web/package-lock.json');
    srv.limit = 20_000;
    const r = await submit({ lockfiles: [small, big] });
    expect(srv.statuses).toEqual([413, 201, 413]);
    expect(r.submitted).toEqual(['ci_gate r2-npm-workspace/py/requirements.txt']);
    expect(r.warnings).toEqual(['dependency submission of r2-npm-workspace/web/package-lock.json refused as too large (HTTP 413)']);
  });

  it('never throws: outside a workflow, without a token, or with an unreadable project it warns', async () => {
    expect((await submitDependencies({ dir: REPRO, env: {}, token: 't', now })).warnings[0]).toMatch(/not in a GitHub Actions run \(missing GITHUB_REPOSITORY/);
    expect((await submit({ token: '' })).warnings).toEqual(['dependency submission skipped: no token (input github-token)']);
    expect((await submit({ dir: path.join(REPRO, 'r5-pnpm11-two-documents', 'missing') })).warnings[0]).toMatch(/^dependency submission skipped: /);
    expect(srv.statuses).toEqual([]);
  });

  it('gives up on an unreachable API after its attempts', async () => {
    await srv.close();
    const r = await submit({ attempts: 2 });
    expect(r.warnings).toEqual([expect.stringMatching(/package-lock\.json failed after 2 attempt\(s\): fetch failed/)]);
    srv = await server();
  });
});

describe('planSnapshots', () => {
  const run: SnapshotRun = { sha: SHA, ref: 'refs/heads/main', correlator: 'c', runId: '1', toolVersion: '0', detectorUrl: 'u', scanned: now(), prefix: '' };
  const a = readLockfile(path.join(REPRO, 'r4-pip-hashes', 'requirements.txt'), 'a/requirements.txt');
  const b = readLockfile(path.join(REPRO, 'r7-go-purl-case', 'go.mod'), 'b/go.mod');

  it('one snapshot when it fits, else one per lockfile with its own correlator', () => {
    expect(planSnapshots([a, b], run, 1 << 20).snapshots.map((s) => s.job.correlator)).toEqual(['c']);
    const size = (l: typeof a) => Buffer.byteLength(JSON.stringify(planSnapshots([l], run, 1 << 20).snapshots[0]));
    const split = planSnapshots([a, b], run, Math.max(size(a), size(b)) + 20);
    expect(split.snapshots.map((s) => s.job.correlator)).toEqual(['c a/requirements.txt', 'c b/go.mod']);
    expect(planSnapshots([a, b], run, 10)).toEqual({ snapshots: [], tooLarge: ['a/requirements.txt', 'b/go.mod'] });
    expect(planSnapshots([], run, 10)).toEqual({ snapshots: [], tooLarge: [] });
  });
});
