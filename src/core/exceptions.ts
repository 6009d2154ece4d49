// Exceptions: matching findings to accepted risks, with a lifecycle (expiry, unused, a cap).
// Pure. Matching is indexed by id, so it costs findings × (ids per finding), never
// findings × exceptions.
import picomatch from 'picomatch';
import type { ExceptionEntry } from '../config/schema';
import type { Finding } from './finding';
import { parsePurl, purlMatches, type PurlParts } from './purl-key';
import { largestDays, type SlaSetting } from './sla';

export interface ExceptionSource {
  /** File the entries came from, as the user wrote it. */
  source: string;
  entries: ExceptionEntry[];
  /** 1-based line of each entry in the file, where known, for messages. */
  lines?: number[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function utcDay(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Whole days from today (UTC) to the expiry date; the expiry day itself still counts (0). */
export function daysUntil(expires: string, now: Date): number {
  return Math.round((Date.parse(`${expires}T00:00:00Z`) - utcDay(now)) / DAY_MS);
}

export interface ExceptionProblem {
  source: string;
  index: number;
  line?: number;
  message: string;
}

/**
 * Rules that depend on the clock and the policy, so zod cannot check them alone: an exception
 * may not expire further out than `max-days` from today.
 */
export function checkExceptionLimits(src: ExceptionSource, setting: SlaSetting, now: Date): ExceptionProblem[] {
  const problems: ExceptionProblem[] = [];
  // Per severity, the findings decide (see policy.ts); before them, no severity allows more than the largest.
  const maxDays = largestDays(setting);
  if (maxDays === undefined) return problems;
  const limit = typeof setting === 'number' ? `${maxDays}` : `${maxDays} (its longest, for any severity)`;
  src.entries.forEach((e, index) => {
    const days = daysUntil(e.expires, now);
    if (days > maxDays) {
      problems.push({
        source: src.source,
        index,
        line: src.lines?.[index],
        message: `exception ${e.id} expires ${e.expires}, ${days} days from today, beyond the policy's exceptions.max-days ${limit}; pick an earlier date or raise max-days`,
      });
    }
  });
  return problems;
}

export interface CompiledException {
  source: string;
  index: number;
  entry: ExceptionEntry;
  purl?: PurlParts;
  /** Compiled on first use: most exceptions never meet a finding with their id. */
  pathMatchers?: ((p: string) => boolean)[];
  expired: boolean;
  daysLeft: number;
  matched: string[];
  /** 1-based line of the entry in its file, where known. */
  line?: number;
}

export function compileExceptions(sources: ExceptionSource[], now: Date): CompiledException[] {
  const out: CompiledException[] = [];
  for (const src of sources) {
    src.entries.forEach((entry, index) => {
      const daysLeft = daysUntil(entry.expires, now);
      out.push({
        source: src.source,
        index,
        entry,
        purl: entry.package ? parsePurl(entry.package) : undefined,
        expired: daysLeft < 0,
        daysLeft,
        matched: [],
        line: src.lines?.[index],
      });
    });
  }
  return out;
}

/** Index by lower-cased id: exception ids match a finding's id or any alias, case-insensitively. */
export function indexExceptions(list: CompiledException[]): Map<string, CompiledException[]> {
  const idx = new Map<string, CompiledException[]>();
  for (const c of list) {
    const k = c.entry.id.toLowerCase();
    const arr = idx.get(k);
    if (arr) arr.push(c);
    else idx.set(k, [c]);
  }
  return idx;
}

/** `services/api/` and `./services/api` name the project findings carry as `services/api`; `.` the root (''). */
function normProject(p: string): string {
  const n = p.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^(\.\/)+/, '');
  return n === '.' ? '' : n;
}

function fieldsMatch(c: CompiledException, f: Finding): boolean {
  if (c.entry.kind && c.entry.kind !== f.kind) return false;
  if (c.entry.project !== undefined && normProject(c.entry.project) !== f.project) return false;
  if (c.purl && !purlMatches(c.purl, f.package)) return false;
  if (c.entry.paths) {
    c.pathMatchers ??= c.entry.paths.map((g) => picomatch(g, { dot: true }));
    const p = f.location?.path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!p || !c.pathMatchers.some((m) => m(p))) return false;
  }
  return true;
}

/**
 * The exceptions whose every given field matches the finding. Active ones come first; an
 * expired one is returned only to report what it would have matched.
 */
export function matchExceptions(idx: Map<string, CompiledException[]>, f: Finding): CompiledException[] {
  // Called once per finding and nearly always empty: no allocation until something matches.
  let found: CompiledException[] | undefined;
  for (let i = -1; i < f.aliases.length; i++) {
    const list = idx.get((i < 0 ? f.id : f.aliases[i]).toLowerCase());
    if (list === undefined) continue;
    for (const c of list) {
      if (found?.includes(c) || !fieldsMatch(c, f)) continue;
      (found ??= []).push(c);
    }
  }
  if (found === undefined) return [];
  return found.sort((a, b) => Number(a.expired) - Number(b.expired));
}
