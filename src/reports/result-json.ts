// chaingate-result.json: the whole GateResult with a fixed key order and sorted lists, so two runs
// on the same input produce the same bytes and diffs between runs are meaningful. Pure.
import { SEVERITIES, type Severity } from '../core/finding';
import type { AppliedException, EvaluatedFinding, GateResult, ScannerStatus } from '../core/result';
import { compareStrings, sortFindings } from './order';

type Obj = Record<string, unknown>;

/** Copies `keys` of `src` in that order, leaving out absent ones (JSON has no undefined). */
function pick<T extends object>(src: T, keys: readonly (keyof T & string)[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  return out;
}

function severityCounts(c: Record<Severity, number>): Obj {
  return pick(c, SEVERITIES);
}

function finding(f: EvaluatedFinding): Obj {
  const out = pick(f, ['id', 'aliases', 'kind', 'severity', 'blocking', 'rationale', 'title', 'description', 'tools']);
  if (f.package) out.package = pick(f.package, ['purl', 'ecosystem', 'name', 'version', 'fixedVersions']);
  if (f.location) out.location = pick(f.location, ['path', 'startLine', 'endLine']);
  Object.assign(out, pick(f, ['cvssScore', 'cwes', 'url']));
  if (f.exception) out.exception = pick(f.exception, ['source', 'index', 'id', 'reason', 'expires', 'owner', 'ticket']);
  if (f.vex) out.vex = pick(f.vex, ['source', 'vulnerability', 'status', 'justification', 'statement']);
  out.fingerprint = f.fingerprint;
  return out;
}

function compareExceptions(a: AppliedException, b: AppliedException): number {
  return compareStrings(a.source, b.source) || a.index - b.index;
}

function exceptionList(list: AppliedException[]): Obj[] {
  return [...list].sort(compareExceptions).map((e) => ({
    index: e.index,
    source: e.source,
    entry: pick(e.entry, ['id', 'package', 'paths', 'kind', 'reason', 'expires', 'owner', 'ticket']),
    matched: [...e.matched].sort(),
    daysLeft: e.daysLeft,
  }));
}

function scanner(s: ScannerStatus): Obj {
  return pick(s, ['name', 'status', 'durationMs', 'findings', 'error', 'outputs', 'notes']);
}

/** The result as an ordered plain object: what renderResultJson serializes. */
export function orderResult(result: GateResult): Obj {
  const byKind: Obj = {};
  for (const kind of Object.keys(result.byKind).sort()) byKind[kind] = severityCounts(result.byKind[kind]);
  const ex = result.exceptions;
  return {
    schemaVersion: result.schemaVersion,
    tool: pick(result.tool, ['name', 'version']),
    generatedAt: result.generatedAt,
    verdict: result.verdict,
    mode: result.mode,
    reasons: result.reasons,
    summary: pick(result.summary, [...SEVERITIES, 'blocking', 'suppressed', 'total']),
    byKind,
    findings: sortFindings(result.findings).map(finding),
    exceptions: {
      applied: exceptionList(ex.applied),
      expired: exceptionList(ex.expired),
      unused: exceptionList(ex.unused),
      expiringSoon: exceptionList(ex.expiringSoon),
      ...pick(ex, ['active', 'maxActive']),
    },
    scanners: [...result.scanners].sort((a, b) => compareStrings(a.name, b.name)).map(scanner),
    inputs: {
      ...(result.inputs.policy ? { policy: pick(result.inputs.policy, ['path', 'sha256']) } : {}),
      ...(result.inputs.exceptions ? { exceptions: pick(result.inputs.exceptions, ['path', 'sha256']) } : {}),
      vex: result.inputs.vex.map((v) => pick(v, ['path', 'sha256'])),
    },
  };
}

/** chaingate-result.json text: pretty JSON and a final newline. */
export function renderResultJson(result: GateResult): string {
  return JSON.stringify(orderResult(result), null, 2) + '\n';
}
