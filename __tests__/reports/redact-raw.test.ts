// The raw tool reports kept in the output folder lose the code they quote (neighbouring secrets
// sit unmasked in Trivy's context lines) and keep everything else.
import { redactSemgrepReport, redactTrivyReport, REDACTED } from '../../src/reports/redact-raw';
import { readFixture } from '../helpers/paths';

const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];

describe('redactTrivyReport', () => {
  it('blanks Match and every Code line of secrets and misconfigurations, keeping line numbers and rules', () => {
    const report = JSON.parse(readFixture('trivy', 'fs-secrets.json'));
    const before = JSON.stringify(report);
    const secretLines = report.Results.flatMap((r: { Secrets?: { Code: { Lines: unknown[] } }[] }) => (r.Secrets ?? []).flatMap((s) => s.Code.Lines));
    expect(secretLines.length).toBeGreaterThan(0);
    const n = redactTrivyReport(report);
    expect(n).toBeGreaterThan(secretLines.length);
    for (const r of report.Results) {
      for (const s of r.Secrets ?? []) {
        expect(s.Match).toBe(REDACTED);
        expect(s.RuleID).toBeTruthy();
        for (const l of s.Code.Lines) {
          expect(typeof l.Number).toBe('number');
          if (l.Content !== '') expect(l.Content).toBe(REDACTED);
          if (l.Highlighted !== undefined && l.Highlighted !== '') expect(l.Highlighted).toBe(REDACTED);
        }
      }
    }
    expect(JSON.stringify(report)).not.toBe(before);
    expect(redactTrivyReport(report)).toBe(0);
  });

  it('blanks the code a misconfiguration quotes (a secret in an ENV line)', () => {
    const report = {
      Results: [
        null,
        { Target: 'Dockerfile', Misconfigurations: [{ ID: 'DS-0031', CauseMetadata: { StartLine: 2, Code: { Lines: [{ Number: 2, Content: 'ENV API_TOKEN=ghp_Canary', Highlighted: 'ENV API_TOKEN=ghp_Canary' }, 'x'] } } }, { ID: 'DS-0002' }, 1] },
        { Target: 'a', Secrets: [1, { RuleID: 'r', Match: '', Code: { Lines: [{ Number: 1, Content: '' }] } }, { RuleID: 'r' }] },
      ],
    };
    expect(redactTrivyReport(report)).toBe(2);
    expect(strings(report).join('\n')).not.toMatch(/Canary/);
    for (const v of [undefined, null, [], 'x', { Results: 'x' }]) expect(redactTrivyReport(v)).toBe(0);
  });

  it('leaves a vulnerability report alone', () => {
    const report = JSON.parse(readFixture('trivy', 'fs-npm-package-lock.json'));
    const before = JSON.stringify(report);
    expect(redactTrivyReport(report)).toBe(0);
    expect(JSON.stringify(report)).toBe(before);
  });
});

describe('redactSemgrepReport', () => {
  it('blanks matched lines, metavariable values and dataflow code, keeping positions and rule ids', () => {
    const report = JSON.parse(readFixture('semgrep', 'json-1.97.0-dataflow-trace.json'));
    const trace = JSON.stringify(report.results[0].extra.dataflow_trace);
    expect(trace).toContain('sys.argv');
    expect(redactSemgrepReport(report)).toBeGreaterThan(0);
    const r = report.results[0];
    expect(r.check_id).toBeTruthy();
    expect(r.start.line).toBeGreaterThan(0);
    expect(JSON.stringify(r.extra.dataflow_trace)).not.toMatch(/sys\.argv|"program"/);
    expect(r.extra.dataflow_trace.taint_source[0]).toBe('CliLoc');
    expect(r.extra.dataflow_trace.taint_source[1][0].path).toBe('sample/brute.py');
    for (const mv of Object.values<{ abstract_content: string }>(r.extra.metavars)) expect(mv.abstract_content).toBe(REDACTED);
  });

  it('blanks extra.lines except Semgrep’s own "requires login"', () => {
    const report = JSON.parse(readFixture('semgrep', 'json-1.30.0-go-findings.json'));
    expect(redactSemgrepReport(report)).toBeGreaterThan(0);
    for (const r of report.results) expect(r.extra.lines).toBe(REDACTED);
    const login = JSON.parse(readFixture('semgrep', 'json-1.144.0-requires-login-minified.json'));
    redactSemgrepReport(login);
    for (const r of login.results) expect(r.extra.lines).toBe('requires login');
    const odd = { results: [null, { extra: 'x' }, { extra: { lines: '', metavars: { $X: null, $Y: { abstract_content: 'k' } }, dataflow_trace: [{ content: 'c', n: ['t', 'code', [1]] }] } }] };
    expect(redactSemgrepReport(odd)).toBe(3);
    for (const v of [null, { results: 1 }]) expect(redactSemgrepReport(v)).toBe(0);
  });

  it('blanks the code a parse error quotes', () => {
    const report = {
      results: [],
      errors: [
        { code: 3, level: 'warn', message: 'Syntax error at line bad.js:2:\n `tok: Q1w2E3r4 ;;;` was unexpected', path: 'bad.js' },
        { message: 'Rule x: invalid pattern' },
        { message: 7 },
        null,
      ],
    };
    expect(redactSemgrepReport(report)).toBe(1);
    expect(report.errors[0]?.message).toBe(`Syntax error at line bad.js:2:\n \`${REDACTED}\` was unexpected`);
    expect(report.errors[1]?.message).toBe('Rule x: invalid pattern');
    expect(redactSemgrepReport(report)).toBe(0);
  });
});
