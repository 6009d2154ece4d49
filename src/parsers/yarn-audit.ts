// Yarn audit JSON, all three shapes. Pure.
//  - yarn 1 `yarn audit --json`: NDJSON of `{type, data}` lines; `auditAdvisory` lines carry an
//    npm 6-style advisory (repeated once per dependency path), `auditSummary` ends a complete run.
//  - yarn 2/3 `yarn npm audit --json`: one npm 6-style object with an `advisories` map, then an
//    `info` line "No audit suggestions" when nothing was found.
//  - yarn 4 `yarn npm audit --json`, early releases: NDJSON of `{value: name, children: {ID, Issue,
//    URL, Severity, "Vulnerable Versions", "Tree Versions", Dependents}}`.
//  - yarn 4 `yarn npm audit --json`, later releases: the registry's bulk answer as received, one
//    object `{package: [{id, url, title, severity, vulnerable_versions, cwe, cvss}]}`, then the
//    "No audit suggestions" line when nothing matched. It names no installed versions.
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding } from '../core/finding';
import {
  advisoriesOf,
  advisoryIds,
  checkSummaryCounts,
  countSeverity,
  CweFieldSchema,
  CvssSchema,
  cvssScore,
  NpmAdvisoriesReportSchema,
  NpmAdvisorySchema,
  npmAdvisoryFindings,
  npmPackage,
  SeverityCountsSchema,
  throwIfAuditError,
  type NpmAdvisory,
} from './npm-advisory';
import { guessReportKind, parseCwes, parseNdjson, redactUrlCredentials } from './report-fields';
import type { Parser } from './types';
import { FormatError, jsonParse, validate } from './util';

const WHAT = 'yarn audit --json report';
const TOOL = 'yarn-audit';

const AuditAdvisoryDataSchema = z.looseObject({ advisory: NpmAdvisorySchema });
const AuditSummaryDataSchema = z.looseObject({ vulnerabilities: SeverityCountsSchema });

/**
 * Every record type yarn 1's JSON reporter writes. Any other is not yarn's: a record whose type
 * lost a byte (`auditAdvisoby`) would otherwise be skipped with its advisory.
 */
const YARN1_TYPES = new Set([
  'auditAdvisory', 'auditAction', 'auditSummary', 'info', 'warning', 'error', 'success', 'log', 'command', 'step',
  'inspect', 'list', 'header', 'footer', 'tree', 'table', 'activityStart', 'activityTick', 'activityEnd',
  'progressStart', 'progressTick', 'progressFinish', 'question',
]);

const Yarn4LineSchema = z.looseObject({
  value: z.string().min(1),
  children: z.looseObject({
    ID: z.union([z.number(), z.string()]),
    Issue: z.string(),
    URL: z.string(),
    Severity: z.string(),
    'Vulnerable Versions': z.string().optional(),
    'Tree Versions': z.array(z.string()),
    Dependents: z.array(z.string()).optional(),
  }),
});
type Yarn4Line = z.infer<typeof Yarn4LineSchema>;

const BulkAdvisorySchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  title: z.string(),
  severity: z.string(),
  vulnerable_versions: z.string(),
  url: z.string().nullish(),
  cwe: CweFieldSchema,
  cvss: CvssSchema.nullish(),
});
const BulkSchema = z.record(z.string(), z.array(BulkAdvisorySchema));
type Bulk = z.infer<typeof BulkSchema>;

/** The bulk answer: an object of arrays, none of the keys the other shapes have. */
function isBulk(v: Record<string, unknown>): boolean {
  return !('type' in v) && Object.values(v).every((x) => Array.isArray(x));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function validateLine<T>(schema: z.ZodType<T>, value: unknown, line: number): T {
  try {
    return validate(schema, value, `${WHAT}, line ${line}`);
  } catch (e) {
    throw new FormatError((e as Error).message, line);
  }
}

/** `fn()`, with the line of the record it checks added to a FormatError it throws. */
function withLine<T>(line: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new FormatError((e as Error).message, line);
  }
}

/** A pretty-printed single object (yarn 2/3 output saved through a formatter) or NDJSON. */
function readRecords(text: string): { line: number; value: unknown }[] {
  try {
    return [{ line: 1, value: jsonParse(text) }];
  } catch {
    return parseNdjson(text, WHAT);
  }
}

/** Yarn 4: one finding per advisory per installed ("tree") version. */
function fromYarn4(lines: Yarn4Line[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const { value: name, children: c } of lines) {
    const { id, aliases } = advisoryIds(c.ID, undefined, c.URL);
    const versions = c['Tree Versions'].length ? c['Tree Versions'] : [undefined];
    for (const version of versions) {
      const key = `${c.ID}\n${name}\n${version ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        makeFinding({
          tool: TOOL,
          kind: 'vulnerability' as const,
          severity: normalizeSeverity(c.Severity),
          id,
          aliases,
          title: c.Issue.trim() || id,
          package: npmPackage(name, version, []),
          url: c.URL || undefined,
        }),
      );
    }
  }
  return out;
}

/**
 * Yarn 4 bulk answer: one finding per advisory per package, unversioned (the answer does not say
 * which installed versions matched). Yarn adds deprecated package versions as moderate entries
 * with id "<name> (deprecation)" and the deprecated version as range; they are kept, as Yarn
 * counts them, with that version (run with --no-deprecations to leave them out).
 */
function fromBulk(bulk: Bulk): Finding[] {
  return Object.entries(bulk).flatMap(([name, advisories]) =>
    advisories.map((a) => {
      const deprecation = typeof a.id === 'string' && a.id.endsWith('(deprecation)');
      const { id, aliases } = advisoryIds(a.id, undefined, a.url);
      const cwes = parseCwes(a.cwe);
      return makeFinding({
        tool: TOOL,
        kind: 'vulnerability' as const,
        severity: normalizeSeverity(a.severity),
        id,
        aliases,
        title: a.title.trim() || id,
        package: npmPackage(name, deprecation ? a.vulnerable_versions : undefined, []),
        cvssScore: cvssScore(a.cvss),
        cwes: cwes.length ? cwes : undefined,
        url: a.url || undefined,
      });
    }),
  );
}

export const parseYarnAudit: Parser = (text) => {
  const advisories: NpmAdvisory[] = [];
  const yarn4: Yarn4Line[] = [];
  const bulk: Finding[] = [];
  const errors: string[] = [];
  // Only these prove the audit ran to the end; a stream of warnings and errors does not.
  let complete = false;
  // yarn 1: advisory records by severity, and what its auditSummary says there are.
  const yarn1 = new Map<string, number>();
  let summary: { line: number; counts: Record<string, number> } | undefined;
  for (const { line, value } of readRecords(text)) {
    throwIfAuditError(value, WHAT);
    if (isRecord(value) && 'advisories' in value) {
      const report = validateLine(NpmAdvisoriesReportSchema, value, line);
      advisories.push(...withLine(line, () => advisoriesOf(report, `${WHAT}, line ${line}`)));
      complete = true;
    } else if (isRecord(value) && 'children' in value) {
      yarn4.push(validateLine(Yarn4LineSchema, value, line));
      complete = true;
    } else if (isRecord(value) && isBulk(value)) {
      bulk.push(...fromBulk(validateLine(BulkSchema, value, line)));
      // `{}` says nothing: yarn follows an answer without advisories with "No audit suggestions".
      if (Object.keys(value).length > 0) complete = true;
    } else if (isRecord(value) && typeof value.type === 'string') {
      const data = value.data;
      if (!YARN1_TYPES.has(value.type)) {
        throw new FormatError(`${WHAT}: line ${line} has a record type yarn does not write; the report is damaged or was edited`, line);
      }
      if (value.type === 'auditAdvisory') {
        const { advisory } = validateLine(AuditAdvisoryDataSchema, data, line);
        advisories.push(advisory);
        countSeverity(yarn1, advisory.severity);
      } else if (value.type === 'auditSummary') {
        summary = { line, counts: validateLine(AuditSummaryDataSchema, data, line).vulnerabilities };
        complete = true;
      }
      else if (value.type === 'error') errors.push(typeof data === 'string' ? data : JSON.stringify(data));
      // yarn 2+ says this, and nothing else, when no advisory matched.
      else if (value.type === 'info' && typeof data === 'string' && /^no audit suggestions/i.test(data.trim())) complete = true;
      // warnings, info, auditAction and progress lines carry nothing we gate on.
    } else {
      const guess = guessReportKind(value);
      const hint = guess ? `; this looks like ${guess}` : '';
      throw new FormatError(
        `${WHAT}: line ${line} is not a yarn audit record (expected {type, data}, an advisories object, {value, children} or {package: [advisories]})${hint}`,
        line,
      );
    }
  }
  if (errors.length > 0 || !complete) {
    const why = errors.length ? redactUrlCredentials(errors.join(' ')) : 'no audit summary or result in the output';
    throw new FormatError(`${WHAT}: the audit did not complete (${why}); this is not a clean result: fix the cause (network, registry, lockfile) and rerun`);
  }
  // yarn 1 counts one per auditAdvisory record (one per dependency path).
  if (summary) {
    const { line, counts } = summary;
    withLine(line, () => checkSummaryCounts(counts, yarn1, `${WHAT}, line ${line}`, 'the auditSummary'));
  }
  return [...npmAdvisoryFindings(TOOL, advisories), ...fromYarn4(yarn4), ...bulk];
};
