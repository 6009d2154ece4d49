// yarn.lock: classic (v1, its own line format) and berry (v2+, YAML with __metadata). Pure.
// Neither records which packages are dev-only, so the manifest (package.json) is used for that.
import { LockfileError } from '../errors';
import type { Lockfile, LockPackage, Manifest } from './types';
import { fromSri, isRecord, mergeByPurl, npmPurl, parseYamlLockfile, recordOf, str, withRoots } from './util';

const FIX_CLASSIC = 'regenerate it with `yarn install`';
const FIX_BERRY = 'regenerate it with `yarn install --mode=update-lockfile`';

export function parseYarnLock(text: string, file: string, manifest?: Manifest): Lockfile {
  if (/^__metadata:/m.test(text)) return parseBerry(text, file, manifest);
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
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\"/g, '"') : t;
}

interface ClassicEntry {
  keys: string[];
  line: number;
  fields: Record<string, string>;
  maps: Record<string, Record<string, string>>;
}

function parseClassic(text: string, file: string, manifest?: Manifest): Lockfile {
  const entries: ClassicEntry[] = [];
  const lines = text.split(/\r?\n/);
  let cur: ClassicEntry | undefined;
  let section: Record<string, string> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    const bad = (why: string) => new LockfileError(`not a yarn v1 lockfile line (${why}); ${FIX_CLASSIC}`, file, i + 1);
    if (indent === 0) {
      if (!line.endsWith(':')) throw bad('an entry header must end with ":"');
      cur = { keys: line.slice(0, -1).split(/,\s*/).map(unquote), line: i + 1, fields: {}, maps: {} };
      section = undefined;
      entries.push(cur);
    } else if (indent === 2 && cur) {
      if (line.endsWith(':')) {
        section = {};
        cur.maps[unquote(line.slice(0, -1))] = section;
        continue;
      }
      section = undefined;
      const m = /^("(?:[^"\\]|\\.)*"|\S+)\s+(.*)$/.exec(line);
      if (!m) throw bad('expected `key value`');
      cur.fields[unquote(m[1])] = unquote(m[2]);
    } else if (indent === 4 && section) {
      const m = /^("(?:[^"\\]|\\.)*"|\S+)\s+(.*)$/.exec(line);
      if (!m) throw bad('expected `name range`');
      section[unquote(m[1])] = unquote(m[2]);
    } else {
      throw bad(`unexpected indentation ${indent}`);
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
  entries.forEach((e, idx) => {
    const pkg = list[idx];
    for (const section of ['dependencies', 'optionalDependencies'] as const) {
      for (const [n, r] of Object.entries(e.maps[section] ?? {})) {
        const p = byDescriptor.get(`${n}@${r}`);
        if (p) pkg.dependencies.push(p);
        else if (section === 'dependencies')
          throw new LockfileError(`"${e.keys[0]}" depends on "${n}@${r}" which the lockfile does not contain; ${FIX_CLASSIC}`, file, e.line);
      }
    }
  });
  return finish(file, 'yarn-classic', list, manifest, (n, r) => byDescriptor.get(`${n}@${r}`));
}

function finish(
  file: string,
  kind: Lockfile['kind'],
  list: LockPackage[],
  manifest: Manifest | undefined,
  resolveRoot: (name: string, range: string) => string | undefined,
): Lockfile {
  return withRoots({ path: file, kind }, mergeByPurl(list), manifest, resolveRoot);
}

function parseBerry(text: string, file: string, manifest?: Manifest): Lockfile {
  const data = parseYamlLockfile(text, file, FIX_BERRY);
  if (!isRecord(data)) throw new LockfileError(`expected a YAML mapping; ${FIX_BERRY}`, file, 1);
  const meta = recordOf(data.__metadata);
  const version = Number(meta.version);
  // Berry lockfile versions 4 (yarn 2) to 10 (yarn 4.10+) share the entry layout we read.
  if (!Number.isInteger(version) || version < 4 || version > 10)
    throw new LockfileError(`unknown yarn berry __metadata.version ${JSON.stringify(meta.version)} (chaingate reads 4 to 10); ${FIX_BERRY}`, file);
  const byDescriptor = new Map<string, string>();
  const entries: [string[], Record<string, unknown>, string | undefined][] = [];
  let workspaceDeps: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(data)) {
    if (key === '__metadata' || !isRecord(raw)) continue;
    const keys = key.split(/,\s*/);
    const resolution = str(raw.resolution) ?? '';
    const [name, ref] = splitDescriptor(resolution);
    const version = str(raw.version);
    if (!version || !name) throw new LockfileError(`entry "${key}" has no version or resolution; ${FIX_BERRY}`, file);
    if (/^(workspace|link|portal):/.test(ref)) {
      if (ref === 'workspace:.') workspaceDeps = { ...recordOf(raw.dependencies) };
      entries.push([keys, raw, undefined]);
      continue;
    }
    const purl = npmPurl(name, version);
    for (const k of keys) byDescriptor.set(k, purl);
    entries.push([keys, raw, purl]);
  }
  const list: LockPackage[] = [];
  for (const [keys, raw, purl] of entries) {
    if (!purl) continue;
    const [name] = splitDescriptor(str(raw.resolution) as string);
    const deps: string[] = [];
    for (const [n, r] of Object.entries(recordOf(raw.dependencies))) {
      const p = byDescriptor.get(`${n}@${String(r)}`);
      if (p) deps.push(p);
    }
    list.push({ ecosystem: 'npm', name, version: str(raw.version) as string, purl, dev: false, direct: false, dependencies: deps });
    void keys;
  }
  const lookup = (n: string, r: string): string | undefined => {
    const spec = str(workspaceDeps[n]) ?? r;
    return byDescriptor.get(`${n}@${spec}`) ?? byDescriptor.get(`${n}@npm:${spec}`);
  };
  const m: Manifest = manifest ?? { dependencies: Object.fromEntries(Object.entries(workspaceDeps).map(([k, v]) => [k, String(v)])), devDependencies: {}, optionalDependencies: {} };
  return finish(file, 'yarn-berry', list, m, lookup);
}
