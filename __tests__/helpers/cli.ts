import { main } from '../../src/cli/main';
import type { CommandIO } from '../../src/cli/types';

/** Runs the CLI in process with a fixed clock; returns its exit code and what it printed. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, now = new Date('2026-11-28T12:00:00Z')) {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd: process.cwd(),
    now: () => now,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, all: stdout + stderr };
}
