// The gate's verdict and everything the reports render. Pure data.
import type { Finding, Severity } from './finding';
import type { ExceptionEntry } from '../config/schema';
import type { BaselineState } from './baseline';

export type Verdict = 'pass' | 'fail' | 'incomplete';

export interface AppliedException {
  /** Index in the exceptions file (0-based) and the file it came from. */
  index: number;
  source: string;
  entry: ExceptionEntry;
  /** Fingerprints of the findings it suppressed (or, when expired, would have). */
  matched: string[];
  daysLeft: number;
}

export interface VexSuppression {
  source: string;
  vulnerability: string;
  status: 'not_affected' | 'fixed';
  justification?: string;
  statement?: string;
}

/** A VEX statement that suppresses (not_affected, fixed): an accepted risk like an exception. */
export interface VexStatementUse {
  source: string;
  /** Index of the statement in its document (0-based). */
  index: number;
  vulnerability: string;
  status: 'not_affected' | 'fixed';
  justification?: string;
  /** With exceptions.max-days: the statement's timestamp plus max-days. */
  expires?: string;
  daysLeft?: number;
  expired: boolean;
  /** Fingerprints of the findings it suppressed (or, when expired, would have). */
  matched: string[];
}

export interface EvaluatedFinding extends Finding {
  blocking: boolean;
  /** Why it blocks or not, e.g. "high >= fail-on.vulnerability high". */
  rationale: string;
  exception?: { source: string; index: number; id: string; reason: string; expires: string; owner?: string; ticket?: string };
  vex?: VexSuppression;
  /** Against a baseline (absent without one): introduced by the change, or there before it. */
  baseline?: BaselineState;
  /** Existing only because its advisory is newer than the baseline, on a dependency the change kept. */
  newlyDisclosed?: boolean;
}

export interface ScannerStatus {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  durationMs: number;
  findings: number;
  error?: string;
  /** Raw output files kept, and notes such as fallbacks taken. */
  outputs?: string[];
  notes?: string[];
}

export type Summary = Record<Severity, number> & {
  blocking: number;
  suppressed: number;
  total: number;
  /** With a baseline: findings the change introduced, and findings that were there before it. */
  new?: number;
  existing?: number;
};

/** What the findings were compared with (`--baseline REF|FILE`). */
export interface BaselineRecord {
  /** `ref`: a git revision scanned in a temporary worktree; `file`: an earlier chaingate-result.json. */
  source: 'ref' | 'file';
  /** The revision as given, and the commit it names. */
  ref?: string;
  commit?: string;
  /** The earlier result, and its sha256. */
  file?: string;
  sha256?: string;
  /** Which findings may block: only new ones, or all. */
  block: 'new' | 'all';
  /** Whose policy, exceptions and VEX applied: the change's own (`head`) or the baseline's. */
  trustedPolicy: 'head' | 'baseline';
  /** Files the change touches (REF): only these are scanned on both sides. */
  changedFiles?: string[];
  /** Existing findings whose advisory the baseline did not list yet. */
  newlyDisclosed: number;
  /** How the comparison was made: scanners scoped to the change, reused results... */
  notes: string[];
}

export interface DependencyRef {
  ecosystem: string;
  name: string;
  version: string;
  purl: string;
}

/** How the dependencies of one lockfile differ between the baseline and the change. */
export interface DependencyChange {
  lockfile: string;
  /** Packages the change adds, with the ids of the findings on each. */
  added: (DependencyRef & { findings: string[] })[];
  removed: DependencyRef[];
  /** Packages whose version the change moves, old to new, with the findings on the new one. */
  changed: { ecosystem: string; name: string; from: string; to: string; purl: string; findings: string[] }[];
}

/** A change the pull request makes to the gate itself: its policy, exceptions or VEX. */
export interface PolicyChange {
  file: string;
  what: 'policy' | 'exceptions' | 'vex';
  change: 'added' | 'removed' | 'modified';
  details: string[];
}

export interface GateResult {
  schemaVersion: 1;
  tool: { name: 'chaingate'; version: string };
  generatedAt: string;
  verdict: Verdict;
  mode: 'enforce' | 'warn';
  /** Human sentences, most important first. */
  reasons: string[];
  summary: Summary;
  /** Counts by kind then severity, for the summary table. */
  byKind: Record<string, Record<Severity, number>>;
  /** In report order: blocking first, then worst severity, then fingerprint (see core/order.ts); frozen. */
  findings: readonly EvaluatedFinding[];
  exceptions: {
    applied: AppliedException[];
    expired: AppliedException[];
    unused: AppliedException[];
    expiringSoon: AppliedException[];
    /** Exceptions and VEX statements that are not expired; compared with maxActive. */
    active: number;
    maxActive?: number;
    /** The suppressing VEX statements, when VEX documents were given. */
    vex?: VexStatementUse[];
  };
  scanners: ScannerStatus[];
  /** sha256 of the policy and exceptions files used, for the VSA. */
  inputs: {
    policy?: { path: string; sha256: string };
    exceptions?: { path: string; sha256: string };
    vex: { path: string; sha256: string }[];
    /** Monorepo projects' own policy files (`projects: [{path, policy}]`). */
    projectPolicies?: { path: string; sha256: string }[];
  };
  /** Present with `--baseline`. */
  baseline?: BaselineRecord;
  /** With a baseline: the dependency changes, one entry per lockfile that differs. */
  dependencyChanges?: DependencyChange[];
  /** With a REF baseline: the change's edits to the policy, exceptions and VEX. */
  policyChanges?: PolicyChange[];
  /** The commit scanned (GITHUB_SHA), when known: a gate merging shards refuses one of another commit. */
  commit?: string;
  /** The scanned folder relative to the repository root, when not the root: finding paths are relative to it. */
  project?: string;
  /** With `--project`: the folders scanned (from the repository root), the rest of `project` unscanned. */
  projects?: string[];
  /** With `--shard`: which shard of which plan (`chaingate plan`) this run is, for the gate merging them. */
  shard?: { name: string; plan: string };
  /** A shard that wrote an SBOM: its components, which the gate merging the shards adds to its own. */
  components?: ResultComponent[];
}

/** An SBOM component as a result lists it (a shard's, for the gate's SBOM). */
export interface ResultComponent {
  purl: string;
  name: string;
  version?: string;
  /** The project (folder from the repository root) of the first lockfile holding it. */
  project?: string;
}
