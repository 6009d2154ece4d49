// chaingate.sarif of a shard merge rendered on a second thread, while the gate's own renders
// chaingate-result.json and the summary. Shell.
//
// On the 100,000-finding merge of 3 shards the SARIF log is a third of the run (about 1 s); the
// thread also parses the shards' bytes (sent as the gate reads each) while the gate evaluates, so
// that only a small delta crosses over afterwards (sarif-delta.ts). Any failure of the thread
// other than a write's (the bundle missing, as when running from source, a crash) leaves the log
// to the gate, which renders it as without the thread: same bytes either way.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Finding } from '../core/finding';
import { ConfigError } from '../errors';
import type { EvaluatedFinding, GateResult } from '../core/result';
import type { SarifOptions } from '../reports/sarif';
import { withoutBom } from '../read-text';
import { ShardFindings, type FindingDelta } from './sarif-delta';

export interface ShardMessage {
  op: 'shard';
  index: number;
  bytes: Uint8Array;
}

export interface RenderMessage {
  op: 'render';
  partial: string;
  counts: number[];
  delta: FindingDelta;
  inputs: GateResult['inputs'];
  options: Omit<SarifOptions, 'anchor'>;
  dir: string;
  lockfiles: string[];
}

export type ThreadAnswer = { op: 'done' } | { op: 'failed'; code: string; message: string } | { op: 'error'; message: string };

/** The thread's bundle, next to the gate's in dist/. */
const WORKER_FILE = path.join(__dirname, 'sarif-worker.js');

/**
 * Whether a core is free for the thread (fewer processes running than cores, on average over the
 * last minute): it takes about a quarter more CPU in all (it parses the shards again), which a
 * busy machine pays for in time. The 100,000-finding merge on 2 cores: 2.7 s with it, 3.0 s
 * without at a load average of 1.9; 4.4 s with it, 3.4 s without at 3 to 4.
 */
export function coreFree(cores = os.availableParallelism(), load = os.loadavg()[0]): boolean {
  return cores > 1 && load < cores;
}

/**
 * Shard results smaller than this (in all) are rendered by the gate alone: the thread's start
 * (loading its bundle) would take longer than their whole log (about 16,000 findings).
 */
export const THREAD_MIN_BYTES = 16 << 20;

/**
 * Whether to render the log of shard results of `bytes` on the thread: CHAINGATE_SARIF_THREAD
 * `on`, `off` (the default) or `auto` (for THREAD_MIN_BYTES or more, with a core free). Off by
 * default: on 2 cores it saved 0.1 to 0.3 s of a 2.8 s merge for a third more CPU and 1.0 GB
 * of memory instead of 0.6.
 */
export function threadWanted(env: NodeJS.ProcessEnv, bytes: number, free: () => boolean = coreFree): boolean {
  const mode = env.CHAINGATE_SARIF_THREAD ?? 'off';
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  if (mode === 'auto') return bytes >= THREAD_MIN_BYTES && free();
  throw new ConfigError(`CHAINGATE_SARIF_THREAD="${mode.slice(0, 40)}" is not one of on, off, auto`);
}

/** A vulnerability its tool gave no line for: the SARIF anchor looks it up in the lockfiles. */
export function needsLockfiles(findings: readonly EvaluatedFinding[]): boolean {
  return findings.some((f) => f.kind === 'vulnerability' && f.package?.version && !(f.location?.startLine !== undefined && f.location.startLine >= 1));
}

/**
 * readBytes into memory the SARIF thread can share: a shard's tens of MB are not copied to it.
 * The same bytes as readBytes, byte order mark dropped.
 */
export function readShared(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    // Not a regular file (a pipe, a device): its size says nothing, read as readBytes reads.
    if (!st.isFile()) return withoutBom(fs.readFileSync(fd));
    const size = st.size;
    const buf = Buffer.from(new SharedArrayBuffer(size));
    let n = 0;
    for (let got = 1; n < size && got > 0; n += got) got = fs.readSync(fd, buf, n, size - n, n);
    // A file that shrank while read: what was there, as readFileSync would give.
    return withoutBom(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

export class SarifThread {
  private readonly shards = new ShardFindings();
  private readonly counts: number[] = [];
  private answered: Promise<ThreadAnswer>;

  private constructor(private readonly worker: Worker) {
    this.answered = new Promise((resolve) => {
      worker.once('message', resolve);
      worker.once('error', (e) => resolve({ op: 'error', message: e.message }));
      worker.once('exit', (code) => resolve({ op: 'error', message: `the SARIF thread stopped (exit code ${code})` }));
    });
  }

  /** The thread, or undefined where its bundle is not there (running from source). */
  static start(file = WORKER_FILE): SarifThread | undefined {
    if (!fs.existsSync(file)) return undefined;
    // Loaded here: most runs merge no shard and start no thread.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const threads = require('node:worker_threads') as typeof import('node:worker_threads');
    return new SarifThread(new threads.Worker(file));
  }

  /**
   * A shard result the gate read and parsed to `findings`: the thread parses the same bytes, shared
   * when read by readShared, else a copy.
   */
  addShard(bytes: Buffer, findings: readonly Finding[]): void {
    const shared = bytes.buffer instanceof SharedArrayBuffer ? bytes : new Uint8Array(bytes);
    this.worker.postMessage({ op: 'shard', index: this.counts.length, bytes: shared } satisfies ShardMessage, shared === bytes ? [] : [shared.buffer as ArrayBuffer]);
    this.counts.push(findings.length);
    this.shards.add(findings);
  }

  /**
   * Renders the log of `result` to `${file}.partial`. Resolves true when written, false when the
   * thread could not (then nothing is left behind: the gate renders it), and rejects with a failed
   * write's error (its system code, as fs gives it).
   */
  async render(file: string, result: GateResult, options: Omit<SarifOptions, 'anchor'>, dir: string, lockfiles: () => string[]): Promise<boolean> {
    const delta = this.shards.delta(result.findings);
    // Findings mostly not the shards' own (scanners ran too): cloning them costs what it saves.
    if (delta.whole.length * 2 > result.findings.length) return false;
    const msg: RenderMessage = {
      op: 'render',
      partial: `${file}.partial`,
      counts: this.counts,
      delta,
      inputs: result.inputs,
      options,
      dir,
      lockfiles: needsLockfiles(result.findings) ? lockfiles() : [],
    };
    this.worker.postMessage(msg);
    const a = await this.answered;
    if (a.op === 'done') return true;
    fs.rmSync(msg.partial, { force: true });
    if (a.op === 'failed') throw Object.assign(new Error(a.message), { code: a.code });
    return false;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
