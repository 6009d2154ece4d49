// Real git repositories for tests: a fixed identity, no system config.
import { runTool } from '../../src/process/run-tool';

export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Runs git in `cwd` and returns its trimmed stdout; throws with stderr when it fails. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await runTool('git', args, { cwd, env: GIT_ENV, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
