// Small GateResult objects for the renderer tests, built with the real finding model so
// fingerprints, aliases and merged tools look exactly like the engine's.
import { makeFinding, mergeFindings, SEVERITIES, type FindingInput, type Severity } from '../../src/core/finding';
import type { AppliedException, EvaluatedFinding, GateResult, ScannerStatus } from '../../src/core/result';
import type { ExceptionEntry } from '../../src/config/schema';

type Extra = Partial<Pick<EvaluatedFinding, 'blocking' | 'rationale' | 'exception' | 'vex'>>;

export function evaluated(input: FindingInput | FindingInput[], extra: Extra = {}): EvaluatedFinding {
  const inputs = Array.isArray(input) ? input : [input];
  const merged = mergeFindings(inputs.map(makeFinding));
  if (merged.length !== 1) throw new Error('inputs did not merge into one finding');
  const blocking = extra.blocking ?? false;
  return { ...merged[0], blocking, rationale: extra.rationale ?? (blocking ? 'blocks' : 'below threshold'), ...extra };
}

function zeroCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 };
}

/** A GateResult whose summary and byKind are computed from its findings, as the engine does. */
export function gateResult(parts: Partial<GateResult> = {}): GateResult {
  const findings = parts.findings ?? [];
  const summary = { ...zeroCounts(), blocking: 0, suppressed: 0, total: findings.length };
  const byKind: GateResult['byKind'] = {};
  for (const f of findings) {
    summary[f.severity]++;
    if (f.blocking) summary.blocking++;
    if (f.exception || f.vex) summary.suppressed++;
    (byKind[f.kind] ??= zeroCounts())[f.severity]++;
  }
  const blocking = summary.blocking > 0;
  return {
    schemaVersion: 1,
    tool: { name: 'chaingate', version: '0.1.0' },
    generatedAt: '2026-11-28T10:00:00.000Z',
    verdict: blocking ? 'fail' : 'pass',
    mode: 'enforce',
    reasons: blocking ? [`${summary.blocking} findings at or above the fail-on threshold`] : [],
    summary,
    byKind,
    findings,
    exceptions: { applied: [], expired: [], unused: [], expiringSoon: [], active: 0 },
    scanners: [],
    inputs: { vex: [] },
    ...parts,
  };
}

export function applied(index: number, entry: Partial<ExceptionEntry> & { id: string }, matched: string[], daysLeft: number): AppliedException {
  return {
    index,
    source: '.chaingate-exceptions.yml',
    entry: { reason: 'accepted risk', expires: '2027-01-31', ...entry },
    matched,
    daysLeft,
  };
}

export function scanner(name: string, status: ScannerStatus['status'], durationMs: number, findings: number, extra: Partial<ScannerStatus> = {}): ScannerStatus {
  return { name, status, durationMs, findings, ...extra };
}

export const HOSTILE_TITLE = 'Bad | title <script>alert(1)</script>\nsecond line **bold** [link](javascript:alert(1))';

/** One of everything: the representative result the goldens are made from. */
export function representative(): GateResult {
  const lodash = evaluated(
    [
      { tool: 'trivy', kind: 'vulnerability', severity: 'high', id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], title: 'lodash: command injection via template', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', fixedVersions: ['4.17.21'] }, cvssScore: 7.2, cwes: ['CWE-94'], url: 'https://nvd.example/CVE-2021-23337' },
      { tool: 'npm-audit', kind: 'vulnerability', severity: 'high', id: 'GHSA-35jh-r3h4-6jhm', title: 'Command Injection in lodash', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: ['4.17.21'] }, cwes: ['CWE-77'] },
      { tool: 'osv', kind: 'vulnerability', severity: 'unknown', id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], title: '', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } },
    ],
    { blocking: true, rationale: 'high >= fail-on.vulnerability high' },
  );
  const minimist = evaluated(
    { tool: 'npm-audit', kind: 'vulnerability', severity: 'critical', id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], title: 'Prototype Pollution in minimist', package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', fixedVersions: ['1.2.6'] }, location: { path: 'web/package-lock.json' } },
    { blocking: false, rationale: 'suppressed by VEX', vex: { source: 'vex/app.openvex.json', vulnerability: 'CVE-2021-44906', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'minimist only parses our own build flags' } },
  );
  const semgrep = evaluated(
    { tool: 'semgrep', kind: 'code', severity: 'high', id: 'javascript.express.security.injection.tainted-sql-string', title: HOSTILE_TITLE, description: 'User input reaches a SQL string.', location: { path: 'src/db/query.js', startLine: 12, endLine: 14 }, cwes: ['CWE-89'], url: 'javascript:alert(1)' },
    { blocking: true, rationale: 'high >= fail-on.code high' },
  );
  const secret = evaluated(
    { tool: 'trivy', kind: 'secret', severity: 'critical', id: 'aws-access-key-id', title: 'AWS Access Key ID', location: { path: 'config\\prod settings.env', startLine: 3, endLine: 3 } },
    { blocking: false, rationale: 'suppressed by exception', exception: { source: '.chaingate-exceptions.yml', index: 0, id: 'aws-access-key-id', reason: 'revoked test key kept as fixture', expires: '2026-12-03', owner: '@sec-team', ticket: 'SEC-42' } },
  );
  const requests = evaluated({ tool: 'pip-audit', kind: 'vulnerability', severity: 'medium', id: 'PYSEC-2023-74', aliases: ['CVE-2023-32681'], title: 'requests leaks Proxy-Authorization', package: { ecosystem: 'pypi', name: 'requests', version: '2.30.0', fixedVersions: ['2.31.0'] } });
  const dockerfile = evaluated({ tool: 'trivy', kind: 'misconfiguration', severity: 'low', id: 'DS026', title: 'No HEALTHCHECK defined', location: { path: './Dockerfile', startLine: 0 } });
  const license = evaluated({ tool: 'trivy', kind: 'license', severity: 'unknown', id: 'GPL-3.0', title: 'GPL-3.0 license', package: { name: 'readline-sync', fixedVersions: [] } });
  const signature = evaluated(
    { tool: 'cosign', kind: 'signature', severity: 'critical', id: 'image-unsigned', title: 'No valid signature for 127.0.0.1:5000/app@sha256:abc', description: 'cosign found no signature by an accepted key.' },
    { blocking: true, rationale: 'critical >= fail-on.signature low' },
  );
  const findings = [requests, secret, lodash, license, semgrep, dockerfile, signature, minimist];
  return gateResult({
    findings,
    verdict: 'fail',
    reasons: ['3 findings at or above the fail-on threshold', 'exception #2 in .chaingate-exceptions.yml expired on 2026-10-01'],
    exceptions: {
      applied: [applied(0, { id: 'aws-access-key-id', owner: '@sec-team', ticket: 'SEC-42', expires: '2026-12-03', reason: 'revoked test key kept as fixture' }, [secret.fingerprint], 5)],
      expired: [applied(1, { id: 'CVE-2021-23337', package: 'pkg:npm/lodash', paths: ['legacy/**'], expires: '2026-10-01', reason: 'template() never receives user input', owner: '@web-team' }, [lodash.fingerprint], -58)],
      unused: [applied(2, { id: 'GHSA-unused-0000-0000', expires: '2027-02-01', reason: 'left over' }, [], 65)],
      expiringSoon: [applied(0, { id: 'aws-access-key-id', owner: '@sec-team', ticket: 'SEC-42', expires: '2026-12-03', reason: 'revoked test key kept as fixture' }, [secret.fingerprint], 5)],
      active: 2,
      maxActive: 5,
    },
    scanners: [
      scanner('trivy-fs', 'ok', 65_400, 4, { outputs: ['out/trivy.json'] }),
      scanner('semgrep', 'ok', 1234, 1),
      scanner('audit', 'ok', 820, 3, { notes: ['pnpm audit unavailable; used the OSV matcher'] }),
      scanner('cosign', 'skipped', 0, 0),
    ],
    inputs: {
      policy: { path: '.chaingate.yml', sha256: 'a'.repeat(64) },
      exceptions: { path: '.chaingate-exceptions.yml', sha256: 'b'.repeat(64) },
      vex: [{ path: 'vex/app.openvex.json', sha256: 'c'.repeat(64) }],
    },
  });
}

/** n distinct findings, every other one blocking: for size and speed tests. */
export function many(n: number): EvaluatedFinding[] {
  const out: EvaluatedFinding[] = [];
  for (let i = 0; i < n; i++) {
    const sev = SEVERITIES[i % SEVERITIES.length];
    const f =
      i % 3 === 0
        ? makeFinding({ tool: 'semgrep', kind: 'code', severity: sev, id: `rule-${i % 50}`, title: `Finding number ${i} with | pipes <b>`, location: { path: `src/dir${i % 100}/file${i}.ts`, startLine: (i % 500) + 1 } })
        : makeFinding({ tool: i % 2 ? 'trivy' : 'npm-audit', kind: 'vulnerability', severity: sev, id: `CVE-2024-${10000 + (i % 5000)}`, title: `Advisory ${i}`, package: { ecosystem: 'npm', name: `pkg-${i}`, version: '1.0.0', purl: `pkg:npm/pkg-${i}@1.0.0`, fixedVersions: ['1.0.1'] } });
    out.push({ ...f, blocking: i % 2 === 0, rationale: 'r' });
  }
  return out;
}
