// Reads report files: as bytes (what the Trivy parser takes) or as text (see decodeText). A UTF-8
// byte order mark (Windows tools write one) is dropped: JSON.parse would stop at it with an
// "unexpected token" nobody can see, and a lockfile line would start with it.
import * as fs from 'node:fs';
import { decodeText } from './parsers/util';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function readBytes(file: string): Buffer {
  return withoutBom(fs.readFileSync(file));
}

export function withoutBom(bytes: Buffer): Buffer {
  return bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
}

export function readText(file: string): string {
  return decodeText(readBytes(file));
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
