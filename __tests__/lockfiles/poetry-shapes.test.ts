// pyproject.toml dependencies in every shape Poetry accepts: a crash here was exit 70 for the
// scan and for `chaingate sbom`.
import { discoverLockfiles, parsePoetryLock, parsePyproject } from '../../src/lockfiles';
import { fixture } from '../helpers/paths';

describe('Poetry dependency shapes in pyproject.toml', () => {
  it('reads a real 2020 project with inline tables and multiple-constraint lists', () => {
    const [lock] = discoverLockfiles(fixture('lockfiles-public', 'poetry-2020'));
    expect(lock.kind).toBe('poetry');
    expect(lock.packages.length).toBeGreaterThan(50);
    // keyring (a list of three tables) and cachecontrol (an inline table) are direct dependencies.
    const direct = lock.packages.filter((p) => p.direct).map((p) => p.name);
    expect(direct).toEqual(expect.arrayContaining(['keyring', 'cachecontrol', 'requests']));
    expect(lock.packages.find((p) => p.name === 'mkdocs')?.dev).toBe(true);
  });

  it('gives each shape its constraint', () => {
    const m = parsePyproject(
      [
        '[tool.poetry.dependencies]',
        'python = "^3.8"',
        'plain = "^1.0"',
        'table = { version = "^0.12", extras = ["filecache"] }',
        'several = [{ version = "^18", python = "~2.7" }, { version = "^21", python = "^3.6" }]',
        'repo = { git = "https://example.invalid/repo.git", branch = "main" }',
        'local = { path = "../lib", develop = true }',
        'bare = {}',
        'odd = 3',
        'odder = 2024-01-01',
        'constructor = "1"',
        '[tool.poetry.dev-dependencies]',
        'pytest = { version = "^4.1", python = "^3.6" }',
        '[tool.poetry.group.lint.dependencies]',
        'black = [{ version = "^19", markers = "x" }, { url = "https://example.invalid/b.whl" }]',
        '[project]',
        'dependencies = ["flask>=2", 7, "toString==1"]',
      ].join('\n'),
      'pyproject.toml',
    );
    expect(m.dependencies).toEqual(
      Object.fromEntries([
        ['flask', '>=2'],
        ['toString', '==1'],
        ['plain', '^1.0'],
        ['table', '^0.12'],
        ['several', '^18 || ^21'],
        ['repo', 'git https://example.invalid/repo.git'],
        ['local', 'path ../lib'],
        ['bare', ''],
        ['odd', '3'],
        ['odder', ''],
        ['constructor', '1'],
      ]),
    );
    expect(Object.getPrototypeOf(m.dependencies)).toBe(Object.prototype);
    expect(m.devDependencies).toEqual({ pytest: '^4.1', black: '^19 || url https://example.invalid/b.whl' });
  });

  it('reads a poetry.lock whose groups list holds something other than names', () => {
    const lock = parsePoetryLock('[[package]]\nname = "a"\nversion = "1.0"\ngroups = ["main", { x = 1 }, 2]\n\n[metadata]\nlock-version = "2.0"\n', 'poetry.lock');
    expect(lock.packages[0]).toMatchObject({ name: 'a', dev: false });
  });
});
