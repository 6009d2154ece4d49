// Shell: reads the source lines findings point at and records their hash (core matchedTextHash),
// what a baseline recognizes a code, secret or misconfiguration finding by after lines move.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { matchedTextHash, type Finding } from '../core/finding';

const HASHED_KINDS = new Set(['code', 'secret', 'misconfiguration']);
/** Larger files (minified bundles, data) are not read: their findings keep no text hash. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Sets `textHash` on each located finding of a hashed kind whose file can be read under `dir`:
 * the hash of its lines (the whole file when the finding names no line). Findings are updated in
 * place; a file that cannot be read leaves its findings without a hash (they then match nothing).
 */
export function addTextHashes(findings: Finding[], dir: string): void {
  const cache = new Map<string, string[] | null>();
  const root = path.resolve(dir);
  const lines = (rel: string): string[] | null => {
    let got = cache.get(rel);
    if (got !== undefined) return got;
    got = null;
    const file = path.resolve(root, rel);
    // Only files inside the scanned tree: a report may name any path.
    if (file.startsWith(root + path.sep)) {
      try {
        const st = fs.lstatSync(file);
        if (st.isFile() && st.size <= MAX_FILE_BYTES) got = fs.readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        got = null;
      }
    }
    cache.set(rel, got);
    return got;
  };
  for (const f of findings) {
    if (!HASHED_KINDS.has(f.kind) || !f.location || f.textHash !== undefined) continue;
    const all = lines(f.location.path);
    if (all === null) continue;
    const start = f.location.startLine;
    if (start === undefined || start < 1) {
      f.textHash = matchedTextHash(all.join('\n'));
      continue;
    }
    const end = f.location.endLine !== undefined && f.location.endLine >= start ? f.location.endLine : start;
    f.textHash = matchedTextHash(all.slice(start - 1, end).join('\n'));
  }
}
