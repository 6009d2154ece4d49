// summary.md, also appended to the GitHub job summary: the verdict and why first, then counts,
// the blocking findings, scanners and exceptions. Bounded in size: GitHub refuses a step summary
// over 1 MiB, so the findings list is cut to fit and the reader is pointed to the full files. Pure.
import { formatDependencyPath, type DependencyPath } from '../core/dep-path';
import { KINDS, SEVERITIES, type Severity } from '../core/finding';
import { nearestFix } from '../core/fix';
import type { AppliedException, EvaluatedFinding, GateResult, ScannerStatus } from '../core/result';
import { DEFAULT_SLA_DAYS, slaSeverity } from '../core/sla';
import { bytes, duration, md, plural, row, table } from './markdown';
import { compareStrings, findingLabel, locationLabel, packageLabel, sortFindings } from './order';
import { advisoryUrl, exceptionEntry, fenced, fileUrl, SECRET_REMEDIATION, type CommitLinks } from './remedy';

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
  /** How a vulnerable package got into the project (the lockfile graph): shown as its chain. */
  dependencyPath?: (f: EvaluatedFinding) => DependencyPath | undefined;
  /** In GitHub Actions: files and lines link to the commit that was scanned. */
  links?: CommitLinks;
  /** The exceptions file the ready-to-paste entries go into (default .chaingate-exceptions.yml). */
  exceptionsFile?: string;
  /** Days a new exception for a finding of this severity may run: the policy's SLA (default DEFAULT_SLA_DAYS). */
  exceptionDays?: (severity: Severity) => number;
  /** The line of a finding its tool gave none (a package's lockfile entry): linked with the chain. */
  anchor?: (f: EvaluatedFinding) => { path: string; startLine: number } | undefined;
  /** What was scanned, so a pass says what it covers. */
  scanned?: { lockfiles: string[]; packages: number };
}

/** Ready-to-paste exceptions entries, and non-blocking findings listed, at most. */
const MAX_SNIPPETS = 20;
const MAX_NON_BLOCKING_ROWS = 100;

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

const PROJECT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/**
 * A monorepo's findings by project, only when they carry two or more (one project, or none, says
 * nothing the counts above do not). Severities count the findings not suppressed, as above.
 */
function projectsSection(result: GateResult): string[] {
  const by = new Map<string | undefined, { blocking: number; suppressed: number } & Record<Severity, number>>();
  for (const f of result.findings) {
    let c = by.get(f.project);
    if (!c) by.set(f.project, (c = { blocking: 0, suppressed: 0, critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 }));
    if (f.blocking) c.blocking++;
    if (f.exception || f.vex) c.suppressed++;
    else c[f.severity]++;
  }
  if (by.size < 2) return [];
  // The projects that block first, then the most findings: the table is cut, never those.
  const sorted = [...by].sort(
    ([pa, a], [pb, b]) => b.blocking - a.blocking || PROJECT_SEVERITIES.reduce((n, sev) => n || b[sev] - a[sev], 0) || compareStrings(pa ?? '\uffff', pb ?? '\uffff'),
  );
  const label = (p: string | undefined): string => (p === undefined ? '_outside any project_' : p === '' ? '`.` (root)' : md(p, 200));
  const rows = sorted.slice(0, MAX_ROWS).map(([p, c]) => row([label(p), String(c.blocking), ...PROJECT_SEVERITIES.map((sev) => String(c[sev])), String(c.suppressed)]));
  const out = ['**By project:**', '', ...table(['Project', 'blocking', ...PROJECT_SEVERITIES, 'suppressed'], rows)];
  if (sorted.length > MAX_ROWS) out.push('', `_… ${plural(sorted.length - MAX_ROWS, 'more project')}: see the result file._`);
  return ['', ...out];
}

/** One line saying what the verdict covers: lockfiles, packages, the scanners that ran. */
function scannedLine(result: GateResult, opts: SummaryOptions): string[] {
  const parts: string[] = [];
  const sc = opts.scanned;
  if (sc) {
    const shown = sc.lockfiles.slice(0, 10).map((l) => md(l, 120));
    if (sc.lockfiles.length > 10) shown.push(`… ${sc.lockfiles.length - 10} more`);
    parts.push(sc.lockfiles.length ? `${plural(sc.lockfiles.length, 'lockfile')} (${shown.join(', ')}), ${plural(sc.packages, 'package')}` : 'no lockfile');
  }
  const ran = result.scanners.filter((x) => x.status === 'ok').map((x) => `${md(x.name)} (${plural(x.findings, 'finding')})`);
  parts.push(ran.length ? `scanners ${ran.slice(0, MAX_ROWS).join(', ')}` : 'no scanner completed');
  return [`**Scanned:** ${parts.join(' · ')}`];
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
  const rows = existing.slice(0, MAX_EXISTING_ROWS).map((f) => blockingRow(f, opts, f.newlyDisclosed ? ' (newly disclosed)' : ''));
  const out = ['<details>', `<summary>${plural(existing.length, 'existing finding')}: there before this change</summary>`, '', ...table(BLOCKING_HEADER, rows)];
  if (existing.length > MAX_EXISTING_ROWS) out.push('', `_… ${existing.length - MAX_EXISTING_ROWS} more: ${see(opts)}._`);
  out.push('', '</details>');
  return out;
}

function findingCell(f: EvaluatedFinding, note: string): string {
  const url = advisoryUrl(f);
  const id = url ? `[${md(f.id)}](${url})` : md(f.id);
  return (f.title ? `${id}: ${md(f.title, 150)}` : id) + note;
}

function locationCell(f: EvaluatedFinding, opts: SummaryOptions): string {
  const l = f.location as NonNullable<EvaluatedFinding['location']>;
  const url = opts.links && fileUrl(opts.links, l.path, l.startLine, l.endLine);
  return url ? `[${md(locationLabel(l))}](${url})` : md(locationLabel(l));
}

function whereCell(f: EvaluatedFinding, opts: SummaryOptions): string {
  const chain = f.package && opts.dependencyPath?.(f);
  if (chain) {
    const text = `${md(formatDependencyPath(chain))} (${chain.direct ? 'direct' : 'transitive'})`;
    const at = opts.links && opts.anchor?.(f);
    const url = at && fileUrl(opts.links as CommitLinks, at.path, at.startLine);
    return url ? `${text} in [${md(locationLabel(at))}](${url})` : text;
  }
  let where = f.package ? md(packageLabel(f.package)) : '';
  if (f.location) where = where ? `${where} in ${locationCell(f, opts)}` : locationCell(f, opts);
  return where || '—';
}

export function fixCell(f: EvaluatedFinding): string {
  if (f.kind === 'secret') return 'rotate it, then remove it from history';
  // No version fixes a license.
  if (f.kind === 'license') return 'replace it or add an exception';
  if (!f.package) return '—';
  const to = nearestFix(f.package);
  if (to === undefined) return 'no fix yet';
  return f.package.version === undefined ? md(to) : `${md(f.package.version)} → **${md(to)}**`;
}

function blockingRow(f: EvaluatedFinding, opts: SummaryOptions, note = ''): string {
  const sev = f.severity === 'critical' || f.severity === 'high' ? `**${f.severity}**` : f.severity;
  return row([sev, md(f.kind), findingCell(f, note), whereCell(f, opts), fixCell(f), md(f.tools.join(', '))]);
}

const BLOCKING_HEADER = ['Severity', 'Kind', 'Finding', 'Where', 'Fix', 'Tools'];

/** The blocking findings, as many as fit in `budget` bytes. */
function blockingSection(blocking: readonly EvaluatedFinding[], budget: number, opts: SummaryOptions): string[] {
  if (blocking.length === 0) return [];
  const head = [`## Blocking findings (${blocking.length})`, '', ...table(BLOCKING_HEADER, [])];
  const omittedNote = (n: number) => `\n_… ${plural(n, 'more blocking finding')} not shown to keep this summary short and under GitHub's size limit: ${see(opts)}._`;
  let used = bytes(head.join('\n')) + bytes(omittedNote(blocking.length)) + 2;
  const rows: string[] = [];
  const maxRows = opts.maxBlockingRows ?? DEFAULT_SUMMARY_MAX_BLOCKING_ROWS;
  for (const f of blocking) {
    if (rows.length === maxRows) break;
    const r = blockingRow(f, opts);
    const size = bytes(r) + 1;
    if (used + size > budget) break;
    used += size;
    rows.push(r);
  }
  const out = [...head, ...rows];
  if (rows.length < blocking.length) out.push(omittedNote(blocking.length - rows.length));
  return out;
}

function defaultDays(severity: Severity): number {
  return DEFAULT_SLA_DAYS[slaSeverity(severity, 'medium')];
}

/** What to do next: per kind of blocking finding, and the exceptions entries to accept a risk instead. */
function nextStepsSection(result: GateResult, blocking: readonly EvaluatedFinding[], opts: SummaryOptions): string[] {
  if (blocking.length === 0) return [];
  const kinds = new Set(blocking.map((f) => f.kind));
  const out = ['## What to do next', ''];
  if (kinds.has('vulnerability'))
    out.push(
      '- **Dependencies:** move each package to the fix shown. A direct dependency is changed in its manifest; a transitive one by upgrading the package above it in the chain, or by pinning it (npm `overrides`, yarn `resolutions`, pnpm `overrides`, a pip constraint), then regenerating the lockfile.',
    );
  if (kinds.has('secret')) out.push(`- **Secrets:** ${SECRET_REMEDIATION}`);
  if (kinds.has('code') || kinds.has('misconfiguration')) out.push('- **Code and configuration:** change the lines linked above; each rule\'s page says what a safe version looks like.');
  if (kinds.has('signature')) out.push('- **Signatures:** sign the image with a trusted key (or identity), or fix the policy\'s `verify:` keys.');
  const file = opts.exceptionsFile ?? '.chaingate-exceptions.yml';
  const now = new Date(result.generatedAt);
  const days = opts.exceptionDays ?? defaultDays;
  const seen = new Set<string>();
  const entries: string[][] = [];
  for (const f of blocking) {
    if (entries.length === MAX_SNIPPETS) break;
    const e = exceptionEntry(f, { now, days });
    const key = e.slice(0, 3).join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(e);
  }
  const more = blocking.length > seen.size && entries.length === MAX_SNIPPETS ? ` (the first ${MAX_SNIPPETS}; every finding is in ${md(opts.resultFile)})` : '';
  out.push(
    `- **Accepting a risk instead:** add an entry under \`exceptions:\` in ${md(file)}${more}, with a real reason and owner; it expires after the SLA of its severity, and the gate lists it until then. Or run \`chaingate exceptions add ID --package PURL --reason TEXT\`, which checks it against the policy.`,
    '',
    ...fenced('yaml', entries.flat()),
  );
  return out;
}

/** The findings that do not block, folded away: what the gate saw but let through, and why. */
function nonBlockingSection(list: readonly EvaluatedFinding[], budget: number): string[] {
  if (list.length === 0) return [];
  const head = ['<details>', `<summary>${plural(list.length, 'finding')} that ${list.length === 1 ? 'does' : 'do'} not block</summary>`, '', ...table(['Severity', 'Kind', 'Finding', 'Where', 'Why it does not block'], [])];
  const tail = (n: number) => (n > 0 ? ['', `_… ${plural(n, 'more finding')} in the full results._`, '', '</details>'] : ['', '</details>']);
  let used = bytes([...head, ...tail(list.length)].join('\n')) + 2;
  if (used > budget) return [];
  const rows: string[] = [];
  for (const f of list) {
    if (rows.length === MAX_NON_BLOCKING_ROWS) break;
    const where = [f.package ? md(packageLabel(f.package)) : '', f.location ? md(locationLabel(f.location)) : ''].filter(Boolean).join(' in ');
    const r = row([f.severity, md(f.kind), f.title ? `${md(f.id)}: ${md(f.title, 100)}` : md(f.id), where || '—', md(f.rationale, 200)]);
    if (used + bytes(r) + 1 > budget) break;
    used += bytes(r) + 1;
    rows.push(r);
  }
  return [...head, ...rows, ...tail(list.length - rows.length)];
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
  if (e.entry.project) parts.push(`(project ${md(e.entry.project)})`);
  return `${parts.join(' ')}<br>${md(e.source)} \\#${e.index + 1}`;
}

function matchedCell(e: { matched: string[] }, byFingerprint: Map<string, EvaluatedFinding>): string {
  const shown = e.matched.slice(0, MAX_MATCHES_SHOWN).map((fp) => {
    const f = byFingerprint.get(fp);
    return md(f ? findingLabel(f) : fp, 120);
  });
  if (e.matched.length > MAX_MATCHES_SHOWN) shown.push(`… ${e.matched.length - MAX_MATCHES_SHOWN} more`);
  return shown.join('<br>') || 'nothing';
}

function exceptionTable<T>(title: string, list: T[], header: string[], cells: (e: T) => string[]): string[] {
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
  const vex = ex.vex ?? [];
  if (ex.applied.length + ex.expired.length + ex.unused.length + ex.expiringSoon.length + vex.length === 0) return [];
  // Only the findings the tables name: the first matches of the rows shown, not all 100,000.
  const wanted = new Set<string>();
  for (const list of [ex.expired, ex.applied, vex]) for (const e of list.slice(0, MAX_ROWS)) for (const fp of e.matched.slice(0, MAX_MATCHES_SHOWN)) wanted.add(fp);
  // A finding an active exception matched is suppressed by one: only an expired exception's (or
  // VEX statement's) matches can be among the others, and only then are all 100,000 fingerprints looked up.
  const anyFinding = [...ex.expired.slice(0, MAX_ROWS), ...vex.slice(0, MAX_ROWS)].some((e) => e.matched.length > 0);
  const byFingerprint = new Map<string, EvaluatedFinding>();
  if (wanted.size > 0) for (const f of result.findings) if ((anyFinding || f.exception !== undefined) && wanted.has(f.fingerprint)) byFingerprint.set(f.fingerprint, f);
  const activeVex = vex.filter((v) => !v.expired).length;
  const owner = (e: AppliedException) => (e.entry.owner ? md(e.entry.owner) : '—');
  const limit = ex.maxActive === undefined ? '' : ` of at most ${ex.maxActive}`;
  return [
    '## Exceptions',
    '',
    `${plural(ex.active, 'active exception')}${limit}${activeVex ? `, ${plural(activeVex, 'VEX statement')} among them` : ''}.`,
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
    // VEX statements are accepted risks like exceptions: they count toward max-active.
    ...exceptionTable('VEX statements', vex, ['Statement', 'Matches', 'Holds until', 'Justification'], (v) => [
      `${md(v.vulnerability)} ${md(v.status)}<br>${md(v.source)} \\#${v.index + 1}`,
      matchedCell(v, byFingerprint),
      v.expires === undefined ? 'no expiry' : `${md(v.expires)}${v.expired ? ` (expired ${daysAgo(v.daysLeft as number)})` : ''}`,
      v.justification ? md(v.justification) : '—',
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
  const head = [verdictSection(result), gateEditsSection(result), dependencySection(result), [...countsSection(result), ...projectsSection(result), '', ...scannedLine(result, opts)]];
  // Sorted once (in report order already, as evaluate() returns it, this is a check), then split.
  const blockingList: EvaluatedFinding[] = [];
  const nonBlocking: EvaluatedFinding[] = [];
  for (const f of sortFindings(result.findings)) (f.blocking ? blockingList : nonBlocking).push(f);
  const next = nextStepsSection(result, blockingList, opts);
  const tail = [existingSection(result, opts), scannersSection(result), exceptionsSection(result), footer(result, opts)];
  const fixed = bytes(join([...head, next, ...tail])) + 8;
  const blocking = blockingSection(blockingList, maxBytes - fixed, opts);
  // What is left after the blocking findings goes to the folded list of the others.
  const others = nonBlockingSection(nonBlocking, maxBytes - fixed - bytes(blocking.join('\n')));
  const text = join([...head, blocking, next, others, ...tail]) + '\n';
  return bytes(text) <= maxBytes ? text : hardCut(text, maxBytes, opts);
}
