// action.yml run as a runner runs it (helpers/action-runner.ts), with the bundled entry and the
// real pinned tools, on pull_request and merge_group events for the vulnerable and clean
// examples, in real git repositories (a full clone and a shallow one), against a local GitHub
// API: outputs, job summary, annotations on stdout, the comment requests, the exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { condition, evaluate, parseCommandFile, runActionYml, substitute, type ExprContext, type RunnerResult } from '../helpers/action-runner';
import { mergeGroupPayload, pullRequestPayload, type EventParts } from '../helpers/events';
import { git } from '../helpers/git';
import { GitHubApiServer } from '../helpers/github-api-server';
import { REPO, tmpDir, toolBin } from '../helpers/paths';
import { writeFixtureDb } from '../helpers/trivy-db';

const PROJECT = 'services/app';


function putExample(repo: string, example: 'clean' | 'vulnerable'): void {
  const dest = path.join(repo, PROJECT);
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(path.join(REPO, 'examples', example), dest, { recursive: true });
}

let server: GitHubApiServer;
let trivyCache: string;
let osvDb: string;
/** origin: base (clean) -> vulnerable (the PR's first push) -> fixed (clean again). */
let origin: { dir: string; base: string; vulnerable: string; fixed: string };

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build');
  toolBin('semgrep');
  toolBin('trivy');
  trivyCache = await writeFixtureDb();
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);

  const dir = tmpDir('chaingate-origin-');
  await git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'README.md'), '# app\n');
  putExample(dir, 'clean');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'base');
  const base = await git(dir, 'rev-parse', 'HEAD');
  putExample(dir, 'vulnerable');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'add dependencies');
  const vulnerable = await git(dir, 'rev-parse', 'HEAD');
  putExample(dir, 'clean');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'fix');
  origin = { dir, base, vulnerable, fixed: await git(dir, 'rev-parse', 'HEAD') };
}, 600_000);

beforeEach(async () => {
  server = new GitHubApiServer();
  await server.start();
});
afterEach(() => server.stop());

/** A checkout of `sha` as actions/checkout makes it: shallow (depth 1, the default) or full. */
async function checkout(sha: string, shallow: boolean): Promise<string> {
  const ws = path.join(tmpDir('chaingate-ws-'), 'app');
  await git(path.dirname(ws), 'clone', '-q', ...(shallow ? ['--depth=1', '--no-single-branch'] : []), `file://${origin.dir}`, ws);
  if (shallow) await git(ws, 'fetch', '-q', '--depth=1', 'origin', sha);
  await git(ws, 'checkout', '-q', '--detach', sha);
  return ws;
}

async function gate(event: 'pull_request' | 'merge_group', parts: EventParts, ws: string, inputs: Record<string, string> = {}): Promise<RunnerResult> {
  return runActionYml({
    actionDir: REPO,
    inputs: { 'working-directory': PROJECT, 'install-tools': 'false', 'osv-db': osvDb, ...inputs },
    eventName: event,
    payload: event === 'pull_request' ? pullRequestPayload(parts) : mergeGroupPayload(parts),
    workspace: ws,
    github: { token: 'ghs_write', repository: `${parts.owner}/${parts.repo}`, sha: parts.headSha, ref: `refs/pull/${parts.number}/merge`, api_url: server.url, server_url: 'https://github.example', run_id: '4242' },
    env: { CHAINGATE_OFFLINE: '1', CHAINGATE_TRIVY_CACHE_DIR: trivyCache },
    timeoutMs: 600_000,
  });
}

const annotations = (r: RunnerResult) => r.stdout.split('\n').filter((l) => l.startsWith('::error '));

function expectCommonShape(r: RunnerResult): void {
  // The uses: steps were skipped and said so; with install-tools false the installer did not run.
  expect(r.log).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^skipped "Cache chaingate tools": if: inputs\.install-tools != 'false'.* is false$/),
      expect.stringMatching(/^skipped "Install pinned tools": if: inputs\.install-tools != 'false'.* is false$/),
      expect.stringMatching(/^skipped "Cache the Trivy vulnerability DB \(one download a day\)": uses: actions\/cache@[0-9a-f]{40} is not run by this harness$/),
    ]),
  );
  // steps.day.outputs.day reached the next step's expression.
  const day = r.steps.find((s) => s.id === 'day')!;
  expect(day.outputs.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(r.steps.find((s) => s.name.startsWith('Cache the Trivy'))!.with?.key).toBe(`chaingate-trivy-db-${day.outputs.day}`);
}

describe('action.yml on pull_request', () => {
  it('the vulnerable example fails with a comment and annotations; after the fix the same comment says it passes', async () => {
    const parts = { owner: 'octo-org', repo: 'app', number: 7, baseSha: origin.base, headSha: origin.vulnerable };
    const ws = await checkout(origin.vulnerable, false);
    const r = await gate('pull_request', parts, ws);
    expectCommonShape(r);
    expect(r.exitCode).toBe(1);
    expect(r.steps.find((s) => s.id === 'gate')!.outcome).toBe('failure');
    expect(r.outputs.verdict).toBe('fail');
    const blocking = Number(r.outputs.blocking);
    expect(blocking).toBeGreaterThan(10);
    // The base is the clean example: every blocking finding is new, with or without the baseline feature.
    expect(r.outputs['new-blocking']).toBe(String(blocking));
    expect(r.outputs['policy-changed']).toBe('false');
    expect(r.outputs['result-file']).toBe(path.join(ws, 'chaingate-out', 'chaingate-result.json'));
    expect(r.stdout).toContain(`chaingate: baseline ${origin.base}`);
    expect(r.summary).toContain('# ❌ chaingate: fail');

    const errors = annotations(r);
    expect(errors).toHaveLength(10);
    expect(errors.every((l) => /title=chaingate%3A (critical|high) /.test(l))).toBe(true);
    const inFiles = errors.filter((l) => / ?file=services\/app\//.test(l) || l.includes(',file=services/app/'));
    expect(inFiles.length).toBeGreaterThan(0);
    for (const l of errors.filter((x) => x.includes('file='))) {
      const file = /file=([^,:]+)/.exec(l)![1];
      expect(fs.existsSync(path.join(ws, file))).toBe(true);
    }

    const comments = server.list('octo-org', 'app', 7);
    expect(comments).toHaveLength(1);
    expect(r.outputs['comment-url']).toBe(comments[0].html_url);
    expect(comments[0].body.split('\n')[0]).toBe('<!-- chaingate:pr-comment dir=services%2Fapp config=.chaingate.yml -->');
    expect(comments[0].body).toContain(`https://github.example/octo-org/app/blob/${origin.vulnerable}/services/app/`);
    expect(comments[0].body).toContain('[Run summary](https://github.example/octo-org/app/actions/runs/4242)');
    expect(server.requests.every((q) => q.token === 'ghs_write')).toBe(true);

    const fixedWs = await checkout(origin.fixed, false);
    const fixed = await gate('pull_request', { ...parts, headSha: origin.fixed }, fixedWs);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.outputs.verdict).toBe('pass');
    expect(fixed.outputs['new-blocking']).toBe('0');
    expect(annotations(fixed)).toEqual([]);
    expect(fixed.summary).toContain('# ✅ chaingate: pass');
    const after = server.list('octo-org', 'app', 7);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(comments[0].id);
    expect(after[0].body).toContain('### ✅ chaingate: pass');
    expect(fixed.outputs['comment-url']).toBe(comments[0].html_url);
  }, 600_000);

  it('with a fork read-only token: the same verdict and exit code, a warning, no comment', async () => {
    const parts = { owner: 'octo-org', repo: 'app', number: 11, baseSha: origin.base, headSha: origin.vulnerable };
    const ws = await checkout(origin.vulnerable, false);
    const r = await gate('pull_request', parts, ws, { 'github-token': 'ghs_readonly', scanners: 'audit' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs.verdict).toBe('fail');
    expect(r.outputs['comment-url']).toBe('');
    expect(r.stdout).toMatch(/^::warning::chaingate: the pull-request comment was skipped: the token may not write to this pull request \(HTTP 403: Resource not accessible by integration\).*`permissions: pull-requests: write`/m);
    expect(server.list('octo-org', 'app', 11)).toEqual([]);
  }, 600_000);
});

describe('action.yml on merge_group', () => {
  it('a shallow clone: the action fetches the base commit; the vulnerable example fails and comments on the queued PR; the clean one passes without a comment', async () => {
    const parts = { owner: 'octo-org', repo: 'app', number: 8, baseSha: origin.base, headSha: origin.vulnerable };
    const ws = await checkout(origin.vulnerable, true);
    expect(await git(ws, 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect((await runTool('git', ['-C', ws, 'cat-file', '-e', `${origin.base}^{commit}`])).exitCode).not.toBe(0);
    const r = await gate('merge_group', parts, ws);
    expectCommonShape(r);
    expect(r.exitCode).toBe(1);
    expect(r.outputs.verdict).toBe('fail');
    expect(r.stdout).toContain(`chaingate: baseline ${origin.base}`);
    expect(await git(ws, 'cat-file', '-t', origin.base)).toBe('commit');
    expect(annotations(r)).toHaveLength(10);
    expect(server.list('octo-org', 'app', 8)).toHaveLength(1);
    expect(server.writes().map((q) => [q.method, q.path])).toEqual([['POST', '/repos/octo-org/app/issues/8/comments']]);

    const cleanParts = { ...parts, number: 9, headSha: origin.fixed };
    const cleanWs = await checkout(origin.fixed, true);
    const before = server.requests.length;
    const clean = await gate('merge_group', cleanParts, cleanWs);
    expect(clean.exitCode).toBe(0);
    expect(clean.outputs.verdict).toBe('pass');
    expect(clean.summary).toContain('# ✅ chaingate: pass');
    // auto: a pass with no earlier comment looks for one and adds none.
    expect(server.requests.slice(before).map((q) => q.method)).toEqual(['GET']);
    expect(server.list('octo-org', 'app', 9)).toEqual([]);
  }, 600_000);
});

describe('the harness itself', () => {
  const ctx = (failed = false): ExprContext => ({
    contexts: { inputs: { 'install-tools': 'false', n: '3' }, github: { action_path: '/a', event: { pull_request: { number: 7 } } }, steps: { day: { outputs: { day: 'x' } } }, runner: { os: 'Linux' }, env: {} },
    failed,
    workspace: REPO,
  });
  it('evaluates the expressions and conditions action.yml uses, as the runner does', () => {
    expect(condition("inputs.install-tools != 'false'", ctx())).toBe(false);
    expect(condition("${{ inputs.install-tools == 'FALSE' }}", ctx())).toBe(true);
    expect(condition(undefined, ctx(true))).toBe(false);
    expect(condition('always()', ctx(true))).toBe(true);
    expect(condition('failure()', ctx(true))).toBe(true);
    expect(condition("inputs.n == '3'", ctx(true))).toBe(false);
    expect(evaluate('inputs.n == 3 && !false', ctx())).toBe(true);
    expect(evaluate("github.event.pull_request.number > 5 || 'x'", ctx())).toBe(true);
    expect(evaluate("github['event'].pull_request['number']", ctx())).toBe(7);
    expect(substitute("k-${{ runner.os }}-${{ steps.day.outputs.day }}-${{ format('{0}/b {{x}}', github.action_path) }}", ctx())).toBe('k-Linux-x-/a/b {x}');
    expect(substitute("${{ hashFiles('src/tools/versions.json') }}", ctx())).toMatch(/^[0-9a-f]{64}$/);
    expect(substitute("${{ hashFiles('no/such/file') }}", ctx())).toBe('');
    expect(() => evaluate('secrets.x', ctx())).toThrow(/unknown context "secrets"/);
  });
  it('runs bash steps with the runner files, env and status functions, and evaluates the outputs', async () => {
    const dir = tmpDir('chaingate-mini-action-');
    fs.writeFileSync(
      path.join(dir, 'action.yml'),
      [
        'name: mini',
        'inputs:',
        '  who: { required: false, default: "${{ github.event_name }}-default" }',
        '  flag: { required: false }',
        'outputs:',
        '  greeting: { value: "${{ steps.hello.outputs.greeting }}" }',
        '  multi: { value: "${{ steps.hello.outputs.multi }}" }',
        '  tool: { value: "${{ env.TOOL_DIR }}" }',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - id: hello',
        '      shell: bash',
        '      env: { WHO: "${{ inputs.who }}" }',
        '      run: |',
        '        echo "greeting=hello $WHO from ${{ env.WHO }}" >> "$GITHUB_OUTPUT"',
        '        printf "multi<<EOF\\nline 1\\nline 2\\nEOF\\n" >> "$GITHUB_OUTPUT"',
        '        echo "TOOL_DIR=${{ runner.tool_cache }}/x" >> "$GITHUB_ENV"',
        '        mkdir -p "$RUNNER_TEMP/bin" && printf "#!/bin/sh\\necho from-path\\n" > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"',
        '        echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"',
        '        echo "## summary of $WHO" >> "$GITHUB_STEP_SUMMARY"',
        '    - if: inputs.flag == \'on\'',
        '      shell: bash',
        '      run: echo never',
        '    - shell: bash',
        '      run: echo "tool=$TOOL_DIR via $(mytool) event=$(jq -r .action "$GITHUB_EVENT_PATH" 2>/dev/null || echo none)"; exit 3',
        '    - shell: bash',
        '      run: echo "after a failure"',
        '    - if: failure()',
        '      shell: bash',
        '      run: echo "cleanup after failure"',
      ].join('\n'),
    );
    const r = await runActionYml({ actionDir: dir, inputs: {}, eventName: 'pull_request', payload: { action: 'opened' }, workspace: tmpDir(), github: {} });
    expect(r.outputs.greeting).toBe('hello pull_request-default from pull_request-default');
    expect(r.outputs.multi).toBe('line 1\nline 2');
    expect(r.outputs.tool).toMatch(/tool-cache\/x$/);
    expect(r.summary).toBe('## summary of pull_request-default\n');
    expect(r.stdout).toMatch(/^tool=.*tool-cache\/x via from-path event=/m);
    expect(r.stdout).not.toContain('never');
    expect(r.stdout).not.toContain('after a failure');
    expect(r.stdout).toContain('cleanup after failure');
    expect(r.exitCode).toBe(3);
    expect(r.steps.map((s) => s.outcome)).toEqual(['success', 'skipped', 'failure', 'skipped', 'success']);
    await expect(runActionYml({ actionDir: dir, inputs: { nope: 'x' }, eventName: 'push', payload: {}, workspace: tmpDir(), github: {} })).rejects.toThrow('input nope is not declared in action.yml');
  });

  it('reads GITHUB_OUTPUT files in both forms', () => {
    expect(parseCommandFile('a=1\nb<<EOF\nx\ny=z\nEOF\nc=\n')).toEqual({ a: '1', b: 'x\ny=z', c: '' });
    expect(() => parseCommandFile('a<<EOF\nx\n')).toThrow(/no closing delimiter/);
  });
});
