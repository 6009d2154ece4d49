// Picks the parser by file name. Pure: the caller reads the files.
import * as path from 'node:path';
import { LockfileError } from '../errors';
import { parseGoMod } from './gomod';
import { parsePackageLock } from './npm';
import { parsePnpmLock } from './pnpm';
import { parsePoetryLock } from './poetry';
import { parseRequirements } from './requirements';
import type { Lockfile, Manifest } from './types';
import { parseYarnLock } from './yarn';

/** File names we read, in the order a directory's lockfiles are preferred. */
export const LOCKFILE_NAMES = [
  'npm-shrinkwrap.json',
  'package-lock.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'poetry.lock',
  'go.mod',
] as const;

export function isLockfileName(base: string): boolean {
  return (LOCKFILE_NAMES as readonly string[]).includes(base) || /^requirements.*\.txt$/.test(base);
}

export interface ParseInput {
  path: string;
  text: string;
  /** The manifest next to it (package.json, pyproject.toml), when there is one. */
  manifest?: Manifest;
  /** go.sum next to go.mod. */
  goSum?: string;
  /** package.json of each yarn berry workspace, by folder relative to the lockfile. */
  workspaceManifests?: Record<string, Manifest>;
}

export function parseLockfile(input: ParseInput): Lockfile {
  const base = path.basename(input.path);
  let lock: Lockfile;
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') lock = parsePackageLock(input.text, input.path, input.manifest);
  else if (base === 'yarn.lock') lock = parseYarnLock(input.text, input.path, input.manifest, input.workspaceManifests);
  else if (base === 'pnpm-lock.yaml') lock = parsePnpmLock(input.text, input.path, input.manifest);
  else if (base === 'poetry.lock') lock = parsePoetryLock(input.text, input.path, input.manifest);
  else if (base === 'go.mod') lock = parseGoMod(input.text, input.path, input.goSum);
  else if (/^requirements.*\.txt$/.test(base)) lock = parseRequirements(input.text, input.path);
  else throw new LockfileError(`not a lockfile chaingate reads (${LOCKFILE_NAMES.join(', ')}, requirements*.txt)`, input.path);
  if (!lock.root && input.manifest?.name) lock.root = { name: input.manifest.name, version: input.manifest.version ?? '0.0.0' };
  return lock;
}
