// pnpm-lock.yaml, lockfileVersion 5.x (pnpm 6, 7), 6.x (pnpm 8) and 9.x (pnpm 9, 10, 11). Pure.
import * as posix from 'node:path/posix';
import { LockfileError } from '../errors';
import type { Lockfile, LockPackage, Manifest } from './types';
import { finishWorkspaces, fromSri, isRecord, npmPurl, parseYamlDocuments, recordOf, str } from './util';

const FIX = 'regenerate it with `pnpm install --lockfile-only`';

type Format = 5 | 6 | 9;

/**
 * The package a key names, without the peer suffix:
 * v5 "/@s/n/1.0.0_peer@2", v6 "/@s/n@1.0.0(peer@2)", v9 "@s/n@1.0.0(peer@2)".
 */
function splitKey(key: string, format: Format): { name: string; version: string } | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key;
  if (format === 5) {
    const parts = k.split('/');
    const n = k.startsWith('@') ? 2 : 1;
    if (parts.length !== n + 1) return undefined;
    const v = parts[n];
    const underscore = v.indexOf('_');
    return { name: parts.slice(0, n).join('/'), version: underscore < 0 ? v : v.slice(0, underscore) };
  }
  const paren = k.indexOf('(');
  const base = paren < 0 ? k : k.slice(0, paren);
  const at = base.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: base.slice(0, at), version: base.slice(at + 1) };
}

/** A v9 snapshot key without its peer suffix: "a@1.0.0(b@2)" -> "a@1.0.0". */
function withoutPeers(key: string): string {
  const paren = key.indexOf('(');
  if (paren < 0) return key;
  // As /\(.*$/ takes it: '.' stops at line breaks, which a quoted YAML key may hold.
  return /[\n\r\u2028\u2029]/.test(key) ? key.replace(/\(.*$/, '') : key.slice(0, paren);
}

/** pnpm 11 writes its "env lockfile" (config and package-manager dependencies) as a first document. */
function isEnvDocument(d: unknown): boolean {
  if (!isRecord(d) || !isRecord(d.importers)) return false;
  const keys = Object.values(d.importers).flatMap((imp) => Object.keys(recordOf(imp)));
  return keys.length > 0 && keys.every((k) => k === 'configDependencies' || k === 'packageManagerDependencies');
}

function mainDocument(docs: unknown[], file: string): Record<string, unknown> {
  const main = docs.filter((d) => !isEnvDocument(d));
  if (main.length !== 1)
    throw new LockfileError(`expected one lockfile document (besides pnpm's env document), found ${main.length}; ${FIX}`, file, 1);
  if (!isRecord(main[0])) throw new LockfileError(`expected a YAML mapping; ${FIX}`, file, 1);
  return main[0];
}

export function parsePnpmLock(text: string, file: string, manifest?: Manifest): Lockfile {
  const data = mainDocument(parseYamlDocuments(text, file, FIX), file);
  const major = Number(String(data.lockfileVersion ?? '').split('.')[0]);
  if (major !== 5 && major !== 6 && major !== 9)
    throw new LockfileError(`unknown lockfileVersion ${JSON.stringify(data.lockfileVersion)} (chaingate reads 5.x, 6.x and 9.x); ${FIX} using pnpm 6 or later`, file, 1);
  const format = major as Format;
  // v9 splits metadata (packages) from the resolved graph (snapshots); v5 and v6 keep both in packages.
  const graph = recordOf(format === 9 ? data.snapshots : data.packages);
  const meta = recordOf(data.packages);
  const metaOf = (key: string) => recordOf(format === 9 ? meta[withoutPeers(key)] : graph[key]);
  const importers = isRecord(data.importers) ? data.importers : { '.': data };

  // Workspaces by folder, named by the links that point at them (importers carry no name).
  const workspaceName = new Map<string, string>();
  for (const [at, imp] of Object.entries(importers)) {
    for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      for (const [n, spec] of Object.entries(recordOf(recordOf(imp)[section]))) {
        const ref = isRecord(spec) ? str(spec.version) : str(spec);
        if (ref?.startsWith('link:')) workspaceName.set(posix.normalize(posix.join(at, ref.slice(5))), n);
      }
    }
  }
  const workspacePurl = (at: string) => npmPurl(workspaceName.get(at) ?? at, '');

  const keyOf = (from: string, name: string, ref: string): string | undefined => {
    if (ref.startsWith('link:')) {
      const target = posix.normalize(posix.join(from, ref.slice(5)));
      return Object.hasOwn(importers, target) && target !== '.' ? `workspace:${target}` : undefined;
    }
    if (ref.startsWith('workspace:')) return undefined;
    // A tarball or git dependency: the reference is the key itself.
    if (Object.hasOwn(graph, ref)) return ref;
    if (ref.startsWith('/')) return ref;
    if (format === 5) return `/${name}/${ref}`;
    const paren = ref.indexOf('(');
    // An alias (`string-width-cjs: string-width@4.2.3`) names the real package in the reference.
    const aliased = (paren < 0 ? ref : ref.slice(0, paren)).indexOf('@', 1) > 0;
    const k = aliased ? ref : `${name}@${ref}`;
    return format === 9 ? k : `/${k}`;
  };
  const purlByKey = new Map<string, string>();
  for (const at of Object.keys(importers)) if (at !== '.') purlByKey.set(`workspace:${at}`, workspacePurl(at));
  // Each entry read once: every purl must be known before the first edge is resolved.
  const nodes: { key: string; e: Record<string, unknown>; m: Record<string, unknown>; name: string; version: string; purl: string }[] = [];
  for (const key of Object.keys(graph)) {
    const e = recordOf(graph[key]);
    const m = metaOf(key);
    const nv = splitKey(key, format);
    const name = str(e.name) ?? str(m.name) ?? nv?.name;
    const version = str(e.version) ?? str(m.version) ?? nv?.version;
    if (!name || !version) throw new LockfileError(`entry "${key}" has no name@version; ${FIX}`, file);
    const purl = npmPurl(name, version);
    purlByKey.set(key, purl);
    nodes.push({ key, e, m, name, version, purl });
  }
  const list: LockPackage[] = [];
  // Cold code over every package: no [name, ref] pairs to destructure, no array per iteration.
  const edges = (key: string, section: unknown, required: boolean, deps: string[]) => {
    const sec = recordOf(section);
    for (const n of Object.keys(sec)) {
      const r = String(sec[n]);
      const k = keyOf('.', n, r);
      if (!k) continue;
      const p = purlByKey.get(k);
      if (p) deps.push(p);
      else if (required) throw new LockfileError(`"${key}" depends on "${n}" (${r}) which the lockfile does not contain; ${FIX}`, file);
    }
  };
  for (const { key, e, m, name, version, purl } of nodes) {
    const deps: string[] = [];
    edges(key, e.dependencies, true, deps);
    edges(key, e.optionalDependencies, false, deps);
    const pkg: LockPackage = {
      ecosystem: 'npm',
      name,
      version,
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
  const prod: string[] = [];
  const dev: string[] = [];
  const opt: string[] = [];
  const rootDeps: string[] = [];
  for (const [at, imp] of Object.entries(importers)) {
    const workspace: LockPackage | undefined =
      at === '.' ? undefined : { ecosystem: 'npm', name: workspaceName.get(at) ?? at, version: '', purl: workspacePurl(at), dev: false, direct: true, dependencies: [], workspace: at };
    const sections: [string, string[]][] = [
      ['dependencies', prod],
      ['devDependencies', dev],
      ['optionalDependencies', opt],
    ];
    for (const [section, into] of sections) {
      for (const [n, spec] of Object.entries(recordOf(recordOf(imp)[section]))) {
        // v6+ writes `{specifier, version}`; v5 a bare version (specifiers apart).
        const ref = isRecord(spec) ? str(spec.version) : str(spec);
        const k = ref ? keyOf(at, n, ref) : undefined;
        const p = k ? purlByKey.get(k) : undefined;
        if (!p) {
          if (k) throw new LockfileError(`the project ${at === '.' ? '' : `"${at}" `}depends on "${n}" (${ref}) which the lockfile does not contain; ${FIX}`, file);
          continue;
        }
        into.push(p);
        (workspace ? workspace.dependencies : rootDeps).push(p);
      }
    }
    if (workspace) {
      list.push(workspace);
      rootDeps.push(workspace.purl);
    }
  }
  return finishWorkspaces({ path: file, kind: 'pnpm' }, list, { prod, dev, opt, rootDeps }, manifest);
}
