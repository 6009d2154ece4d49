// The SARIF thread's own code (dist/sarif-worker.js, started by sarif-thread.ts). Shell.
//
// It parses each shard's bytes as the gate did (the same parser, the same bytes: the same
// findings), while the gate goes on reading and evaluating; then, told the evaluated findings as
// a delta (sarif-delta.ts), renders chaingate.sarif to FILE.partial. The gate renames it.
import { parentPort } from 'node:worker_threads';
import type { Finding } from '../core/finding';
import { parseChaingateResult } from '../parsers/chaingate';
import { decodeText } from '../parsers/util';
import { sarifJsonChunks } from '../reports/sarif';
import { findingAnchors } from './anchors';
import type { ShardMessage, RenderMessage, ThreadAnswer } from './sarif-thread';
import { applyDelta } from './sarif-delta';
import { writeChunks } from './write-chunks';

const shards: (Finding[] | undefined)[] = [];

function answer(a: ThreadAnswer): void {
  parentPort?.postMessage(a);
}

async function render(m: RenderMessage): Promise<void> {
  for (let k = 0; k < m.counts.length; k++) {
    const s = shards[k];
    // Cannot happen with the same bytes and parser; if it did, the gate renders the log itself.
    if (!s || s.length !== m.counts[k]) return answer({ op: 'error', message: `shard ${k} parsed to ${s?.length ?? 'nothing'} findings here, ${m.counts[k]} in the gate` });
  }
  const all = ([] as Finding[]).concat(...(shards.slice(0, m.counts.length) as Finding[][]));
  const result = { findings: applyDelta(m.delta, all), inputs: m.inputs };
  try {
    await writeChunks(m.partial, sarifJsonChunks(result, { ...m.options, anchor: findingAnchors(m.dir, m.lockfiles) }));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return answer(code ? { op: 'failed', code, message: (e as Error).message } : { op: 'error', message: (e as Error).message });
  }
  answer({ op: 'done' });
}

parentPort?.on('message', (m: ShardMessage | RenderMessage) => {
  if (m.op === 'shard') {
    try {
      shards[m.index] = parseChaingateResult(decodeText(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength))).findings;
    } catch {
      shards[m.index] = undefined;
    }
    return;
  }
  render(m).catch((e: Error) => answer({ op: 'error', message: e.message }));
});
