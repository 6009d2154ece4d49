import * as fs from 'node:fs';
import * as path from 'node:path';
import { LockfileError } from '../../src/errors';
import {
  parseGoMod,
  parseLockfile,
  parsePoetryLock,
  parsePyproject,
  parsePackageLock,
  parsePnpmLock,
  parseRequirements,
  parseYarnLock,
  readLockfile,
  type LockPackage,
} from '../../src/lockfiles';
import { npmPurl, npmPurlStrict } from '../../src/lockfiles/util';

const FIX = path.join(__dirname, 'fixtures');
const read = (...p: string[]) => fs.readFileSync(path.join(FIX, ...p), 'utf8');
const byName = (pkgs: LockPackage[], name: string) => pkgs.filter((p) => p.name === name);
const key = (p: LockPackage) => `${p.purl}${p.dev ? ' dev' : ''}${p.optional ? ' optional' : ''}`;

function thrown(f: () => unknown): LockfileError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LockfileError);
    return e as LockfileError;
  }
  throw new Error('expected a LockfileError');
}

describe('package-lock.json v3 (npm-small)', () => {
  const lock = readLockfile(path.join(FIX, 'npm-small', 'package-lock.json'));
  const raw = JSON.parse(read('npm-small', 'package-lock.json')) as { packages: Record<string, { version?: string; name?: string }> };

  it('has one package per distinct name@version entry of the lockfile', () => {
    const expected = new Set(
      Object.entries(raw.packages)
        .filter(([k]) => k !== '')
        .map(([k, v]) => `${v.name ?? k.slice(k.lastIndexOf('node_modules/') + 13)}@${v.version}`),
    );
    expect(new Set(lock.packages.map((p) => `${p.name}@${p.version}`))).toEqual(expected);
  });

  it('takes the root from the lockfile and marks the manifest dependencies direct', () => {
    expect(lock.root).toEqual({ name: 'lock-small', version: '1.2.3' });
    expect(lock.packages.filter((p) => p.direct).map((p) => p.name).sort()).toEqual(['@types/node', 'chalk', 'express', 'fsevents', 'mocha']);
    expect(lock.rootDependencies).toContain('pkg:npm/express@4.21.2');
  });

  it('keeps dev, optional, license and integrity', () => {
    const [mocha] = byName(lock.packages, 'mocha');
    expect(mocha).toMatchObject({ purl: 'pkg:npm/mocha@10.4.0', dev: true, licenses: ['MIT'] });
    expect(byName(lock.packages, 'express')[0].dev).toBe(false);
    expect(byName(lock.packages, 'fsevents')[0].optional).toBe(true);
    const [types] = byName(lock.packages, '@types/node');
    expect(types.purl).toBe('pkg:npm/%40types/node@20.11.0');
    expect(types.integrity).toEqual([
      { alg: 'SHA-512', hex: Buffer.from('o9bjXmDNcF7GbM4CNQpmi+TutCgap/K3w1JyKgxAjqx41zp9qlIAVFi0IhCNsJcXolEqLWhbFbEeL0PvYm4pcQ==', 'base64').toString('hex') },
    ]);
  });

  it('resolves every dependency edge to a package of the lockfile', () => {
    const purls = new Set(lock.packages.map((p) => p.purl));
    for (const p of lock.packages) for (const d of p.dependencies) expect(purls).toContain(d);
    expect(byName(lock.packages, '@types/node')[0].dependencies).toEqual(['pkg:npm/undici-types@5.26.5']);
  });
});

describe('the same package.json locked by every JS package manager', () => {
  const npm = readLockfile(path.join(FIX, 'npm-small', 'package-lock.json'));
  const set = (f: string) => new Set(readLockfile(path.join(FIX, f)).packages.map(key));
  const npmSet = new Set(npm.packages.map(key));

  it.each(['npm-v1/package-lock.json', 'npm-v2/package-lock.json', 'shrink/npm-shrinkwrap.json', 'pnpm9/pnpm-lock.yaml', 'pnpm6/pnpm-lock.yaml'])(
    '%s gives exactly the packages, dev and optional flags of the v3 lockfile',
    (f) => {
      expect(set(f)).toEqual(npmSet);
    },
  );

  it('yarn classic resolves two ranges to other versions than npm and nothing else differs', () => {
    const yarn = set('yarn1/yarn.lock');
    expect([...npmSet].filter((x) => !yarn.has(x))).toEqual([]);
    // yarn 1 does not dedupe these onto the version npm shares between dependants.
    expect([...yarn].filter((x) => !npmSet.has(x)).sort()).toEqual(['pkg:npm/minimatch@5.1.9 dev', 'pkg:npm/yargs-parser@20.2.9 dev']);
  });

  it('yarn berry adds node-gyp and its tree (for fsevents, optional) and the same two versions as yarn 1', () => {
    const berry = readLockfile(path.join(FIX, 'berry', 'yarn.lock'));
    const s = new Set(berry.packages.map((p) => p.purl));
    const npmPurls = new Set(npm.packages.map((p) => p.purl));
    expect([...npmPurls].filter((x) => !s.has(x))).toEqual([]);
    const extra = berry.packages.filter((p) => !npmPurls.has(p.purl));
    expect(extra.map((p) => p.name)).toContain('node-gyp');
    for (const p of extra)
      if (p.name === 'minimatch' || p.name === 'yargs-parser') expect(key(p)).toMatch(/^pkg:npm\/(minimatch@5\.1\.9|yargs-parser@20\.2\.9) dev$/);
      else expect(p.optional).toBe(true);
  });
});

describe('package-lock.json v1', () => {
  it('marks direct dependencies from the manifest only', () => {
    const lock = readLockfile(path.join(FIX, 'npm-v1', 'package-lock.json'));
    expect(lock.packages.filter((p) => p.direct).map((p) => p.name).sort()).toEqual(['@types/node', 'chalk', 'express', 'fsevents', 'mocha']);
  });
});

describe('bad lockfiles', () => {
  it('names the file and line of corrupt JSON', () => {
    const text = read('npm-small', 'package-lock.json').slice(0, 2000);
    const e = thrown(() => parsePackageLock(text, 'app/package-lock.json'));
    expect(e.code).toBe('LOCKFILE_INVALID');
    expect(e.file).toBe('app/package-lock.json');
    expect(e.line).toBe(text.split('\n').length);
    expect(e.message).toMatch(/^app\/package-lock\.json:\d+:\d+: not valid JSON \(unterminated string\); .*npm install --package-lock-only/);
  });

  it('rejects an unknown lockfileVersion', () => {
    const e = thrown(() => parsePackageLock('{"lockfileVersion": 4, "packages": {}}', 'package-lock.json'));
    expect(e.message).toMatch(/unknown lockfileVersion 4/);
  });

  it('names the line of corrupt YAML', () => {
    const text = read('pnpm9', 'pnpm-lock.yaml').replace('\nsnapshots:\n', '\nsnapshots:\n  - : [\n');
    const line = text.split('\n').indexOf('snapshots:') + 2;
    const e = thrown(() => parsePnpmLock(text, 'pnpm-lock.yaml'));
    expect(e.file).toBe('pnpm-lock.yaml');
    expect(e.line).toBeGreaterThanOrEqual(line);
    expect(e.message).toMatch(/^pnpm-lock\.yaml:\d+:\d+: not valid YAML/);
  });

  it('says what is wrong with the YAML without quoting the alias or tag names it read', () => {
    for (const [bad, why] of [
      ['importers: *ghp_CanaryAlias', 'an alias refers to no anchor'],
      ['importers: !<tag:ghp_CanaryTag> x', 'unknown tag'],
      ['importers: !ghpCanary!x y', 'undeclared tag handle'],
      ['importers: !a\x01ghp_Canary y', 'tag name cannot contain such characters'],
    ]) {
      const e = thrown(() => parsePnpmLock(`lockfileVersion: '9.0'\n${bad}\n`, 'pnpm-lock.yaml'));
      expect(e.message).toMatch(new RegExp(`^pnpm-lock\\.yaml:2:\\d+: not valid YAML \\(${why}\\); `));
      expect(e.message).not.toMatch(/Canary/);
    }
  });

  it('rejects an unknown pnpm lockfileVersion', () => {
    expect(thrown(() => parsePnpmLock("lockfileVersion: '4.0'\n", 'pnpm-lock.yaml')).message).toMatch(/unknown lockfileVersion "4.0"/);
  });

  it('rejects a truncated yarn.lock instead of returning fewer packages', () => {
    const text = read('yarn1', 'yarn.lock');
    const cut = text.slice(0, text.indexOf('\n', 3000)) + '\n  dependenc';
    const e = thrown(() => parseYarnLock(cut, 'yarn.lock'));
    expect(e.line).toBe(cut.split('\n').length);
  });

  it('rejects a lockfile whose dependency is missing', () => {
    const data = JSON.parse(read('npm-small', 'package-lock.json')) as { packages: Record<string, unknown> };
    delete data.packages['node_modules/undici-types'];
    expect(thrown(() => parsePackageLock(JSON.stringify(data), 'package-lock.json')).message).toMatch(/"node_modules\/@types\/node" depends on "undici-types"/);
  });

  it('reads the lockfile version 10 that yarn 4.10+ writes like the earlier berry versions', () => {
    const text = fs.readFileSync(path.join(FIX, 'berry', 'yarn.lock'), 'utf8');
    const v10 = text.replace(/(__metadata:\n\s+version: )\d+/, '$110');
    expect(v10).not.toBe(text);
    expect(parseYarnLock(v10, 'yarn.lock').packages).toEqual(parseYarnLock(text, 'yarn.lock').packages);
  });
  it('rejects a yarn berry lockfile of an unknown version', () => {
    expect(thrown(() => parseYarnLock('__metadata:\n  version: 99\n', 'yarn.lock')).message).toMatch(/unknown yarn berry __metadata.version 99/);
  });
});

describe('requirements.txt', () => {
  const text = [
    '# pinned by pip-compile',
    'Django==4.2.7 \\',
    '    --hash=sha256:8e0f1c2c2786b5c0e39fe1afce24c926040fad47c8ea8ad30aaf1188df29fc41',
    'requests[socks]==2.31.0 ; python_version >= "3.8"',
    'flask>=2.0',
    '-r other.txt',
    'zope.interface===6.1',
    '',
  ].join('\n');
  const lock = parseRequirements(text, 'requirements.txt');

  it('reads pinned lines with normalized names and hashes', () => {
    expect(lock.packages.map((p) => p.purl)).toEqual(['pkg:pypi/django@4.2.7', 'pkg:pypi/requests@2.31.0', 'pkg:pypi/zope-interface@6.1']);
    expect(lock.packages[0].integrity).toEqual([{ alg: 'SHA-256', hex: '8e0f1c2c2786b5c0e39fe1afce24c926040fad47c8ea8ad30aaf1188df29fc41' }]);
  });

  it('reports unpinned lines and options with their line numbers', () => {
    expect(lock.warnings).toEqual([
      'requirements.txt:5: "flask" is not pinned to one version (name==version); it is not in the SBOM',
      'requirements.txt:6: option "-r" is not followed (only pinned name==version lines are read)',
    ]);
  });

  it('quotes no more of a line than an option or a name: the rest may hold credentials', () => {
    const secret = 'ghp_CanaryReq0123456789';
    const warnings = parseRequirements(
      [`--index-url=https://u:${secret}@pkgs.example.invalid/simple`, `--extra-index-url https://${secret}@x.example.invalid`, `-${secret}`, `git+https://${secret}@git.example.invalid/a.git`, `./vendor/${secret}.whl`, `pkg @ https://${secret}@x.example.invalid/p.whl`, 'flask[async]>=2; python_version > "3"'].join('\n'),
      'requirements.txt',
    ).warnings as string[];
    expect(warnings).toHaveLength(7);
    expect(warnings.join('\n')).not.toContain('Canary');
    expect(warnings[0]).toBe('requirements.txt:1: option "--index-url" is not followed (only pinned name==version lines are read)');
    expect(warnings[2]).toBe('requirements.txt:3: an option is not followed (only pinned name==version lines are read)');
    expect(warnings[3]).toBe('requirements.txt:4: the requirement (a URL or path?) is not pinned to one version (name==version); it is not in the SBOM');
    expect(warnings[6]).toBe('requirements.txt:7: "flask" is not pinned to one version (name==version); it is not in the SBOM');
  });
});

// Written in poetry's format by hand: poetry could not lock here (its metadata API is not reachable
// from this machine), see fixtures/README.md.
describe('poetry.lock', () => {
  const v2 = [
    '# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.',
    '',
    '[[package]]',
    'name = "Flask"',
    'version = "3.0.3"',
    'description = "A simple framework for building complex web applications."',
    'optional = false',
    'python-versions = ">=3.8"',
    'groups = ["main"]',
    'files = [',
    '    {file = "flask-3.0.3-py3-none-any.whl", hash = "sha256:34e815dfaa43340d1d15a5c3a02b8476004037eb4840b34910c6e21679d288f3"},',
    '    {file = "flask-3.0.3.tar.gz", hash = "sha256:ceb27b0af3823ea2737928a4d99d125a06175b8512c445cbd9a9ce200ef76842"},',
    ']',
    '',
    '[package.dependencies]',
    'Werkzeug = ">=3.0.0"',
    'click = {version = ">=8.1.3", markers = "python_version >= \\"3.8\\""}',
    '',
    '[package.extras]',
    'async = ["asgiref (>=3.2)"]',
    '',
    '[[package]]',
    'name = "werkzeug"',
    'version = "3.0.4"',
    'description = "The comprehensive WSGI web application library."',
    'optional = false',
    'python-versions = ">=3.8"',
    'groups = ["main", "dev"]',
    'files = [',
    '    {file = "werkzeug-3.0.4-py3-none-any.whl", hash = "sha256:02c9eb92b7d6c06f31a782811505d2157837cea66aaede3e217c7c27c039476c"},',
    ']',
    '',
    '[[package]]',
    'name = "click"',
    'version = "8.1.7"',
    'description = "Composable command line interface toolkit"',
    'optional = false',
    'python-versions = ">=3.7"',
    'groups = ["main"]',
    'files = []',
    '',
    '[[package]]',
    'name = "pytest"',
    'version = "8.3.3"',
    'description = "pytest: simple powerful testing with Python"',
    'optional = false',
    'python-versions = ">=3.8"',
    'groups = ["dev"]',
    'files = []',
    '',
    '[metadata]',
    'lock-version = "2.1"',
    'python-versions = "^3.9"',
    'content-hash = "0000"',
    '',
  ].join('\n');
  const pyproject = '[tool.poetry]\nname = "app"\nversion = "0.3.0"\n\n[tool.poetry.dependencies]\npython = "^3.9"\nflask = "3.0.3"\n\n[tool.poetry.group.dev.dependencies]\npytest = "^8"\n';

  it('reads packages, groups, hashes and the graph (lock-version 2)', () => {
    const lock = parseLockfile({ path: 'poetry.lock', text: v2, manifest: parsePyproject(pyproject, 'pyproject.toml') });
    expect(lock.root).toEqual({ name: 'app', version: '0.3.0' });
    expect(lock.packages.map((p) => `${p.purl} dev=${p.dev} direct=${p.direct}`)).toEqual([
      'pkg:pypi/click@8.1.7 dev=false direct=false',
      'pkg:pypi/flask@3.0.3 dev=false direct=true',
      'pkg:pypi/pytest@8.3.3 dev=true direct=true',
      'pkg:pypi/werkzeug@3.0.4 dev=false direct=false',
    ]);
    const flask = lock.packages[1];
    expect(flask.dependencies).toEqual(['pkg:pypi/click@8.1.7', 'pkg:pypi/werkzeug@3.0.4']);
    expect(flask.integrity).toHaveLength(2);
    expect(lock.packages[3].integrity).toEqual([{ alg: 'SHA-256', hex: '02c9eb92b7d6c06f31a782811505d2157837cea66aaede3e217c7c27c039476c' }]);
  });

  it('reads poetry 1.1 files: category and [metadata.files]', () => {
    const v1 = [
      '[[package]]', 'name = "requests"', 'version = "2.31.0"', 'category = "main"', 'optional = false', 'python-versions = ">=3.7"', '',
      '[[package]]', 'name = "black"', 'version = "23.1.0"', 'category = "dev"', 'optional = false', 'python-versions = ">=3.7"', '',
      '[metadata]', 'lock-version = "1.1"', 'python-versions = "^3.8"', 'content-hash = "0"', '',
      '[metadata.files]', 'requests = [', '    {file = "requests-2.31.0.tar.gz", hash = "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1"},', ']', 'black = []', '',
    ].join('\n');
    const lock = parsePoetryLock(v1, 'poetry.lock');
    expect(lock.packages.map((p) => `${p.name} ${p.dev}`)).toEqual(['black true', 'requests false']);
    expect(lock.packages[1].integrity?.[0].hex).toBe('942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1');
  });

  it('names the line of broken TOML and rejects an unknown lock-version', () => {
    const e = thrown(() => parsePoetryLock(v2.replace('version = "3.0.4"', 'version = 3.0.4"'), 'poetry.lock'));
    expect(e.line).toBe(v2.split('\n').indexOf('version = "3.0.4"') + 1);
    expect(thrown(() => parsePoetryLock('[metadata]\nlock-version = "3.0"\n', 'poetry.lock')).message).toMatch(/unknown lock-version "3.0"/);
  });
});

describe('go.mod', () => {
  it('lists every required module, direct and indirect', () => {
    const lock = readLockfile(path.join(FIX, 'gomod', 'go.mod'));
    expect(lock.root?.name).toBe('example.com/lockgo');
    expect(lock.packages.map((p) => `${p.purl} ${p.direct}`)).toEqual([
      'pkg:golang/github.com/inconshreveable/mousetrap@v1.1.0 false',
      'pkg:golang/github.com/spf13/cobra@v1.8.1 true',
      'pkg:golang/github.com/spf13/pflag@v1.0.5 false',
      'pkg:golang/golang.org/x/text@v0.19.0 true',
    ]);
  });

  it('follows replace directives and reports local ones', () => {
    const lock = parseGoMod(
      'module m\n\ngo 1.21\n\nrequire (\n\ta.io/x v1.0.0\n\tb.io/y v1.0.0\n)\n\nreplace a.io/x => c.io/x v1.2.0\nreplace b.io/y => ../y\n',
      'go.mod',
    );
    expect(lock.packages.map((p) => p.purl)).toEqual(['pkg:golang/c.io/x@v1.2.0']);
    expect(lock.warnings).toEqual(['go.mod: b.io/y is replaced by the local directory ../y; it is not in the SBOM']);
  });

  it('takes indirect modules from go.sum before go 1.17', () => {
    const lock = parseGoMod('module m\ngo 1.16\nrequire a.io/x v1.0.0\n', 'go.mod', 'a.io/x v1.0.0 h1:AAA=\na.io/x v1.0.0/go.mod h1:BBB=\nb.io/z v0.1.0 h1:CCC=\nc.io/w v0.2.0/go.mod h1:DDD=\n');
    expect(lock.packages.map((p) => p.purl)).toEqual(['pkg:golang/a.io/x@v1.0.0', 'pkg:golang/b.io/z@v0.1.0']);
  });
});

describe('npm purls', () => {
  it('equal packageurl-js PackageURL for every package of a real lockfile and odd names', () => {
    const raw = JSON.parse(read('npm-large', 'package-lock.json')) as { packages: Record<string, { version?: string; name?: string }> };
    const cases: [string, string][] = [
      ['JSONStream', '1.3.5'],
      ['@Scope/Pkg', '1.0.0-rc.1+build:7'],
      ['a', '0.0.0-x y'],
      // pnpm workspaces named by their folder
      ['apps/site', ''],
      ['Packages/UI-Components', '1.0.0'],
      ['a/..', '2.0.0-rc.1'],
      ['a/_b/.c', ''],
      ['a/b', '1.0.0+x'],
      ['a//b', ''],
      ['a/b c', ''],
    ];
    for (const [k, v] of Object.entries(raw.packages)) if (k && v.version) cases.push([v.name ?? k.slice(k.lastIndexOf('node_modules/') + 13), v.version]);
    expect(cases.length).toBeGreaterThan(1800);
    for (const [n, v] of cases) expect(npmPurl(n, v)).toBe(npmPurlStrict(n, v));
  });
});

describe('parseLockfile', () => {
  it('rejects a file name it does not know', () => {
    expect(thrown(() => parseLockfile({ path: 'Gemfile.lock', text: '' })).message).toMatch(/^Gemfile\.lock: not a lockfile/);
  });
});
