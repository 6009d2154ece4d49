// The projects of a monorepo: the policy's `projects:` (folders or globs), or every folder
// holding a lockfile or its own policy file. Used by `chaingate plan` to make shards and by the
// gate to say which project each finding is in.
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { DEFAULT_SKIP_DIRS } from '../config/defaults';
import { ConfigError } from '../errors';
import { loadProjectPolicyFile, type LineOf } from '../config/load';
import type { Policy } from '../config/schema';
import { checkRepoFileLink } from './output-paths';

type ProjectEntry = NonNullable<Policy['projects']>[number];
import { findLockfiles } from '../lockfiles/discover';

export const POLICY_NAME = '.chaingate.yml';

/** Folders under `root` (relative, '' for root) that hold a lockfile or a policy file. */
export function discoverProjects(root: string): string[] {
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
export function listedProjects(root: string, policyFile: string, entries: readonly ProjectEntry[]): string[] {
  const base = path.dirname(policyFile);
  const found = new Set<string>();
  let folders: string[] | undefined;
  for (const listed of entries) {
    const entry = typeof listed === 'string' ? listed : listed.path;
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


/**
 * `chaingate scan DIR --project P...`: the folders as paths from DIR (forward slashes, '' for DIR
 * itself), each a real folder inside DIR, none reached through a link out of it.
 */
export function scanProjects(dir: string, list: readonly string[]): string[] {
  const realDir = fs.realpathSync(dir);
  const out = new Set<string>();
  for (const given of list) {
    const p = given.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const parts = p.split('/');
    if (given.includes('\\') || path.isAbsolute(given) || parts.some((s) => s === '..')) throw new ConfigError(`--project "${given}" must be a folder inside ${dir}, as a path from it`);
    const abs = path.join(dir, p === '.' ? '' : p);
    if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`--project "${given}" is not a folder`, dir);
    const real = path.relative(realDir, fs.realpathSync(abs));
    if (real.startsWith('..') || path.isAbsolute(real)) throw new ConfigError(`--project "${given}" leads out of ${dir} through a link`);
    out.add(p === '.' ? '' : p);
  }
  return [...out].sort();
}

/**
 * The policies of the projects that name their own (`projects: [{path, policy}]`), by folder
 * relative to `root`: the monorepo policy with the project file's thresholds laid over it. A
 * project file must be inside `repoRoot` (the pull request may write it, and nothing outside);
 * one folder given two policy files is a mistake in the policy.
 */
export function projectPolicies(root: string, policyFile: string, policy: Policy, lineOf: LineOf | undefined, repoRoots: string[]): { policies: Map<string, Policy>; files: { path: string; sha256: string }[] } {
  const policies = new Map<string, Policy>();
  const from = new Map<string, string>();
  const files: { path: string; sha256: string }[] = [];
  for (const [i, entry] of (policy.projects ?? []).entries()) {
    if (typeof entry === 'string') continue;
    const file = path.resolve(path.dirname(policyFile), entry.policy);
    const inside = repoRoots.some((r) => {
      const rel = path.relative(r, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
    if (!inside) throw new ConfigError(`projects: the policy "${entry.policy}" of ${entry.path} is outside the repository: a project policy must be a file of it`, policyFile, lineOf?.(['projects', i]));
    checkRepoFileLink(file, repoRoots, 'project policy file');
    const loaded = loadProjectPolicyFile(file);
    const p = loaded.value;
    files.push({ path: path.relative(root, file).split(path.sep).join('/'), sha256: loaded.sha256 });
    const merged: Policy = {
      ...policy,
      'fail-on': { ...policy['fail-on'], ...Object.fromEntries(Object.entries(p['fail-on'] ?? {}).filter(([, v]) => v !== undefined)) },
      'unknown-severity': p['unknown-severity'] ?? policy['unknown-severity'],
      'ignore-unfixed': p['ignore-unfixed'] ?? policy['ignore-unfixed'],
    };
    for (const folder of listedProjects(root, policyFile, [entry.path])) {
      const before = from.get(folder);
      if (before !== undefined && before !== file) {
        throw new ConfigError(`projects: ${folder || '.'} has two policy files, ${path.relative(root, before)} and ${path.relative(root, file)}`, policyFile, lineOf?.(['projects', i]));
      }
      from.set(folder, file);
      policies.set(folder, merged);
    }
  }
  return { policies, files };
}
