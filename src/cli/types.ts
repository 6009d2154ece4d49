// A CLI subcommand. The dispatcher (src/cli/main.ts) parses nothing itself: each command gets
// its argv (after the subcommand name) and returns the exit code. Commands throw ChaingateError
// for a user's mistake; the dispatcher prints it and maps it to the exit code.
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: () => Date;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CommandIO): Promise<number>;
}

export const EXIT = { PASS: 0, FAIL: 1, CONFIG: 2, INCOMPLETE: 3 } as const;
