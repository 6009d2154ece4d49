// The blocking findings as a table on the terminal, as trivy, semgrep and osv-scanner print
// theirs: the first ones by severity, then where the rest are. Tool text is made inert for a
// terminal (no escape sequences, no control or bidi characters, one line per cell). Pure.
import { nearestFix } from '../core/fix';
import type { EvaluatedFinding, GateResult } from '../core/result';
import { locationLabel } from './order';

export const DEFAULT_TERMINAL_ROWS = 20;

export interface TerminalOptions {
  /** Rows shown at most (DEFAULT_TERMINAL_ROWS). */
  maxRows?: number;
  /** Where the reader finds the rest: the summary file. */
  summaryFile: string;
}

const WIDTH = { severity: 8, kind: 16, id: 36, where: 48, fix: 40 };

/** One line of plain text: control characters (ESC included), bidi overrides and runs of whitespace become one space. */
export function plainCell(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '').replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  const chars = Array.from(t);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : t;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - Array.from(s).length));
}

function where(f: EvaluatedFinding): string {
  const parts: string[] = [];
  if (f.package) parts.push(f.package.version === undefined ? f.package.name : `${f.package.name} ${f.package.version}`);
  if (f.location) parts.push(locationLabel(f.location));
  return parts.join(' in ') || '-';
}

function fix(f: EvaluatedFinding): string {
  if (f.kind === 'secret') return 'rotate it, then remove it from history';
  if (f.kind === 'license') return 'replace it or add an exception';
  if (!f.package) return '-';
  const to = nearestFix(f.package);
  if (to === undefined) return 'no fix yet';
  return f.package.version === undefined ? to : `${f.package.version} -> ${to}`;
}

/** The table, or '' when nothing blocks. Findings are in report order: blocking, worst first. */
export function renderTerminalTable(result: GateResult, opts: TerminalOptions): string {
  const max = opts.maxRows ?? DEFAULT_TERMINAL_ROWS;
  const blocking = result.findings.filter((f) => f.blocking);
  if (blocking.length === 0) return '';
  const rows = blocking.slice(0, max).map((f) => [
    plainCell(f.severity, WIDTH.severity),
    plainCell(f.kind, WIDTH.kind),
    plainCell(f.id, WIDTH.id),
    plainCell(where(f), WIDTH.where),
    plainCell(fix(f), WIDTH.fix),
  ]);
  const header = ['SEVERITY', 'KIND', 'ID', 'WHERE', 'FIX'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Array.from(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]))).join('  ');
  const out = [`Blocking findings (${blocking.length}):`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (blocking.length > rows.length) out.push(`${blocking.length - rows.length} more in ${plainCell(opts.summaryFile, 300)}`);
  return out.join('\n') + '\n';
}
