import * as fs from 'node:fs';
import * as path from 'node:path';
import { dependencyPathIndex, formatDependencyPath } from '../../src/core/dep-path';
import { parsePackageJson, parsePackageLock, parseRequirements } from '../../src/lockfiles';
import type { Lockfile } from '../../src/lockfiles/types';
import { REPO } from '../helpers/paths';

const EX = path.join(REPO, 'examples', 'vulnerable');
const read = (f: string) => fs.readFileSync(path.join(EX, f), 'utf8');

function exampleLocks(prefix = ''): Lockfile[] {
  return [
    parsePackageLock(read('package-lock.json'), `${prefix}package-lock.json`, parsePackageJson(read('package.json'), 'package.json')),
    parseRequirements(read('requirements.txt'), `${prefix}requirements.txt`),
  ];
}

describe('dependencyPathIndex', () => {
  it('reads the chain from the real lockfile: transitive through its parent, direct on its own', () => {
    const find = dependencyPathIndex(exampleLocks());
    const fr = find({ ecosystem: 'npm', name: 'follow-redirects', version: '1.15.5', fixedVersions: [] });
    expect(fr).toEqual({ lockfile: 'package-lock.json', manifest: 'package.json', chain: [{ name: 'follow-redirects', version: '1.15.5' }, { name: 'axios', version: '0.21.4' }], direct: false });
    expect(formatDependencyPath(fr!)).toBe('follow-redirects 1.15.5 ← axios 0.21.4 ← package.json');
    const qs = find({ ecosystem: 'npm', name: 'qs', version: '6.5.2', purl: 'pkg:npm/qs@6.5.2', fixedVersions: [] }, './package-lock.json');
    expect(qs && formatDependencyPath(qs)).toBe('qs 6.5.2 ← package.json');
    expect(qs?.direct).toBe(true);
    // PyPI names compare as PEP 503 normalizes them; requirements files are their own manifest.
    const yaml = find({ ecosystem: 'pypi', name: 'pyyaml', version: '5.3.1', fixedVersions: [] });
    expect(yaml && formatDependencyPath(yaml)).toBe('pyyaml 5.3.1 ← requirements.txt');
    expect(find({ ecosystem: 'npm', name: 'qs', version: '9.9.9', fixedVersions: [] })).toBeUndefined();
    expect(find({ name: 'qs', fixedVersions: [] })).toBeUndefined();
  });

  it('prefers the lockfile the finding names, and finds the shortest of several chains', () => {
    const pkg = (name: string, deps: string[], direct = false) => ({ ecosystem: 'npm' as const, name, version: '1.0.0', purl: `pkg:npm/${name}@1.0.0`, dev: false, direct, dependencies: deps.map((d) => `pkg:npm/${d}@1.0.0`) });
    const deep: Lockfile = {
      path: 'web/yarn.lock',
      kind: 'yarn-classic',
      packages: [pkg('top', ['mid'], true), pkg('mid', ['leaf']), pkg('short', ['leaf'], true), pkg('leaf', []), pkg('orphan', [])],
    };
    const other: Lockfile = { path: 'api/package-lock.json', kind: 'package-lock', packages: [pkg('leaf', [], true)], rootDependencies: ['pkg:npm/leaf@1.0.0'] };
    const find = dependencyPathIndex([other, deep]);
    const leaf = { ecosystem: 'npm', name: 'leaf', version: '1.0.0', fixedVersions: [] };
    expect(formatDependencyPath(find(leaf)!)).toBe('leaf 1.0.0 ← api/package.json');
    expect(formatDependencyPath(find(leaf, 'web\\yarn.lock')!)).toBe('leaf 1.0.0 ← short 1.0.0 ← web/package.json');
    // A package nothing declared reaches (a dangling entry) has no chain.
    expect(find({ ecosystem: 'npm', name: 'orphan', version: '1.0.0', fixedVersions: [] })).toBeUndefined();
    // Cycles end.
    const cyclic: Lockfile = { path: 'go.mod', kind: 'gomod', packages: [{ ...pkg('a', ['b']), ecosystem: 'golang' }, { ...pkg('b', ['a']), ecosystem: 'golang' }] };
    expect(dependencyPathIndex([cyclic])({ ecosystem: 'golang', name: 'a', version: '1.0.0', fixedVersions: [] })).toBeUndefined();
  });
});
