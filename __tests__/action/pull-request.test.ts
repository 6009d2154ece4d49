// The event the action reads, and `baseline: auto` with real git repositories: a shallow clone
// lacks the base commit and the action fetches it; a full clone has it; a failed fetch warns.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvent, resolveBaseline, type Run } from '../../src/action/pull-request';
import { ConfigError } from '../../src/errors';
import { runTool } from '../../src/process/run-tool';
import { eventEnv } from '../helpers/events';
import { git, GIT_ENV } from '../helpers/git';
import { tmpDir } from '../helpers/paths';



/** An origin with a base and a head commit; returns their SHAs. */
async function origin(): Promise<{ dir: string; base: string; head: string }> {
  const dir = tmpDir('chaingate-origin-');
  await git(dir, 'init', '-q', '-b', 'main');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'base\n');
  await git(dir, 'add', '.');
  await git(dir, 'commit', '-q', '-m', 'base');
  const base = await git(dir, 'rev-parse', 'HEAD');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'head\n');
  await git(dir, 'commit', '-q', '-am', 'head');
  return { dir, base, head: await git(dir, 'rev-parse', 'HEAD') };
}

const recorder = (calls: string[][]): Run => (command, args, opts) => {
  calls.push([command, ...args]);
  return runTool(command, args, opts);
};

describe('readEvent', () => {
  const parts = { owner: 'octo-org', repo: 'app', number: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40) };
  it('pull_request: the PR, its base and head commits', () => {
    const env = eventEnv(tmpDir(), 'pull_request', parts);
    expect(readEvent(env)).toEqual({ name: 'pull_request', pr: { owner: 'octo-org', repo: 'app', number: 7 }, baseSha: parts.baseSha, headSha: parts.headSha });
  });
  it('merge_group: the base commit, the queue head, and the PR named by the queue branch', () => {
    const env = eventEnv(tmpDir(), 'merge_group', parts);
    expect(readEvent(env)).toEqual({ name: 'merge_group', pr: { owner: 'octo-org', repo: 'app', number: 7 }, baseSha: parts.baseSha, headSha: parts.headSha });
  });
  it('other events, odd payloads and unreadable ones', () => {
    expect(readEvent({ GITHUB_EVENT_NAME: 'push', GITHUB_SHA: 'c'.repeat(40) })).toEqual({ name: 'push', headSha: 'c'.repeat(40) });
    expect(readEvent({})).toEqual({ name: '', headSha: undefined });
    const d = tmpDir();
    const file = path.join(d, 'e.json');
    fs.writeFileSync(file, JSON.stringify({ pull_request: { number: '7', base: { sha: '--upload-pack=x' }, head: {} } }));
    expect(readEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file, GITHUB_REPOSITORY: 'o/r' })).toEqual({ name: 'pull_request', pr: undefined, baseSha: undefined, headSha: undefined });
    fs.writeFileSync(file, JSON.stringify({ merge_group: { head_ref: 'refs/heads/feature' } }));
    expect(readEvent({ GITHUB_EVENT_NAME: 'merge_group', GITHUB_EVENT_PATH: file, GITHUB_REPOSITORY: 'o/r' }).pr).toBeUndefined();
    fs.writeFileSync(file, '{ not json');
    expect(() => readEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file })).toThrow(ConfigError);
  });
});

describe('resolveBaseline', () => {
  const warn = jest.fn();
  beforeEach(() => warn.mockReset());

  it('auto fetches the base commit a shallow clone lacks, through git fetch --depth=1', async () => {
    const o = await origin();
    const clone = path.join(tmpDir(), 'clone');
    await git(o.dir, 'clone', '-q', '--depth=1', `file://${o.dir}`, clone);
    expect(await git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    expect((await runTool('git', ['-C', clone, 'cat-file', '-e', `${o.base}^{commit}`])).exitCode).not.toBe(0);
    const calls: string[][] = [];
    const got = await resolveBaseline(undefined, { name: 'pull_request', baseSha: o.base }, clone, GIT_ENV, warn, recorder(calls));
    expect(got).toBe(o.base);
    expect(calls[1]).toEqual(['git', '-C', clone, 'fetch', '--no-tags', '--depth=1', 'origin', o.base]);
    expect(await git(clone, 'cat-file', '-t', o.base)).toBe('commit');
    expect(warn).not.toHaveBeenCalled();
  });

  it('auto uses a base commit the clone has without fetching', async () => {
    const o = await origin();
    const calls: string[][] = [];
    expect(await resolveBaseline('auto', { name: 'merge_group', baseSha: o.base }, o.dir, GIT_ENV, warn, recorder(calls))).toBe(o.base);
    expect(calls.map((c) => c[3])).toEqual(['cat-file']);
  });

  it('a base commit that cannot be fetched: no baseline, and a warning that says why and what to do', async () => {
    const o = await origin();
    const lonely = tmpDir('chaingate-noorigin-');
    await git(lonely, 'init', '-q');
    expect(await resolveBaseline(undefined, { name: 'pull_request', baseSha: o.base }, lonely, GIT_ENV, warn)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(new RegExp(`could not fetch the base commit ${o.base} \\(.*origin.*\\); gating without a baseline, so every finding counts\\. Check out with fetch-depth: 0`));
  });

  it('none, other events, an explicit REF or FILE, and a value that would be an option', async () => {
    const never: Run = () => {
      throw new Error('no git call expected');
    };
    expect(await resolveBaseline('none', { name: 'pull_request', baseSha: 'a'.repeat(40) }, '.', {}, warn, never)).toBeUndefined();
    expect(await resolveBaseline('auto', { name: 'push' }, '.', {}, warn, never)).toBeUndefined();
    expect(await resolveBaseline('origin/main', { name: 'push' }, '.', {}, warn, never)).toBe('origin/main');
    expect(await resolveBaseline('baseline/chaingate-result.json', { name: 'pull_request', baseSha: 'a'.repeat(40) }, '.', {}, warn, never)).toBe('baseline/chaingate-result.json');
    await expect(resolveBaseline('--upload-pack=evil', { name: 'push' }, '.', {}, warn, never)).rejects.toThrow('input baseline: "--upload-pack=evil" is not auto, none, a git revision or a file');
  });

  it('a git that cannot start is named in the warning', async () => {
    const broken: Run = async (command, args) => ({ command, args, exitCode: null, signal: null, timedOut: false, spawnError: 'git: not found', stdout: '', stderr: '', durationMs: 0 });
    expect(await resolveBaseline(undefined, { name: 'pull_request', baseSha: 'a'.repeat(40) }, '.', {}, warn, broken)).toBeUndefined();
    expect(warn.mock.calls[0][0]).toContain('(git: not found)');
  });
});
