// summary.md, also appended to the GitHub job summary: the verdict and why first, then counts,
// the blocking findings, scanners and exceptions. Bounded in size: GitHub refuses a step summary
// over 1 MiB, so the findings list is cut to fit and the reader is pointed to the full files. Pure.
import { KINDS, SEVERITIES } from '../core/finding';
import type { AppliedException, EvaluatedFinding, GateResult, ScannerStatus } from '../core/result';
import { bytes, duration, md, plural, row, table } from './markdown';
import { compareStrings, findingLabel, locationLabel, packageLabel, sortFindings } from './order';

/** GitHub's limit is 1 MiB (1,048,576 bytes); this leaves room for other steps' summaries. */
export const DEFAULT_SUMMARY_MAX_BYTES = 1_000_000;
/** Rows per exception or scanner table: those lists are short in practice, never unbounded. */
const MAX_ROWS = 50;
const MAX_REASONS = 20;
const MAX_MATCHES_SHOWN = 5;
/** Blocking findings listed at most: a longer table is for the full reports, not for reading. */
export const DEFAULT_SUMMARY_MAX_BLOCKING_ROWS = 1000;

export interface SummaryOptions {
  maxBytes?: number;
  /** Blocking findings listed at most (DEFAULT_SUMMARY_MAX_BLOCKING_ROWS), within maxBytes. */
  maxBlockingRows?: number;
  /** Paths of the full reports, named where the summary had to leave something out. */
  resultFile: string;
  sarifFile: string;
}

const HEADLINE: Record<GateResult['verdict'], string> = {
  pass: '# ✅ chaingate: pass',
  fail: '# ❌ chaingate: fail',
  incomplete: '# ⚠️ chaingate: incomplete — NOT a clean result',
};

function see(opts: SummaryOptions): string {
  return `see ${md(opts.resultFile)} and ${md(opts.sarifFile)}`;
}

function verdictSection(result: GateResult): string[] {
  const out = [HEADLINE[result.verdict], ''];
  const n = result.summary.blocking;
  const blocks = `**${plural(n, 'finding')} ${n === 1 ? 'blocks' : 'block'}** under the policy`;
  if (result.verdict === 'pass') out.push(n === 0 ? 'No finding blocks under the policy.' : `${blocks}, but the gate was not enforced.`);
  else if (result.verdict === 'fail') out.push(n === 0 ? 'The policy fails the gate.' : `${blocks}.`);
  else {
    out.push('> [!WARNING]', '> Something could not be scanned or read, so the absence of findings proves nothing. Fix the cause below and run again.');
    if (n > 0) out.push('', `${blocks} among what could be scanned.`);
  }
  if (result.mode === 'warn') out.push('', '_Mode `warn`: everything is reported, the job is not failed._');
  const reasons = result.reasons.slice(0, MAX_REASONS).map((r) => `- ${md(r, 1000)}`);
  if (result.reasons.length > MAX_REASONS) reasons.push(`- … ${plural(result.reasons.length - MAX_REASONS, 'more reason')}`);
  if (reasons.length) out.push('', '**Why:**', ...reasons);
  const failed = result.scanners.filter((s) => s.status === 'failed');
  if (failed.length) {
    out.push('', '**Scanners that failed:**');
    for (const s of failed.slice(0, MAX_ROWS)) out.push(`- ${md(s.name)}: ${md(s.error ?? 'failed without an error message', 1000)}`);
    if (failed.length > MAX_ROWS) out.push(`- … ${plural(failed.length - MAX_ROWS, 'more scanner')}`);
  }
  return out;
}

function kindOrder(kinds: string[]): string[] {
  const known = KINDS.filter((k) => kinds.includes(k));
  const other = kinds.filter((k) => !(KINDS as readonly string[]).includes(k)).sort(compareStrings);
  return [...known, ...other];
}

function countsSection(result: GateResult): string[] {
  const out = ['## Findings', ''];
  const kinds = kindOrder(Object.keys(result.byKind));
  if (kinds.length === 0) return [...out, 'No findings.'];
  const rows = kinds.map((k) => {
    const c = result.byKind[k];
    const total = SEVERITIES.reduce((a, s) => a + c[s], 0);
    return row([md(k), ...SEVERITIES.map((s) => String(c[s])), String(total)]);
  });
  const s = result.summary;
  rows.push(row(['**all**', ...SEVERITIES.map((sev) => `**${s[sev]}**`), `**${s.total}**`]));
  out.push(...table(['Kind', ...SEVERITIES, 'total'], rows));
  let byException = 0;
  let byVex = 0;
  for (const f of result.findings) {
    if (f.exception) byException++;
    else if (f.vex) byVex++;
  }
  out.push('', `**${s.blocking} blocking** · ${s.suppressed} suppressed (${byException} by exception, ${byVex} by VEX) · ${s.total} total`);
  if (s.new !== undefined) {
    const nd = result.baseline?.newlyDisclosed ?? 0;
    out.push('', `**${s.new} new** in this change · ${s.existing} existing before it${nd ? ` (${nd} newly disclosed)` : ''} · compared with ${baselineLabel(result)}`);
  }
  return out;
}

function baselineLabel(result: GateResult): string {
  const b = result.baseline;
  if (!b) return 'no baseline';
  // A REF baseline records its ref and commit, a FILE baseline its file.
  const what = b.source === 'ref' ? `${md(b.ref as string)} (${md((b.commit as string).slice(0, 12))})` : md(b.file as string);
  return `baseline ${what}, block: ${md(b.block)}`;
}

/** What the change does to the gate itself: first, since it decides how to read the rest. */
function gateEditsSection(result: GateResult): string[] {
  const changes = result.policyChanges ?? [];
  const trusted = result.baseline?.trustedPolicy === 'baseline';
  if (changes.length === 0 && !trusted) return [];
  const out = ['## ⚠️ This change edits the gate', ''];
  if (trusted) {
    out.push(
      "_The baseline's policy, exceptions and VEX applied (`--trusted-policy baseline`): the edits below take effect only once merged._",
      '',
    );
  }
  if (changes.length === 0) return [...out, 'No edit to the policy, exceptions or VEX.'];
  for (const c of changes.slice(0, MAX_ROWS)) {
    out.push(`- **${md(c.what)}** ${md(c.file)}: ${md(c.change)}`);
    for (const d of c.details.slice(0, MAX_ROWS)) out.push(`  - ${md(d, 300)}`);
    if (c.details.length > MAX_ROWS) out.push(`  - … ${plural(c.details.length - MAX_ROWS, 'more change')}`);
  }
  if (changes.length > MAX_ROWS) out.push(`- … ${plural(changes.length - MAX_ROWS, 'more file')}`);
  return out;
}

/** Dependency changes per lockfile, as a table, like dependency review shows them. */
function dependencySection(result: GateResult): string[] {
  const changes = result.dependencyChanges;
  if (!changes || changes.length === 0) return [];
  const rows: string[] = [];
  const cell = (ids: string[]) => (ids.length ? md(ids.slice(0, MAX_MATCHES_SHOWN).join(', ') + (ids.length > MAX_MATCHES_SHOWN ? ` … ${ids.length - MAX_MATCHES_SHOWN} more` : '')) : '—');
  for (const c of changes) {
    for (const a of c.added) rows.push(row([md(c.lockfile), '➕ added', md(`${a.ecosystem}/${a.name}`), md(a.version), cell(a.findings)]));
    for (const x of c.changed) rows.push(row([md(c.lockfile), '🔄 changed', md(`${x.ecosystem}/${x.name}`), `${md(x.from)} → ${md(x.to)}`, cell(x.findings)]));
    for (const r of c.removed) rows.push(row([md(c.lockfile), '➖ removed', md(`${r.ecosystem}/${r.name}`), md(r.version), '—']));
  }
  const out = ['## Dependency changes', '', ...table(['Lockfile', 'Change', 'Package', 'Version', 'Findings'], rows.slice(0, MAX_ROWS * 4))];
  if (rows.length > MAX_ROWS * 4) out.push('', `_… ${plural(rows.length - MAX_ROWS * 4, 'more dependency change')}: see the result file._`);
  return out;
}

const MAX_EXISTING_ROWS = 100;

/** Findings that predate the change: listed, collapsed, so they are seen but do not crowd the new ones. */
function existingSection(result: GateResult, opts: SummaryOptions): string[] {
  const existing = sortFindings(result.findings).filter((f) => f.baseline === 'existing');
  if (existing.length === 0) return [];
  const rows = existing.slice(0, MAX_EXISTING_ROWS).map((f) => blockingRow(f, f.newlyDisclosed ? ' (newly disclosed)' : ''));
  const out = ['<details>', `<summary>${plural(existing.length, 'existing finding')}: there before this change</summary>`, '', ...table(BLOCKING_HEADER, rows)];
  if (existing.length > MAX_EXISTING_ROWS) out.push('', `_… ${existing.length - MAX_EXISTING_ROWS} more: ${see(opts)}._`);
  out.push('', '</details>');
  return out;
}

function blockingRow(f: EvaluatedFinding, note = ''): string {
  const sev = f.severity === 'critical' || f.severity === 'high' ? `**${f.severity}**` : f.severity;
  let where = '';
  let fix = '';
  if (f.package) {
    where = md(packageLabel(f.package));
    fix = f.package.fixedVersions.length ? md(f.package.fixedVersions.join(', ')) : 'no fix yet';
  }
  if (f.location) where = where ? `${where} in ${md(locationLabel(f.location))}` : md(locationLabel(f.location));
  const title = (f.title ? `${md(f.id)}: ${md(f.title, 150)}` : md(f.id)) + note;
  return row([sev, md(f.kind), title, where || '—', fix || '—', md(f.tools.join(', '))]);
}

const BLOCKING_HEADER = ['Severity', 'Kind', 'Finding', 'Where', 'Fixed in', 'Tools'];

/** The blocking findings, as many as fit in `budget` bytes. */
function blockingSection(result: GateResult, budget: number, opts: SummaryOptions): string[] {
  // Filtered after sorting: the blocking ones of a list in report order are in report order.
  const blocking = sortFindings(result.findings).filter((f) => f.blocking);
  if (blocking.length === 0) return [];
  const head = [`## Blocking findings (${blocking.length})`, '', ...table(BLOCKING_HEADER, [])];
  const omittedNote = (n: number) => `\n_… ${plural(n, 'more blocking finding')} not shown to keep this summary short and under GitHub's size limit: ${see(opts)}._`;
  let used = bytes(head.join('\n')) + bytes(omittedNote(blocking.length)) + 2;
  const rows: string[] = [];
  const maxRows = opts.maxBlockingRows ?? DEFAULT_SUMMARY_MAX_BLOCKING_ROWS;
  for (const f of blocking) {
    if (rows.length === maxRows) break;
    const r = blockingRow(f);
    const size = bytes(r) + 1;
    if (used + size > budget) break;
    used += size;
    rows.push(r);
  }
  const out = [...head, ...rows];
  if (rows.length < blocking.length) out.push(omittedNote(blocking.length - rows.length));
  return out;
}

function statusCell(s: ScannerStatus): string {
  return s.status === 'failed' ? '❌ failed' : s.status === 'skipped' ? '⏭️ skipped' : '✅ ok';
}

function scannersSection(result: GateResult): string[] {
  if (result.scanners.length === 0) return [];
  const rank = { failed: 0, ok: 1, skipped: 2 } as const;
  const sorted = [...result.scanners].sort((a, b) => rank[a.status] - rank[b.status] || compareStrings(a.name, b.name));
  const rows = sorted.slice(0, MAX_ROWS).map((s) => {
    const details = [s.error, ...(s.notes ?? [])].filter((x): x is string => Boolean(x)).map((x) => md(x, 200));
    return row([md(s.name), statusCell(s), duration(s.durationMs), String(s.findings), details.join('<br>') || '—']);
  });
  const out = ['## Scanners', '', ...table(['Scanner', 'Status', 'Time', 'Findings', 'Details'], rows)];
  if (sorted.length > MAX_ROWS) out.push('', `_… ${plural(sorted.length - MAX_ROWS, 'more scanner')}._`);
  return out;
}

function exceptionLabel(e: AppliedException): string {
  const parts = [md(e.entry.id)];
  if (e.entry.package) parts.push(md(e.entry.package));
  if (e.entry.paths?.length) parts.push(`in ${md(e.entry.paths.join(', '))}`);
  return `${parts.join(' ')}<br>${md(e.source)} \\#${e.index + 1}`;
}

function matchedCell(e: AppliedException, byFingerprint: Map<string, EvaluatedFinding>): string {
  const shown = e.matched.slice(0, MAX_MATCHES_SHOWN).map((fp) => {
    const f = byFingerprint.get(fp);
    return md(f ? findingLabel(f) : fp, 120);
  });
  if (e.matched.length > MAX_MATCHES_SHOWN) shown.push(`… ${e.matched.length - MAX_MATCHES_SHOWN} more`);
  return shown.join('<br>') || 'nothing';
}

function exceptionTable(
  title: string,
  list: AppliedException[],
  header: string[],
  cells: (e: AppliedException) => string[],
): string[] {
  if (list.length === 0) return [];
  const rows = list.slice(0, MAX_ROWS).map((e) => row(cells(e)));
  const out = ['', `### ${title} (${list.length})`, '', ...table(header, rows)];
  if (list.length > MAX_ROWS) out.push('', `_… ${list.length - MAX_ROWS} more._`);
  return out;
}

function daysAgo(daysLeft: number): string {
  return daysLeft < 0 ? `${plural(-daysLeft, 'day')} ago` : 'today';
}

function exceptionsSection(result: GateResult): string[] {
  const ex = result.exceptions;
  if (ex.applied.length + ex.expired.length + ex.unused.length + ex.expiringSoon.length === 0) return [];
  // Only the findings the tables name: the first matches of the rows shown, not all 100,000.
  const wanted = new Set<string>();
  for (const list of [ex.expired, ex.applied]) for (const e of list.slice(0, MAX_ROWS)) for (const fp of e.matched.slice(0, MAX_MATCHES_SHOWN)) wanted.add(fp);
  // A finding an active exception matched is suppressed by one: only an expired exception's
  // matches can be among the others, and only then are all 100,000 fingerprints looked up.
  const anyFinding = ex.expired.slice(0, MAX_ROWS).some((e) => e.matched.length > 0);
  const byFingerprint = new Map<string, EvaluatedFinding>();
  if (wanted.size > 0) for (const f of result.findings) if ((anyFinding || f.exception !== undefined) && wanted.has(f.fingerprint)) byFingerprint.set(f.fingerprint, f);
  const owner = (e: AppliedException) => (e.entry.owner ? md(e.entry.owner) : '—');
  const limit = ex.maxActive === undefined ? '' : ` of at most ${ex.maxActive}`;
  return [
    '## Exceptions',
    '',
    `${plural(ex.active, 'active exception')}${limit}.`,
    ...exceptionTable('Expired: they suppress nothing any more', ex.expired, ['Exception', 'Expired', 'Would have matched', 'Owner', 'Reason'], (e) => [
      exceptionLabel(e),
      `${md(e.entry.expires)} (${daysAgo(e.daysLeft)})`,
      matchedCell(e, byFingerprint),
      owner(e),
      md(e.entry.reason),
    ]),
    ...exceptionTable('Expiring soon', ex.expiringSoon, ['Exception', 'Expires', 'Days left', 'Owner'], (e) => [
      exceptionLabel(e),
      md(e.entry.expires),
      String(e.daysLeft),
      owner(e),
    ]),
    ...exceptionTable('Unused: they match no finding', ex.unused, ['Exception', 'Expires', 'Owner', 'Reason'], (e) => [
      exceptionLabel(e),
      md(e.entry.expires),
      owner(e),
      md(e.entry.reason),
    ]),
    ...exceptionTable('Applied', ex.applied, ['Exception', 'Suppressed', 'Expires', 'Owner', 'Reason'], (e) => [
      exceptionLabel(e),
      matchedCell(e, byFingerprint),
      md(e.entry.expires),
      owner(e),
      md(e.entry.reason),
    ]),
  ];
}

function footer(result: GateResult, opts: SummaryOptions): string[] {
  return ['---', `Full results: ${md(opts.resultFile)} · SARIF: ${md(opts.sarifFile)} · chaingate ${md(result.tool.version)}`];
}

function join(sections: string[][]): string {
  return sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n');
}

/**
 * Cuts at a line boundary so the result, note included, is at most `max` bytes. Only reached
 * when `max` is too small even for the fixed sections; the verdict comes first and survives.
 */
function hardCut(text: string, max: number, opts: SummaryOptions): string {
  const note = `\n\n_Summary cut to fit ${max} bytes: ${see(opts)}._\n`;
  const room = Math.max(0, max - bytes(note));
  let cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8');
  // A cut in the middle of a multi-byte character decodes to U+FFFD; drop it with the partial line.
  const nl = cut.lastIndexOf('\n');
  cut = nl >= 0 ? cut.slice(0, nl) : '';
  const out = cut + note;
  return bytes(out) <= max ? out : '';
}

export function renderSummary(result: GateResult, opts: SummaryOptions): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_SUMMARY_MAX_BYTES;
  const head = [verdictSection(result), gateEditsSection(result), dependencySection(result), countsSection(result)];
  const tail = [existingSection(result, opts), scannersSection(result), exceptionsSection(result), footer(result, opts)];
  const fixed = bytes(join([...head, ...tail])) + 4;
  const blocking = blockingSection(result, maxBytes - fixed, opts);
  const text = join([...head, blocking, ...tail]) + '\n';
  return bytes(text) <= maxBytes ? text : hardCut(text, maxBytes, opts);
}
