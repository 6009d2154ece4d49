// Reads report files: as bytes (what the Trivy parser takes) or as text (see decodeText).
import * as fs from 'node:fs';
import { decodeText } from './parsers/util';

export function readBytes(file: string): Buffer {
  return fs.readFileSync(file);
}

export function readText(file: string): string {
  return decodeText(fs.readFileSync(file));
}
