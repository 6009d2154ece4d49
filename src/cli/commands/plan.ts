// `chaingate plan [DIR]`: the projects under DIR as a matrix of `chaingate scan` shards.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SKIP_DIRS } from '../../config/defaults';
import { loadPolicyFile } from '../../config/load';
import { discoverProjects, listedProjects, POLICY_NAME } from '../../gate/projects';
import { planShards, type PlanProject } from '../../core/plan';
import { ConfigError, UsageError } from '../../errors';
import { findLockfiles, readLockfile } from '../../lockfiles/discover';
import { EXIT, type Command } from '../types';
import { parseCommandLine } from '../args';
import { escapeData } from '../../log-text';

const USAGE = `chaingate plan [DIR] [options]

Prints a GitHub Actions matrix, {"include": [{"name": ..., "args": [...], "projects": [...]}, ...]},
for strategy.matrix through fromJSON: one shard per project under DIR (a folder holding a lockfile
or a .chaingate.yml), each the arguments of \`chaingate scan\` (paths relative to DIR, stamped
--shard NAME --plan-id ID), costliest first (files and packages). Merge the shards'
chaingate-result.json in one gate job with \`chaingate scan DIR --scanners none
--report chaingate=GLOB --expect-shards PLAN.json\` (PLAN.json: what this printed).

  --shards N      fewer shards than projects: group the projects into N shards (largest
                  first into the cheapest), each one scan of DIR with --project per folder;
                  more: split the costliest projects by scanner
  --config FILE   the policy every shard applies (default: DIR/.chaingate.yml when present);
                  its projects: key, when set, lists the projects instead of the discovery`;

const MAX_FILES = 1_000_000;

/**
 * Files a scanner of the project reads: every file under it outside skipped folders (and, with
 * `outside`, outside those folders and files too, relative to `dir`); the first one found.
 */
function countFiles(dir: string, outside: ReadonlySet<string> = new Set()): { n: number; first?: string } {
  let n = 0;
  let first: string | undefined;
  const skip = new Set(DEFAULT_SKIP_DIRS);
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (n >= MAX_FILES) return;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (outside.has(r)) continue;
      if (e.isFile()) {
        n++;
        first ??= r;
      } else if (e.isDirectory() && !skip.has(e.name)) walk(path.join(d, e.name), r);
    }
  };
  walk(dir, '');
  return { n, first };
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
    const parsed = parseCommandLine(argv, { shards: { type: 'string' }, config: { type: 'string' } }, USAGE);
    const { values: v, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`plan takes one directory, got: ${positionals.join(' ')}`);
    const shards = v.shards === undefined ? undefined : Number(v.shards);
    if (shards !== undefined && (!Number.isInteger(shards) || shards < 1 || shards > 256)) throw new UsageError(`--shards must be a whole number from 1 to 256 (a matrix's limit), got "${v.shards}"`);
    const root = path.resolve(io.cwd, positionals[0] ?? '.');
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError('not a directory', root);
    const policyFile = v.config !== undefined ? path.resolve(io.cwd, v.config) : fs.existsSync(path.join(root, POLICY_NAME)) ? path.join(root, POLICY_NAME) : undefined;
    // Shards run from DIR: the policy as a path from there.
    const config = policyFile && path.relative(root, policyFile).split(path.sep).join('/');
    const policy = policyFile === undefined ? undefined : loadPolicyFile(policyFile).value;
    const listed = policy?.projects;
    const found = listed && policyFile ? listedProjects(root, policyFile, listed) : discoverProjects(root);
    if (found.length === 0) throw new ConfigError(`no project found (no lockfile and no ${POLICY_NAME} under it)`, root);
    const projects: PlanProject[] = found.map((p) => ({ path: p, files: countFiles(path.join(root, p)).n, packages: countPackages(path.join(root, p)) }));
    // What a full run of DIR scans and no shard does: said, not silently dropped.
    if (!found.includes('')) {
      const own = [policyFile, policyFile && policy && path.resolve(path.dirname(policyFile), policy.exceptions.file)].map((f) => f && path.relative(root, f).split(path.sep).join('/'));
      const rest = countFiles(root, new Set([...found, ...own.filter((f): f is string => f !== undefined)]));
      if (rest.first !== undefined) {
        io.stderr(`warning: ${rest.n} file(s) of ${escapeData(root)} are in no project (${escapeData(rest.first)}${rest.n > 1 ? ', ...' : ''}): no shard scans them; list their folders, or ".", in projects:\n`);
      }
    }
    io.stdout(`${JSON.stringify(planShards(projects, { shards, config, scanners: policy?.scanners }))}\n`);
    return EXIT.PASS;
  },
};
