// The SBOM shell: finds and reads lockfiles (and an image through Trivy), builds, writes.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../errors';
import { DEFAULT_SKIP_DIRS } from '../config/defaults';
import { discoverLockfiles, findLockfiles, readManifest } from '../lockfiles/discover';
import type { Lockfile } from '../lockfiles/types';
import { resolveToolPath } from '../tools/resolve';
import { VERSION } from '../version';
import { buildSbom, countComponents, serializeSbom } from './build';
import type { ImageSbom, SpecVersion } from './types';

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
}

export interface WriteSbomResult {
  /** The file written, or '-' when the text is returned. */
  file: string;
  components: number;
  text?: string;
  /** Lockfiles read, and their notes (unpinned requirements...). */
  lockfiles: string[];
  warnings: string[];
}

/** SOURCE_DATE_EPOCH (reproducible builds): the timestamp, and a serial derived from content. */
export function timestampFrom(env: NodeJS.ProcessEnv, now: () => Date): { timestamp: Date; reproducible: boolean } {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return { timestamp: now(), reproducible: false };
  if (!/^\d+$/.test(raw)) throw new ConfigError(`SOURCE_DATE_EPOCH="${raw}" is not a number of seconds since 1970; unset it or fix it`);
  return { timestamp: new Date(Number(raw) * 1000), reproducible: true };
}


export async function writeSbom(dir: string, opts: WriteSbomOptions = {}): Promise<WriteSbomResult> {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const root = path.resolve(cwd, dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ConfigError(`not a directory`, root);
  const skipDirs = opts.skipDirs ?? DEFAULT_SKIP_DIRS;
  let lockfiles: Lockfile[] = [];
  // With an image, a directory without lockfiles is fine: the image is the subject.
  if (!opts.image || findLockfiles(root, { skipDirs }).length > 0) lockfiles = discoverLockfiles(root, { skipDirs });
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
    { lockfiles, image, root: { name: manifest?.name ?? path.basename(root), version: manifest?.version } },
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
