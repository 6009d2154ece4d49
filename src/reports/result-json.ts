// chaingate-result.json: the whole GateResult with a fixed key order and sorted lists, so two runs
// on the same input produce the same bytes and diffs between runs are meaningful. Pure.
//
// Objects are written as literals with every key in its place: JSON.stringify drops the ones
// left undefined, and literals of one shape keep 100,000 findings fast.
import { nearestFix } from '../core/fix';
import type { Severity } from '../core/finding';
import type { AppliedException, EvaluatedFinding, GateResult, ScannerStatus } from '../core/result';
import { compareStrings, sortFindings } from './order';

type Obj = Record<string, unknown>;

function severityCounts(c: Record<Severity, number>): Obj {
  return { critical: c.critical, high: c.high, medium: c.medium, low: c.low, info: c.info, unknown: c.unknown };
}

function finding(f: EvaluatedFinding): Obj {
  const p = f.package;
  const l = f.location;
  const e = f.exception;
  const v = f.vex;
  return {
    id: f.id,
    aliases: f.aliases,
    kind: f.kind,
    severity: f.severity,
    blocking: f.blocking,
    rationale: f.rationale,
    title: f.title,
    description: f.description,
    tools: f.tools,
    package: p && { purl: p.purl, ecosystem: p.ecosystem, name: p.name, version: p.version, fixedVersions: p.fixedVersions, fixedIn: nearestFix(p) },
    location: l && { path: l.path, startLine: l.startLine, endLine: l.endLine },
    cvssScore: f.cvssScore,
    cwes: f.cwes,
    url: f.url,
    exception: e && { source: e.source, index: e.index, id: e.id, reason: e.reason, expires: e.expires, owner: e.owner, ticket: e.ticket },
    vex: v && { source: v.source, vulnerability: v.vulnerability, status: v.status, justification: v.justification, statement: v.statement },
    textHash: f.textHash,
    baseline: f.baseline,
    newlyDisclosed: f.newlyDisclosed,
    project: f.project,
    fingerprint: f.fingerprint,
  };
}

function exceptionList(list: AppliedException[]): Obj[] {
  return [...list]
    .sort((a, b) => compareStrings(a.source, b.source) || a.index - b.index)
    .map(({ index, source, entry: x, matched, daysLeft }) => ({
      index,
      source,
      entry: { id: x.id, package: x.package, paths: x.paths, kind: x.kind, project: x.project, reason: x.reason, expires: x.expires, owner: x.owner, ticket: x.ticket },
      matched: [...matched].sort(),
      daysLeft,
    }));
}

function scanner(s: ScannerStatus): Obj {
  return { name: s.name, status: s.status, durationMs: s.durationMs, findings: s.findings, error: s.error, outputs: s.outputs, notes: s.notes };
}

function digest(d: { path: string; sha256: string } | undefined): Obj | undefined {
  return d && { path: d.path, sha256: d.sha256 };
}

function baselineRecord(b: GateResult['baseline']): Obj | undefined {
  return (
    b && {
      source: b.source,
      ref: b.ref,
      commit: b.commit,
      file: b.file,
      sha256: b.sha256,
      block: b.block,
      trustedPolicy: b.trustedPolicy,
      changedFiles: b.changedFiles,
      newlyDisclosed: b.newlyDisclosed,
      notes: b.notes,
    }
  );
}

/** The result as an ordered plain object (undefined members included): what renderResultJson serializes. */
export function orderResult(result: GateResult): Obj {
  const byKind: Obj = {};
  for (const kind of Object.keys(result.byKind).sort()) byKind[kind] = severityCounts(result.byKind[kind]);
  const { exceptions: ex, summary: s, inputs } = result;
  return {
    schemaVersion: result.schemaVersion,
    tool: { name: result.tool.name, version: result.tool.version },
    generatedAt: result.generatedAt,
    verdict: result.verdict,
    mode: result.mode,
    reasons: result.reasons,
    summary: { ...severityCounts(s), blocking: s.blocking, suppressed: s.suppressed, total: s.total, new: s.new, existing: s.existing },
    byKind,
    findings: sortFindings(result.findings).map(finding),
    exceptions: {
      applied: exceptionList(ex.applied),
      expired: exceptionList(ex.expired),
      unused: exceptionList(ex.unused),
      expiringSoon: exceptionList(ex.expiringSoon),
      active: ex.active,
      maxActive: ex.maxActive,
      vex: ex.vex?.map((v) => ({
        source: v.source,
        index: v.index,
        vulnerability: v.vulnerability,
        status: v.status,
        justification: v.justification,
        expires: v.expires,
        daysLeft: v.daysLeft,
        expired: v.expired,
        // Findings arrive in scanner order; sorted, two runs write the same file.
        matched: [...v.matched].sort(compareStrings),
      })),
    },
    scanners: [...result.scanners].sort((a, b) => compareStrings(a.name, b.name)).map(scanner),
    inputs: { policy: digest(inputs.policy), exceptions: digest(inputs.exceptions), vex: inputs.vex.map(digest), projectPolicies: inputs.projectPolicies?.map(digest) },
    baseline: baselineRecord(result.baseline),
    dependencyChanges: result.dependencyChanges,
    policyChanges: result.policyChanges,
    commit: result.commit,
    project: result.project,
    projects: result.projects,
    shard: result.shard && { name: result.shard.name, plan: result.shard.plan },
    components: result.components?.map((c) => ({ purl: c.purl, name: c.name, version: c.version, project: c.project })),
  };
}

/** Stands in for the findings array while the rest of the result is serialized. */
const FINDINGS_MARK = '\u0000findings\u0000';
const FINDINGS_AT = `"findings": ${JSON.stringify(FINDINGS_MARK)}`;
const ITEM_INDENT = '    ';

/**
 * chaingate-result.json text in pieces, one finding a piece: the same bytes as renderResultJson,
 * for writing a large result without ever holding all of it (about 1 KB a finding) as one string,
 * nor every finding's ordered copy at once. A piece per finding, not per hundred: the writer
 * encodes small strings straight into its buffer, where a hundred findings' JSON joined into one
 * string (and cut apart again with newlines) cost a third more CPU, in copies of the text.
 */
export function* resultJsonChunks(result: GateResult): Generator<string> {
  const findings = sortFindings(result.findings);
  const head = orderResult({ ...result, findings: [] });
  if (findings.length === 0) {
    yield JSON.stringify(head, null, 2) + '\n';
    return;
  }
  head.findings = FINDINGS_MARK;
  const text = JSON.stringify(head, null, 2) + '\n';
  const at = text.indexOf(FINDINGS_AT);
  yield `${text.slice(0, at)}"findings": [\n`;
  for (let i = 0; i < findings.length; i++) yield `${i > 0 ? ',\n' : ''}${ITEM_INDENT}${JSON.stringify(finding(findings[i]))}`;
  yield `\n  ]${text.slice(at + FINDINGS_AT.length)}`;
}

/**
 * chaingate-result.json text: pretty JSON and a final newline, except that each finding is one
 * line, at any size. `grep CVE-2021-23337` then prints whole findings, a diff of two results
 * shows one line per changed finding, and 100,000 findings take 28% fewer bytes (and about a
 * fifth less time) than pretty-printing them.
 */
export function renderResultJson(result: GateResult): string {
  return [...resultJsonChunks(result)].join('');
}
