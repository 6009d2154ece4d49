// The summary's history section: what changed since the last run, how old each open finding
// is, which are past their SLA, and the 12-week trend as a Mermaid xychart (GitHub renders it
// in job summaries). Pure.
import type { EvaluatedFinding, GateResult } from '../core/result';
import { trend, type HistoryChange, type TrendPoint } from '../core/history';
import { daysSince, overdueFindings, slaDays, type SlaSetting } from '../core/sla';
import type { Severity } from '../core/finding';
import { md, plural, row, table } from './markdown';

export interface HistorySectionOptions {
  now: Date;
  /** History digest of each finding of the result, by fingerprint. */
  digests: ReadonlyMap<string, string>;
  sla: SlaSetting;
  unknownAs: Exclude<Severity, 'unknown'>;
  /** Rows of the open-findings table (the oldest first). */
  maxRows?: number;
}

const MAX_ROWS = 30;

function chart(points: TrendPoint[]): string[] {
  const labels = points.map((p) => `"${p.week.slice(5)}"`).join(', ');
  const top = Math.max(1, ...points.flatMap((p) => [p.critical, p.high, p.exceptions]));
  return [
    '```mermaid',
    'xychart-beta',
    '    title "Open critical, high and exceptions by week"',
    `    x-axis [${labels}]`,
    `    y-axis "count" 0 --> ${top}`,
    `    line [${points.map((p) => p.critical).join(', ')}]`,
    `    line [${points.map((p) => p.high).join(', ')}]`,
    `    line [${points.map((p) => p.exceptions).join(', ')}]`,
    '```',
    '',
    `Lines in order: critical, high, open exceptions. Per week (critical/high/exceptions): ${points.map((p) => `${p.week}: ${p.critical}/${p.high}/${p.exceptions}`).join('; ')}.`,
  ];
}

function state(f: EvaluatedFinding): string {
  if (f.exception) return 'exception';
  if (f.vex) return 'VEX';
  return f.blocking ? 'blocking' : 'open';
}

export function renderHistorySection(result: GateResult, change: HistoryChange, opts: HistorySectionOptions): string {
  const { history, run, previous } = change;
  const max = opts.maxRows ?? MAX_ROWS;
  const out: string[] = ['## History', ''];
  const since = previous ? `last run ${previous.at.slice(0, 10)}${previous.commit ? ` at ${previous.commit.slice(0, 12)}` : ''}` : 'the first run recorded';
  out.push(`Run ${run.n}, ${since}. ${plural(change.added.length, 'new finding')}, ${plural(change.fixed.length, 'fixed finding')} since then.`);
  if (!run.complete) out.push('', 'A scanner did not finish: findings it did not report are not counted as fixed.');

  const byDigest = new Map<string, EvaluatedFinding>();
  for (const f of result.findings) {
    // Two versions of one vulnerable package are one history entry: the first (worst) stands for both.
    const d = opts.digests.get(f.fingerprint) as string;
    if (!byDigest.has(d)) byDigest.set(d, f);
  }
  const firstSeen = new Map<string, string>();
  for (const [d, f] of byDigest) firstSeen.set(f.fingerprint, history.findings[d].first);

  if (change.added.length > 0) {
    out.push('', `**New since the last run (${change.added.length})**`, '');
    for (const d of change.added.slice(0, opts.maxRows ?? MAX_ROWS)) out.push(`- ${history.findings[d].severity}: ${md(history.findings[d].label)}`);
    if (change.added.length > max) out.push(`- and ${change.added.length - max} more`);
  }
  if (change.fixed.length > 0) {
    out.push('', `**Fixed since the last run (${change.fixed.length})**`, '');
    for (const d of change.fixed.slice(0, opts.maxRows ?? MAX_ROWS)) {
      const e = history.findings[d];
      out.push(`- ${e.severity}: ${md(e.label)}, open since ${e.first}, fixed ${e.fixed}`);
    }
    if (change.fixed.length > max) out.push(`- and ${change.fixed.length - max} more`);
  }

  const open = [...byDigest.values()];
  const overdue = overdueFindings(open.filter((f) => !f.exception && !f.vex), firstSeen, opts.sla, opts.now, opts.unknownAs);
  if (overdue.length > 0) {
    const byFp = new Map(open.map((f) => [f.fingerprint, f]));
    out.push('', `**Overdue against the SLA (${overdue.length})**`, '');
    out.push(
      ...table(
        ['Severity', 'Finding', 'First seen', 'Days open', 'SLA days'],
        // In report order: blocking first, worst first.
        overdue.map((o) => {
            const f = byFp.get(o.fingerprint) as EvaluatedFinding;
            return row([f.severity, md(history.findings[opts.digests.get(f.fingerprint) as string].label), o.firstSeen, String(o.daysOpen), String(o.slaDays)]);
          }),
      ),
    );
  }

  if (open.length > 0) {
    const rows = open
      .map((f) => ({ f, first: firstSeen.get(f.fingerprint) as string }))
      .sort((a, b) => a.first.localeCompare(b.first)); // stable: same day stays in report order
    out.push('', `**Open findings by age (${open.length}, oldest first)**`, '');
    out.push(
      ...table(
        ['Severity', 'Finding', 'State', 'First seen', 'Age (days)', 'SLA days'],
        rows.slice(0, max).map(({ f, first }) =>
          row([f.severity, md(history.findings[opts.digests.get(f.fingerprint) as string].label), state(f), first, String(daysSince(first, opts.now)), String(slaDays(opts.sla, f.severity, opts.unknownAs) ?? '—')]),
        ),
      ),
    );
    if (rows.length > max) out.push('', `${rows.length - max} more in chaingate-result.json.`);
  }

  const points = trend(history, opts.now);
  out.push('', '**Trend, last 12 weeks**', '');
  out.push(...(points.length >= 2 ? chart(points) : ['Not enough weeks yet: the chart starts with the second week of history.']));
  return out.join('\n') + '\n';
}
