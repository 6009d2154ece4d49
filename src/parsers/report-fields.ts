// Field helpers shared by the semgrep and package-audit parsers. Pure.
import type { z } from 'zod';
import { describeJsonError } from './json-error';
import { FormatError, jsonParse, shapeOf, validate } from './util';

/**
 * CWE ids from whatever a tool puts in its `cwe` field: an array, a single "CWE-89: Improper ..."
 * string, or (npm 6) a JSON-encoded array such as "[\"CWE-400\"]". Anything without a CWE number
 * is dropped rather than guessed at. Sorted, unique, upper-case.
 */
export function parseCwes(value: unknown): string[] {
  const found = new Set<string>();
  addCwes(value, found);
  return [...found].sort();
}

/** One regex for all calls, run with exec: a literal in the loop, or matchAll, makes a new one each time. */
const CWE = /CWE-(\d+)/gi;

function addCwes(v: unknown, found: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) addCwes(x, found);
  } else if (typeof v === 'string') {
    CWE.lastIndex = 0;
    for (let m = CWE.exec(v); m !== null; m = CWE.exec(v)) found.add(`CWE-${m[1]}`);
  }
}

const MAX_HEADLINE = 120;

/**
 * A title from a tool's free text: the first sentence of its first paragraph, cut at a word
 * boundary. Not simply the first line: older Semgrep rules hard-wrap their messages ("MD5 is
 * not\ncollision resistant"), and a title cut there says the opposite of the message. A leading
 * Markdown heading ("### Summary", as in GitHub advisories) is dropped.
 */
export function headline(text: string): string {
  const paragraph =
    text
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .find((p) => p !== '') ?? '';
  const body = paragraph.replace(/^#+\s*(summary|impact|details|description|overview)\b:?\s*/i, '').replace(/^#+\s*/, '');
  // A sentence ends before an upper-case start, so "e.g. foo" and "v1.2.3" do not end one.
  const sentence = /^(.+?[.!?])\s+(?=[A-Z`'"([])/.exec(body)?.[1] ?? body;
  if (sentence.length <= MAX_HEADLINE) return sentence;
  const cut = sentence.slice(0, MAX_HEADLINE);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_HEADLINE / 3 ? cut.slice(0, space) : cut}…`;
}

/**
 * Removes `user:password@` from URLs in a message. Package managers echo the configured registry
 * URL in their errors, and that URL may carry credentials, which must never reach a log.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, '$1***@');
}

/** The GHSA id at the end of an advisory URL (…/advisories/GHSA-xxxx-xxxx-xxxx). */
export function ghsaFromUrl(url: string | undefined): string | undefined {
  const m = url ? /\/(GHSA(?:-[0-9a-z]{4}){3})\/?$/i.exec(url) : null;
  return m ? `GHSA-${m[1].slice(5).toLowerCase()}` : undefined;
}

/** The fields an object has, for "this looks like X" hints in format errors. */
function keysOf(data: unknown): Set<string> {
  return new Set(data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : []);
}

/**
 * Names the tool a report probably came from, so that a report given to the wrong parser fails
 * with "this looks like Trivy output" instead of only a schema complaint.
 */
export function guessReportKind(data: unknown): string | undefined {
  const k = keysOf(data);
  if (k.has('runs')) return 'a SARIF log';
  if (k.has('SchemaVersion')) return 'Trivy JSON output';
  if (k.has('matches')) return 'grype JSON output';
  if (k.has('auditReportVersion')) return 'npm audit (npm 7+) output';
  if (k.has('advisories')) return 'npm 6 / pnpm / yarn 2-3 audit output';
  if (k.has('dependencies') && k.has('fixes')) return 'pip-audit output';
  if (k.has('experimental_config')) return 'osv-scanner output';
  if (k.has('results') && k.has('errors')) return 'semgrep JSON output';
  if (k.has('bomFormat')) return 'a CycloneDX SBOM';
  if (k.has('type') && k.has('data')) return 'yarn 1 audit NDJSON';
  return undefined;
}

/** What a report given to the wrong parser is, said without quoting any of its keys or values. */
export function describeOther(data: unknown): string {
  return guessReportKind(data) ?? shapeOf(data);
}

/**
 * `validate` for a whole report: on failure, says which tool the data looks like when it is
 * another one, since "wrong file for this parser" is the common mistake.
 */
export function validateReport<T>(schema: z.ZodType<T>, data: unknown, what: string, kind: string): T {
  try {
    return validate(schema, data, what);
  } catch (e) {
    const guess = guessReportKind(data);
    if (guess === undefined || guess === kind) throw e;
    throw new FormatError(`${(e as Error).message} (this looks like ${guess}, not ${kind})`);
  }
}

/**
 * Parses newline-delimited JSON. A line that is not JSON (a truncated last line, a log line mixed
 * into stdout) fails with its line number rather than being skipped: skipping could drop findings.
 */
export function parseNdjson(text: string, what: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    try {
      out.push({ line: i + 1, value: jsonParse(raw) });
    } catch (e) {
      const p = describeJsonError(raw, e);
      throw new FormatError(
        `${what}: line ${i + 1} is not valid JSON (${p.problem}); is the file truncated, or was other output mixed into it?`,
        i + 1,
      );
    }
  }
  if (out.length === 0) throw new FormatError(`${what}: the report is empty`);
  return out;
}

/**
 * A copy without the keys whose value is undefined, so goldens and equality checks see only real
 * fields. Copies rather than deletes: an object that lost a key mid-way becomes a slow dictionary
 * object in V8, and every later read and copy of 100,000 findings pays for it.
 */
export function compact<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
