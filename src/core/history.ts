// The gate's memory between runs: when each finding was first seen, last seen and fixed, and
// per run the counts the weekly trend is drawn from. Pure: the shell reads and writes the file,
// the clock is passed in. Bounded: runs older than RECENT_DAYS (or beyond MAX_RUNS) fold into
// one point per week, fixed findings are forgotten after FORGET_FIXED_DAYS.
import { z } from 'zod';
import { ConfigError } from '../errors';
import { describeJsonError } from '../parsers/json-error';
import { describeIssue } from '../parsers/util';
import { canonicalId, KINDS, packageKey, SEVERITIES, sha256Prefix, type Finding, type Kind, type Severity } from './finding';

export const HISTORY_VERSION = 1;
export const RECENT_DAYS = 28;
export const MAX_RUNS = 100;
export const MAX_WEEKS = 104;
export const FORGET_FIXED_DAYS = 90;
const LABEL_CHARS = 80;
const DAY_MS = 24 * 60 * 60 * 1000;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD date');
const Count = z.number().int().nonnegative();
const SeverityEnum = z.enum(SEVERITIES);

const EntrySchema = z
  .object({
    /** Day first seen (the SLA counts from it) and the run that saw it first. */
    first: Day,
    firstRun: Count,
    /** The last run that saw it. */
    lastRun: Count,
    /** Set when a complete run no longer saw it. */
    fixed: Day.optional(),
    fixedRun: Count.optional(),
    severity: SeverityEnum,
    label: z.string().max(LABEL_CHARS),
  })
  .strict();

const RunSchema = z
  .object({
    n: Count,
    at: z.string().datetime(),
    commit: z.string().max(64).optional(),
    /** Findings seen, by severity and by kind, suppressed ones included (the risk is still there). */
    severity: z.record(SeverityEnum, Count),
    kind: z.record(z.enum(KINDS), Count),
    /** Active exceptions and VEX statements. */
    exceptions: Count,
    /** Whether every scanner finished: an incomplete run marks nothing fixed. */
    complete: z.boolean(),
  })
  .strict();

const WeekSchema = z
  .object({
    /** Monday of the week, UTC. */
    week: Day,
    runs: Count,
    /** The counts of the week's last run. */
    critical: Count,
    high: Count,
    exceptions: Count,
  })
  .strict();

export const HistorySchema = z
  .object({
    version: z.literal(HISTORY_VERSION),
    nextRun: Count,
    /** By a digest of the finding's history key (see historyKeys). */
    findings: z.record(z.string().regex(/^[0-9a-f]{20}$/), EntrySchema),
    runs: z.array(RunSchema),
    weeks: z.array(WeekSchema),
  })
  .strict();

export type History = z.infer<typeof HistorySchema>;
export type HistoryEntry = z.infer<typeof EntrySchema>;
export type HistoryRun = z.infer<typeof RunSchema>;
export type WeekPoint = z.infer<typeof WeekSchema>;

export function emptyHistory(): History {
  return { version: HISTORY_VERSION, nextRun: 1, findings: {}, runs: [], weeks: [] };
}

/** Reads a history file's text; anything but a history this version wrote is a ConfigError naming the file. */
export function parseHistory(text: string, file: string): History {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text near the error; the history file is in the repository.
    const p = describeJsonError(text, e);
    throw new ConfigError(`history file is not valid JSON (${p.problem}); it was left as it is: fix it or move it away to start a new history`, file, p.line, p.column);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > HISTORY_VERSION) {
    throw new ConfigError(`history file has schema version ${version}, newer than the ${HISTORY_VERSION} this chaingate reads: upgrade chaingate; the file was left as it is`, file);
  }
  const r = HistorySchema.safeParse(raw);
  if (!r.success) {
    throw new ConfigError(`history file is not a chaingate history: ${describeIssue(HistorySchema, r.error.issues[0])}; it was left as it is`, file);
  }
  return r.data;
}

type Keyed = Pick<Finding, 'kind' | 'id' | 'aliases' | 'package' | 'location' | 'textHash'>;

/**
 * Line-independent keys, one per finding, so a finding keeps its history when code moves: a
 * vulnerability is its ecosystem, package (not version: an upgrade that stays vulnerable is the
 * same open issue) and advisory; anything else its kind, rule, path (or package) and its
 * occurrence among the findings of that rule in that file, in line order.
 */
export function historyKeys(findings: readonly Keyed[]): string[] {
  const base = findings.map((f) => {
    if (f.kind === 'vulnerability') {
      return `vulnerability\n${f.package ? packageKey(f.package) : ''}\n${canonicalId([f.id, ...f.aliases])}`;
    }
    const where = f.location ? f.location.path.replace(/\\/g, '/') : f.package ? packageKey(f.package) : '';
    // The hash of the matched source text, where the gate has it (the baseline's key does the
    // same): two flaws of one rule in one file keep their own history when lines move.
    return `${f.kind}\n${f.id}\n${where}${f.textHash ? `\n${f.textHash}` : ''}`;
  });
  const order = findings.map((_, i) => i).sort((a, b) => (findings[a].location?.startLine ?? 0) - (findings[b].location?.startLine ?? 0) || a - b);
  const seen = new Map<string, number>();
  const out: string[] = new Array(findings.length);
  for (const i of order) {
    if (findings[i].kind === 'vulnerability') {
      out[i] = base[i];
      continue;
    }
    const n = seen.get(base[i]) ?? 0;
    seen.set(base[i], n + 1);
    out[i] = `${base[i]}\n${n}`;
  }
  return out;
}

/** The digest a key is stored under: fixed size, and no path or rule text in the file's keys. */
export function keyDigest(key: string): string {
  return sha256Prefix(key).slice(0, 20);
}

/** What the history shows for a finding: its id and where, cut to a bounded length. */
export function findingLabel(f: Pick<Finding, 'id' | 'package' | 'location'>): string {
  const where = f.package
    ? `${f.package.name}${f.package.version ? `@${f.package.version}` : ''}`
    : f.location
      ? `${f.location.path}${f.location.startLine ? `:${f.location.startLine}` : ''}`
      : '';
  const s = where ? `${f.id} ${where}` : f.id;
  return s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s;
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Monday of the UTC week a day falls in. */
export function weekOf(date: string): string {
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  return day(new Date(t - dow * DAY_MS));
}

export interface RunFinding {
  key: string;
  severity: Severity;
  kind: Kind;
  label: string;
  /** Fingerprint, for mapping back to the run's findings. */
  fingerprint: string;
}

export interface RunInput {
  now: Date;
  commit?: string;
  findings: readonly RunFinding[];
  exceptions: number;
  complete: boolean;
}

export interface HistoryChange {
  history: History;
  run: HistoryRun;
  previous?: HistoryRun;
  /** Digests of findings seen now that the last run did not have open (new or back after a fix). */
  added: string[];
  /** Digests of findings the last run had open that this complete run no longer sees. */
  fixed: string[];
}

/** When each finding of this run was first seen, by fingerprint: evaluate()'s `firstSeen`. */
export function firstSeenMap(history: History, findings: readonly RunFinding[], now: Date): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of findings) {
    const e = history.findings[keyDigest(f.key)];
    out.set(f.fingerprint, e && e.fixed === undefined ? e.first : day(now));
  }
  return out;
}

/** The digest each finding of a run is stored under, by fingerprint. */
export function historyDigests(findings: readonly RunFinding[]): Map<string, string> {
  return new Map(findings.map((f) => [f.fingerprint, keyDigest(f.key)]));
}

function countsOf(findings: readonly RunFinding[]): Pick<HistoryRun, 'severity' | 'kind'> {
  const severity: Record<string, number> = {};
  const kind: Record<string, number> = {};
  for (const s of SEVERITIES) severity[s] = 0;
  for (const k of KINDS) kind[k] = 0;
  for (const f of findings) {
    severity[f.severity]++;
    kind[f.kind]++;
  }
  return { severity, kind } as Pick<HistoryRun, 'severity' | 'kind'>;
}

function pointOf(r: HistoryRun): WeekPoint {
  return { week: weekOf(r.at), runs: 1, critical: r.severity.critical, high: r.severity.high, exceptions: r.exceptions };
}

/** Folds runs into weekly points: a week keeps its last run's counts and how many runs it had. */
function fold(weeks: WeekPoint[], runs: HistoryRun[]): WeekPoint[] {
  const byWeek = new Map(weeks.map((w) => [w.week, { ...w }]));
  for (const r of runs) {
    const p = pointOf(r);
    const w = byWeek.get(p.week);
    // Runs fold oldest first, so a later run's counts replace the week's.
    byWeek.set(p.week, w ? { ...p, runs: w.runs + 1 } : p);
  }
  return [...byWeek.values()].sort((a, b) => a.week.localeCompare(b.week)).slice(-MAX_WEEKS);
}

/** Records a run: a new history (the old one is not changed) and what changed since the last run. */
export function updateHistory(prev: History, input: RunInput): HistoryChange {
  const today = day(input.now);
  const n = prev.nextRun;
  const previous = prev.runs[prev.runs.length - 1];
  const findings: Record<string, HistoryEntry> = {};
  const added: string[] = [];
  const fixed: string[] = [];
  const seen = new Set<string>();
  for (const f of input.findings) {
    const d = keyDigest(f.key);
    if (seen.has(d)) continue;
    seen.add(d);
    const e = prev.findings[d];
    const open = e !== undefined && e.fixed === undefined;
    if (!open) added.push(d);
    findings[d] = { first: open ? e.first : today, firstRun: open ? e.firstRun : n, lastRun: n, severity: f.severity, label: f.label };
  }
  const forgetBefore = input.now.getTime() - FORGET_FIXED_DAYS * DAY_MS;
  for (const [d, e] of Object.entries(prev.findings)) {
    if (seen.has(d)) continue;
    if (e.fixed !== undefined) {
      if (Date.parse(`${e.fixed}T00:00:00Z`) >= forgetBefore) findings[d] = e;
    } else if (input.complete) {
      findings[d] = { ...e, fixed: today, fixedRun: n };
      fixed.push(d);
    } else {
      // A scanner did not finish: not seeing it proves nothing.
      findings[d] = e;
    }
  }
  const run: HistoryRun = { n, at: input.now.toISOString(), ...(input.commit ? { commit: input.commit } : {}), ...countsOf(input.findings), exceptions: input.exceptions, complete: input.complete };
  const all = [...prev.runs, run];
  const recentFrom = input.now.getTime() - RECENT_DAYS * DAY_MS;
  let cut = 0;
  while (cut < all.length - 1 && (Date.parse(all[cut].at) < recentFrom || all.length - cut > MAX_RUNS)) cut++;
  const history: History = { version: HISTORY_VERSION, nextRun: n + 1, findings, runs: all.slice(cut), weeks: fold(prev.weeks, all.slice(0, cut)) };
  return { history, run, previous, added, fixed };
}

export interface TrendPoint {
  week: string;
  critical: number;
  high: number;
  exceptions: number;
}

/** One point per week with a run, over the `weeks` weeks up to now's: the last run of each. */
export function trend(history: History, now: Date, weeks = 12): TrendPoint[] {
  const from = day(new Date(Date.parse(`${weekOf(day(now))}T00:00:00Z`) - (weeks - 1) * 7 * DAY_MS));
  const points = fold(history.weeks, history.runs);
  return points
    .filter((p) => p.week >= from && p.week <= day(now))
    .map((p) => ({ week: p.week, critical: p.critical, high: p.high, exceptions: p.exceptions }));
}
