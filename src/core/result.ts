// The gate's verdict and everything the reports render. Pure data.
import type { Finding, Severity } from './finding';
import type { ExceptionEntry } from '../config/schema';

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

export type Summary = Record<Severity, number> & { blocking: number; suppressed: number; total: number };

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
  inputs: { policy?: { path: string; sha256: string }; exceptions?: { path: string; sha256: string }; vex: { path: string; sha256: string }[] };
}
