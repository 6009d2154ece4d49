// Where a tool binary is: CHAINGATE_<TOOL>_PATH, then the policy's tools.<tool>.path, then the
// pinned install of scripts/install-tools.sh ($CHAINGATE_TOOLS_DIR/bin), then PATH.
//
// The policy file usually lives in the repository a pull request changes, so a path it names is
// untrusted: it must not lead to a program inside the repository (the PR would replace the
// scanner with a script that writes a clean report), nor to a shell or interpreter (which would
// run a file of the repository named like the scanner's first argument). The environment
// variable is set by the workflow, outside the repository, and is taken as it is.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Policy } from '../config/schema';
import { ConfigError } from '../errors';

/** A tools.<tool>.path from a policy that checkPolicyToolPath accepted. */
export type CheckedToolPath = string & { readonly checkedToolPath: true };

function envName(tool: string): string {
  return `CHAINGATE_${tool.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PATH`;
}

export function resolveToolPath(tool: string, env: NodeJS.ProcessEnv, fromPolicy?: CheckedToolPath): string {
  const fromEnv = env[envName(tool)];
  if (fromEnv) return fromEnv;
  if (fromPolicy) return fromPolicy;
  const pinned = path.join(env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin', tool);
  return fs.existsSync(pinned) ? pinned : tool;
}

/** The real path of `p`; for a path that does not exist, the real path of its nearest existing folder joined with the rest. */
function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPath(parent), path.basename(p));
  }
}

function gitRoot(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Folders whose content the change under test controls: each given folder (the scanned one),
 * the git repository holding it, and the Actions workspace; as given and as real paths.
 */
export function untrustedRoots(dirs: string[], env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  for (const d of [...dirs, env.GITHUB_WORKSPACE].filter((x): x is string => !!x)) {
    const abs = path.resolve(d);
    const real = realPath(abs);
    out.add(abs).add(real);
    const root = gitRoot(real);
    if (root) out.add(root);
  }
  return [...out];
}

function isInside(p: string, root: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const d of (env.PATH ?? '').split(path.delimiter)) {
    if (!d) continue;
    const p = path.resolve(d, name);
    try {
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Accepts a tools.<tool>.path of a policy, or throws ConfigError at its line. A relative path is
 * relative to the policy file; a bare name is looked up on PATH and where it is found counts.
 */
export function checkPolicyToolPath(
  tool: string,
  value: string,
  where: { file: string; line?: number },
  roots: string[],
  env: NodeJS.ProcessEnv,
): CheckedToolPath {
  const refuse = (why: string): never => {
    throw new ConfigError(
      // The value is not quoted: the policy may be the pull request's, and file:line points at it.
      `tools.${tool}.path ${why}. A pull request could make the gate run its own program as ${tool}: set ${envName(tool)} in the workflow instead, or install the pinned tools`,
      where.file,
      where.line,
    );
  };
  if (!path.basename(value).toLowerCase().startsWith(tool)) refuse(`is not a ${tool} program (its file name must start with "${tool}"; a shell or interpreter would run files of the repository)`);
  const abs = /[\\/]/.test(value) ? path.resolve(path.dirname(where.file), value) : onPath(value, env);
  if (abs === undefined) return value as CheckedToolPath;
  for (const candidate of [abs, realPath(abs)]) {
    const root = roots.find((r) => isInside(candidate, r));
    if (root) refuse(`is inside the repository being scanned (${root})`);
  }
  return abs as CheckedToolPath;
}

export type PolicyTools = Partial<Record<keyof Policy['tools'], CheckedToolPath>>;

/** Every tools.<tool>.path of a loaded policy, checked (see checkPolicyToolPath). */
export function checkPolicyTools(
  policy: Policy,
  file: string,
  lineOf: ((p: readonly PropertyKey[]) => number | undefined) | undefined,
  roots: string[],
  env: NodeJS.ProcessEnv,
): PolicyTools {
  const out: PolicyTools = {};
  for (const [tool, entry] of Object.entries(policy.tools) as [keyof Policy['tools'], { path?: string } | undefined][]) {
    if (entry?.path) out[tool] = checkPolicyToolPath(tool, entry.path, { file, line: lineOf?.(['tools', tool, 'path']) }, roots, env);
  }
  return out;
}
