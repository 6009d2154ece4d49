// The policy: one severity model across tools, a threshold per kind, exceptions and VEX.
// Pure: evaluate() takes findings, the policy, exceptions, VEX, scanner statuses and the clock,
// and returns the whole GateResult. The shell decides nothing.
import type { Policy } from '../config/schema';
import { SEVERITIES, SEVERITY_RANK, type Finding, type Kind, type Severity } from './finding';
import { compileExceptions, indexExceptions, matchExceptions, type CompiledException, type ExceptionSource } from './exceptions';
import type { AppliedException, BaselineRecord, DependencyChange, EvaluatedFinding, GateResult, PolicyChange, ScannerStatus, Summary } from './result';
import type { BaselineMark } from './baseline';
import { severityPosition, sortFindings } from './order';
import { compileVex, indexVex, matchVex, statementUse, type VexSource } from './vex';
import { largestDays, overdueFindings, slaDays } from './sla';
import { LICENSE_IDS, LICENSE_TOOL } from './licenses';

export interface EvaluateInput {
  findings: Finding[];
  policy: Policy;
  /** Monorepo projects with their own thresholds: the policy for findings of that `project`. */
  projectPolicies?: ReadonlyMap<string, Policy>;
  exceptions: ExceptionSource[];
  vex: VexSource[];
  scanners: ScannerStatus[];
  now: Date;
  mode: 'enforce' | 'warn';
  inputs: GateResult['inputs'];
  version: string;
  /** When each finding (by fingerprint) was first seen, YYYY-MM-DD or ISO time: what the `sla` is counted from. */
  firstSeen?: ReadonlyMap<string, string>;
  /** With `--baseline`: each finding's mark by fingerprint (unmarked ones are new), and the record. */
  baseline?: { marks: ReadonlyMap<string, BaselineMark>; record: Omit<BaselineRecord, 'block' | 'newlyDisclosed'> };
  dependencyChanges?: DependencyChange[];
  policyChanges?: PolicyChange[];
}

/** `block:` of the policy, defaulting to `new` with a baseline and `all` without. */
export function blockMode(policy: Policy, hasBaseline: boolean): 'new' | 'all' {
  return policy.block ?? (hasBaseline ? 'new' : 'all');
}

function rankOf(sev: Severity, policy: Policy): number {
  return SEVERITY_RANK[sev === 'unknown' ? policy['unknown-severity'] : sev];
}

interface Decision {
  blocking: boolean;
  rationale: string;
}

/** Why a finding blocks or not; undefined threshold kinds never block. */
function decide(f: Finding, policy: Policy): Decision {
  const threshold = policy['fail-on'][f.kind as Kind];
  const shown = f.severity === 'unknown' ? `unknown (ranked ${policy['unknown-severity']})` : f.severity;
  if (threshold === 'none') return { blocking: false, rationale: `fail-on.${f.kind} is none` };
  if (rankOf(f.severity, policy) < SEVERITY_RANK[threshold]) {
    return { blocking: false, rationale: `${shown} is below fail-on.${f.kind} ${threshold}` };
  }
  if (policy['ignore-unfixed'] && unfixed(f)) {
    return { blocking: false, rationale: 'no fixed version and ignore-unfixed is true' };
  }
  return { blocking: true, rationale: `${shown} is at or above fail-on.${f.kind} ${threshold}` };
}

function unfixed(f: Finding): boolean {
  return f.kind === 'vulnerability' && (f.package?.fixedVersions.length ?? 0) === 0;
}

/**
 * The license policy's findings block by its own rule, whatever fail-on.license says (that
 * threshold is for Trivy's license categories); undefined for any other finding.
 */
function licenseDecision(f: Finding, policy: Policy): Decision | undefined {
  if (!f.tools.includes(LICENSE_TOOL)) return undefined;
  if (f.id === LICENSE_IDS.denied) return { blocking: true, rationale: 'its license is in licenses.deny' };
  if (f.id === LICENSE_IDS.notAllowed) return { blocking: true, rationale: 'its license is not in licenses.allow' };
  if (f.id !== LICENSE_IDS.unknown) return undefined;
  return policy.licenses?.unknown === 'block'
    ? { blocking: true, rationale: 'its license is unknown and licenses.unknown is block' }
    : { blocking: false, rationale: 'its license is unknown and licenses.unknown is warn' };
}

/**
 * decide() depends only on the kind, the severity and whether a fix exists: decided once per
 * combination, so 100,000 findings share a handful of rationale strings instead of each
 * building its own.
 */
function decider(policy: Policy, project?: string): (f: Finding) => Decision {
  const byKind = new Map<string, Decision[]>();
  const of = (d: Decision): Decision => (project === undefined ? d : { ...d, rationale: `${d.rationale} (policy of project ${project})` });
  return (f) => {
    const license = f.kind === 'license' ? licenseDecision(f, policy) : undefined;
    if (license) return license;
    let list = byKind.get(f.kind);
    if (!list) byKind.set(f.kind, (list = []));
    return (list[severityPosition(f.severity) * 2 + Number(unfixed(f))] ??= of(decide(f, policy)));
  };
}

/** The decider of each finding: its project's policy when the project has one, else the policy. */
function projectDecider(policy: Policy, projects: ReadonlyMap<string, Policy> | undefined): (f: Finding) => Decision {
  const base = decider(policy);
  if (!projects || projects.size === 0) return base;
  const by = new Map([...projects].map(([p, pol]) => [p, decider(pol, p || '.')]));
  return (f) => ((f.project !== undefined && by.get(f.project)) || base)(f);
}

function emptyCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

function applied(c: CompiledException): AppliedException {
  return { index: c.index, source: c.source, entry: c.entry, matched: c.matched, daysLeft: c.daysLeft };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function evaluate(input: EvaluateInput): GateResult {
  const { policy, now } = input;
  const compiled = compileExceptions(input.exceptions, now);
  const exIdx = indexExceptions(compiled);
  // A VEX statement names no severity: it holds for the longest max-days allows.
  const vexStatements = compileVex(input.vex, now, largestDays(policy.exceptions['max-days']));
  const vexIdx = indexVex(vexStatements);
  // Counted per kind in arrays by severity position (SEVERITIES order), made records at the
  // end: counting in records keyed by six different strings is a slow (megamorphic) access.
  const counts = new Map<string, number[]>();
  const blockingCounts = new Map<string, number[]>();
  const count = (m: Map<string, number[]>, f: Finding) => {
    let c = m.get(f.kind);
    if (!c) m.set(f.kind, (c = SEVERITIES.map(() => 0)));
    c[severityPosition(f.severity)]++;
  };
  let suppressed = 0;
  const decideFor = projectDecider(policy, input.projectPolicies);
  const marks = input.baseline?.marks;
  const block = blockMode(policy, marks !== undefined);
  let newCount = 0;
  let existingCount = 0;
  let newlyDisclosed = 0;
  let existingHeld = 0;

  // An exception may not outlast the SLA of the severity it suppresses (exceptions.max-days as a map).
  const maxDays = policy.exceptions['max-days'];
  const tooLong: string[] = [];
  const findings: EvaluatedFinding[] = input.findings.map((f) => {
    const matches = matchExceptions(exIdx, f);
    for (const c of matches) c.matched.push(f.fingerprint);
    let active = matches.find((c) => !c.expired);
    const limit = active && typeof maxDays === 'object' ? slaDays(maxDays, f.severity, policy['unknown-severity']) : undefined;
    if (active && limit !== undefined && active.daysLeft > limit) {
      const at = active.line === undefined ? `${active.source} #${active.index + 1}` : `${active.source}:${active.line}`;
      const what = f.package ? `${f.id} in ${f.package.name}${f.package.version ? `@${f.package.version}` : ''}` : f.location ? `${f.id} at ${f.location.path}` : f.id;
      tooLong.push(
        `exception ${active.entry.id} (${at}) expires ${active.entry.expires}, ${active.daysLeft} days out, past the ${limit}-day SLA for ${f.severity} finding ${what} (exceptions.max-days): it suppresses nothing until it expires sooner`,
      );
      active = undefined;
    }
    const vex = active ? undefined : matchVex(vexIdx, f);
    // One literal with every field (absent ones undefined, which JSON leaves out): all 100,000
    // share one object shape, which copies several times faster than Object.assign or a spread.
    const ev: EvaluatedFinding = {
      tools: f.tools,
      kind: f.kind,
      severity: f.severity,
      id: f.id,
      aliases: f.aliases,
      title: f.title,
      description: f.description,
      package: f.package,
      location: f.location,
      cvssScore: f.cvssScore,
      cwes: f.cwes,
      url: f.url,
      textHash: f.textHash,
      project: f.project,
      fingerprint: f.fingerprint,
      blocking: false,
      rationale: '',
      exception: undefined,
      vex: undefined,
      baseline: undefined,
      newlyDisclosed: undefined,
    };
    if (marks) {
      const m = marks.get(f.fingerprint);
      ev.baseline = m?.state ?? 'new';
      if (ev.baseline === 'new') newCount++;
      else existingCount++;
      if (m?.newlyDisclosed) {
        ev.newlyDisclosed = true;
        newlyDisclosed++;
      }
    }
    if (active) {
      const e = active.entry;
      ev.exception = { source: active.source, index: active.index, id: e.id, reason: e.reason, expires: e.expires };
      if (e.owner) ev.exception.owner = e.owner;
      if (e.ticket) ev.exception.ticket = e.ticket;
      ev.rationale = `suppressed by exception ${e.id} (${active.source}#${active.index + 1}) until ${e.expires}`;
      suppressed++;
      return ev;
    }
    if (vex) {
      ev.vex = vex;
      ev.rationale = `suppressed by VEX ${vex.status} (${vex.source})`;
      suppressed++;
      return ev;
    }
    const d = decideFor(f);
    ev.blocking = d.blocking;
    ev.rationale = d.rationale;
    if (d.blocking && block === 'new' && ev.baseline === 'existing') {
      ev.blocking = false;
      ev.rationale = `${d.rationale}, but it existed before this change and block is new`;
      existingHeld++;
    }
    count(counts, f);
    if (ev.blocking) count(blockingCounts, f);
    return ev;
  });

  const summary: Summary = { ...emptyCounts(), blocking: 0, suppressed, total: input.findings.length };
  if (marks) {
    summary.new = newCount;
    summary.existing = existingCount;
  }
  const byKind: Record<string, Record<Severity, number>> = {};
  for (const [kind, c] of counts) {
    const k = (byKind[kind] = emptyCounts());
    SEVERITIES.forEach((s, i) => {
      k[s] = c[i];
      summary[s] += c[i];
    });
  }
  for (const c of blockingCounts.values()) for (const n of c) summary.blocking += n;

  const exceptions: GateResult['exceptions'] = {
    applied: [],
    expired: [],
    unused: [],
    expiringSoon: [],
    active: 0,
  };
  if (policy.exceptions['max-active'] !== undefined) exceptions.maxActive = policy.exceptions['max-active'];
  for (const c of compiled) {
    if (c.expired) {
      exceptions.expired.push(applied(c));
      continue;
    }
    exceptions.active++;
    if (c.matched.length > 0) exceptions.applied.push(applied(c));
    else exceptions.unused.push(applied(c));
    if (c.daysLeft <= policy.exceptions['warn-within-days']) exceptions.expiringSoon.push(applied(c));
  }
  // VEX statements are accepted risks too: they count toward max-active, so a VEX document
  // cannot suppress what max-active: 0 forbids.
  const activeVex = vexStatements.filter((c) => !c.expired).length;
  if (vexStatements.length > 0) {
    exceptions.vex = vexStatements.map(statementUse);
    exceptions.active += activeVex;
  }

  // Open past its SLA, where a baseline says since when: reported, and blocking with sla-overdue: block.
  const overdue = overdueFindings(
    findings.filter((f) => !f.exception && !f.vex),
    input.firstSeen,
    policy.sla,
    now,
    policy['unknown-severity'],
  );
  if (policy['sla-overdue'] === 'block' && overdue.length > 0) {
    const byFp = new Map(overdue.map((o) => [o.fingerprint, o]));
    for (const f of findings) {
      const o = byFp.get(f.fingerprint);
      if (!o || f.blocking) continue;
      f.blocking = true;
      f.rationale = `open ${o.daysOpen} days since ${o.firstSeen}, past the ${o.slaDays}-day SLA for ${f.severity} (sla-overdue: block)`;
      count(blockingCounts, f);
      summary.blocking++;
    }
  }

  const reasons: string[] = [];
  let fail = false;
  if (summary.blocking > 0) {
    fail = true;
    const parts: string[] = [];
    for (const [kind, c] of [...blockingCounts].sort(([a], [b]) => a.localeCompare(b, 'en'))) {
      SEVERITIES.forEach((sev, i) => {
        if (c[i]) parts.push(`${c[i]} ${sev} ${kind}`);
      });
    }
    reasons.push(`${plural(summary.blocking, `${marks && block === 'new' ? 'new ' : ''}finding`)} at or above the policy threshold: ${parts.join(', ')}`);
  }
  if (tooLong.length > 0) {
    fail = true;
    reasons.push(...tooLong.slice(0, 20));
    if (tooLong.length > 20) reasons.push(`${tooLong.length - 20} more exceptions past their finding's SLA`);
  }
  if (overdue.length > 0) {
    const blocks = policy['sla-overdue'] === 'block';
    fail ||= blocks;
    reasons.push(`${plural(overdue.length, 'finding')} open past ${overdue.length === 1 ? 'its' : 'their'} SLA (sla-overdue: ${policy['sla-overdue']})`);
  }
  const maxActive = policy.exceptions['max-active'];
  if (maxActive !== undefined && exceptions.active > maxActive) {
    fail = true;
    reasons.push(
      `${plural(exceptions.active, 'active exception')}${activeVex ? ` (${plural(activeVex, 'VEX statement')} among them)` : ''}, more than exceptions.max-active ${maxActive}: fix findings or retire exceptions`,
    );
  }
  const failed = input.scanners.filter((s) => s.status === 'failed');
  for (const s of failed) {
    const what = `scanner ${s.name} could not scan: ${s.error ?? 'unknown error'}`;
    reasons.push(policy['on-scanner-error'] === 'fail' ? what : `${what} (on-scanner-error: warn)`);
  }
  // A run in which no scanner of the project finished and no report was read checked nothing:
  // never a pass, whatever on-scanner-error says (a signature check alone does not scan the code).
  const scannedNothing = !input.scanners.some((s) => s.status === 'ok' && s.name !== 'cosign-verify');
  if (scannedNothing) {
    reasons.push(
      failed.length > 0
        ? 'nothing was scanned: every scanner failed and no report was read'
        : 'nothing was scanned: no scanner ran and no report was read (scanners: [] or --scanners none without --report)',
    );
  }
  const incomplete = (failed.length > 0 && policy['on-scanner-error'] === 'fail') || scannedNothing;
  if (exceptions.expired.length > 0) {
    const hit = exceptions.expired.filter((e) => e.matched.length > 0).length;
    reasons.push(`${plural(exceptions.expired.length, 'exception')} expired (${hit} still matching findings)`);
  }
  const expiredVex = vexStatements.filter((c) => c.expired);
  if (expiredVex.length > 0) {
    const hit = expiredVex.filter((c) => c.matched.length > 0).length;
    reasons.push(`${plural(expiredVex.length, 'VEX statement')} older than exceptions.max-days (${hit} still matching findings): re-issue them or fix the findings`);
  }
  const verdict = fail ? 'fail' : incomplete ? 'incomplete' : 'pass';
  if (verdict === 'pass') {
    // A pass has scanned something (scannedNothing above), so at least one scanner or report ran.
    const ran = input.scanners.filter((s) => s.status === 'ok').map((s) => s.name);
    reasons.unshift(
      `no ${marks && block === 'new' ? 'new ' : ''}finding at or above the policy threshold (scanned by ${ran.join(', ')})${summary.suppressed ? `; ${summary.suppressed} suppressed` : ''}`,
    );
  }
  if (existingHeld > 0) reasons.push(`${plural(existingHeld, 'existing finding')} at or above the threshold did not block: they predate this change (block: new)`);

  return {
    schemaVersion: 1,
    tool: { name: 'chaingate', version: input.version },
    generatedAt: now.toISOString(),
    verdict,
    mode: input.mode,
    reasons,
    summary,
    byKind,
    // In report order (blocking, severity, fingerprint): each renderer then only checks it.
    findings: sortFindings(findings),
    exceptions,
    scanners: input.scanners,
    inputs: input.inputs,
    baseline: input.baseline && { ...input.baseline.record, block, newlyDisclosed },
    dependencyChanges: input.dependencyChanges,
    policyChanges: input.policyChanges,
  };
}

/** The one mapping from outcome to exit code: 0 pass, 1 blocked, 3 incomplete; warn mode exits 0. */
export function exitCodeFor(result: Pick<GateResult, 'verdict' | 'mode'>): number {
  if (result.mode === 'warn') return 0;
  return result.verdict === 'pass' ? 0 : result.verdict === 'fail' ? 1 : 3;
}
