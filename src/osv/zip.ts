// A small ZIP reader for OSV exports (all.zip per ecosystem): central directory, ZIP64, stored and
// deflated entries. It reads through a `read(offset, length)` callback so the shell decides how
// bytes are fetched (a file descriptor, a buffer) and large archives never sit in memory whole.
import { inflateRawSync } from 'node:zlib';

export type ReadAt = (offset: number, length: number) => Buffer;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function u64(b: Buffer, off: number): number {
  const v = b.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('ZIP64 value too large');
  return Number(v);
}

/** Lists the entries of a ZIP archive of `size` bytes. */
export function listZip(read: ReadAt, size: number): ZipEntry[] {
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = read(size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('not a ZIP archive (no end of central directory record)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const locAt = size - tailLen + eocd - 20;
    const loc = locAt >= 0 ? read(locAt, 20) : Buffer.alloc(0);
    if (loc.length < 20 || loc.readUInt32LE(0) !== EOCD64_LOCATOR) throw new ZipError('ZIP64 locator missing');
    const rec = read(u64(loc, 8), 56);
    if (rec.readUInt32LE(0) !== EOCD64) throw new ZipError('ZIP64 end of central directory record missing');
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdOffset + cdSize > size) throw new ZipError('central directory outside the file: truncated archive?');
  const cd = read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ZipError(`central directory entry ${n} is damaged`);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    // ZIP64 extended information: only the fields whose 32-bit value is saturated, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressed === MAX32) {
          uncompressed = u64(cd, q);
          q += 8;
        }
        if (compressedSize === MAX32) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localHeaderOffset === MAX32) localHeaderOffset = u64(cd, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size: uncompressed, localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** The uncompressed bytes of one entry. */
export function readZipEntry(read: ReadAt, entry: ZipEntry): Buffer {
  const header = read(entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new ZipError(`${entry.name}: local header damaged`);
  const dataAt = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = read(dataAt, entry.compressedSize);
  if (data.length < entry.compressedSize) throw new ZipError(`${entry.name}: data truncated`);
  let out: Buffer;
  if (entry.method === 0) out = data;
  else if (entry.method === 8) {
    try {
      // Output sized to the entry: zlib's default is a fresh 16 KiB buffer per call, which for an
      // export of thousands of 2 KiB records is most of the memory (and work) of loading it. An
      // entry inflating past its stated size (a zip bomb) stops there instead of filling memory.
      out = inflateRawSync(data, { chunkSize: Math.max(64, entry.size + 1), maxOutputLength: Math.max(1, entry.size) });
    } catch (e) {
      throw new ZipError(`${entry.name}: cannot inflate (${(e as Error).message})`);
    }
  } else throw new ZipError(`${entry.name}: compression method ${entry.method} is not supported (only stored and deflate)`);
  if (out.length !== entry.size) throw new ZipError(`${entry.name}: size ${out.length} differs from the directory's ${entry.size}`);
  return out;
}
