// pnpm-lock.yaml, lockfileVersion 6.x (pnpm 8) and 9.x (pnpm 9, 10). Pure.
import { LockfileError } from '../errors';
import type { Lockfile, LockPackage, Manifest } from './types';
import { fromSri, isRecord, markReachability, mergeByPurl, npmPurl, parseYamlLockfile, recordOf, sortedUnique, str } from './util';

const FIX = 'regenerate it with `pnpm install --lockfile-only`';

/** "/@s/n@1.0.0(peer@2)" or "@s/n@1.0.0(peer@2)" -> name and version without the peer suffix. */
function splitKey(key: string): { name: string; version: string } | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  const base = paren < 0 ? k : k.slice(0, paren);
  const at = base.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: base.slice(0, at), version: base.slice(at + 1) };
}

export function parsePnpmLock(text: string, file: string, manifest?: Manifest): Lockfile {
  const data = parseYamlLockfile(text, file, FIX);
  if (!isRecord(data)) throw new LockfileError(`expected a YAML mapping; ${FIX}`, file, 1);
  const lv = String(data.lockfileVersion ?? '');
  const major = Number(lv.split('.')[0]);
  if (major !== 6 && major !== 9)
    throw new LockfileError(`unknown lockfileVersion ${JSON.stringify(data.lockfileVersion)} (chaingate reads 6.x and 9.x); ${FIX} using pnpm 8 or later`, file, 1);
  const v9 = major === 9;
  // v9 splits metadata (packages) from the resolved graph (snapshots); v6 keeps both in packages.
  const graph = recordOf(v9 ? data.snapshots : data.packages);
  const meta = recordOf(data.packages);
  const keyOf = (name: string, ref: string): string | undefined => {
    if (ref.startsWith('link:') || ref.startsWith('workspace:')) return undefined;
    if (ref.startsWith('/')) return ref;
    const paren = ref.indexOf('(');
    // An alias (`string-width-cjs: string-width@4.2.3`) names the real package in the reference.
    const aliased = (paren < 0 ? ref : ref.slice(0, paren)).indexOf('@', 1) > 0;
    const k = aliased ? ref : `${name}@${ref}`;
    return v9 ? k : `/${k}`;
  };
  const purlByKey = new Map<string, string>();
  for (const key of Object.keys(graph)) {
    const e = recordOf(graph[key]);
    const nv = splitKey(key);
    const m = recordOf(meta[key.replace(/\(.*$/, '')]);
    const name = str(e.name) ?? str(m.name) ?? nv?.name;
    const version = str(e.version) ?? str(m.version) ?? nv?.version;
    if (!name || !version) throw new LockfileError(`entry "${key}" has no name@version; ${FIX}`, file);
    purlByKey.set(key, npmPurl(name, version));
  }
  const list: LockPackage[] = [];
  for (const key of Object.keys(graph)) {
    const e = recordOf(graph[key]);
    const m = v9 ? recordOf(meta[key.replace(/\(.*$/, '')]) : e;
    const purl = purlByKey.get(key) as string;
    const deps: string[] = [];
    for (const section of ['dependencies', 'optionalDependencies'] as const) {
      for (const [n, r] of Object.entries(recordOf(e[section]))) {
        const k = keyOf(n, String(r));
        if (!k) continue;
        const p = purlByKey.get(k);
        if (p) deps.push(p);
        else if (section === 'dependencies')
          throw new LockfileError(`"${key}" depends on "${n}" (${String(r)}) which the lockfile does not contain; ${FIX}`, file);
      }
    }
    const nv = splitKey(key) ?? { name: '', version: '' };
    const pkg: LockPackage = {
      ecosystem: 'npm',
      name: str(e.name) ?? str(m.name) ?? nv.name,
      version: str(e.version) ?? str(m.version) ?? nv.version,
      purl,
      dev: e.dev === true,
      direct: false,
      dependencies: deps,
    };
    const integrity = fromSri(str(recordOf(m.resolution).integrity));
    if (integrity) pkg.integrity = integrity;
    if (e.optional === true) pkg.optional = true;
    list.push(pkg);
  }
  // One project (v6 without importers) keeps its dependencies at the top level.
  const importers = isRecord(data.importers) ? data.importers : { '.': data };
  const prod: string[] = [];
  const dev: string[] = [];
  const opt: string[] = [];
  for (const imp of Object.values(importers)) {
    const sections: [string, string[]][] = [
      ['dependencies', prod],
      ['devDependencies', dev],
      ['optionalDependencies', opt],
    ];
    for (const [section, into] of sections) {
      for (const [n, spec] of Object.entries(recordOf(recordOf(imp)[section]))) {
        // v6 (5.4 too) writes `{specifier, version}`; older v6 files may have a bare version.
        const ref = isRecord(spec) ? str(spec.version) : str(spec);
        const k = ref ? keyOf(n, ref) : undefined;
        const p = k ? purlByKey.get(k) : undefined;
        if (p) into.push(p);
        else if (k) throw new LockfileError(`the project depends on "${n}" (${ref}) which the lockfile does not contain; ${FIX}`, file);
      }
    }
  }
  const packages = mergeByPurl(list);
  markReachability(new Map(packages.map((p) => [p.purl, p])), prod, dev, opt);
  const rootDependencies = sortedUnique([...prod, ...dev, ...opt]);
  const direct = new Set(rootDependencies);
  for (const p of packages) p.direct = direct.has(p.purl);
  const root = manifest?.name ? { name: manifest.name, version: manifest.version ?? '0.0.0' } : undefined;
  return { path: file, kind: 'pnpm', root, packages, rootDependencies };
}
