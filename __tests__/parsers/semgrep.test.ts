import * as fs from 'node:fs';
import { parseSemgrep, semgrepErrors } from '../../src/parsers/semgrep';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const JSON_FIXTURES = fs
  .readdirSync(fixture('semgrep'))
  .filter((f) => f.startsWith('json-'))
  .sort();

interface RawResult {
  check_id: string;
  path: string;
  start: { line: number };
  extra: { severity: string; message: string; metadata?: { cwe?: string | string[] } };
}
function raw(name: string): { results: RawResult[]; errors: unknown[] } {
  return JSON.parse(readFixture('semgrep', name));
}

/** A minimal report around results, the way `semgrep --json` writes it. */
function report(results: unknown[], errors: unknown[] = []): string {
  return JSON.stringify({ version: '1.185.0', results, errors, paths: { scanned: [] } });
}

function result(extra: Record<string, unknown>, checkId = 'rules.example'): Record<string, unknown> {
  return {
    check_id: checkId,
    path: 'src/app.py',
    start: { line: 3, col: 1, offset: 10 },
    end: { line: 4, col: 2, offset: 40 },
    extra: { message: 'Example message', severity: 'WARNING', metadata: {}, ...extra },
  };
}

describe('parseSemgrep golden', () => {
  it('covers every semgrep JSON fixture', () => {
    expect(JSON_FIXTURES).toHaveLength(6);
  });

  it.each(JSON_FIXTURES)('%s', (name) => {
    const findings = parseSemgrep(readFixture('semgrep', name));
    expect(findings).toHaveLength(raw(name).results.length);
    expectGolden(`parsers/${name}.findings.json`, findings);
    expectGolden(`parsers/${name}.errors.json`, semgrepErrors(readFixture('semgrep', name)));
  });
});

describe('parseSemgrep', () => {
  it('keeps one finding per result, in order, with rule id, path and lines', () => {
    const name = 'json-1.30.0-go-findings.json';
    const findings = parseSemgrep(readFixture('semgrep', name));
    expect(findings.map((f) => [f.id, f.location?.path, f.location?.startLine])).toEqual(
      raw(name).results.map((r) => [r.check_id, r.path, r.start.line]),
    );
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it('maps legacy ERROR/WARNING/INFO to high/medium/low and the newer words as such', () => {
    const sev = (s: string) => parseSemgrep(report([result({ severity: s })]))[0].severity;
    expect(['ERROR', 'WARNING', 'INFO'].map(sev)).toEqual(['high', 'medium', 'low']);
    expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map(sev)).toEqual(['critical', 'high', 'medium', 'low']);
    expect(['INVENTORY', 'EXPERIMENTAL'].map(sev)).toEqual(['info', 'info']);
    expect(sev('BOGUS')).toBe('unknown');
  });

  it('maps every fixture severity the same way', () => {
    const expected: Record<string, string> = { ERROR: 'high', WARNING: 'medium', INFO: 'low', LOW: 'low' };
    for (const name of JSON_FIXTURES) {
      const findings = parseSemgrep(readFixture('semgrep', name));
      expect(findings.map((f) => f.severity)).toEqual(raw(name).results.map((r) => expected[r.extra.severity]));
    }
  });

  it('reads metadata.cwe given as a string (old reports) or a list', () => {
    const name = 'json-legacy-no-version-cwe-string.json';
    const results = raw(name).results;
    const withStringCwe = results.findIndex((r) => typeof r.extra.metadata?.cwe === 'string');
    expect(withStringCwe).toBeGreaterThanOrEqual(0);
    const cweText = results[withStringCwe].extra.metadata?.cwe as string;
    const findings = parseSemgrep(readFixture('semgrep', name));
    expect(findings[withStringCwe].cwes).toEqual([cweText.split(':')[0]]);
    expect(findings.filter((f) => f.cwes).length).toBe(results.filter((r) => r.extra.metadata?.cwe).length);

    const listed = parseSemgrep(report([result({ metadata: { cwe: ['CWE-89: SQL Injection', 'cwe-79: XSS', 'not a cwe'] } })]));
    expect(listed[0].cwes).toEqual(['CWE-79', 'CWE-89']);
    expect(parseSemgrep(report([result({ metadata: { cwe: 'no number here' } })]))[0].cwes).toBeUndefined();
  });

  it('takes the first sentence of the message as title and keeps the whole message as description', () => {
    const [f] = parseSemgrep(report([result({ message: '\n  shell=True is dangerous.  \nUse a list of arguments.\n' })]));
    expect(f.title).toBe('shell=True is dangerous.');
    expect(f.description).toBe('shell=True is dangerous.  \nUse a list of arguments.');
    const [single] = parseSemgrep(report([result({ message: 'One line' })]));
    expect(single.title).toBe('One line');
    expect(single.description).toBeUndefined();
    const [empty] = parseSemgrep(report([result({ message: '   ' }, 'rules.empty-message')]));
    expect(empty.title).toBe('rules.empty-message');
  });

  it('does not cut a hard-wrapped message (old rules) mid-sentence', () => {
    const name = 'json-legacy-no-version-cwe-string.json';
    const i = raw(name).results.findIndex((r) => r.check_id.endsWith('insecure-hash-algorithm-md5'));
    expect(raw(name).results[i].extra.message).toContain('MD5 is not\ncollision');
    const f = parseSemgrep(readFixture('semgrep', name))[i];
    expect(f.title).toBe('Detected MD5 hash algorithm which is considered insecure.');
    expect(f.description).toContain('MD5 is not\ncollision resistant');
  });

  it('never lets the "requires login" placeholders reach a finding', () => {
    const text = readFixture('semgrep', 'json-1.144.0-requires-login-minified.json');
    expect(text).toContain('"fingerprint":"requires login"');
    const findings = parseSemgrep(text);
    expect(findings).toHaveLength(6);
    expect(JSON.stringify(findings)).not.toContain('requires login');
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(6);
  });

  it('takes the url from metadata.source, else the first http(s) reference', () => {
    const url = (metadata: unknown) => parseSemgrep(report([result({ metadata })]))[0].url;
    expect(url({ source: 'https://example.test/r/1', references: ['https://example.test/ref'] })).toBe('https://example.test/r/1');
    expect(url({ references: ['see docs', 'https://example.test/ref'] })).toBe('https://example.test/ref');
    expect(url({ references: 'https://example.test/single' })).toBe('https://example.test/single');
    expect(url({})).toBeUndefined();
    expect(parseSemgrep(report([result({ metadata: null })]))[0].url).toBeUndefined();
  });

  it('makes secrets-rule findings kind secret, by metadata or rule id', () => {
    const kind = (metadata: unknown, id = 'rules.example') => parseSemgrep(report([result({ metadata }, id)]))[0].kind;
    expect(kind({ category: 'security', subcategory: ['secrets'] })).toBe('secret');
    expect(kind({ category: 'secrets' })).toBe('secret');
    expect(kind({ tags: 'secret' })).toBe('secret');
    expect(kind({ technology: ['secrets', 'aws'] })).toBe('secret');
    expect(kind({}, 'generic.secrets.security.detected-aws-access-key-id-value')).toBe('secret');
    expect(kind({ category: 'security', subcategory: ['vuln'] })).toBe('code');
    expect(kind({ category: 'security', technology: 'secretary-app' })).toBe('code');
  });

  it('makes misconfiguration rules (tagged so, or about infrastructure) kind misconfiguration', () => {
    const kind = (metadata: unknown) => parseSemgrep(report([result({ metadata })]))[0].kind;
    expect(kind({ category: 'security', tags: ['misconfiguration'] })).toBe('misconfiguration');
    expect(kind({ subcategory: 'Misconfigurations' })).toBe('misconfiguration');
    expect(kind({ category: 'security', technology: ['dockerfile'] })).toBe('misconfiguration');
    expect(kind({ technology: ['GitHub-Actions'] })).toBe('misconfiguration');
    expect(kind({ technology: ['kubernetes', 'yaml'] })).toBe('misconfiguration');
    expect(kind({ technology: ['express'], tags: ['misconfigured-app'] })).toBe('code');
    // A secret in a Dockerfile is still a secret.
    expect(kind({ subcategory: ['secrets'], technology: ['dockerfile'] })).toBe('secret');
  });

  it('redacts metavariable values and key-like tokens from a secrets rule message, not from other rules', () => {
    const metavars = { $KEY: { abstract_content: 'hunter-two!' }, $X: { abstract_content: 'key' } };
    const message = 'Hard-coded key hunter-two! found.\nAlso AKIAIOSFODNN7EXAMPLE and correcthorsebatterystaple, a key and a password_field, call 123456789012.';
    const [secret] = parseSemgrep(report([result({ message, metavars, metadata: { subcategory: ['secrets'] } })]));
    expect(secret.title).toBe('Hard-coded key [redacted] found.');
    expect(secret.description).toBe('Hard-coded key [redacted] found.\nAlso [redacted] and [redacted], a key and a password_field, call 123456789012.');
    const [code] = parseSemgrep(report([result({ message, metavars })]));
    expect(code.description).toBe(message);
  });

  it('reads odd custom-rule metadata without failing the report', () => {
    const metadata = { cwe: 89, references: { a: 1 }, source: 7, category: 5, technology: [1, 'secrets'], subcategory: null };
    const [f] = parseSemgrep(report([result({ metadata })]));
    expect(f).toMatchObject({ kind: 'secret', id: 'rules.example' });
    expect(f.cwes).toBeUndefined();
    expect(f.url).toBeUndefined();
  });

  it('throws FormatError on truncated JSON', () => {
    const text = readFixture('semgrep', 'json-1.30.0-go-findings.json');
    expect(() => parseSemgrep(text.slice(0, text.length / 2))).toThrow(FormatError);
    expect(() => parseSemgrep(text.slice(0, text.length / 2))).toThrow(/not valid JSON.*truncated/);
    expect(() => parseSemgrep('')).toThrow(/empty/);
  });

  it('throws FormatError naming the field when a result lacks a required field', () => {
    const broken = result({});
    delete broken.check_id;
    expect(() => parseSemgrep(report([broken]))).toThrow(/results\.0\.check_id/);
    expect(() => parseSemgrep(report([result({ severity: 3 })]))).toThrow(/results\.0\.extra\.severity/);
  });

  it('says which tool wrote a report given to the wrong parser', () => {
    expect(() => parseSemgrep(readFixture('npm-audit', 'npm7-v2-no-vulnerabilities.json'))).toThrow(
      /semgrep --json report: unexpected format: results: .*this looks like npm audit \(npm 7\+\) output/,
    );
    expect(() => parseSemgrep(readFixture('semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json'))).toThrow(/this looks like a SARIF log/);
    expect(() => parseSemgrep('[1, 2]')).toThrow(/semgrep --json report: unexpected format: \(root\)/);
  });
});

describe('semgrepErrors', () => {
  it('returns the errors of a report, warnings not fatal', () => {
    const name = 'json-errors-warnings-nosem-snapshot.json';
    const errors = semgrepErrors(readFixture('semgrep', name));
    expect(errors).toHaveLength(raw(name).errors.length);
    expect(errors.every((e) => e.level === 'warn' && e.type === 'SemgrepWarning' && !e.fatal)).toBe(true);
    expect(errors[0].path).toBe('targets/nosem_invalid_id/nosem_invalid_id.js');
  });

  it('treats a syntax error in a target file as not fatal, even at level error', () => {
    const errors = semgrepErrors(readFixture('semgrep', 'json-1.144.0-requires-login-minified.json'));
    expect(errors).toEqual([expect.objectContaining({ type: 'Syntax error', path: 'safety-output.json', fatal: false })]);
    const old = semgrepErrors(report([], [{ level: 'error', type: 'Lexical error', message: 'bad token', path: 'a.js' }]));
    expect(old[0].fatal).toBe(false);
  });

  it('makes rule errors, fatal errors, timeouts and unknown error types at level error fatal', () => {
    const errs = semgrepErrors(
      report(
        [],
        [
          { code: 2, level: 'error', type: 'Invalid rule', message: 'bad rule', rule_id: 'r1' },
          { code: 2, level: 'error', type: 'Fatal error', message: 'boom' },
          { code: 3, level: 'error', type: 'Timeout', message: 'timed out', path: 'big.js' },
          { code: 2, level: 'error', type: 'Something new', message: 'new' },
          { code: 3, level: 'warn', type: 'Timeout', message: 'timed out', path: 'big.js' },
        ],
      ),
    );
    expect(errs.map((e) => e.fatal)).toEqual([true, true, true, true, false]);
    expect(errs[0]).toEqual({ level: 'error', type: 'Invalid rule', message: 'bad rule', ruleId: 'r1', fatal: true });
  });

  it('reads the [name, details] error type and short_msg/long_msg errors', () => {
    const errs = semgrepErrors(
      report(
        [],
        [
          { level: 'warn', type: ['PartialParsing', [{ path: 'B.java' }]], message: 'Syntax error at line B.java:2', path: 'B.java' },
          { level: 'error', type: 'InvalidRuleSchemaError', short_msg: 'Invalid rule schema', long_msg: 'x is not valid', spans: [{ file: 'rules.yml' }] },
          { level: 'error', type: 'SemgrepError' },
        ],
      ),
    );
    expect(errs[0]).toMatchObject({ type: 'PartialParsing', fatal: false });
    expect(errs[1]).toEqual({ level: 'error', type: 'InvalidRuleSchemaError', message: 'Invalid rule schema: x is not valid', path: 'rules.yml', fatal: true });
    expect(errs[2].message).toBe('SemgrepError');
  });

  it('rejects a report without an errors field: semgrep always writes one, so it was cut or edited', () => {
    expect(() => semgrepErrors(JSON.stringify({ results: [] }))).toThrow(/errors: Invalid input: expected array/);
    expect(() => parseSemgrep(JSON.stringify({ results: [] }))).toThrow(FormatError);
  });

  it('throws FormatError for an error without a level', () => {
    expect(() => semgrepErrors(report([], [{ type: 'Fatal error', message: 'x' }]))).toThrow(/errors\.0\.level/);
  });
});
