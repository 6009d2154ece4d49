// Triage SLAs: how many days a finding of each severity may stay open (`sla`), and how far out
// an exception for it may expire (`exceptions.max-days`). Both take one number for every
// severity or a map per severity. Pure; the clock is passed in.
import type { Severity } from './finding';

export const SLA_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type SlaSeverity = (typeof SLA_SEVERITIES)[number];
export type SlaMap = Partial<Record<SlaSeverity, number>>;
/** One number for every severity, a map per severity, or unset. */
export type SlaSetting = number | SlaMap | undefined;

/** What `chaingate exceptions add` and the summary's snippets use when the policy sets no limit. */
export const DEFAULT_SLA_DAYS: Record<SlaSeverity, number> = { critical: 7, high: 30, medium: 90, low: 180 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** The severity an SLA map is read at: info counts as low, unknown as the policy ranks it. */
export function slaSeverity(severity: Severity, unknownAs: Exclude<Severity, 'unknown'>): SlaSeverity {
  const s = severity === 'unknown' ? unknownAs : severity;
  return s === 'info' ? 'low' : s;
}

/** The days a setting allows a finding of this severity; undefined when it sets none. */
export function slaDays(setting: SlaSetting, severity: Severity, unknownAs: Exclude<Severity, 'unknown'> = 'medium'): number | undefined {
  if (setting === undefined || typeof setting === 'number') return setting;
  return setting[slaSeverity(severity, unknownAs)];
}

/** The most days a setting allows any severity: the limit an exception is held to before its findings are known. */
export function largestDays(setting: SlaSetting): number | undefined {
  if (setting === undefined || typeof setting === 'number') return setting;
  const values = SLA_SEVERITIES.map((s) => setting[s]).filter((d): d is number => d !== undefined);
  return values.length ? Math.max(...values) : undefined;
}

/** How long a new exception for a finding of this severity should run: the policy's limits, else the default SLA. */
export function exceptionDays(limits: { maxDays: SlaSetting; sla: SlaSetting }, severity: Severity, unknownAs: Exclude<Severity, 'unknown'> = 'medium'): number {
  const set = [slaDays(limits.maxDays, severity, unknownAs), slaDays(limits.sla, severity, unknownAs)].filter((d): d is number => d !== undefined);
  return set.length ? Math.min(...set) : DEFAULT_SLA_DAYS[slaSeverity(severity, unknownAs)];
}

/** The UTC calendar date `days` after `now`, written YYYY-MM-DD. */
export function addDays(now: Date, days: number): string {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(day + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from a YYYY-MM-DD date (or ISO timestamp) to today, UTC. */
export function daysSince(date: string, now: Date): number {
  const then = Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date);
  const a = Date.UTC(new Date(then).getUTCFullYear(), new Date(then).getUTCMonth(), new Date(then).getUTCDate());
  const b = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((b - a) / DAY_MS);
}

export interface Overdue {
  fingerprint: string;
  firstSeen: string;
  daysOpen: number;
  slaDays: number;
}

/**
 * The findings open longer than their SLA, given when each was first seen (a baseline or the
 * history says; a finding it does not know is new today, so never overdue).
 */
export function overdueFindings(
  findings: readonly { fingerprint: string; severity: Severity }[],
  firstSeen: ReadonlyMap<string, string> | undefined,
  sla: SlaSetting,
  now: Date,
  unknownAs: Exclude<Severity, 'unknown'> = 'medium',
): Overdue[] {
  const out: Overdue[] = [];
  if (!firstSeen || sla === undefined) return out;
  for (const f of findings) {
    const seen = firstSeen.get(f.fingerprint);
    const days = slaDays(sla, f.severity, unknownAs);
    if (seen === undefined || days === undefined || Number.isNaN(Date.parse(seen.length === 10 ? `${seen}T00:00:00Z` : seen))) continue;
    const open = daysSince(seen, now);
    if (open > days) out.push({ fingerprint: f.fingerprint, firstSeen: seen, daysOpen: open, slaDays: days });
  }
  return out;
}
