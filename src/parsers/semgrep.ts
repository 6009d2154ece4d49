// `semgrep --json` (scan / ci). SARIF from semgrep goes to the SARIF parser. Pure.
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding, type Severity } from '../core/finding';
import { compact, headline, parseCwes, validateReport } from './report-fields';
import type { Parser } from './types';
import { parseJson } from './util';

const WHAT = 'semgrep --json report';
const KIND = 'semgrep JSON output';

const PositionSchema = z.looseObject({ line: z.number().int() });

/**
 * Rule metadata is free-form: rule authors put anything there (`cwe: 89`, objects...). It is read
 * defensively and never validated, so an odd custom rule cannot make a whole report unreadable.
 */
const MetadataSchema = z.record(z.string(), z.unknown());
type Metadata = z.infer<typeof MetadataSchema>;

const ResultSchema = z.looseObject({
  check_id: z.string().min(1),
  path: z.string().min(1),
  start: PositionSchema,
  end: PositionSchema,
  extra: z.looseObject({
    message: z.string(),
    severity: z.string(),
    metadata: MetadataSchema.nullish(),
    metavars: z.record(z.string(), z.looseObject({ abstract_content: z.string().optional() })).nullish(),
  }),
});
type Result = z.infer<typeof ResultSchema>;

const ErrorSchema = z.looseObject({
  level: z.string(),
  // A name ("Syntax error"), or [name, details] for some (["PartialParsing", [locations]]).
  type: z.union([z.string(), z.tuple([z.string()], z.unknown())]),
  message: z.string().optional(),
  // InvalidRuleSchemaError carries short_msg/long_msg instead of message.
  short_msg: z.string().optional(),
  long_msg: z.string().optional(),
  path: z.string().optional(),
  rule_id: z.string().optional(),
  spans: z.array(z.looseObject({ file: z.string() })).optional(),
});

const ReportSchema = z.looseObject({
  results: z.array(ResultSchema),
  // semgrep always writes it (empty when nothing went wrong): a report without it is cut or edited.
  errors: z.array(ErrorSchema),
});

/** The strings of a metadata field that may be one string or a list. */
function strings(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** A secrets rule: by its metadata (Semgrep's secrets rules say so there) or by its id. */
function isSecretRule(checkId: string, meta: Metadata): boolean {
  if (/secret/i.test(checkId)) return true;
  const words = [meta.category, meta.subcategory, meta.tags, meta.technology].flatMap(strings);
  return words.some((w) => /\bsecrets?\b/i.test(w));
}

/**
 * Infrastructure technologies: a rule about one of them judges a setting (a Dockerfile, a
 * manifest, a workflow), not code, whatever its category says (Semgrep's registry files its
 * Dockerfile and Kubernetes rules under category `security`).
 */
const CONFIG_TECHNOLOGY = /^(dockerfile|docker|docker-compose|kubernetes|k8s|github-actions|terraform|hcl|helm|cloudformation)$/i;

/** A misconfiguration rule: tagged so (chaingate's pinning rules), or about infrastructure. */
function isConfigRule(meta: Metadata): boolean {
  if ([meta.category, meta.subcategory, meta.tags].flatMap(strings).some((w) => /^misconfigurations?$/i.test(w))) return true;
  return strings(meta.technology).some((t) => CONFIG_TECHNOLOGY.test(t));
}

/**
 * Semgrep's newer rules use CRITICAL/HIGH/MEDIUM/LOW; legacy ones ERROR/WARNING/INFO, which are
 * its High/Medium/Low. INVENTORY and EXPERIMENTAL rules only describe the code.
 */
function severity(word: string): Severity {
  if (/^(inventory|experimental)$/i.test(word.trim())) return 'info';
  return normalizeSeverity(word, { semgrepLegacy: true });
}

/**
 * Messages interpolate metavariables; in a secrets rule one of them is usually the secret itself,
 * which must not reach a report. Recent releases omit `metavars` unless logged in, so besides
 * the metavariable values we know, every token that looks like key material (12+ characters
 * mixing letters and digits, or 20+ characters of one "word") is replaced too.
 */
function redactSecret(text: string, r: Result): string {
  let out = text;
  for (const mv of Object.values(r.extra.metavars ?? {})) {
    const v = mv.abstract_content;
    // Short values are not secrets, and replacing them would mangle ordinary words.
    if (v && v.length >= 6) out = out.split(v).join('[redacted]');
  }
  return out.replace(/[A-Za-z0-9+/_=-]{12,}/g, (t) => (t.length >= 20 || (/\d/.test(t) && /[A-Za-z]/.test(t)) ? '[redacted]' : t));
}

/** What every result of one rule shares (its metadata), worked out once per rule. */
interface RuleInfo {
  secret: boolean;
  config: boolean;
  cwes: string[];
  url?: string;
}

/** Per-report caches: a rule's results repeat its metadata, and most repeat its message. */
interface Caches {
  rules: Map<string, RuleInfo>;
  titles: Map<string, string>;
}

function ruleInfo(r: Result, caches: Caches): RuleInfo {
  let info = caches.rules.get(r.check_id);
  if (info === undefined) {
    const meta = r.extra.metadata ?? {};
    info = {
      secret: isSecretRule(r.check_id, meta),
      config: isConfigRule(meta),
      cwes: parseCwes(meta.cwe),
      url: [meta.source, meta.references].flatMap(strings).find((u) => /^https?:\/\//i.test(u)),
    };
    caches.rules.set(r.check_id, info);
  }
  return info;
}

function titleOf(message: string, caches: Caches): string {
  let title = caches.titles.get(message);
  if (title === undefined) caches.titles.set(message, (title = headline(message)));
  return title;
}

function toFinding(r: Result, caches: Caches): Finding {
  const { secret, config, cwes, url } = ruleInfo(r, caches);
  const message = secret ? redactSecret(r.extra.message.trim(), r) : r.extra.message.trim();
  const title = titleOf(message, caches) || r.check_id;
  return makeFinding({
    tool: 'semgrep',
    kind: secret ? ('secret' as const) : config ? ('misconfiguration' as const) : ('code' as const),
    severity: severity(r.extra.severity),
    id: r.check_id,
    title,
    description: message !== title ? message : undefined,
    location: { path: r.path, startLine: r.start.line, endLine: r.end.line },
    cwes: cwes.length ? cwes.slice() : undefined,
    url,
  });
}

/**
 * Findings of a `semgrep --json` report. Reads only the rule's message and metadata, never
 * `extra.lines` or `extra.fingerprint`: those are "requires login" placeholders in recent
 * releases when not logged in, and `lines` is the matched source, a secret for secrets rules.
 */
export const parseSemgrep: Parser = (text) => {
  const report = validateReport(ReportSchema, parseJson(text, WHAT), WHAT, KIND);
  const caches: Caches = { rules: new Map(), titles: new Map() };
  return report.results.map((r) => toFinding(r, caches));
};

export interface SemgrepError {
  level: string;
  type: string;
  message: string;
  path?: string;
  ruleId?: string;
  /** Whether this error means the scan's result cannot be trusted (see `isFatal`). */
  fatal: boolean;
}

/**
 * Parse problems in one target file. Semgrep could not read that file of the user's code, skipped
 * (part of) it and scanned the rest; it is the file's problem, not a broken scan, and Semgrep
 * itself exits 0 for it. Older releases reported some of these at level "error".
 */
const TARGET_PARSE_ERRORS = new Set(['syntax error', 'lexical error', 'other syntax error', 'ast builder error', 'partialparsing', 'partial parsing']);

/**
 * Fail closed: anything Semgrep calls an error, other than a target file it could not parse,
 * makes the run fail: an invalid rule or rule file (the scan ran fewer rules than configured), a
 * missing target, a fatal error, a timeout or out-of-memory at level "error" (that file was not
 * scanned), and any error type we do not know yet. Warnings never do.
 */
function isFatal(level: string, type: string): boolean {
  return level.trim().toLowerCase() === 'error' && !TARGET_PARSE_ERRORS.has(type.trim().toLowerCase());
}

/** The `errors[]` of a `semgrep --json` report, normalized, each marked fatal or not. */
export function semgrepErrors(text: string): SemgrepError[] {
  const report = validateReport(ReportSchema, parseJson(text, WHAT), WHAT, KIND);
  return report.errors.map((e) => {
    const type = typeof e.type === 'string' ? e.type : e.type[0];
    const message = e.message ?? ([e.short_msg, e.long_msg].filter(Boolean).join(': ') || type);
    return compact({
      level: e.level,
      type,
      message: message.trim(),
      path: e.path ?? e.spans?.[0]?.file,
      ruleId: e.rule_id,
      fatal: isFatal(e.level, type),
    });
  });
}
