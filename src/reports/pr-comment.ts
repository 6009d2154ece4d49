// The pull-request comment: the verdict and why, a notice when the change edits the gate, the
// blocking findings linked to their lines at the head commit, exceptions entries to copy,
// dependency changes, and a link to the run. Its first line is a hidden marker naming the gate
// (working directory and config), which is how the action finds the comment again instead of
// adding a second one. GitHub refuses a comment body over 65,536 characters, so rows are cut to
// fit and the verdict never is. Every text a finding brings goes through md(), or sits in a
// fenced code block no backtick run in it can close, so it can neither break the markup nor
// fake the marker (the marker is only ever looked for on the body's first line). Pure.
import { createHash } from 'node:crypto';
import type { Severity } from '../core/finding';
import type { EvaluatedFinding, GateResult } from '../core/result';
import { DEFAULT_SLA_DAYS, slaSeverity } from '../core/sla';
import { md, plural, row, table } from './markdown';
import { locationLabel, normalizePath, packageLabel, sortFindings } from './order';
import { exceptionEntry, fenced, fileUrl, type CommitLinks } from './remedy';
import { fixCell } from './summary';

export const PR_COMMENT_MAX_CHARS = 65_536;
/** Entries in the exceptions snippet: enough to show the shape, short enough to read. */
const MAX_SNIPPET_ENTRIES = 10;
const MAX_DEPENDENCY_ROWS = 100;
const MAX_REASONS = 10;
/**
 * Characters each optional section may take at most, escaping included (an escaped `"` is six):
 * with the marker and verdict they stay under half of a comment, the rest is for the findings.
 */
const REASONS_CHARS = 8_000;
const DEPENDENCY_CHARS = 12_000;
const SNIPPET_CHARS = 8_000;
const POLICY_CHANGE_CHARS = 4_000;
const MARKER_PREFIX = '<!-- chaingate:pr-comment';

/** What the comment is rendered from: the gate's result (its baseline fields when there is one). */
export type CommentResult = GateResult;

export interface PrCommentContext {
  /** From commentMarker(). */
  marker: string;
  /** Where findings link to: the PR's head commit. Without it, no links. */
  links?: CommitLinks;
  /** The run's page, where the job summary is. */
  runUrl?: string;
  /** Where the exceptions snippet goes, from the repository root. */
  exceptionsFile: string;
  /** Days an exception may run per severity (the policy's SLA); the defaults without one. */
  exceptionDays?: (severity: Severity) => number;
  now: Date;
  maxChars?: number;
}

function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The hidden first line that names one gate on one PR: working directory and config path,
 * percent-encoded (so neither can contain `-->`), or their digest when they are long.
 */
export function commentMarker(workingDirectory: string, configPath: string): string {
  const id = `dir=${enc(normalizePath(workingDirectory) || '.')} config=${enc(normalizePath(configPath))}`;
  const short = id.length <= 300 ? id : `sha256=${createHash('sha256').update(id).digest('hex')}`;
  return `${MARKER_PREFIX} ${short} -->`;
}

/** Whether a comment body is the one this marker names: the marker must be its first line. */
export function isMarkedComment(body: string | undefined | null, marker: string): boolean {
  return typeof body === 'string' && (body === marker || body.startsWith(`${marker}\n`));
}

/** Whether the result carries the baseline feature's classification. */
export function hasBaseline(result: CommentResult): boolean {
  return typeof result.summary.new === 'number' || result.findings.some((f) => f.baseline !== undefined);
}

/** Blocking findings this change introduces: with a baseline the new ones, without one all. */
export function newBlocking(result: CommentResult): number {
  if (!hasBaseline(result)) return result.summary.blocking;
  let n = 0;
  for (const f of result.findings) if (f.blocking && f.baseline === 'new') n++;
  return n;
}

/** Whether the change edits the gate's policy, exceptions or VEX (a non-empty `policyChanges`). */
export function policyChanged(result: CommentResult): boolean {
  return (result.policyChanges?.length ?? 0) > 0;
}

const HEADLINE: Record<GateResult['verdict'], string> = {
  pass: '### ✅ chaingate: pass',
  fail: '### ❌ chaingate: fail',
  incomplete: '### ⚠️ chaingate: incomplete — NOT a clean result',
};

function verdictSection(result: CommentResult): string[] {
  const out = [HEADLINE[result.verdict], ''];
  const n = result.summary.blocking;
  const blocks = `**${plural(n, 'finding')} ${n === 1 ? 'blocks' : 'block'}** under the policy`;
  if (n === 0) out.push(result.verdict === 'pass' ? 'No finding blocks under the policy.' : 'No finding blocks, but the gate did not pass.');
  else out.push(result.verdict === 'pass' ? `${blocks}, but the gate was not enforced.` : `${blocks}.`);
  if (hasBaseline(result)) out.push('', `${plural(newBlocking(result), 'blocking finding')} new in this change; ${result.summary.existing ?? 0} findings were there before it.`);
  if (result.mode === 'warn') out.push('', '_Mode `warn`: everything is reported, the job is not failed._');
  return out;
}

/** The lines from the start whose text, one per line, fits in `limit` characters. */
function within(lines: string[], limit: number): string[] {
  let used = 0;
  let n = 0;
  while (n < lines.length && used + lines[n].length + 1 <= limit) used += lines[n++].length + 1;
  return lines.slice(0, n);
}

function reasonsSection(result: CommentResult): string[] {
  const reasons = within(result.reasons.slice(0, MAX_REASONS).map((r) => `- ${md(r, 500)}`), REASONS_CHARS);
  if (reasons.length === 0) return [];
  const left = result.reasons.length - reasons.length;
  if (left > 0) reasons.push(`- … ${plural(left, 'more reason')}`);
  return ['**Why:**', ...reasons];
}

/** The change's edits to the gate itself, said on the PR, where its reviewers are. */
function policyChangesSection(result: CommentResult): string[] {
  const items = (result.policyChanges ?? []).map((c) => {
    const details = c.details.map((d) => md(d, 200));
    return `- ${md(c.file, 200)} (${c.what}, ${c.change})${details.length ? `: ${details.join('; ')}` : ''}`;
  });
  const shown = within(items, POLICY_CHANGE_CHARS);
  if (shown.length === 0) return [];
  if (items.length > shown.length) shown.push(`- … ${plural(items.length - shown.length, 'more change')}`);
  return ['**⚠️ This change edits the gate** (its policy, exceptions or VEX): review it like code.', ...shown];
}

function linkedWhere(f: EvaluatedFinding, ctx: PrCommentContext): string {
  const parts: string[] = [];
  if (f.package) parts.push(md(packageLabel(f.package), 120));
  if (f.location) {
    const label = md(locationLabel(f.location), 200);
    const url = ctx.links && fileUrl(ctx.links, f.location.path, f.location.startLine, f.location.endLine);
    parts.push(url ? `[${label}](${url})` : label);
  }
  return parts.join(' in ') || '—';
}

function blockingRow(f: EvaluatedFinding & { baseline?: string }, ctx: PrCommentContext): string {
  const sev = f.severity === 'critical' || f.severity === 'high' ? `**${f.severity}**` : f.severity;
  const isNew = f.baseline === 'new' ? ' 🆕' : '';
  const title = f.title ? `${md(f.id, 120)}: ${md(f.title, 150)}` : md(f.id, 120);
  return row([`${sev}${isNew}`, md(f.kind), title, linkedWhere(f, ctx), fixCell(f)]);
}

function defaultDays(severity: Severity): number {
  return DEFAULT_SLA_DAYS[slaSeverity(severity, 'medium')];
}

function snippetSection(blocking: EvaluatedFinding[], ctx: PrCommentContext): string[] {
  const days = ctx.exceptionDays ?? defaultDays;
  // An entry goes in whole or not at all: an id cut short would match nothing. One entry per
  // id and package or path: the same advisory in three lockfiles needs one.
  const entries: string[][] = [];
  const seen = new Set<string>();
  let used = 0;
  for (const f of blocking) {
    if (entries.length === MAX_SNIPPET_ENTRIES) break;
    const e = exceptionEntry(f, { now: ctx.now, days });
    const key = e.slice(0, 3).join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    const size = e.join('\n').length + 1;
    if (used + size > SNIPPET_CHARS) break;
    used += size;
    entries.push(e);
  }
  if (entries.length === 0) return [];
  const more = entries.length === MAX_SNIPPET_ENTRIES && blocking.length > entries.length ? ` (the first ${entries.length})` : '';
  return [
    '<details><summary>Accept a risk instead: entries to copy into the exceptions file</summary>',
    '',
    `Under \`exceptions:\` in ${md(ctx.exceptionsFile)}${more}, with a real reason and owner; each expires after the SLA of its severity:`,
    '',
    ...fenced('yaml', entries.flat()),
    '',
    '</details>',
  ];
}

interface DependencyRow {
  change: string;
  name: string;
  versions: string;
  lockfile: string;
}

/** The dependency changes of every lockfile, one row each: added, changed (old → new), removed. */
export function dependencyRows(changes: CommentResult['dependencyChanges']): DependencyRow[] {
  const rows: DependencyRow[] = [];
  for (const c of changes ?? []) {
    for (const p of c.added) rows.push({ change: 'added', name: p.name, versions: p.version, lockfile: c.lockfile });
    for (const p of c.changed) rows.push({ change: 'changed', name: p.name, versions: `${p.from} → ${p.to}`, lockfile: c.lockfile });
    for (const p of c.removed) rows.push({ change: 'removed', name: p.name, versions: p.version, lockfile: c.lockfile });
  }
  return rows;
}

function dependencySection(result: CommentResult): string[] {
  const rows = dependencyRows(result.dependencyChanges);
  if (rows.length === 0) return [];
  const shown = within(
    rows.slice(0, MAX_DEPENDENCY_ROWS).map((r) => row([r.change, md(r.name, 150), md(r.versions, 120), md(r.lockfile, 150)])),
    DEPENDENCY_CHARS,
  );
  const out = ['#### Dependency changes', '', ...table(['Change', 'Package', 'Version', 'Lockfile'], shown)];
  if (rows.length > shown.length) out.push('', `_… ${plural(rows.length - shown.length, 'more dependency change')} in the run summary._`);
  return out;
}

function footer(result: CommentResult, ctx: PrCommentContext): string[] {
  const run = ctx.runUrl ? `[Run summary](${ctx.runUrl}) · ` : '';
  const commit = ctx.links ? ` · commit ${ctx.links.sha.slice(0, 12)}` : '';
  return ['---', `<sub>${run}chaingate ${md(result.tool.version, 40)}${commit}</sub>`];
}

function join(sections: string[][]): string {
  return sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n');
}

function length(sections: string[][]): number {
  return join(sections).length;
}

/** The comment body, at most `maxChars` (65,536) UTF-16 units: never fewer characters than GitHub counts. */
export function renderPrComment(result: CommentResult, ctx: PrCommentContext): string {
  const max = ctx.maxChars ?? PR_COMMENT_MAX_CHARS;
  const blocking = sortFindings(result.findings).filter((f) => f.blocking);
  const verdict = [[ctx.marker], verdictSection(result)];
  const head = [...verdict, policyChangesSection(result), reasonsSection(result)];
  const tail = [dependencySection(result), snippetSection(blocking, ctx), footer(result, ctx)];
  const out: string[][] = [...head];
  if (blocking.length > 0) {
    const title = [`#### Blocking findings (${blocking.length})`, '', ...table(['Severity', 'Kind', 'Finding', 'Where', 'Fix'], [])];
    const note = (n: number) => `\n_… ${plural(n, 'more blocking finding')} not shown here (a comment holds ${max} characters): see the run summary and chaingate-result.json._`;
    // Everything but the rows, with the longest note it could need: what is left is for rows.
    let used = length([...head, title, ...tail]) + note(blocking.length).length + 4;
    const rows: string[] = [];
    for (const f of blocking) {
      const r = blockingRow(f, ctx);
      if (used + r.length + 1 > max) break;
      used += r.length + 1;
      rows.push(r);
    }
    out.push(rows.length < blocking.length ? [...title, ...rows, note(blocking.length - rows.length)] : [...title, ...rows]);
  }
  out.push(...tail);
  const text = join(out) + '\n';
  if (text.length <= max) return text;
  // Only a `max` far below GitHub's gets here: the marker and the verdict, which hold no
  // text from a finding, are what is kept.
  return (join(verdict) + '\n').slice(0, max);
}
