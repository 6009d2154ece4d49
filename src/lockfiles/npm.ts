// package-lock.json (lockfileVersion 1, 2, 3) and npm-shrinkwrap.json. Pure.
import { LockfileError } from '../errors';
import type { Lockfile, LockPackage, Manifest } from './types';
import { fromSri, isRecord, mergeByPurl, npmPurl, parseJsonLockfile, recordOf, sortedUnique, str } from './util';

const FIX = 'regenerate it with `npm install --package-lock-only`';

type Entry = Record<string, unknown>;

/** `manifest` (package.json) only matters for v1, whose lockfile does not say what is direct. */
export function parsePackageLock(text: string, file: string, manifest?: Manifest): Lockfile {
  const kind = /npm-shrinkwrap\.json$/.test(file) ? 'npm-shrinkwrap' : 'package-lock';
  const data = parseJsonLockfile(text, file, FIX);
  if (!isRecord(data)) throw new LockfileError(`expected a JSON object; ${FIX}`, file);
  const version = data.lockfileVersion;
  if (version === 2 || version === 3) {
    if (!isRecord(data.packages)) throw new LockfileError(`lockfileVersion ${version} without "packages"; ${FIX}`, file);
    return fromPackages(data, data.packages, file, kind);
  }
  if (version === 1) {
    if (data.dependencies !== undefined && !isRecord(data.dependencies))
      throw new LockfileError(`"dependencies" is not an object; ${FIX}`, file);
    return fromV1(data, file, kind, manifest);
  }
  throw new LockfileError(
    `unknown lockfileVersion ${JSON.stringify(version)} (chaingate reads 1, 2 and 3); ${FIX} using npm 7 or later`,
    file,
  );
}

/** "node_modules/a/node_modules/@s/b" -> "@s/b": the last path segment(s) after node_modules. */
function nameFromKey(key: string): string {
  const i = key.lastIndexOf('node_modules/');
  return i < 0 ? key.slice(key.lastIndexOf('/') + 1) : key.slice(i + 'node_modules/'.length);
}

/**
 * The names an entry depends on into `names`, and whether each is optional into `optional`
 * (both emptied first: one pair of arrays serves every entry of a large lockfile).
 */
function depNames(e: Entry, folder: boolean, names: string[], optional: boolean[]): void {
  names.length = 0;
  optional.length = 0;
  addNames(e.dependencies, false, names, optional);
  addNames(e.optionalDependencies, true, names, optional);
  // npm 7+ installs peer dependencies, so they are part of the resolved graph.
  addNames(e.peerDependencies, true, names, optional);
  // A workspace's (or the root's) devDependencies are installed too; a package's are not.
  if (folder) addNames(e.devDependencies, false, names, optional);
}

function addNames(section: unknown, opt: boolean, names: string[], optional: boolean[]): void {
  if (!isRecord(section)) return;
  for (const n of Object.keys(section)) {
    names.push(n);
    optional.push(opt);
  }
}

/** "packages/a" (a workspace or `file:` folder), not "node_modules/..." nor the root "". */
const isFolderKey = (key: string) => key !== '' && !key.startsWith('node_modules/') && !key.includes('/node_modules/');

function fromPackages(data: Entry, packages: Record<string, unknown>, file: string, kind: Lockfile['kind']): Lockfile {
  const rootEntry = recordOf(packages['']);
  const keyToPurl = new Map<string, string>();
  // Cold code over every package: keys and entries in two arrays, no [key, value] pairs (their
  // destructuring goes through the iterator protocol before the JIT has optimized the loop).
  const all = Object.keys(packages);
  const keys: string[] = [];
  const entries: Entry[] = [];
  for (const key of all) {
    const raw = packages[key];
    if (key === '' || !isRecord(raw)) continue;
    // A link points at a workspace folder whose own entry carries the package.
    if (raw.link === true) continue;
    const name = str(raw.name) ?? nameFromKey(key);
    const version = str(raw.version);
    if (isFolderKey(key)) {
      // A workspace: in the graph (root -> workspace -> its dependencies) even without a version.
      keyToPurl.set(key, npmPurl(name, version ?? ''));
      keys.push(key);
      entries.push(raw);
      continue;
    }
    if (!version) throw new LockfileError(`entry "${key}" has no version; ${FIX}`, file);
    keyToPurl.set(key, npmPurl(name, version));
    keys.push(key);
    entries.push(raw);
  }
  const rootDeps: string[] = [];
  // Links resolve to their target's purl, so dependency edges through a link still land.
  for (const key of all) {
    const raw = packages[key];
    if (isRecord(raw) && raw.link === true) {
      const target = keyToPurl.get(str(raw.resolved) ?? '');
      if (!target) continue;
      keyToPurl.set(key, target);
      // npm links every workspace at the top of node_modules: the root depends on each (`npm ls`).
      if (/^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(key)) rootDeps.push(target);
    }
  }
  const resolve = (from: string, dep: string): string | undefined => {
    // Node's lookup: the nearest node_modules/<dep> walking up from the dependant's folder.
    let base = from;
    for (;;) {
      const hit = keyToPurl.get(base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`);
      if (hit) return hit;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      if (i >= 0) base = base.slice(0, i);
      else base = '';
    }
  };
  const names: string[] = [];
  const optionals: boolean[] = [];
  depNames(rootEntry, true, names, optionals);
  for (const n of names) {
    const p = resolve('', n);
    if (p) rootDeps.push(p);
  }
  const direct = new Set(rootDeps);
  const list: LockPackage[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const e = entries[i];
    const purl = keyToPurl.get(key) as string;
    const folder = isFolderKey(key);
    const optional = e.optional === true || e.devOptional === true;
    const deps: string[] = [];
    const unresolved: string[] = [];
    depNames(e, folder, names, optionals);
    for (let j = 0; j < names.length; j++) {
      const n = names[j];
      const p = resolve(key, n);
      if (p) deps.push(p);
      // npm leaves an optional package's own dependencies unresolved when it will not install
      // it (another platform): a note, not an error. A required one means the lockfile is out
      // of date with itself.
      else if (optional && !optionals[j]) {
        unresolved.push(n);
        warnings.push(`${file}: optional package "${key}" depends on "${n}", which the lockfile leaves unresolved; "${n}" is not in the SBOM`);
      } else if (!optionals[j]) throw new LockfileError(`"${key}" depends on "${n}" which the lockfile does not contain; ${FIX}`, file);
    }
    const license = str(e.license);
    const pkg: LockPackage = {
      ecosystem: 'npm',
      name: str(e.name) ?? nameFromKey(key),
      version: str(e.version) ?? '',
      purl,
      dev: e.dev === true,
      direct: direct.has(purl),
      dependencies: deps,
    };
    if (folder) pkg.workspace = key;
    if (unresolved.length) pkg.unresolved = unresolved;
    const integrity = fromSri(str(e.integrity));
    if (integrity) pkg.integrity = integrity;
    if (license) pkg.licenses = [license];
    if (optional) pkg.optional = true;
    list.push(pkg);
  }
  const lock: Lockfile = {
    path: file,
    kind,
    root: rootOf(rootEntry, data),
    packages: mergeByPurl(list, true),
    rootDependencies: sortedUnique(rootDeps),
  };
  if (warnings.length) lock.warnings = warnings;
  return lock;
}

function rootOf(rootEntry: Entry, data: Entry): Lockfile['root'] {
  const name = str(rootEntry.name) ?? str(data.name);
  if (!name) return undefined;
  return { name, version: str(rootEntry.version) ?? str(data.version) ?? '0.0.0' };
}

/** v1 nests `dependencies` the way node_modules is laid out; `requires` name what each needs. */
function fromV1(data: Entry, file: string, kind: Lockfile['kind'], manifest?: Manifest): Lockfile {
  const list: LockPackage[] = [];
  const rootDeps: string[] = [];
  const warnings: string[] = [];
  interface Frame {
    deps: Record<string, unknown>;
    parent?: Frame;
    resolved: Map<string, string>;
  }
  const purlOf = (name: string, e: Entry, path: string): { name: string; version: string } => {
    const v = str(e.version);
    if (!v) throw new LockfileError(`"${path}" has no version; ${FIX}`, file);
    // An alias (`"x": "npm:real@1.0.0"`) installs the real package under another folder name.
    const alias = /^npm:(@?[^@]+)@(.+)$/.exec(v);
    return alias ? { name: alias[1], version: alias[2] } : { name, version: v };
  };
  const build = (deps: Record<string, unknown>, parent: Frame | undefined, path: string): Frame => {
    const frame: Frame = { deps, parent, resolved: new Map() };
    for (const [name, raw] of Object.entries(deps)) {
      const e = recordOf(raw);
      const real = purlOf(name, e, `${path}${name}`);
      frame.resolved.set(name, npmPurl(real.name, real.version));
    }
    return frame;
  };
  const lookup = (frame: Frame | undefined, name: string): string | undefined => {
    for (let f = frame; f; f = f.parent) {
      const hit = f.resolved.get(name);
      if (hit) return hit;
    }
    return undefined;
  };
  const visit = (frame: Frame, path: string) => {
    for (const [name, raw] of Object.entries(frame.deps)) {
      const e = recordOf(raw);
      const real = purlOf(name, e, `${path}${name}`);
      const nested = isRecord(e.dependencies) ? build(e.dependencies, frame, `${path}${name}/`) : undefined;
      const deps: string[] = [];
      const unresolved: string[] = [];
      for (const req of Object.keys(recordOf(e.requires))) {
        const p = lookup(nested ?? frame, req);
        if (p) deps.push(p);
        else if (e.optional === true) {
          unresolved.push(req);
          warnings.push(`${file}: optional package "${path}${name}" requires "${req}", which the lockfile leaves unresolved; "${req}" is not in the SBOM`);
        } else throw new LockfileError(`"${path}${name}" requires "${req}" which the lockfile does not contain; ${FIX}`, file);
      }
      const pkg: LockPackage = {
        ecosystem: 'npm',
        name: real.name,
        version: real.version,
        purl: frame.resolved.get(name) as string,
        dev: e.dev === true,
        direct: frame.parent === undefined,
        dependencies: deps,
      };
      const integrity = fromSri(str(e.integrity));
      if (integrity) pkg.integrity = integrity;
      if (e.optional === true) pkg.optional = true;
      if (unresolved.length) pkg.unresolved = unresolved;
      if (frame.parent === undefined) rootDeps.push(pkg.purl);
      list.push(pkg);
      if (nested) visit(nested, `${path}${name}/`);
    }
  };
  const top = build(recordOf(data.dependencies), undefined, '');
  visit(top, '');
  // v1 has no root entry: every top-level entry is hoisted, so only the manifest says what is direct.
  if (manifest) {
    const names = [manifest.dependencies, manifest.devDependencies, manifest.optionalDependencies].flatMap((m) =>
      Object.keys(m),
    );
    const wanted = new Set(names.map((n) => top.resolved.get(n)).filter((x): x is string => Boolean(x)));
    rootDeps.length = 0;
    rootDeps.push(...wanted);
    for (const p of list) p.direct = wanted.has(p.purl);
  } else for (const p of list) p.direct = false;
  const name = str(data.name);
  const lock: Lockfile = {
    path: file,
    kind,
    root: name ? { name, version: str(data.version) ?? '0.0.0' } : undefined,
    packages: mergeByPurl(list),
    rootDependencies: sortedUnique(rootDeps),
  };
  if (warnings.length) lock.warnings = warnings;
  return lock;
}
