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

/**
 * Names of the wanted package keys, for the quick text check: as the keys hold them, which for
 * PyPI is already PEP 503-normalized (mayMention normalizes what an advisory writes to match).
 */
function wantedNames(wanted: Set<string>): Set<string> {
  const names = new Set<string>();
  for (const k of wanted) names.add(k.slice(k.indexOf('/') + 1));
  return names;
}

const NAME_FIELD = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * Whether the advisory text may be about a wanted package, without parsing it: most entries of a
 * whole-ecosystem export are not, and JSON.parse dominates the load. A name written with escapes
 * is not decoded here, so it counts as a maybe.
 */
function mayMention(text: string, names: Set<string>): boolean {
  for (const m of text.matchAll(NAME_FIELD)) {
    const n = m[1];
    if (n.includes('\\') || names.has(n) || names.has(n.toLowerCase().replace(/[-_.]+/g, '-'))) return true;
  }
  return false;
}

function ingest(index: AdvisoryIndex, text: string, what: string, opts: OsvDbOptions, names?: Set<string>): void {
  try {
    if (opts.wanted) {
      // Text naming no wanted package is skipped unparsed, like any advisory about other packages
      // (damage to an archive is caught by the zip reader's inflate and size checks).
      if (names && !mayMention(text, names)) return;
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

/** Bytes read from the archive at a time: an export's entries lie one after the other. */
const WINDOW = 1 << 20;

/**
 * Reads through a window of the file: an export of thousands of small entries is read a
 * megabyte at a time instead of in two system calls per entry (a header, then the data). Each
 * read returns its own copy, so what a caller holds stays valid after the next read.
 */
function windowedReader(fd: number): ReadAt {
  let window = Buffer.alloc(0);
  let start = 0;
  const fill = (offset: number, length: number) => {
    const b = Buffer.allocUnsafe(Math.max(length, WINDOW));
    let got = 0;
    while (got < b.length) {
      const n = fs.readSync(fd, b, got, b.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    window = b.subarray(0, got);
    start = offset;
  };
  return (offset, length) => {
    if (offset < start || offset + length > start + window.length) fill(offset, length);
    const from = offset - start;
    return Buffer.from(window.subarray(from, Math.min(from + length, window.length)));
  };
}

function loadZip(file: string, index: AdvisoryIndex, opts: OsvDbOptions, names?: Set<string>): number {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read = windowedReader(fd);
    let n = 0;
    for (const entry of listZip(read, size)) {
      if (!entry.name.endsWith('.json')) continue;
      ingest(index, readZipEntry(read, entry).toString('utf8'), `${file}!${entry.name}`, opts, names);
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
  const names = opts.wanted ? wantedNames(opts.wanted) : undefined;
  if (stat.isDirectory()) walk(dbPath, paths);
  else paths.push(dbPath);
  for (const p of paths) {
    if (/\.zip$/i.test(p)) files += loadZip(p, index, opts, names);
    else {
      ingest(index, fs.readFileSync(p, 'utf8'), p, opts, names);
      files++;
    }
  }
  if (files === 0) throw new ToolError('osv', `${configKey}: ${dbPath} holds no OSV JSON files or zip exports`);
  return { index, files };
}
