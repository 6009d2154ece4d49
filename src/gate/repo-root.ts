// Where the repository starts, for paths code scanning and the job summary's links understand:
// relative to the repository, not to the scanned folder.
import * as fs from 'node:fs';
import * as path from 'node:path';

function inside(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The repository root of `dir`: GITHUB_WORKSPACE when `dir` is inside it (the checkout in
 * Actions), else the nearest folder upwards holding `.git` (a folder, or a file in a worktree or
 * submodule), else `dir` itself.
 */
export function repositoryRoot(dir: string, env: NodeJS.ProcessEnv): string {
  const abs = path.resolve(dir);
  const ws = env.GITHUB_WORKSPACE;
  if (ws && inside(abs, path.resolve(ws))) return path.resolve(ws);
  for (let d = abs; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return abs;
  }
}

/** The scanned folder relative to the repository root, with forward slashes; '' for the root. */
export function projectPath(dir: string, env: NodeJS.ProcessEnv): { root: string; project: string } {
  const root = repositoryRoot(dir, env);
  return { root, project: path.relative(root, path.resolve(dir)).split(path.sep).join('/') };
}
