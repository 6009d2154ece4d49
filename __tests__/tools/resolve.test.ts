import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkPolicyToolPath, resolveToolPath, untrustedRoots, type CheckedToolPath } from '../../src/tools/resolve';
import { ConfigError } from '../../src/errors';
import { tmpDir } from '../helpers/paths';

describe('resolveToolPath', () => {
  const dir = tmpDir('chaingate-tools-');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'trivy'), '');
  const env = { CHAINGATE_TOOLS_DIR: dir };
  const checked = (p: string) => p as CheckedToolPath;

  it('prefers CHAINGATE_<TOOL>_PATH, then the policy, then the pinned install, then PATH', () => {
    expect(resolveToolPath('trivy', { ...env, CHAINGATE_TRIVY_PATH: '/x/trivy' }, checked('/p/trivy'))).toBe('/x/trivy');
    expect(resolveToolPath('trivy', env, checked('/p/trivy'))).toBe('/p/trivy');
    expect(resolveToolPath('trivy', env)).toBe(path.join(dir, 'bin', 'trivy'));
    expect(resolveToolPath('cosign', env)).toBe('cosign');
  });
  it('spells the variable of a dashed tool with underscores', () => {
    expect(resolveToolPath('pip-audit', { ...env, CHAINGATE_PIP_AUDIT_PATH: '/y/pip-audit' })).toBe('/y/pip-audit');
  });
});

describe('checkPolicyToolPath: a policy may not point at a program the repository controls', () => {
  // repo/            a git repository
  //   .git/
  //   app/           the scanned folder, with its policy
  //   tools/trivy    outside the scanned folder, inside the repository
  // outside/trivy    a real install
  const top = tmpDir('chaingate-toolpath-');
  const repo = path.join(top, 'repo');
  const app = path.join(repo, 'app');
  for (const d of [path.join(repo, '.git'), path.join(app, 'scripts'), path.join(repo, 'tools'), path.join(top, 'outside'), path.join(top, 'links')]) fs.mkdirSync(d, { recursive: true });
  for (const f of [path.join(app, 'scripts', 'trivy'), path.join(repo, 'tools', 'trivy'), path.join(top, 'outside', 'trivy')]) fs.writeFileSync(f, '#!/bin/sh\n', { mode: 0o755 });
  fs.symlinkSync(path.join(app, 'scripts', 'trivy'), path.join(top, 'links', 'trivy'));
  fs.symlinkSync(path.join(app, 'scripts'), path.join(top, 'links', 'dir'));
  const policy = path.join(app, '.chaingate.yml');
  const roots = untrustedRoots([app], {});
  const check = (value: string, env: NodeJS.ProcessEnv = {}, tool = 'trivy') => checkPolicyToolPath(tool, value, { file: policy, line: 4 }, roots, env);
  const refusal = (value: string, env: NodeJS.ProcessEnv = {}, tool = 'trivy'): string => {
    try {
      check(value, env, tool);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error(`${value} was accepted`);
  };

  it('counts the scanned folder and the git repository holding it as the repository', () => {
    expect(roots).toEqual(expect.arrayContaining([app, repo]));
  });
  it('refuses paths inside the scanned folder, however written, at the policy line', () => {
    expect(refusal('scripts/trivy')).toBe(
      `${policy}:4: tools.trivy.path is inside the repository being scanned (${app}). A pull request could make the gate run its own program as trivy: set CHAINGATE_TRIVY_PATH in the workflow instead, or install the pinned tools`,
    );
    expect(refusal('./scripts/../scripts/trivy')).toMatch(/is inside the repository/);
    // The value is the policy's text (the PR's): located by file:line, never quoted.
    expect(refusal('scripts/trivy-ghp_Canary0123')).not.toContain('Canary');
    expect(refusal(path.join(app, 'scripts', 'trivy'))).toMatch(/is inside the repository/);
    expect(refusal('scripts/trivy-not-there-yet')).toMatch(/is inside the repository/);
  });
  it('refuses paths elsewhere in the repository holding the scanned folder', () => {
    expect(refusal('../tools/trivy')).toMatch(new RegExp(`is inside the repository being scanned \\(${repo}\\)`));
  });
  it('refuses a symlink from outside that leads into the repository, and a path through a symlinked folder', () => {
    expect(refusal(path.join(top, 'links', 'trivy'))).toMatch(/is inside the repository/);
    expect(refusal(path.join(top, 'links', 'dir', 'trivy'))).toMatch(/is inside the repository/);
  });
  it('refuses a bare name that PATH finds inside the repository', () => {
    expect(refusal('trivy', { PATH: path.join(app, 'scripts') })).toMatch(/is inside the repository/);
    expect(check('trivy', { PATH: path.join(top, 'outside') })).toBe(path.join(top, 'outside', 'trivy'));
    expect(check('trivy', { PATH: '' })).toBe('trivy');
  });
  it('refuses shells and interpreters, which would run files of the repository', () => {
    expect(refusal('/bin/sh')).toMatch(/tools\.trivy\.path is not a trivy program \(its file name must start with "trivy"/);
    expect(refusal('/usr/bin/node', {}, 'npm')).toMatch(/is not a npm program/);
    expect(refusal('/usr/bin/env', {}, 'semgrep')).toMatch(/is not a semgrep program/);
  });
  it('accepts a program outside the repository', () => {
    expect(check(path.join(top, 'outside', 'trivy'))).toBe(path.join(top, 'outside', 'trivy'));
    expect(check('../../outside/trivy')).toBe(path.join(top, 'outside', 'trivy'));
  });
  it('takes CHAINGATE_<TOOL>_PATH as it is: the workflow sets it, outside the repository', () => {
    expect(resolveToolPath('trivy', { CHAINGATE_TRIVY_PATH: path.join(app, 'scripts', 'trivy') })).toBe(path.join(app, 'scripts', 'trivy'));
  });
  it('counts the Actions workspace as the repository', () => {
    const ws = untrustedRoots([path.join(top, 'outside')], { GITHUB_WORKSPACE: app });
    expect(() => checkPolicyToolPath('trivy', path.join(app, 'scripts', 'trivy'), { file: policy }, ws, {})).toThrow(/is inside the repository/);
  });
});
