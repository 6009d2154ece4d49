// yarn.lock: classic (v1, its own line format) and berry (v2+, YAML with __metadata). Pure.
// Neither records which packages are dev-only, so the manifest (package.json) is used for that.
import type * as SemverLib from 'semver';
import { LockfileError } from '../errors';
import { readBerryLockfile, type BerryEntry, type BerryLockfile } from './berry-lock';
import type { Lockfile, LockPackage, Manifest } from './types';
import { finishWorkspaces, fromSri, isRecord, mergeByPurl, npmPurl, parseYamlLockfile, recordOf, str, withRoots } from './util';

const FIX_CLASSIC = 'regenerate it with `yarn install`';
const FIX_BERRY = 'regenerate it with `yarn install --mode=update-lockfile`';

/** `workspaceManifests`: package.json of berry workspaces by folder (see berryWorkspaces). */
export function parseYarnLock(text: string, file: string, manifest?: Manifest, workspaceManifests?: Record<string, Manifest>): Lockfile {
  if (/^__metadata:/m.test(text)) return parseBerry(text, file, manifest, workspaceManifests);
  if (/^# yarn lockfile v(\d+)/m.test(text) && !/^# yarn lockfile v1\b/m.test(text)) {
    const v = /^# yarn lockfile v(\d+)/m.exec(text)?.[1];
    throw new LockfileError(`unknown yarn lockfile version v${v} (chaingate reads v1 and berry); ${FIX_CLASSIC}`, file, 1);
  }
  return parseClassic(text, file, manifest);
}

/** "@scope/name@^1.0.0" -> ["@scope/name", "^1.0.0"] */
function splitDescriptor(d: string): [string, string] {
  const at = d.indexOf('@', 1);
  return at < 0 ? [d, ''] : [d.slice(0, at), d.slice(at + 1)];
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 34 || t.charCodeAt(t.length - 1) !== 34) return t;
  const inner = t.slice(1, -1);
  return inner.includes('\\') ? inner.replace(/\\"/g, '"') : inner;
}

const FIELD = /^("(?:[^"\\]|\\.)*"|\S+)\s+(.*)$/;
/** The value of the line splitField last split. */
let fieldValue = '';

/**
 * `key value` (either may be quoted) -> the key, unquoted, and fieldValue; undefined when the
 * line is not that. `clean`: the text is printable ASCII (see parseClassic), so the only white
 * space is ' ' and the common shapes are split with indexOf; the others by the regex.
 */
function splitField(line: string, clean: boolean): string | undefined {
  if (clean) {
    let key: string | undefined;
    let k = 0;
    if (line.charCodeAt(0) !== 34) {
      k = line.indexOf(' ');
      if (k < 0) return undefined;
      key = line.slice(0, k);
    } else {
      const q = line.indexOf('"', 1);
      if (q > 0 && line.charCodeAt(q + 1) === 32 && line.lastIndexOf('\\', q) < 0) {
        key = line.slice(1, q);
        k = q + 1;
      }
    }
    if (key !== undefined) {
      while (line.charCodeAt(k) === 32) k++;
      fieldValue = unquote(line.slice(k));
      return key;
    }
  }
  const m = FIELD.exec(line);
  if (!m) return undefined;
  fieldValue = unquote(m[2]);
  return unquote(m[1]);
}

interface ClassicEntry {
  keys: string[];
  line: number;
  fields: Record<string, string>;
  maps: Record<string, Record<string, string>>;
}

const CLASSIC_SECTIONS = ['dependencies', 'optionalDependencies'] as const;

function parseClassic(text: string, file: string, manifest?: Manifest): Lockfile {
  const entries: ClassicEntry[] = [];
  let cur: ClassicEntry | undefined;
  let section: Record<string, string> | undefined;
  const bad = (why: string, i: number) => new LockfileError(`not a yarn v1 lockfile line (${why}); ${FIX_CLASSIC}`, file, i + 1);
  // Printable ASCII and line breaks only (every real yarn.lock): a line's only white space is then
  // ' ', so it is trimmed and split with indexOf on the text. Otherwise each line is trimmed as
  // JavaScript trims (tabs, no-break spaces...) and split by the regex, as before.
  const clean = !/[^\x20-\x7e\n\r]|\r(?!\n)/.test(text);
  // Cold code, run over every line before the JIT has optimized it: one slice per line, no
  // array of lines.
  const n = text.length;
  let start = 0;
  for (let i = 0; start <= n; i++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const from = start;
    start = end + 1;
    if (end > from && text.charCodeAt(end - 1) === 13) end--;
    let indent: number;
    let line: string;
    if (clean) {
      let first = from;
      while (first < end && text.charCodeAt(first) === 32) first++;
      if (first === end || text.charCodeAt(first) === 35) continue;
      while (text.charCodeAt(end - 1) === 32) end--;
      indent = first - from;
      line = text.slice(first, end);
    } else {
      const raw = text.slice(from, end);
      const trimmed = raw.trimStart();
      if (trimmed === '' || trimmed.charCodeAt(0) === 35) continue;
      indent = raw.length - trimmed.length;
      line = trimmed.trimEnd();
    }
    if (indent === 0) {
      if (!line.endsWith(':')) throw bad('an entry header must end with ":"', i);
      const head = line.slice(0, -1);
      cur = { keys: head.includes(',') ? head.split(/,\s*/).map(unquote) : [unquote(head)], line: i + 1, fields: {}, maps: {} };
      section = undefined;
      entries.push(cur);
    } else if (indent === 2 && cur) {
      if (line.endsWith(':')) {
        section = {};
        cur.maps[unquote(line.slice(0, -1))] = section;
        continue;
      }
      section = undefined;
      const key = splitField(line, clean);
      if (key === undefined) throw bad('expected `key value`', i);
      cur.fields[key] = fieldValue;
    } else if (indent === 4 && section) {
      const key = splitField(line, clean);
      if (key === undefined) throw bad('expected `name range`', i);
      section[key] = fieldValue;
    } else {
      throw bad(`unexpected indentation ${indent}`, i);
    }
  }
  if (entries.length === 0 && !/^# yarn lockfile v1/m.test(text))
    throw new LockfileError(`no entries and no "# yarn lockfile v1" header: is this a yarn.lock? ${FIX_CLASSIC}`, file, 1);

  const byDescriptor = new Map<string, string>();
  const list: LockPackage[] = [];
  for (const e of entries) {
    const version = e.fields.version;
    if (!version) throw new LockfileError(`entry "${e.keys.join(', ')}" has no version; ${FIX_CLASSIC}`, file, e.line);
    const [alias, range] = splitDescriptor(e.keys[0]);
    // `alias@npm:real@^1` installs `real` under the alias's folder name.
    const real = range.startsWith('npm:') ? splitDescriptor(range.slice(4))[0] : alias;
    const purl = npmPurl(real, version);
    for (const k of e.keys) byDescriptor.set(k, purl);
    const pkg: LockPackage = { ecosystem: 'npm', name: real, version, purl, dev: false, direct: false, dependencies: [] };
    const integrity = fromSri(e.fields.integrity);
    if (integrity) pkg.integrity = integrity;
    list.push(pkg);
  }
  for (let idx = 0; idx < entries.length; idx++) {
    const e = entries[idx];
    const pkg = list[idx];
    for (const section of CLASSIC_SECTIONS) {
      const m = e.maps[section] ?? {};
      for (const n of Object.keys(m)) {
        const r = m[n];
        const p = byDescriptor.get(`${n}@${r}`);
        if (p) pkg.dependencies.push(p);
        else if (section === 'dependencies')
          throw new LockfileError(`"${e.keys[0]}" depends on "${n}@${r}" which the lockfile does not contain; ${FIX_CLASSIC}`, file, e.line);
      }
    }
  }
  return finish(file, 'yarn-classic', list, manifest, (n, r) => byDescriptor.get(`${n}@${r}`));
}

function finish(
  file: string,
  kind: Lockfile['kind'],
  list: LockPackage[],
  manifest: Manifest | undefined,
  resolveRoot: (name: string, range: string) => string | undefined,
): Lockfile {
  return withRoots({ path: file, kind }, mergeByPurl(list, true), manifest, resolveRoot);
}

/**
 * The package a `resolutions` rewrite to a patch names (`patch:lru-cache@npm:10.4.3#./x.patch`,
 * `:` sometimes written %3A): the candidate of the patched version. Without this the range
 * fallback below picked the highest version the original range accepts, loading semver for it.
 */
function patched(name: string, rewrite: string, candidates: LockPackage[]): string | undefined {
  if (!rewrite.startsWith('patch:')) return undefined;
  const hash = rewrite.indexOf('#');
  const inner = rewrite.slice('patch:'.length, hash < 0 ? undefined : hash).replace(/%3A/gi, ':');
  const at = inner.indexOf('@', 1);
  // A patch of another package than the one depended on: left to the range fallback.
  if (at < 0 || inner.slice(0, at) !== name) return undefined;
  const version = inner.slice(at + 1).replace(/^npm:/, '');
  return candidates.find((c) => c.version === version && c.workspace === undefined)?.purl;
}

/** The entries of a berry lockfile parsed as YAML (when berry-lock.ts declined it). */
export function berryFromYaml(data: unknown, file: string): BerryLockfile {
  if (!isRecord(data)) throw new LockfileError(`expected a YAML mapping; ${FIX_BERRY}`, file, 1);
  const entries: BerryEntry[] = [];
  for (const key of Object.keys(data)) {
    const raw = data[key];
    if (key === '__metadata' || !isRecord(raw)) continue;
    const deps: string[] = [];
    const d = recordOf(raw.dependencies);
    for (const n of Object.keys(d)) deps.push(n, String(d[n]));
    entries.push({ key, version: str(raw.version), resolution: str(raw.resolution), deps });
  }
  return { metadata: recordOf(data.__metadata), entries };
}

function readBerryEntries(text: string, file: string): BerryLockfile {
  return readBerryLockfile(text) ?? berryFromYaml(parseYamlLockfile(text, file, FIX_BERRY), file);
}

// Cold code (it runs once per process, mostly before the JIT optimizes it): plain loops over
// flat arrays, no tuples or destructuring, one lookup per dependency where the lockfile says.
function parseBerry(text: string, file: string, manifest?: Manifest, workspaceManifests: Record<string, Manifest> = {}): Lockfile {
  const { metadata: meta, entries: all } = readBerryEntries(text, file);
  const version = Number(meta.version);
  // Berry lockfile versions 4 (yarn 2) to 10 (yarn 4.10+) share the entry layout we read.
  if (!Number.isInteger(version) || version < 4 || version > 10)
    throw new LockfileError(`unknown yarn berry __metadata.version ${JSON.stringify(meta.version)} (chaingate reads 4 to 10); ${FIX_BERRY}`, file);
  const byDescriptor = new Map<string, string>();
  // The packages, and the entries they come from, in the lockfile's order.
  const entries: BerryEntry[] = [];
  const list: LockPackage[] = [];
  // The root workspace is the project itself; the others are components under it.
  let rootEntry: BerryEntry | undefined;
  let rootName = '';
  // Names of link: and portal: entries: a dependency on one is no package, not a missing one.
  const folders = new Set<string>();
  for (const e of all) {
    const resolution = e.resolution ?? '';
    const at = resolution.indexOf('@', 1);
    const name = at < 0 ? resolution : resolution.slice(0, at);
    const ref = at < 0 ? '' : resolution.slice(at + 1);
    const v = e.version;
    if (!v || !name) throw new LockfileError(`entry "${e.key}" has no version or resolution; ${FIX_BERRY}`, file, e.line);
    if (ref === 'workspace:.') {
      rootEntry = e;
      rootName = name;
      continue;
    }
    let pkg: LockPackage;
    if (ref.startsWith('workspace:')) {
      const folder = ref.slice('workspace:'.length);
      // The lockfile's version of a workspace is a placeholder (0.0.0-use.local).
      const wv = workspaceManifests[folder]?.version ?? '';
      pkg = { ecosystem: 'npm', name, version: wv, purl: npmPurl(name, wv), dev: false, direct: false, dependencies: [], workspace: folder };
    } else {
      // link: and portal: point at folders outside the workspaces: not packages of a registry.
      if (ref.startsWith('link:') || ref.startsWith('portal:')) {
        folders.add(name);
        continue;
      }
      pkg = { ecosystem: 'npm', name, version: v, purl: npmPurl(name, v), dev: false, direct: false, dependencies: [] };
    }
    const key = e.key;
    if (key.indexOf(',') < 0) byDescriptor.set(key, pkg.purl);
    else for (const k of key.split(/,\s*/)) byDescriptor.set(k, pkg.purl);
    entries.push(e);
    list.push(pkg);
  }
  // Each dependency's exact match (the descriptor the lockfile keys it by), aligned with `deps`'
  // names: the fallback below needs every exact match first (`named`). Lockfile v4 writes ranges
  // without the npm: protocol that its keys carry.
  const exactly = (n: string, r: string) => byDescriptor.get(`${n}@${r}`) ?? byDescriptor.get(`${n}@npm:${r}`);
  const named = new Set<string>();
  // All entries' matches in one array, in order: entry i's start at exactAt[i], the root's last.
  const exact: (string | undefined)[] = [];
  const exactAt: number[] = [];
  for (const e of rootEntry ? [...entries, rootEntry] : entries) {
    exactAt.push(exact.length);
    const deps = e.deps;
    for (let j = 0; j < deps.length; j += 2) {
      const p = exactly(deps[j], deps[j + 1]);
      if (p !== undefined) named.add(p);
      exact.push(p);
    }
  }
  // Packages by name, for the few dependencies no descriptor matches: built when one is met.
  let byName: Map<string, LockPackage[]> | undefined;
  const resolutions = manifest?.resolutions ?? {};
  const resolve = (from: string, n: string, r: string): string | undefined => {
    if (!byName) {
      byName = new Map();
      for (const pkg of list) {
        const same = byName.get(pkg.name);
        if (same) same.push(pkg);
        else byName.set(pkg.name, [pkg]);
      }
    }
    const candidates = byName.get(n) ?? [];
    // The root package.json's `resolutions` rewrote the descriptor: "parent/name", "name@range"
    // or "name" (ansi-escapes/type-fest: ^2.0.0 locks ansi-escapes' type-fest@^0.21.3 as 2.19.0).
    // Keys name the range with or without its protocol ("retry-request@npm:^8.0.0").
    const rewrite = resolutions[`${from}/${n}`] ?? resolutions[`${n}@${r}`] ?? resolutions[`${n}@${r.replace(/^npm:/, '')}`] ?? resolutions[n];
    if (rewrite !== undefined) {
      const version = rewrite.replace(/^npm:/, '');
      const hit = exactly(n, rewrite) ?? candidates.find((c) => c.version === version)?.purl ?? patched(n, rewrite, candidates);
      if (hit) return hit;
    }
    // Else the one version of that name, or the highest the range accepts.

    if (candidates.length === 1) return candidates[0].purl;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver = require('semver') as typeof SemverLib;
    const range = r.replace(/^npm:/, '');
    const ok = candidates.filter((c) => semver.valid(c.version) && semver.satisfies(c.version, range, { includePrerelease: true }));
    // A resolution's target is an entry no dependency descriptor names; prefer it.
    const target = ok.filter((c) => !named.has(c.purl));
    return (target.length === 1 ? target : ok).sort((a, b) => semver.rcompare(a.version, b.version))[0]?.purl;
  };
  /** The purls of `deps`' resolved dependencies; their names into `names` when given. */
  const resolveAll = (from: string, deps: string[], at: number, names: string[] | undefined, e: BerryEntry): string[] => {
    const out: string[] = [];
    for (let j = 0; j < deps.length; j += 2) {
      const p = exact[at + (j >> 1)] ?? resolve(from, deps[j], deps[j + 1]);
      if (p === undefined) {
        // No entry of that name at all: the package is installed but not in the lockfile, so
        // neither the audit nor the SBOM would see it (yarn writes every dependency, optional
        // ones too). Not a guess to skip. A name with entries none of which fits the range is
        // left out, as before (resolutions can rewrite ranges this reader does not follow).
        if (!byName?.has(deps[j]) && !folders.has(deps[j]) && !/^(?:link|portal):/.test(deps[j + 1]))
          throw new LockfileError(`entry "${e.key}" depends on "${deps[j]}@${deps[j + 1]}", which has no entry in the lockfile; ${FIX_BERRY}`, file, e.line);
        continue;
      }
      out.push(p);
      if (names) names.push(deps[j]);
    }
    return out;
  };
  const prod: string[] = [];
  const dev: string[] = [];
  const opt: string[] = [];
  // A workspace's lockfile entry merges its dependencies and devDependencies: its package.json
  // (when the caller could read it) tells them apart; without one, all count as production.
  const classify = (names: string[], purls: string[], m: Manifest | undefined) => {
    for (let j = 0; j < names.length; j++) {
      const n = names[j];
      if (m && !(n in m.dependencies) && n in m.devDependencies) dev.push(purls[j]);
      else if (m && !(n in m.dependencies) && n in m.optionalDependencies) opt.push(purls[j]);
      else prod.push(purls[j]);
    }
  };
  const rootDeps: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const pkg = list[i];
    const names = pkg.workspace !== undefined ? [] : undefined;
    pkg.dependencies = resolveAll(pkg.name, entries[i].deps, exactAt[i], names, entries[i]);
    if (names) {
      classify(names, pkg.dependencies, workspaceManifests[pkg.workspace as string]);
      rootDeps.push(pkg.purl);
    }
  }
  if (rootEntry) {
    const names: string[] = [];
    const own = resolveAll(rootName, rootEntry.deps, exactAt[entries.length], names, rootEntry);
    classify(names, own, manifest);
    for (const p of own) rootDeps.push(p);
  }
  return finishWorkspaces({ path: file, kind: 'yarn-berry' }, list, { prod, dev, opt, rootDeps }, manifest);
}

/** Folders of a berry lockfile's workspaces (other than the root), for reading their package.json. */
export function berryWorkspaces(text: string): string[] {
  const out = new Set<string>();
  const line = /^ {2}resolution: "?(?:@[^@"\s/]+\/)?[^@"\s]+@workspace:([^"\s]+)"?$/;
  // A multiline regex over the whole file costs more than the few lines that can match.
  for (let i = text.indexOf('@workspace:'); i >= 0; i = text.indexOf('@workspace:', i + 1)) {
    const start = text.lastIndexOf('\n', i) + 1;
    const end = text.indexOf('\n', i);
    const m = line.exec(text.slice(start, end < 0 ? text.length : end).replace(/\r$/, ''));
    if (m && m[1] !== '.') out.add(m[1]);
  }
  return [...out].sort();
}
