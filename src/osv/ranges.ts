// Is a version inside an OSV `affected` entry? The evaluation follows the OSV specification's
// algorithm: events sorted by version, `introduced` opens a range ("0" = from the beginning),
// `fixed` closes it exclusively, `last_affected` inclusively, `limit` caps the whole range. Pure.
import type { OsvAffected, OsvEvent, OsvRange } from './schema';
import { compareSemver, ecosystemComparator, type Compare } from './versions';

export interface RangeMatch {
  affected: boolean;
  /** `fixed` versions of the ranges that matched, later than the version. */
  fixed: string[];
}

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
}

function isZero(v: string): boolean {
  return v === '0';
}

// Advisories are immutable once loaded: sort each range's events once per comparator.
const SORTED = new WeakMap<OsvEvent[], Map<Compare, OsvEvent[]>>();

function sortEvents(events: OsvEvent[], compare: Compare): OsvEvent[] {
  let byCompare = SORTED.get(events);
  if (!byCompare) SORTED.set(events, (byCompare = new Map()));
  let sorted = byCompare.get(compare);
  if (!sorted) byCompare.set(compare, (sorted = sortEventsUncached(events, compare)));
  return sorted;
}

function sortEventsUncached(events: OsvEvent[], compare: Compare): OsvEvent[] {
  return [...events].sort((a, b) => {
    const va = eventVersion(a);
    const vb = eventVersion(b);
    if (isZero(va) && a.introduced !== undefined) return isZero(vb) && b.introduced !== undefined ? 0 : -1;
    if (isZero(vb) && b.introduced !== undefined) return 1;
    return compare(va, vb);
  });
}

/** Whether `version` is in one SEMVER or ECOSYSTEM range. GIT ranges name commits: never matched. */
export function inRange(version: string, range: OsvRange, compare: Compare): boolean {
  if (range.type === 'GIT') return false;
  const events = sortEvents(range.events, compare);
  const limits = events.filter((e) => e.limit !== undefined).map((e) => e.limit as string);
  if (limits.length && !limits.some((l) => l === '*' || compare(version, l) < 0)) return false;
  let affected = false;
  for (const e of events) {
    if (e.introduced !== undefined) {
      if (isZero(e.introduced) || compare(version, e.introduced) >= 0) affected = true;
    } else if (e.fixed !== undefined) {
      if (compare(version, e.fixed) >= 0) affected = false;
    } else if (e.last_affected !== undefined) {
      if (compare(version, e.last_affected) > 0) affected = false;
    }
  }
  return affected;
}

export function comparatorFor(range: OsvRange, ecosystem: string): Compare {
  return range.type === 'SEMVER' ? compareSemver : ecosystemComparator(ecosystem);
}

/**
 * Matches a version against one `affected` entry: its explicit `versions[]` list (compared by the
 * ecosystem's ordering, so PyPI 1.0 equals 1.0.0) and each of its ranges.
 */
export function matchAffected(version: string, affected: OsvAffected, ecosystem: string): RangeMatch {
  const eco = ecosystemComparator(ecosystem);
  let hit = (affected.versions ?? []).some((v) => v === version || eco(v, version) === 0);
  const fixed: string[] = [];
  for (const r of affected.ranges ?? []) {
    const compare = comparatorFor(r, ecosystem);
    if (!inRange(version, r, compare)) continue;
    hit = true;
    for (const e of r.events) if (e.fixed !== undefined && compare(e.fixed, version) > 0) fixed.push(e.fixed);
  }
  return { affected: hit, fixed };
}
