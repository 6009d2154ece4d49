// `chaingate plan [DIR]`: the projects under DIR as a matrix of `chaingate scan` shards.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import picomatch from 'picomatch';
import { DEFAULT_SKIP_DIRS } from '../../config/defaults';
import { loadPolicyFile } from '../../config/load';
import { planShards, type PlanProject } from '../../core/plan';
import { ConfigError, UsageError } from '../../errors';
import { findLockfiles, readLockfile } from '../../lockfiles/discover';
import { EXIT, type Command } from '../types';

const USAGE = `chaingate plan [DIR] [options]

Prints a GitHub Actions matrix, {"include": [{"name": ..., "args": [...]}, ...]}, for
strategy.matrix through fromJSON: one shard per project under DIR (a folder holding a lockfile
or a .chaingate.yml), each the arguments of \`chaingate scan\` (paths relative to DIR), costliest
first (files and packages). Merge the shards' chaingate-result.json in one gate job with
\`chaingate scan DIR --scanners none --report chaingate=GLOB\`.

  --shards N      with more shards than projects, split the costliest projects by scanner
  --config FILE   the policy every shard applies (default: DIR/.chaingate.yml when present);
                  its projects: key, when set, lists the projects instead of the discovery`;

const POLICY_NAME = '.chaingate.yml';
const MAX_FILES = 1_000_000;

/** Folders under `root` (relative, '' for root) that hold a lockfile or a policy file. */
function discoverProjects(root: string): string[] {
  const dirs = new Set(findLockfiles(root).map((f) => path.dirname(path.relative(root, f))));
  const skip = new Set(DEFAULT_SKIP_DIRS);
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      // DIR's own policy is the monorepo's, not a project of its own.
      if (e.isFile() && e.name === POLICY_NAME && dir !== root) dirs.add(path.relative(root, dir));
      else if (e.isDirectory() && !skip.has(e.name)) walk(path.join(dir, e.name));
    }
  };
  walk(root);
  return [...dirs].map((d) => (d === '.' ? '' : d.split(path.sep).join('/'))).sort();
}

/** Every folder under `root` (relative, forward slashes), outside skipped folders. */
function allFolders(root: string): string[] {
  const out: string[] = [];
  const skip = new Set(DEFAULT_SKIP_DIRS);
  const walk = (dir: string, rel: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || skip.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      walk(path.join(dir, e.name), r);
    }
  };
  walk(root, '');
  return out;
}

/**
 * The policy's `projects:` (folders or globs relative to the policy file) as folders relative to
 * `root`. A folder that does not exist, or a glob that names none, is a mistake in the policy.
 */
function listedProjects(root: string, policyFile: string, entries: string[]): string[] {
  const base = path.dirname(policyFile);
  const found = new Set<string>();
  let folders: string[] | undefined;
  for (const entry of entries) {
    const abs = path.resolve(base, entry);
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ConfigError(`projects: "${entry}" is outside ${root}`, policyFile);
    if (!picomatch.scan(entry).isGlob) {
      if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`projects: "${entry}" is not a folder`, policyFile);
      found.add(rel);
      continue;
    }
    folders ??= allFolders(root);
    const isMatch = picomatch(rel);
    const matched = folders.filter((f) => isMatch(f));
    if (matched.length === 0) throw new ConfigError(`projects: "${entry}" names no folder`, policyFile);
    for (const m of matched) found.add(m);
  }
  return [...found].sort();
}

/** Files a scanner of the project reads: every file under it outside skipped folders. */
function countFiles(dir: string): number {
  let n = 0;
  const skip = new Set(DEFAULT_SKIP_DIRS);
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (n >= MAX_FILES) return;
      if (e.isFile()) n++;
      else if (e.isDirectory() && !skip.has(e.name)) walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return n;
}

function countPackages(dir: string): number {
  let n = 0;
  for (const f of findLockfiles(dir)) {
    try {
      n += readLockfile(f).packages.length;
    } catch {
      // An unreadable lockfile costs nothing here; the shard's audit reports it.
    }
  }
  return n;
}

export const command: Command = {
  name: 'plan',
  summary: 'print the GitHub Actions matrix of scan shards for the projects of a monorepo',
  usage: USAGE,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { shards: { type: 'string' }, config: { type: 'string' } } });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n\n${USAGE}`);
    }
    const { values: v, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`plan takes one directory, got: ${positionals.join(' ')}`);
    const shards = v.shards === undefined ? undefined : Number(v.shards);
    if (shards !== undefined && (!Number.isInteger(shards) || shards < 1 || shards > 256)) throw new UsageError(`--shards must be a whole number from 1 to 256 (a matrix's limit), got "${v.shards}"`);
    const root = path.resolve(io.cwd, positionals[0] ?? '.');
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError('not a directory', root);
    const policyFile = v.config !== undefined ? path.resolve(io.cwd, v.config) : fs.existsSync(path.join(root, POLICY_NAME)) ? path.join(root, POLICY_NAME) : undefined;
    // Shards run from DIR: the policy as a path from there.
    const config = policyFile && path.relative(root, policyFile).split(path.sep).join('/');
    const listed = policyFile === undefined ? undefined : loadPolicyFile(policyFile).value.projects;
    const found = listed && policyFile ? listedProjects(root, policyFile, listed) : discoverProjects(root);
    if (found.length === 0) throw new ConfigError(`no project found (no lockfile and no ${POLICY_NAME} under it)`, root);
    const projects: PlanProject[] = found.map((p) => ({ path: p, files: countFiles(path.join(root, p)), packages: countPackages(path.join(root, p)) }));
    io.stdout(`${JSON.stringify(planShards(projects, { shards, config }))}\n`);
    return EXIT.PASS;
  },
};
