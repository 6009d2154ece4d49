// The tracking issue of a gate (tracking-issue: true): open while a critical finding is open or
// a finding is past its SLA, closed once neither holds. Its first line is a hidden marker naming
// the gate, so each run finds the same issue again. Pure.
import type { GateResult } from '../core/result';
import type { Overdue } from '../core/sla';
import { findingLabel } from '../core/history';
import { md, plural, row, table } from './markdown';

const TRACKING_PREFIX = '<!-- chaingate:tracking-issue';
const MAX_ROWS = 50;

/** The tracking issue's marker: the PR comment's gate id (folder and config) under its own prefix. */
export function trackingMarker(commentMarker: string): string {
  return commentMarker.replace(/^<!-- chaingate:pr-comment/, TRACKING_PREFIX);
}

export interface TrackingIssue {
  /** Whether the issue should be open. */
  open: boolean;
  title: string;
  body: string;
}

export interface TrackingOptions {
  marker: string;
  /** The gate's folder, as the title names it. */
  gate: string;
  overdue: readonly Overdue[];
  now: Date;
  runUrl?: string;
}

export function renderTrackingIssue(result: GateResult, opts: TrackingOptions): TrackingIssue {
  const critical = result.findings.filter((f) => f.severity === 'critical' && !f.exception && !f.vex);
  const byFp = new Map(result.findings.map((f) => [f.fingerprint, f]));
  const open = critical.length > 0 || opts.overdue.length > 0;
  const gate = opts.gate === '.' || opts.gate === '' ? '' : ` in ${opts.gate}`;
  const parts = [critical.length > 0 ? `${plural(critical.length, 'critical finding')} open` : '', opts.overdue.length > 0 ? `${plural(opts.overdue.length, 'finding')} past the SLA` : ''].filter(Boolean);
  const title = open ? `chaingate${gate}: ${parts.join(', ')}` : `chaingate${gate}: no critical finding open, none past the SLA`;
  const run = opts.runUrl ? ` ([run](${opts.runUrl}))` : '';
  const day = opts.now.toISOString().slice(0, 10);
  const out = [opts.marker, ''];
  if (!open) {
    out.push(`Resolved ${day}${run}: no critical finding is open and none is past its SLA. chaingate closes this issue and opens a new one if that changes.`);
    return { open, title, body: out.join('\n') + '\n' };
  }
  out.push(`Updated ${day}${run}. chaingate keeps this issue up to date on each scheduled run and closes it once no critical finding is open and none is past its SLA.`);
  if (critical.length > 0) {
    out.push('', `### Critical findings open (${critical.length})`, '');
    for (const f of critical.slice(0, MAX_ROWS)) out.push(`- ${md(findingLabel(f))}${f.location ? ` in ${md(f.location.path)}` : ''}: ${md(f.title, 120)}`);
    if (critical.length > MAX_ROWS) out.push(`- and ${critical.length - MAX_ROWS} more`);
  }
  if (opts.overdue.length > 0) {
    out.push('', `### Past the SLA (${opts.overdue.length})`, '');
    out.push(
      ...table(
        ['Severity', 'Finding', 'First seen', 'Days open', 'SLA days'],
        opts.overdue.slice(0, MAX_ROWS).map((o) => {
          const f = byFp.get(o.fingerprint);
          return row([f?.severity ?? '', f ? md(findingLabel(f)) : o.fingerprint, o.firstSeen, String(o.daysOpen), String(o.slaDays)]);
        }),
      ),
    );
    if (opts.overdue.length > MAX_ROWS) out.push('', `${opts.overdue.length - MAX_ROWS} more in the job summary.`);
  }
  return { open, title, body: out.join('\n') + '\n' };
}
