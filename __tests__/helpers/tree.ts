import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from './paths';

/** A new temporary folder holding `files` (relative path → text). */
export function writeTree(files: Record<string, string>, prefix = 'chaingate-tree-'): string {
  const d = tmpDir(prefix);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return d;
}
