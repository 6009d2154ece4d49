// The SBOM shell: finds and reads lockfiles (and an image through Trivy), builds, writes.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { DEFAULT_SKIP_DIRS } from '../config/defaults';
import { discoverLockfiles, findLockfiles, readLockfile, readManifest } from '../lockfiles/discover';
import type { Lockfile } from '../lockfiles/types';
import { resolveToolPath } from '../tools/resolve';
import { VERSION } from '../version';
import { buildSbom, countComponents, serializeSbom } from './build';
import type { ForeignComponent, ImageSbom, SpecVersion } from './types';
import type { ResultComponent } from '../core/result';

export interface WriteSbomOptions {
  /** File to write; '-' returns the text instead (the CLI prints it). Default: <cwd>/sbom.cdx.json. */
  output?: string;
  specVersion?: SpecVersion;
  excludeDev?: boolean;
  skipDirs?: readonly string[];
  image?: string;
  insecureRegistry?: boolean;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  cwd?: string;
  /** Trivy binary for --image (default: the pinned install, then PATH). */
  trivy?: string;
  timeoutMs?: number;
  /** Only the lockfiles under these folders (paths from `dir`, '' for all): a shard's projects. */
  only?: string[];
  /** Components of other runs (shards) to add when their purl is not there yet. */
  extra?: SbomComponentEntry[];
  /**
   * Reads one lockfile (default readLockfile): a gate run passes the reader its audit and license
   * policy share, so each lockfile is parsed once per run. The SBOM only reads what it returns.
   */
  readLockfile?: (file: string, display: string) => Lockfile;
}

/** A component as a chaingate-result.json lists it: enough to merge shards' SBOMs. */
export type SbomComponentEntry = ResultComponent;

export interface WriteSbomResult {
  /** The file written, or '-' when the text is returned. */
  file: string;
  components: number;
  text?: string;
  /** Lockfiles read, and their notes (unpinned requirements...). */
  lockfiles: string[];
  warnings: string[];
  /** Every component with a purl, sorted by purl. */
  list: SbomComponentEntry[];
}

/** SOURCE_DATE_EPOCH (reproducible builds): the timestamp, and a serial derived from content. */
export function timestampFrom(env: NodeJS.ProcessEnv, now: () => Date): { timestamp: Date; reproducible: boolean } {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return { timestamp: now(), reproducible: false };
  if (!/^\d+$/.test(raw)) throw new ConfigError(`SOURCE_DATE_EPOCH="${raw}" is not a number of seconds since 1970; unset it or fix it`);
  return { timestamp: new Date(Number(raw) * 1000), reproducible: true };
}


function foreign(e: SbomComponentEntry): ForeignComponent {
  return { ref: e.purl, type: 'library', name: e.name, version: e.version, purl: e.purl, licenses: [], hashes: [], properties: e.project === undefined ? [] : [{ name: 'chaingate:project', value: e.project }], dependsOn: [] };
}

/** The document's components with a purl, each with the project of the first lockfile holding it. */
function componentList(doc: Record<string, unknown>, lockfiles: Lockfile[], projects: string[] | undefined): SbomComponentEntry[] {
  const projectOf = new Map<string, string>();
  const folders = [...(projects ?? [])].sort((a, b) => b.length - a.length);
  for (const l of [...lockfiles].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const p = folders.find((f) => f === '' || l.path.startsWith(`${f}/`)) ?? (l.path.includes('/') ? path.posix.dirname(l.path) : '');
    for (const pkg of l.packages) if (!projectOf.has(pkg.purl)) projectOf.set(pkg.purl, p);
  }
  const out: SbomComponentEntry[] = [];
  const walk = (list: unknown) => {
    for (const c of (Array.isArray(list) ? list : []) as { purl?: string; name: string; group?: string; version?: string; components?: unknown }[]) {
      if (c.purl) {
        const e: SbomComponentEntry = { purl: c.purl, name: c.group ? `${c.group}/${c.name}` : c.name };
        if (c.version !== undefined) e.version = c.version;
        const p = projectOf.get(c.purl);
        if (p) e.project = p;
        out.push(e);
      }
      walk(c.components);
    }
  };
  walk(doc.components);
  return out.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}

export async function writeSbom(dir: string, opts: WriteSbomOptions = {}): Promise<WriteSbomResult> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ConfigError(`not a directory`, root);
  const skipDirs = opts.skipDirs ?? DEFAULT_SKIP_DIRS;
  let lockfiles: Lockfile[] = [];
  const only = opts.only;
  if (only) {
    // A shard's folders alone: the lockfiles of other folders are not even read.
    const files = [...new Set(only.flatMap((p) => findLockfiles(path.join(root, p), { skipDirs })))].sort();
    const read = opts.readLockfile ?? readLockfile;
    lockfiles = files.map((f) => read(f, path.relative(root, f).split(path.sep).join('/')));
  } else if ((!opts.image && !opts.extra?.length) || findLockfiles(root, { skipDirs }).length > 0) {
    // With an image, or other runs' components, a directory without lockfiles is fine.
    lockfiles = discoverLockfiles(root, { skipDirs, ...(opts.readLockfile ? { read: opts.readLockfile } : {}) });
  }
  let image: ImageSbom | undefined;
  if (opts.image) {
    // Loaded only for images: it brings the process runner (child_process) with it.
    const { imageSbom } = await import('./image');
    image = await imageSbom(opts.image, {
      trivy: opts.trivy ?? resolveToolPath('trivy', env),
      cacheDir: path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'chaingate', 'trivy'),
      timeoutMs: opts.timeoutMs ?? 10 * 60_000,
      insecureRegistry: opts.insecureRegistry,
      env,
    });
  }
  const manifest = readManifest(root);
  const { timestamp, reproducible } = timestampFrom(env, opts.now ?? (() => new Date()));
  const doc = buildSbom(
    { lockfiles, image, root: { name: manifest?.name ?? path.basename(root), version: manifest?.version }, extra: opts.extra?.map(foreign) },
    {
      specVersion: opts.specVersion ?? '1.6',
      excludeDev: opts.excludeDev ?? false,
      toolVersion: VERSION,
      timestamp,
      serialNumber: reproducible ? undefined : `urn:uuid:${randomUUID()}`,
    },
  );
  const text = serializeSbom(doc);
  const result = {
    components: countComponents(doc),
    list: componentList(doc, lockfiles, only),
    lockfiles: lockfiles.map((l) => l.path),
    warnings: lockfiles.flatMap((l) => l.warnings ?? []),
  };
  if (opts.output === '-') return { file: '-', text, ...result };
  const file = path.resolve(cwd, opts.output ?? 'sbom.cdx.json');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (e) {
    throw new ConfigError(`cannot write the SBOM (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another --output`, file);
  }
  return { file, ...result };
}
