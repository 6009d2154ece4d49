// Shell: reads the lockfiles and Dockerfiles that findings point into, once each, so the SARIF
// log can place a finding its tool gave no line for (see core/anchors.ts for the rules).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerfileInstructionLine, lineIndex, lockfileEntryLine, nameToken, type LineIndex } from '../core/anchors';
import type { EvaluatedFinding } from '../core/result';

/** Files larger than this are not read for a line number. */
const MAX_BYTES = 64 * 1024 * 1024;

export type Anchor = (f: EvaluatedFinding) => { path: string; startLine: number } | undefined;

/**
 * `lockfiles`: the project's lockfile paths, relative to `dir`, tried after the file a finding
 * names; as a function, asked only once a vulnerability needs them.
 */
export function findingAnchors(dir: string, lockfiles: readonly string[] | (() => readonly string[])): Anchor {
  const root = path.resolve(dir);
  let lockPaths = typeof lockfiles === 'function' ? undefined : lockfiles;
  const cache = new Map<string, LineIndex | null>();
  // Most paths of a large merge are in folders not there either (the shards' checkouts had them):
  // a folder found missing answers for every file below it, one stat instead of thousands.
  const folders = new Map<string, boolean>([[root, true]]);
  const folderThere = (d: string): boolean => {
    let there = folders.get(d);
    if (there === undefined) {
      there = folderThere(path.dirname(d)) && fs.statSync(d, { throwIfNoEntry: false })?.isDirectory() === true;
      folders.set(d, there);
    }
    return there;
  };
  const read = (rel: string): LineIndex | null => {
    let got = cache.get(rel);
    if (got !== undefined) return got;
    got = null;
    const abs = path.resolve(root, rel);
    // Only files of the project: a path from a report must not make the gate read elsewhere.
    if (abs.startsWith(root + path.sep) && folderThere(path.dirname(abs))) {
      try {
        // Most paths of a large merge name no file here (the shards' checkouts had them): an
        // ENOENT thrown per path cost 0.2 s on 100,000 findings.
        const size = fs.statSync(abs, { throwIfNoEntry: false })?.size;
        if (size !== undefined && size <= MAX_BYTES) got = lineIndex(fs.readFileSync(abs));
      } catch {
        got = null;
      }
    }
    cache.set(rel, got);
    return got;
  };
  return (f) => {
    const l = f.location;
    if (l?.startLine !== undefined && l.startLine >= 1) return undefined;
    if (f.kind === 'vulnerability' && f.package?.version) {
      const { name, version } = f.package;
      const key = nameToken(name);
      lockPaths ??= (lockfiles as () => readonly string[])();
      for (const file of new Set([...(l ? [l.path] : []), ...lockPaths])) {
        const ix = read(file);
        const candidates = ix && (ix.linesWith(key) ?? ix.linesWith(key.replace(/[-_.]+/g, '-')) ?? ix.linesWith(key.replace(/[-_.]+/g, '_')));
        const line = candidates ? lockfileEntryLine(file, (ix as LineIndex).lines, name, version, candidates) : undefined;
        if (line !== undefined) return { path: file, startLine: line };
      }
      return undefined;
    }
    if (f.kind === 'misconfiguration' && l && /(^|[\\/])(Dockerfile|Containerfile)[^\\/]*$|\.dockerfile$/i.test(l.path)) {
      const ix = read(l.path);
      const line = ix ? dockerfileInstructionLine(ix.text, f.id) : undefined;
      return line === undefined ? undefined : { path: l.path, startLine: line };
    }
    return undefined;
  };
}
