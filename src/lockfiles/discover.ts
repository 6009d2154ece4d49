// The shell around the parsers: finds lockfiles under a directory and reads them (and the
// manifests beside them). Everything after reading is pure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SKIP_DIRS } from '../config/defaults';
import { LockfileError } from '../errors';
import { parsePackageJson } from './manifest';
import { isLockfileName, LOCKFILE_NAMES, parseLockfile } from './parse';
import { parsePyproject } from './poetry';
import type { Lockfile, Manifest } from './types';
import { berryWorkspaces } from './yarn';
import { readText, stripBom } from '../read-text';

export interface DiscoverOptions {
  /** Folder names (any depth) or paths relative to the root that are not searched. */
  skipDirs?: readonly string[];
  /** Reads one lockfile (default readLockfile): a gate run passes one that remembers what it read. */
  read?: (file: string, display: string) => Lockfile;
}

/** Lockfile paths under `root`, sorted, one kind per folder for npm (shrinkwrap wins). */
export function findLockfiles(root: string, opts: DiscoverOptions = {}): string[] {
  const skip = opts.skipDirs ?? DEFAULT_SKIP_DIRS;
  const skipNames = new Set(skip.filter((s) => !s.includes('/')));
  const skipPaths = new Set(skip.filter((s) => s.includes('/')).map((s) => path.normalize(s).replace(/\/$/, '')));
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new LockfileError(`cannot read the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, dir);
    }
    const files = entries.filter((e) => e.isFile() && isLockfileName(e.name)).map((e) => e.name);
    // npm reads npm-shrinkwrap.json instead of package-lock.json when both exist.
    const chosen = files.includes('npm-shrinkwrap.json') ? files.filter((f) => f !== 'package-lock.json') : files;
    for (const f of chosen.sort()) out.push(path.join(dir, f));
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const rel = path.relative(root, path.join(dir, e.name));
      if (skipNames.has(e.name) || skipPaths.has(rel)) continue;
      walk(path.join(dir, e.name));
    }
  };
  walk(root);
  return out.sort();
}

/**
 * A manifest or go.sum beside a lockfile, or undefined when there is none. The scanned tree is
 * the pull request's: `package.json -> /etc/passwd` or `go.sum -> ~/.ssh/id_rsa` would be read
 * and quoted in SBOMs and messages. The lockfile walk skips links (it takes regular files only);
 * a linked manifest is refused instead, because skipping it would silently change which
 * dependencies count as direct or dev.
 */
function readOptional(file: string): string | undefined {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  if (st?.isSymbolicLink()) {
    throw new LockfileError('is a symbolic link; chaingate reads no file of the scanned tree through a link (it could lead outside the project): commit the file itself', file);
  }
  if (!st.isFile()) return undefined;
  try {
    return stripBom(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readManifest(dir: string): Manifest | undefined {
  const pj = path.join(dir, 'package.json');
  const pjText = readOptional(pj);
  if (pjText !== undefined) return parsePackageJson(pjText, pj);
  const py = path.join(dir, 'pyproject.toml');
  const pyText = readOptional(py);
  if (pyText !== undefined) return parsePyproject(pyText, py);
  return undefined;
}

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** package.json of the workspaces a lockfile names, where present (folders inside `dir` only). */
function readWorkspaceManifests(dir: string, folders: string[]): Record<string, Manifest> {
  const out: Record<string, Manifest> = {};
  const base = path.resolve(dir);
  for (const f of folders) {
    const at = path.resolve(base, f);
    // The lockfile is the pull request's: a workspace path must not lead outside the project.
    if (!at.startsWith(base + path.sep)) continue;
    const file = path.join(at, 'package.json');
    const text = readOptional(file);
    // A workspace folder that is itself a link leads elsewhere just the same.
    if (text !== undefined && !isInside(fs.realpathSync(file), fs.realpathSync(base))) {
      throw new LockfileError('is reached through a symbolic link to a folder outside the project; chaingate reads no file of the scanned tree through a link: commit the folder itself', file);
    }
    if (text !== undefined) out[f] = parsePackageJson(text, file);
  }
  return out;
}

/** Reads and parses one lockfile; `display` is the name used in messages and the SBOM. */
export function readLockfile(file: string, display = file): Lockfile {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    throw new LockfileError(`cannot read the lockfile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, display);
  }
  const dir = path.dirname(file);
  const base = path.basename(file);
  const manifest = base === 'go.mod' || base.startsWith('requirements') ? undefined : readManifest(dir);
  const goSum = base === 'go.mod' ? readOptional(path.join(dir, 'go.sum')) : undefined;
  const workspaceManifests = base === 'yarn.lock' ? readWorkspaceManifests(dir, berryWorkspaces(text)) : undefined;
  const lock = parseLockfile({ path: display, text, manifest, goSum, workspaceManifests });
  return lock;
}

/** All lockfiles under `root`, paths in the result relative to it. */
export function discoverLockfiles(root: string, opts: DiscoverOptions = {}): Lockfile[] {
  const found = findLockfiles(root, opts);
  if (found.length === 0)
    throw new LockfileError(
      `no lockfile found (looked for ${LOCKFILE_NAMES.join(', ')}, requirements*.txt, skipping ${(opts.skipDirs ?? DEFAULT_SKIP_DIRS).join(', ')}); generate one, e.g. \`npm install --package-lock-only\``,
      root,
    );
  const read = opts.read ?? readLockfile;
  return found.map((f) => read(f, path.relative(root, f) || path.basename(f)));
}
