// Shell: loads an offline OSV database — a folder of OSV JSON files (searched recursively; zip
// exports inside it are read too) or one OSV zip export (all.zip) — into the matcher's index.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, ToolError } from '../errors';
import { FormatError } from '../parsers/util';
import { addToIndex, emptyIndex, type AdvisoryIndex } from './matcher';
import { parseAdvisories } from './parse';
import { packageIndexKey } from './versions';
import { listZip, readZipEntry, ZipError, type ReadAt } from './zip';

export interface OsvDbLoad {
  index: AdvisoryIndex;
  /** Files (and zip entries) read. */
  files: number;
}

export interface OsvDbOptions {
  /**
   * Package keys (see packageIndexKey) the caller will look up. Advisories about none of them are
   * skipped before validation, which keeps a whole-ecosystem export cheap to load.
   */
  wanted?: Set<string>;
}

function mentionsWanted(data: unknown, wanted: Set<string>): boolean {
  const list = Array.isArray(data) ? data : [data];
  for (const a of list) {
    const affected = (a as { affected?: unknown })?.affected;
    if (!Array.isArray(affected)) continue;
    for (const x of affected) {
      const p = (x as { package?: { ecosystem?: unknown; name?: unknown } })?.package;
      if (typeof p?.ecosystem === 'string' && typeof p.name === 'string' && wanted.has(packageIndexKey(p.ecosystem, p.name))) return true;
    }
  }
  return false;
}

function ingest(index: AdvisoryIndex, text: string, what: string, opts: OsvDbOptions): void {
  try {
    if (opts.wanted) {
      // Invalid JSON still goes through parseAdvisories below, for its message.
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
      if (data !== undefined && !mentionsWanted(data, opts.wanted)) return;
    }
    addToIndex(index, parseAdvisories(text, what));
  } catch (e) {
    if (e instanceof FormatError) throw new ToolError('osv', `${e.message}; remove the file or replace the OSV database`);
    throw e;
  }
}

function loadZip(file: string, index: AdvisoryIndex, opts: OsvDbOptions): number {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read: ReadAt = (offset, length) => {
      const b = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, b, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return got === length ? b : b.subarray(0, got);
    };
    let n = 0;
    for (const entry of listZip(read, size)) {
      if (!entry.name.endsWith('.json')) continue;
      ingest(index, readZipEntry(read, entry).toString('utf8'), `${file}!${entry.name}`, opts);
      n++;
    }
    return n;
  } catch (e) {
    if (e instanceof ZipError) throw new ToolError('osv', `${file}: ${e.message}; download the OSV export again`);
    throw e;
  } finally {
    fs.closeSync(fd);
  }
}

function walk(dir: string, out: string[]): void {
  for (const d of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p, out);
    else if (d.isFile() && /\.(json|zip)$/i.test(d.name)) out.push(p);
  }
}

/** Loads `dbPath` (a folder or a zip). `configKey` names the setting in messages. */
export function loadOsvDb(dbPath: string, opts: OsvDbOptions = {}, configKey = 'audit.osv-db'): OsvDbLoad {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dbPath);
  } catch {
    throw new ConfigError(`${configKey}: ${dbPath} does not exist; point it at a folder of OSV JSON files or an OSV zip export`);
  }
  const index = emptyIndex();
  let files = 0;
  const paths: string[] = [];
  if (stat.isDirectory()) walk(dbPath, paths);
  else paths.push(dbPath);
  for (const p of paths) {
    if (/\.zip$/i.test(p)) files += loadZip(p, index, opts);
    else {
      ingest(index, fs.readFileSync(p, 'utf8'), p, opts);
      files++;
    }
  }
  if (files === 0) throw new ToolError('osv', `${configKey}: ${dbPath} holds no OSV JSON files or zip exports`);
  return { index, files };
}
