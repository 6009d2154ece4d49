// poetry.lock (lock-version 1.x and 2.x). Pure.
import { LockfileError } from '../errors';
import type { Integrity, Lockfile, LockPackage, Manifest } from './types';
import { fromPrefixedHex, isRecord, mergeByPurl, parseTomlLockfile, pypiName, pypiPurl, recordOf, str, withRoots } from './util';

const FIX = 'regenerate it with `poetry lock`';

export function parsePoetryLock(text: string, file: string, manifest?: Manifest): Lockfile {
  const data = parseTomlLockfile(text, file, FIX);
  const meta = recordOf(data.metadata);
  const lockVersion = str(meta['lock-version']);
  if (lockVersion !== undefined && !/^[12]\./.test(lockVersion))
    throw new LockfileError(`unknown lock-version "${lockVersion}" (chaingate reads 1.x and 2.x); ${FIX}`, file);
  if (!Array.isArray(data.package)) throw new LockfileError(`no [[package]] tables; ${FIX}`, file);
  // poetry < 1.2 kept file hashes in [metadata.files]; later versions inline them per package.
  const legacyFiles = recordOf(meta.files);
  const purlByName = new Map<string, string>();
  for (const raw of data.package) {
    const e = recordOf(raw);
    const name = str(e.name);
    const version = str(e.version);
    if (!name || !version) throw new LockfileError(`a [[package]] without name or version; ${FIX}`, file);
    if (!purlByName.has(pypiName(name))) purlByName.set(pypiName(name), pypiPurl(name, version));
  }
  const list: LockPackage[] = [];
  let categoriesKnown = false;
  for (const raw of data.package) {
    const e = recordOf(raw);
    const name = str(e.name) as string;
    const version = str(e.version) as string;
    const deps = Object.keys(recordOf(e.dependencies))
      .map((d) => purlByName.get(pypiName(d)))
      .filter((x): x is string => Boolean(x));
    const files = Array.isArray(e.files) ? e.files : Array.isArray(legacyFiles[name]) ? (legacyFiles[name] as unknown[]) : [];
    const hashes: Integrity[] = [];
    for (const f of files) {
      const d = fromPrefixedHex(str(recordOf(f).hash) ?? '');
      if (d) hashes.push(d);
    }
    // Group names are strings; anything else in the list (a table has no String()) names no group.
    const groups = Array.isArray(e.groups) ? e.groups.filter((g): g is string => typeof g === 'string') : undefined;
    const category = str(e.category);
    if (groups || category) categoriesKnown = true;
    const pkg: LockPackage = {
      ecosystem: 'pypi',
      name: pypiName(name),
      version,
      purl: pypiPurl(name, version),
      dev: groups ? !groups.includes('main') : category === 'dev',
      direct: false,
      dependencies: deps,
    };
    if (e.optional === true) pkg.optional = true;
    if (hashes.length) pkg.integrity = hashes.sort((a, b) => (a.hex < b.hex ? -1 : 1));
    list.push(pkg);
  }
  // The lockfile's own groups/category are authoritative; reachability only fills the gap.
  return withRoots({ path: file, kind: 'poetry' }, mergeByPurl(list), manifest, (n) => purlByName.get(pypiName(n)), !categoriesKnown);
}

/**
 * The version constraint of one Poetry dependency, in any shape Poetry accepts: a string
 * ("^2.18"), an inline table ({ version = "^0.12.4", extras = [...] }, or a git/path/url source
 * without a version), or a list of tables, one per Python version or platform (multiple
 * constraints), whose constraints are joined with " || ". Tables from the TOML reader have no
 * prototype, so String() of one throws: every shape is read field by field.
 */
function poetryConstraint(v: unknown): string {
  if (Array.isArray(v)) return v.map(poetryConstraint).filter(Boolean).join(' || ');
  if (isRecord(v)) {
    const version = str(v.version);
    if (version !== undefined) return version;
    for (const source of ['git', 'path', 'url', 'file']) {
      const where = str(v[source]);
      if (where !== undefined) return `${source} ${where}`;
    }
    return '';
  }
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** name → constraint of a Poetry dependency table; `python` (the interpreter) is no package. */
function poetryDependencies(table: unknown): [string, string][] {
  return Object.entries(recordOf(table))
    .filter(([n]) => n !== 'python')
    .map(([n, v]) => [n, poetryConstraint(v)]);
}

/** pyproject.toml: PEP 621 [project] or [tool.poetry], with poetry's dev groups. */
export function parsePyproject(text: string, file: string): Manifest {
  const data = parseTomlLockfile(text, file, 'fix the TOML syntax of pyproject.toml');
  const project = recordOf(data.project);
  const poetry = recordOf(recordOf(data.tool).poetry);
  const deps: [string, string][] = [];
  for (const spec of Array.isArray(project.dependencies) ? project.dependencies : []) {
    const m = typeof spec === 'string' ? /^([A-Za-z0-9][A-Za-z0-9._-]*)(.*)$/.exec(spec) : null;
    if (m) deps.push([m[1], m[2].trim()]);
  }
  deps.push(...poetryDependencies(poetry.dependencies));
  const dev = poetryDependencies(poetry['dev-dependencies']);
  for (const [g, grp] of Object.entries(recordOf(poetry.group))) {
    if (g !== 'main') dev.push(...poetryDependencies(recordOf(grp).dependencies));
  }
  // fromEntries: a dependency named like an Object.prototype key stays a plain entry.
  return {
    name: str(project.name) ?? str(poetry.name),
    version: str(project.version) ?? str(poetry.version),
    dependencies: Object.fromEntries(deps),
    devDependencies: Object.fromEntries(dev),
    optionalDependencies: {},
  };
}
