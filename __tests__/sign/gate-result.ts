// A gate result as chaingate scan writes it, for the VSA tests.
import type { GateResult } from '../../src/core/result';

export function gateResult(verdict: GateResult['verdict'], overrides: Partial<GateResult> = {}): GateResult {
  const zero = { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
  return {
    schemaVersion: 1,
    tool: { name: 'chaingate', version: '0.1.0' },
    generatedAt: '2026-03-01T10:00:00.000Z',
    verdict,
    mode: 'enforce',
    reasons: verdict === 'pass' ? [] : ['1 high vulnerability blocks (fail-on.vulnerability high)'],
    summary: { ...zero, high: verdict === 'pass' ? 0 : 1, low: 2, blocking: verdict === 'pass' ? 0 : 1, suppressed: 1, total: verdict === 'pass' ? 2 : 3 },
    byKind: {},
    findings: [],
    exceptions: { applied: [], expired: [], unused: [], expiringSoon: [], active: 1 },
    scanners: [
      { name: 'trivy-fs', status: 'ok', durationMs: 10, findings: 2 },
      { name: 'semgrep', status: 'ok', durationMs: 10, findings: 0 },
    ],
    inputs: {
      policy: { path: '.chaingate.yml', sha256: '1'.repeat(64) },
      exceptions: { path: '.chaingate-exceptions.yml', sha256: '2'.repeat(64) },
      vex: [],
    },
    ...overrides,
  };
}
