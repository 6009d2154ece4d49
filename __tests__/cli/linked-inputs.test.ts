// Files chaingate reads from the scanned tree (manifests, go.sum, workspace manifests, the policy,
// the exceptions and VEX files and semgrep rules it names) are never read through a link leading
// out of the repository: the pull request could commit `package.json -> ~/.ssh/id_rsa`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChaingateError } from '../../src/errors';
import { discoverLockfiles } from '../../src/lockfiles';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

const CANARY = 'ghp_CanaryLinked0123456789';
const secretDir = tmpDir('chaingate-secret-');
const secret = path.join(secretDir, 'id_rsa');
fs.writeFileSync(secret, `{"name": "${CANARY}", "dependencies": {"${CANARY}": "1"}}\n`);
const npmLock = JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', version: '1.0.0' } } });

function project(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = tmpDir('chaingate-linked-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  for (const [name, target] of Object.entries(links)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.symlinkSync(target, path.join(dir, name));
  }
  return dir;
}

function errorOf(f: () => unknown): ChaingateError {
  try {
    f();
  } catch (e) {
    if (e instanceof ChaingateError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('manifests beside a lockfile', () => {
  it.each([
    ['package.json', { 'package-lock.json': npmLock }, { 'package.json': secret }, 'package.json'],
    ['pyproject.toml', { 'poetry.lock': '[metadata]\nlock-version = "2.0"\n' }, { 'pyproject.toml': secret }, 'pyproject.toml'],
    ['go.sum', { 'go.mod': 'module example.com/app\n\ngo 1.21\n' }, { 'go.sum': secret }, 'go.sum'],
    ['workspace folder', { 'yarn.lock': '__metadata:\n  version: 6\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n\n"w@workspace:w":\n  version: 0.0.0-use.local\n  resolution: "w@workspace:w"\n', 'package.json': '{"name": "app", "workspaces": ["w"]}' }, { w: secretDir }, path.join('w', 'package.json')],
  ])('a %s that is a link out of the project is refused, exit 2, naming it', (_, files, links, named) => {
    if (named.startsWith('w')) fs.writeFileSync(path.join(secretDir, 'package.json'), fs.readFileSync(secret));
    const dir = project(files, links);
    const e = errorOf(() => discoverLockfiles(dir));
    expect(e.code).toBe('LOCKFILE_INVALID');
    expect(e.file).toBe(path.join(dir, named));
    expect(e.message).toMatch(/symbolic link/);
    expect(e.message).not.toContain(CANARY);
  });

  it('a missing manifest is still no manifest', () => {
    const [lock] = discoverLockfiles(project({ 'package-lock.json': npmLock }));
    expect(lock.kind).toBe('package-lock');
  });
});

describe('config files named by the scan', () => {
  const report = `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`;
  const scan = (dir: string, ...more: string[]) => cli(['scan', dir, '--scanners', 'none', '--report', report, '--output-dir', path.join(tmpDir(), 'out'), ...more]);

  it.each([
    ['the policy file', {}, { '.chaingate.yml': secret }, '.chaingate.yml'],
    ['the exceptions file', { '.chaingate.yml': 'exceptions:\n  file: ex.yml\n' }, { 'ex.yml': secret }, 'ex.yml'],
    ['a VEX document', { '.chaingate.yml': 'exceptions:\n  vex: [vex/a.json]\n' }, { vex: secretDir }, path.join('vex', 'a.json')],
  ])('%s linked out of the repository is refused, exit 2, naming it', async (what, files, links, named) => {
    fs.writeFileSync(path.join(secretDir, 'a.json'), fs.readFileSync(secret));
    const dir = project(files, links);
    const r = await scan(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, named)}: the ${what.replace(/^(the|a) /, '')} is a symbolic link`);
    expect(r.all).not.toContain(CANARY);
  });

  it('a semgrep rule file linked out of the repository is refused, exit 2', async () => {
    const dir = project({ '.chaingate.yml': 'semgrep:\n  config: [rules.yml]\n' }, { 'rules.yml': secret });
    const r = await cli(['scan', dir, '--scanners', 'semgrep', '--output-dir', path.join(tmpDir(), 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'rules.yml')}: the semgrep rule file is a symbolic link`);
    expect(r.all).not.toContain(CANARY);
  });

  it('links inside the repository, and files named outside it, are read', async () => {
    const outside = path.join(tmpDir('chaingate-ops-'), 'ex.yml');
    fs.writeFileSync(outside, 'version: 1\nexceptions: []\n');
    const dir = project({ 'real/policy.yml': 'exceptions:\n  file: ex.yml\n', 'ex.yml': 'version: 1\nexceptions: []\n' }, { '.chaingate.yml': 'real/policy.yml' });
    expect((await scan(dir)).code).toBe(0);
    expect((await scan(dir, '--exceptions', outside)).code).toBe(0);
  });
});
