// The one module that spawns processes. argv arrays only (never a shell string), a timeout,
// stdout streamed to a file (outputs can be hundreds of MB), stderr kept (capped) for messages.
// It never throws on a non-zero exit: the adapter interprets exit codes.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface RunOptions {
  /** Where stdout goes. When omitted, stdout is buffered (capped) into `stdout`. */
  stdoutFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Bytes of stderr (and buffered stdout) kept. */
  maxBuffer?: number;
  input?: string;
}

export interface RunResult {
  command: string;
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Set when the binary could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const DEFAULT_MAX = 1024 * 1024;

export function runTool(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const max = opts.maxBuffer ?? DEFAULT_MAX;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // A process group of its own, so a timeout kills the tool's children too.
      detached: true,
    });
    const out = opts.stdoutFile ? createWriteStream(opts.stdoutFile) : undefined;
    const finish = (r: Omit<RunResult, 'command' | 'args' | 'stdout' | 'stderr' | 'durationMs' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const done = () =>
        resolve({ command, args, ...r, timedOut, stdout, stderr, durationMs: Date.now() - started });
      if (out) out.end(done);
      else done();
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-(child.pid as number), 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => {
      if (out) out.write(b);
      else if (stdout.length < max) stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < max) stderr += b.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish({ exitCode: null, signal: null, spawnError: e.code === 'ENOENT' ? `${command}: not found` : `${command}: ${e.message}` });
    });
    child.on('close', (code, signal) => finish({ exitCode: code, signal }));
    child.stdin.on('error', () => undefined);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** The tool's own first meaningful error line, for one-line failure messages. */
export function firstErrorLine(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /\b(error|fatal|panic|failed)\b/i.test(l)) ?? lines[0];
}
