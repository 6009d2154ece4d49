// How a verification joins the gate's result: its findings (kind `signature`) go with the rest,
// and it is listed with the scanners so the summary shows that it ran. Pure.
import type { ScannerStatus } from '../core/result';
import type { VerifyOutcome } from './run-verify';

export const VERIFY_SCANNER_NAME = 'cosign-verify';

/** A verification that ran is `ok` even when it failed: the failure is a finding, not an outage. */
export function verifyScannerStatus(o: VerifyOutcome, durationMs: number): ScannerStatus {
  return {
    name: VERIFY_SCANNER_NAME,
    status: 'ok',
    durationMs,
    findings: o.findings.length,
    notes: o.checks.map((c) => `${c.check}: ${c.ok ? `verified${c.by ? ` by ${c.by}` : ''}` : `FAILED${c.detail ? ` (${c.detail})` : ''}`} for ${o.subject}`),
  };
}

/** Verification could not run (cosign missing, registry down): the gate is incomplete. */
export function verifyScannerFailed(error: string, durationMs: number): ScannerStatus {
  return { name: VERIFY_SCANNER_NAME, status: 'failed', durationMs, findings: 0, error };
}
