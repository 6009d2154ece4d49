// What a developer whose change was blocked does next, as the summary shows it: the advisory to
// read, the file and line at the commit, the fix to move to, and the exceptions entry to paste
// when the risk is accepted instead. Pure: every input (clock, links, SLAs) is passed in.
import { isUrlLocation } from '../core/url-location';
import type { Severity } from '../core/finding';
import type { EvaluatedFinding } from '../core/result';
import { addDays } from '../core/sla';
import { buildPurl } from '../parsers/purl';
import { normalizePath } from './order';

/** Where the code the gate scanned lives, for links at the commit (GitHub Actions sets these). */
export interface CommitLinks {
  /** GITHUB_SERVER_URL, e.g. https://github.com */
  server: string;
  /** GITHUB_REPOSITORY, owner/name */
  repository: string;
  /** GITHUB_SHA */
  sha: string;
  /** The scanned folder relative to the repository root, '' for the root. */
  project: string;
}

/** Commit links from the Actions environment, or undefined outside Actions or on odd values. */
export function commitLinksFromEnv(env: Record<string, string | undefined>, project: string): CommitLinks | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  const sha = env.GITHUB_SHA;
  if (!server || !/^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/?$/.test(server)) return undefined;
  if (!repository || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) return undefined;
  if (!sha || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha)) return undefined;
  return { server: server.replace(/\/$/, ''), repository, sha, project };
}

/** A URL written so it stays one Markdown link destination inside a table cell. */
export function linkTarget(url: string): string {
  return url.replace(/[()<>|\\\s"'`[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The file and line at the commit, or undefined for a path outside the checkout. */
export function fileUrl(links: CommitLinks, file: string, startLine?: number, endLine?: number): string | undefined {
  // A deployed URL (the headers scanner) is no file at the commit; it is shown as text, unlinked.
  if (isUrlLocation(file)) return undefined;
  const rel = normalizePath([links.project, normalizePath(file)].filter(Boolean).join('/'));
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || rel.split('/').includes('..')) return undefined;
  const encoded = rel.split('/').map(encodeURIComponent).join('/');
  let anchor = '';
  if (startLine !== undefined && startLine >= 1) anchor = endLine !== undefined && endLine > startLine ? `#L${startLine}-L${endLine}` : `#L${startLine}`;
  return linkTarget(`${links.server}/${links.repository}/blob/${links.sha}/${encoded}${anchor}`);
}

/** An advisory ids OSV publishes a page for. */
const OSV_ID = /^(?:CVE|GHSA|PYSEC|GO|RUSTSEC|OSV|GSD|MAL)-[A-Za-z0-9-]+$/;

/** The advisory's page: the tool's link when it is a web URL, else OSV's page of a known id. */
export function advisoryUrl(f: Pick<EvaluatedFinding, 'id' | 'url' | 'kind'>): string | undefined {
  if (f.url && /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][^\s]*)?$/.test(f.url)) return linkTarget(f.url);
  if (f.kind === 'vulnerability' && OSV_ID.test(f.id)) return `https://osv.dev/vulnerability/${f.id}`;
  return undefined;
}

/** What to do about a leaked secret: removing it from the code alone leaves it valid and in history. */
export const SECRET_REMEDIATION =
  'A secret in the repository is compromised once pushed: **rotate it first** (revoke the key or change the password where it is issued, and update whoever uses it), **then remove it from the history** (`git filter-repo` or BFG, then force-push and ask others to re-clone), and load it from the CI secret store or the environment instead.';

export interface SnippetOptions {
  now: Date;
  /** Days an exception for a finding of this severity may run (the policy's SLA). */
  days: (severity: Severity) => number;
}

/** A YAML scalar for tool-provided text: JSON strings are YAML, and keep quotes and newlines inert. */
function scalar(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._/:%@+-]*$/.test(s) && !/^(?:true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

/** The package URL an exception names: the tool's, else one built from the package (with its version). */
function purlOf(f: EvaluatedFinding): string | undefined {
  const p = f.package;
  if (!p) return undefined;
  if (p.purl) return p.purl;
  return p.ecosystem ? buildPurl(p.ecosystem.toLowerCase(), p.name, p.version) : undefined;
}

/** The lines of one exceptions entry that would suppress this finding, expiring after its SLA. */
export function exceptionEntry(f: EvaluatedFinding, opts: SnippetOptions): string[] {
  const days = opts.days(f.severity);
  const lines = [`  - id: ${scalar(f.id)}`];
  const purl = purlOf(f);
  if (purl) lines.push(`    package: ${scalar(purl)}`);
  else if (f.location) lines.push(`    paths: [${scalar(normalizePath(f.location.path))}]`);
  lines.push(`    kind: ${f.kind}`);
  lines.push('    reason: "TODO: why this risk is accepted (who checked what)"');
  lines.push(`    expires: ${addDays(opts.now, days)}   # today + ${days} days, the SLA for ${f.severity}`);
  lines.push('    owner: "@TODO"');
  return lines;
}

/** A fenced code block that no backtick run inside `body` can close. */
export function fenced(lang: string, body: string[]): string[] {
  const longest = Math.max(2, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const fence = '`'.repeat(longest + 1);
  return [fence + lang, ...body, fence];
}
