// The renderers on what the real policy engine produces, not only on hand-built results: the
// engine's GateResult must fit the published schema, and every report must render from it.
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { PolicySchema, ExceptionSchema } from '../../src/config/schema';
import { makeFinding, mergeFindings } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import { renderResultJson } from '../../src/reports/result-json';
import { gateResultJsonSchema, GateResultSchema } from '../../src/reports/result-schema';
import { renderSarifJson } from '../../src/reports/sarif';
import { renderSummary } from '../../src/reports/summary';
import type { GateResult } from '../../src/core/result';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SARIF_SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function engineResult(scannerFailed: boolean): GateResult {
  const findings = mergeFindings([
    makeFinding({ tool: 'trivy', kind: 'vulnerability', severity: 'high', id: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'], title: 'lodash command injection', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', fixedVersions: ['4.17.21'] }, location: { path: 'package-lock.json' } }),
    makeFinding({ tool: 'npm-audit', kind: 'vulnerability', severity: 'high', id: 'GHSA-35jh-r3h4-6jhm', title: 'Command Injection in lodash', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: ['4.17.21'] } }),
    makeFinding({ tool: 'npm-audit', kind: 'vulnerability', severity: 'critical', id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], title: 'Prototype Pollution in minimist', package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', fixedVersions: ['1.2.6'] } }),
    makeFinding({ tool: 'semgrep', kind: 'code', severity: 'medium', id: 'js.eval', title: 'eval | <b>', location: { path: 'src/a.js', startLine: 3 } }),
    makeFinding({ tool: 'trivy', kind: 'secret', severity: 'critical', id: 'aws-access-key-id', title: 'AWS Access Key ID', location: { path: 'legacy/keys.env', startLine: 1 } }),
  ]);
  const entries = [
    ExceptionSchema.parse({ id: 'aws-access-key-id', paths: ['legacy/**'], reason: 'revoked fixture key', expires: '2026-12-05', owner: '@sec' }),
    ExceptionSchema.parse({ id: 'CVE-2021-23337', package: 'pkg:npm/lodash', reason: 'template() never gets user input', expires: '2026-01-31' }),
    ExceptionSchema.parse({ id: 'GHSA-none-0000-0000', reason: 'left over', expires: '2027-01-31' }),
  ];
  return evaluate({
    findings,
    policy: PolicySchema.parse({ exceptions: { 'max-active': 5 } }),
    exceptions: [{ source: '.chaingate-exceptions.yml', entries }],
    vex: [
      {
        source: 'app.openvex.json',
        doc: {
          '@context': 'https://openvex.dev/ns/v0.2.0',
          statements: [{ vulnerability: { name: 'CVE-2021-44906' }, products: [{ '@id': 'pkg:npm/minimist@1.2.5' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
        },
      },
    ],
    scanners: [
      { name: 'trivy-fs', status: 'ok', durationMs: 4200, findings: 2 },
      scannerFailed ? { name: 'semgrep', status: 'failed', durationMs: 900_000, findings: 0, error: 'timed out after 900 s' } : { name: 'semgrep', status: 'ok', durationMs: 2100, findings: 1 },
    ],
    now: new Date('2026-11-28T12:00:00Z'),
    mode: 'enforce',
    inputs: { vex: [] },
    version: '0.1.0',
  });
}

describe('reports from the policy engine', () => {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  const validateResult = ajv.compile(gateResultJsonSchema());
  const ajv04 = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv04);
  const validateSarif = ajv04.compile(SARIF_SCHEMA);

  it.each([false, true])('render a valid result, SARIF log and summary (scanner failed: %s)', (failed) => {
    const result = engineResult(failed);
    const json = JSON.parse(renderResultJson(result));
    expect(validateResult(json) ? [] : validateResult.errors).toEqual([]);
    expect(GateResultSchema.safeParse(json).success).toBe(true);
    expect(json.findings).toHaveLength(4);

    const sarif = JSON.parse(renderSarifJson(result, { toolVersion: '0.1.0' }));
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([]);
    const results = sarif.runs.flatMap((r: { results: unknown[] }) => r.results);
    expect(results).toHaveLength(4);
    const suppressed = results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(suppressed).toHaveLength(json.summary.suppressed);

    const md = renderSummary(result, { resultFile: 'chaingate-result.json', sarifFile: 'chaingate.sarif' });
    const icon = { pass: '✅', fail: '❌', incomplete: '⚠️' }[result.verdict];
    expect(md.split('\n')[0].startsWith(`# ${icon} chaingate: ${result.verdict}`)).toBe(true);
    expect(result.verdict).not.toBe('pass');
    expect(md.includes('**Scanners that failed:**\n- semgrep: timed out after 900 s')).toBe(failed);
    expect(md).toContain('### Expired');
    expect(md).toContain('### Unused');
    expect(md).not.toContain('<b>');
  });
});
