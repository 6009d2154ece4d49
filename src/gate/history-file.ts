// Shell for the history (src/core/history.ts): reads the file, finds the commit, and writes the
// new history atomically, so a crash or a full disk mid-write leaves the old file as it was.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyHistory, parseHistory, type History } from '../core/history';
import { ConfigError } from '../errors';
import { runTool } from '../process/run-tool';

/** The history in `file`; a missing file is a new, empty history. Unreadable or corrupt: ConfigError (exit 2), file untouched. */
export function readHistoryFile(file: string): History {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyHistory();
    throw new ConfigError(`cannot read the history file: ${(e as Error).message}`, file);
  }
  return parseHistory(text, file);
}

export interface WriteFs {
  writeFileSync(file: string, data: string, opts: { flag: string; mode: number }): void;
  renameSync(from: string, to: string): void;
  rmSync(file: string, opts: { force: boolean }): void;
}

/**
 * Writes to a temporary file beside `file` (same filesystem, so the rename is atomic) and
 * renames it over the old one: readers see the old file or the new one, never half of one.
 */
export function writeHistoryFile(file: string, history: History, io: WriteFs = fs): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    // `wx`: never follow or reuse a file someone placed at that name.
    io.writeFileSync(tmp, JSON.stringify(history) + '\n', { flag: 'wx', mode: 0o644 });
    io.renameSync(tmp, file);
  } catch (e) {
    io.rmSync(tmp, { force: true });
    throw new ConfigError(`cannot write the history file (the previous one was kept): ${(e as Error).message}`, file);
  }
}

/** The commit scanned: GITHUB_SHA in Actions, else the project's HEAD, else unknown. */
export async function currentCommit(dir: string, env: NodeJS.ProcessEnv, run = runTool): Promise<string | undefined> {
  if (env.GITHUB_SHA && /^[0-9a-f]{40}$/.test(env.GITHUB_SHA)) return env.GITHUB_SHA;
  const r = await run('git', ['-C', dir, 'rev-parse', '--verify', '-q', 'HEAD'], { env: { ...env, GIT_TERMINAL_PROMPT: '0' }, timeoutMs: 30_000 });
  const sha = r.stdout.trim();
  return r.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}
