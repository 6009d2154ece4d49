// The action: action.yml's shape (inputs through env, pinned actions, no defaults over the
// config file) and the entry's behavior (outputs, job summary, setFailed) on real reports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { actionLogger, input, optionsFromInputs, runAction } from '../../src/action/main';
import { eventEnv } from '../helpers/events';
import { GitHubApiServer } from '../helpers/github-api-server';
import { fixture, REPO, tmpDir } from '../helpers/paths';
import { captureActionIo } from '../helpers/action-io';

const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8'));

describe('action.yml', () => {
  const steps: { uses?: string; run?: string; env?: Record<string, string>; id?: string }[] = action.runs.steps;

  it('is a composite action', () => {
    expect(action.runs.using).toBe('composite');
  });
  it('has kebab-case inputs without defaults (the config file is the source of truth), but for the token', () => {
    for (const [name, spec] of Object.entries<Record<string, unknown>>(action.inputs)) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      if (name === 'github-token') expect(spec.default).toBe('${{ github.token }}');
      else expect(spec).not.toHaveProperty('default');
    }
    for (const i of ['config', 'exceptions', 'reports', 'mode', 'output-dir', 'working-directory']) expect(action.inputs).toHaveProperty(i);
  });
  it('declares the outputs', () => {
    for (const o of ['verdict', 'blocking', 'critical', 'high', 'medium', 'low', 'result-file', 'sarif-file', 'new-blocking', 'comment-url', 'policy-changed']) {
      expect(action.outputs[o].value).toBe(`\${{ steps.gate.outputs.${o} }}`);
    }
  });
  it('never interpolates an input into a run script', () => {
    for (const s of steps.filter((x) => x.run)) expect(s.run).not.toMatch(/\$\{\{\s*inputs\./);
  });
  it('maps every input the entry reads through env', () => {
    const gate = steps.find((s) => s.id === 'gate')!;
    for (const name of Object.keys(action.inputs).filter((n) => n !== 'install-tools')) {
      const envName = `CHAINGATE_INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(gate.env?.[envName]).toBe(`\${{ inputs.${name} }}`);
    }
  });
  it('pins every third-party action by full commit SHA', () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    for (const wf of fs.readdirSync(path.join(REPO, '.github', 'workflows'))) {
      const text = fs.readFileSync(path.join(REPO, '.github', 'workflows', wf), 'utf8');
      for (const m of text.matchAll(/uses:\s*(\S+)/g)) {
        if (m[1].startsWith('./')) continue;
        expect(m[1]).toMatch(/@[0-9a-f]{40}$/);
      }
      expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    }
  });
});

describe('action entry', () => {
  const saved = { ...process.env };
  let outFile: string;
  let summaryFile: string;
  beforeEach(() => {
    const d = tmpDir('chaingate-action-');
    outFile = path.join(d, 'github_output');
    summaryFile = path.join(d, 'step_summary');
    fs.writeFileSync(outFile, '');
    fs.writeFileSync(summaryFile, '');
    process.env.GITHUB_OUTPUT = outFile;
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  const outputs = () => {
    const text = fs.readFileSync(outFile, 'utf8');
    const o: Record<string, string> = {};
    for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) o[m[1]] = m[3];
    return o;
  };
  const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });

  it('reads inputs from CHAINGATE_INPUT_* and treats blanks as unset', () => {
    expect(input({ CHAINGATE_INPUT_OUTPUT_DIR: ' out ' }, 'output-dir')).toBe('out');
    expect(input({ CHAINGATE_INPUT_OUTPUT_DIR: '  ' }, 'output-dir')).toBeUndefined();
    const o = optionsFromInputs(
      { CHAINGATE_INPUT_REPORTS: 'trivy=a.json\nsemgrep=b.json\n', CHAINGATE_INPUT_SCANNERS: 'none', CHAINGATE_INPUT_SBOM: 'true', CHAINGATE_INPUT_VEX: 'a.json\nb.json' },
      () => new Date(),
      { info: () => undefined, warning: () => undefined, group: () => undefined },
    );
    expect(o.reports).toEqual([{ tool: 'trivy', path: 'a.json' }, { tool: 'semgrep', path: 'b.json' }]);
    expect(o.scanners).toEqual([]);
    expect(o.sbom).toBe(true);
    expect(o.vexFiles).toEqual(['a.json', 'b.json']);
    expect(o.configFile).toBeUndefined();
    expect(o.mode).toBe('enforce');
    expect(o.baseline).toBeUndefined();
    expect(o.expectShards).toBeUndefined();
    expect(optionsFromInputs({ CHAINGATE_INPUT_EXPECT_SHARDS: ' plan.json ' }, () => new Date(), { info: () => undefined, warning: () => undefined, group: () => undefined }).expectShards).toBe('plan.json');
  });

  it('passes trusted-policy to the gate, refusing an unknown one; the baseline input is resolved later', () => {
    const log = { info: () => undefined, warning: () => undefined, group: () => undefined };
    const env = { CHAINGATE_INPUT_BASELINE: ' 0123abcd ', CHAINGATE_INPUT_TRUSTED_POLICY: 'baseline' };
    const o = optionsFromInputs(env, () => new Date(), log);
    // baseline (auto by default) needs the event and git, so main() resolves it (resolveBaseline,
    // pull-request.test.ts) from the trimmed input.
    expect([o.baseline, o.trustedPolicy]).toEqual([undefined, 'baseline']);
    expect(input(env, 'baseline')).toBe('0123abcd');
    expect(() => optionsFromInputs({ CHAINGATE_INPUT_TRUSTED_POLICY: 'pr' }, () => new Date(), log)).toThrow(/input trusted-policy must be head or baseline/);
  });

  it('sets outputs, writes the job summary and fails the step on a blocking finding', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: dir,
        CHAINGATE_INPUT_SCANNERS: 'none',
        CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(dir, 'out'),
      }),
    );
    expect(code).toBe(1);
    expect(process.exitCode).toBe(1);
    const o = outputs();
    expect(o.verdict).toBe('fail');
    expect(Number(o.blocking)).toBeGreaterThan(0);
    expect(o['result-file']).toBe(path.join(dir, 'out', 'chaingate-result.json'));
    expect(fs.existsSync(o['sarif-file'])).toBe(true);
    expect(fs.readFileSync(summaryFile, 'utf8')).toMatch(/fail/i);
  });

  it('warn mode does not fail the step', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: dir,
        CHAINGATE_INPUT_SCANNERS: 'none',
        CHAINGATE_INPUT_MODE: 'warn',
        CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(dir, 'out'),
      }),
    );
    expect(code).toBe(0);
    expect(process.exitCode).toBeUndefined();
    expect(outputs().verdict).toBe('fail');
  });

  it('a configuration mistake fails the step with the message, exit 2', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    fs.writeFileSync(path.join(dir, '.chaingate.yml'), 'fail-on:\n  code: severe\n');
    const code = await runAction(env({ CHAINGATE_INPUT_WORKING_DIRECTORY: dir, CHAINGATE_INPUT_SCANNERS: 'none' }));
    expect(code).toBe(2);
    expect(process.exitCode).toBe(1);
  });

  it.each([
    ['mode', 'loud', /input mode must be enforce or warn/],
    ['reports', 'nessus=x', /input reports: "nessus=x" is not TOOL=PATH/],
    ['scanners', 'zap', /input scanners: unknown scanner "zap"/],
    ['sbom', 'maybe', /input sbom must be true or false/],
  ])('rejects input %s=%s', async (name, value, message) => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await runAction(env({ [`CHAINGATE_INPUT_${name.toUpperCase()}`]: value, CHAINGATE_INPUT_SCANNERS: name === 'scanners' ? value : 'none' }));
      expect(code).toBe(2);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
    } finally {
      write.mockRestore();
    }
  });
});

describe('action entry on pull requests', () => {
  const saved = { ...process.env };
  let server: GitHubApiServer;
  let outFile: string;
  let stdout: string[];
  let write: jest.SpyInstance;
  const parts = { owner: 'octo-org', repo: 'app', number: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40) };
  const failing = `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`;
  const passing = { CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}` };

  beforeEach(async () => {
    server = new GitHubApiServer();
    await server.start();
    ({ outFile, stdout, write } = captureActionIo('chaingate-action-pr-'));
  });
  afterEach(async () => {
    write.mockRestore();
    process.env = { ...saved };
    process.exitCode = undefined;
    await server.stop();
  });
  const outputs = () => {
    const o: Record<string, string> = {};
    for (const m of fs.readFileSync(outFile, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) o[m[1]] = m[3];
    return o;
  };
  /** A workspace with the project in a subfolder, on a pull_request event. */
  const run = (extra: Record<string, string>, event: 'pull_request' | 'merge_group' = 'pull_request') => {
    const ws = tmpDir('chaingate-ws-');
    fs.mkdirSync(path.join(ws, 'svc'));
    return runAction({
      ...process.env,
      ...eventEnv(ws, event, parts),
      GITHUB_WORKSPACE: ws,
      GITHUB_API_URL: server.url,
      CHAINGATE_INPUT_GITHUB_TOKEN: 'ghs_write',
      CHAINGATE_INPUT_WORKING_DIRECTORY: path.join(ws, 'svc'),
      CHAINGATE_INPUT_OUTPUT_DIR: path.join(ws, 'out'),
      CHAINGATE_INPUT_SCANNERS: 'none',
      CHAINGATE_INPUT_BASELINE: 'none',
      ...extra,
    });
  };
  const comments = () => server.list('octo-org', 'app', 7);

  it('a failing gate comments once, annotates the blocking findings, and sets the new outputs; a later pass updates the comment', async () => {
    expect(await run({ CHAINGATE_INPUT_REPORTS: failing })).toBe(1);
    const o = outputs();
    expect(o.verdict).toBe('fail');
    expect(o['new-blocking']).toBe(o.blocking);
    expect(o['policy-changed']).toBe('false');
    expect(comments()).toHaveLength(1);
    const [c] = comments();
    expect(o['comment-url']).toBe(c.html_url);
    expect(c.body.split('\n')[0]).toBe('<!-- chaingate:pr-comment dir=svc config=.chaingate.yml -->');
    expect(c.body).toContain('### ❌ chaingate: fail');
    expect(c.body).toContain('[Run summary](https://github.example/octo-org/app/actions/runs/4242)');
    const errors = stdout.join('').split('\n').filter((l) => l.startsWith('::error '));
    expect(errors.length).toBe(Math.min(10, Number(o.blocking)));
    expect(errors[0]).toMatch(/^::error title=chaingate%3A (critical|high) vulnerability /);
    // The token was masked and never reached the gate's environment.
    expect(stdout.join('')).toContain('::add-mask::ghs_write');
    expect(optionsFromInputs({ CHAINGATE_INPUT_GITHUB_TOKEN: 'ghs_write' }, () => new Date(), actionLogger()).env).not.toHaveProperty('CHAINGATE_INPUT_GITHUB_TOKEN');

    stdout.length = 0;
    process.exitCode = undefined;
    fs.writeFileSync(outFile, '');
    expect(await run(passing)).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body).toContain('### ✅ chaingate: pass');
    expect(outputs()['comment-url']).toBe(c.html_url);
    expect(outputs()['new-blocking']).toBe('0');
  });

  it('auto: a passing gate with no earlier comment adds none; never: no API call at all; always: a comment on a pass', async () => {
    expect(await run(passing)).toBe(0);
    expect(server.writes()).toEqual([]);
    expect(outputs()['comment-url']).toBeUndefined();
    const before = server.requests.length;
    expect(await run({ CHAINGATE_INPUT_REPORTS: failing, CHAINGATE_INPUT_PR_COMMENT: 'never' })).toBe(1);
    expect(server.requests.length).toBe(before);
    expect(await run({ ...passing, CHAINGATE_INPUT_PR_COMMENT: 'always' })).toBe(0);
    expect(comments()).toHaveLength(1);
  });

  it('merge_group: comments on the PR the queue branch names', async () => {
    expect(await run({ CHAINGATE_INPUT_REPORTS: failing }, 'merge_group')).toBe(1);
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body).toContain(`commit ${parts.headSha.slice(0, 12)}</sub>`);
  });

  it.each([
    ['a fork (read-only) token', 'ghs_readonly', false, /the token may not write to this pull request \(HTTP 403: Resource not accessible by integration\)/],
    ['a repository the token cannot see', 'ghs_write', true, /not found with this token \(HTTP 404\)/],
  ])('%s: a warning naming the cause and the permission, the same verdict and exit code', async (_name, token, notFound, cause) => {
    if (notFound) server.faults.push({ path: /\/octo-org\/app\//, status: 404, body: JSON.stringify({ message: 'Not Found' }), times: 10 });
    expect(await run({ CHAINGATE_INPUT_REPORTS: failing, CHAINGATE_INPUT_GITHUB_TOKEN: token })).toBe(1);
    expect(outputs().verdict).toBe('fail');
    expect(process.exitCode).toBe(1);
    expect(comments()).toHaveLength(0);
    const warning = stdout.join('').split('\n').find((l) => l.startsWith('::warning::chaingate: the pull-request comment was skipped: ') && cause.test(l));
    expect(warning).toContain('The verdict and the exit code are not affected. Commenting needs `permissions: pull-requests: write`');
  });

  it('without a token: a warning, no API call', async () => {
    expect(await run({ CHAINGATE_INPUT_REPORTS: failing, CHAINGATE_INPUT_GITHUB_TOKEN: '' })).toBe(1);
    expect(stdout.join('')).toContain('::warning::chaingate: no github-token, so no pull-request comment');
    expect(server.requests).toEqual([]);
  });

  it('baseline auto: a base commit that cannot be fetched is a warning, the gate runs without it; an option-like value is refused', async () => {
    expect(await run({ ...passing, CHAINGATE_INPUT_BASELINE: 'auto' })).toBe(0);
    expect(stdout.join('')).toMatch(new RegExp(`::warning::chaingate: could not fetch the base commit ${parts.baseSha} \\(.*\\); gating without a baseline`));
    expect(outputs().verdict).toBe('pass');
    stdout.length = 0;
    expect(await run({ ...passing, CHAINGATE_INPUT_BASELINE: '--output=x' })).toBe(2);
    expect(stdout.join('')).toContain('input baseline: "--output=x" is not auto, none, a git revision or a file');
  });

  it('rejects a pr-comment value it does not know, exit 2', async () => {
    expect(await run({ CHAINGATE_INPUT_PR_COMMENT: 'sometimes' })).toBe(2);
    expect(stdout.join('')).toContain('input pr-comment must be auto, always or never, got "sometimes"');
    expect(server.requests).toEqual([]);
  });
});
