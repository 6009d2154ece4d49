import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, tmpDir } from './paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident set size of the child, in MB. */
  rssMb: number;
}

/**
 * Runs the built CLI (dist/cli.js, `npm run build`) as a child process with its heap capped, so a
 * memory blow-up ends the process instead of the machine, and measures its time and peak RSS.
 */
export function runBuiltCli(args: string[], opts: { heapMb?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const rssFile = path.join(tmpDir('chaingate-rss-'), 'rss');
  const started = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 100}`, '--import', pathToFileURL(path.join(__dirname, 'max-rss.mjs')).href, path.join(REPO, 'dist', 'cli.js'), ...args], {
    cwd: opts.cwd ?? REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env, CHAINGATE_TEST_RSS_FILE: rssFile },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const ms = Date.now() - started;
  const rssMb = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) / 1e6 : Number.NaN;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms, rssMb };
}
