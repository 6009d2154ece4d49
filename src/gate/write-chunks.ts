// Writes a large report piece by piece. Shell: file system only.
import * as fs from 'node:fs';

/** The encoding buffer: pieces are encoded into it one after the other and written when it is full. */
const BUFFER_BYTES = 1 << 20;

/**
 * Writes a report piece by piece: the result of 100,000 findings is about 100 MB of JSON, which
 * as one string (and its UTF-8 copy) would double the gate's peak memory. Written to FILE.partial
 * and renamed when complete, so a failure never leaves a truncated report behind (the partial
 * file is removed); it rejects with the first error, a failed write's or the renderer's.
 *
 * Pieces (a finding's JSON each, from the renderers, or bytes already encoded) go into one reused buffer, written
 * synchronously each time it fills: a fresh Buffer per piece and up to 8 asynchronous writes in
 * flight cost the gate's thread 0.1 to 0.2 s more CPU on the 200 MB of a 100,000-finding merge
 * (buffers to allocate, fault in and collect, a promise and a thread-pool hand-over per write)
 * than the write system calls themselves, which only copy into the page cache.
 */
/** What a renderer yields: text, bytes, or a list of those (a SARIF rule's pieces). */
export type Chunk = string | Uint8Array | readonly (string | Uint8Array)[];

export async function writeChunks(file: string, chunks: Iterable<Chunk>): Promise<void> {
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w');
  try {
    let buf = Buffer.allocUnsafe(BUFFER_BYTES);
    let used = 0;
    const flush = () => {
      // A write may take less than asked.
      for (let off = 0; off < used; ) off += fs.writeSync(fd, buf, off, used - off);
      used = 0;
    };
    const put = (c: string | Uint8Array) => {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit; bytes are copied as they are.
      const most = typeof c === 'string' ? c.length * 3 : c.byteLength;
      if (used + most > buf.length) {
        flush();
        if (most > buf.length) buf = Buffer.allocUnsafe(most);
      }
      if (typeof c === 'string') used += buf.write(c, used, 'utf8');
      else {
        buf.set(c, used);
        used += c.byteLength;
      }
    };
    for (const c of chunks) {
      if (typeof c === 'string' || c instanceof Uint8Array) put(c);
      else for (const p of c) put(p);
    }
    flush();
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
}
