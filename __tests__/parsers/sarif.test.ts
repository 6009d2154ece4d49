import { isSarif, parseSarif, parseSarifLog, toolName } from '../../src/parsers/sarif';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { readFixture } from '../helpers/paths';

const FIXTURES: [string, string][] = [
  ['trivy', 'sarif-image-alpine-310.sarif.json'],
  ['semgrep', 'sarif-1.163.0-custom-rules-requires-login-windows-paths.sarif.json'],
  ['semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json'],
  ['semgrep', 'sarif-nosemgrep-suppressions-snapshot.sarif.json'],
];

describe('parseSarif golden', () => {
  it.each(FIXTURES)('%s/%s', (dir, name) => {
    expectGolden(`parsers/${name}.findings.json`, parseSarif(readFixture(dir, name)));
  });
});

const log = (run: Record<string, unknown>): string => JSON.stringify({ version: '2.1.0', runs: [run] });
const rule = (id: string, extra: Record<string, unknown> = {}) => ({ id, ...extra });
const res = (ruleId: string, extra: Record<string, unknown> = {}) => ({
  ruleId,
  message: { text: `message of ${ruleId}\nmore` },
  locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a.js' }, region: { startLine: 3, endLine: 4 } } }],
  ...extra,
});

describe('parseSarif', () => {
  it.each(FIXTURES)('%s/%s: one finding per result not suppressed', (dir, name) => {
    const text = readFixture(dir, name);
    const raw = JSON.parse(text) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    const all = raw.runs.flatMap((r) => r.results);
    const { findings, suppressed } = parseSarifLog(text);
    expect(findings).toHaveLength(all.filter((r) => !r.suppressions?.length).length);
    expect(suppressed).toBe(all.length - findings.length);
  });

  it('leaves out and counts the nosemgrep-suppressed result', () => {
    expect(parseSarifLog(readFixture('semgrep', 'sarif-nosemgrep-suppressions-snapshot.sarif.json'))).toEqual({ findings: [], suppressed: 1 });
  });

  it('turns Windows backslash paths into one forward-slash spelling', () => {
    const fs = parseSarif(readFixture('semgrep', 'sarif-1.163.0-custom-rules-requires-login-windows-paths.sarif.json'));
    expect(new Set(fs.map((f) => f.location?.path))).toEqual(new Set(['Car_Dealership/web/sale/loginSale.jsp']));
    expect(fs[0]).toMatchObject({ tools: ['semgrep'], kind: 'code', severity: 'medium', location: { startLine: 62, endLine: 62 } });
  });

  it("reads Trivy's SARIF as vulnerabilities with their package", () => {
    const [f] = parseSarif(readFixture('trivy', 'sarif-image-alpine-310.sarif.json'));
    expect(f).toMatchObject({
      tools: ['trivy'],
      kind: 'vulnerability',
      id: 'CVE-2019-1549',
      severity: 'medium',
      cvssScore: 5.3,
      package: { name: 'libcrypto1.1', version: '1.1.1c-r0', fixedVersions: ['1.1.1d-r0'] },
    });
  });

  it('rates by security-severity, else the result level, else the rule default, else warning', () => {
    const text = log({
      tool: {
        driver: {
          name: 'CodeQL',
          rules: [
            rule('js/xss', { properties: { 'security-severity': '9.1', tags: ['security', 'external/cwe/cwe-079'] }, defaultConfiguration: { level: 'note' } }),
            rule('js/unused', { defaultConfiguration: { level: 'note' }, properties: { 'security-severity': '' } }),
            rule('js/plain'),
            rule('js/bad-score', { properties: { 'security-severity': 'high' }, defaultConfiguration: { level: 'error' } }),
          ],
        },
      },
      results: [res('js/xss'), res('js/unused'), res('js/unused', { level: 'none' }), res('js/plain'), res('js/bad-score'), res('js/plain', { level: 'bogus' }), res('js/xss', { level: 'error', kind: 'review' })],
    });
    const fs = parseSarif(text);
    expect(fs.map((f) => f.severity)).toEqual(['critical', 'low', 'info', 'medium', 'high', 'unknown', 'critical']);
    expect(fs[0]).toMatchObject({ tools: ['codeql'], kind: 'code', cwes: ['CWE-79'], title: 'message of js/xss', location: { path: 'src/a.js', startLine: 3, endLine: 4 } });
  });

  it('finds rules in tool extensions by index and by id (CodeQL packs)', () => {
    const text = log({
      tool: {
        driver: { name: 'CodeQL' },
        extensions: [{ name: 'codeql/javascript-queries', rules: [rule('js/sqli', { properties: { 'security-severity': '8.8' }, helpUri: 'https://x.test/sqli', fullDescription: { text: 'SQL built from user input.' } })] }],
      },
      results: [
        { rule: { id: 'js/sqli', index: 0, toolComponent: { index: 0 } }, message: { text: 'Query built from here' } },
        res('js/sqli', { ruleIndex: 5 }),
        { rule: { toolComponent: { index: 3 } }, message: {} },
        res('js/missing'),
      ],
    });
    const [byIndex, byId, noRule, missing] = parseSarif(text);
    expect(byIndex).toMatchObject({ id: 'js/sqli', severity: 'high', url: 'https://x.test/sqli', description: 'SQL built from user input.' });
    expect(byIndex.location).toBeUndefined();
    expect(byId.severity).toBe('high');
    expect(noRule).toMatchObject({ id: 'codeql-result', title: 'codeql-result', severity: 'medium' });
    expect(missing).toMatchObject({ id: 'js/missing', severity: 'medium' });
  });

  it('finds no rule in a missing tool extension', () => {
    const text = log({ tool: { driver: { name: 'CodeQL', rules: [rule('js/a', { defaultConfiguration: { level: 'error' } })] } }, results: [{ rule: { id: 'js/a', index: 0, toolComponent: { index: 0 } }, message: { text: 'm' } }] });
    // The id still finds it among the driver's rules.
    expect(parseSarif(text)[0].severity).toBe('high');
  });

  it('keeps results whose suppression is under review or rejected; skips passed checks', () => {
    const text = log({
      tool: { driver: { name: 'Semgrep OSS', rules: [rule('r1')] } },
      results: [
        res('r1', { suppressions: [{ kind: 'external', status: 'underReview' }] }),
        res('r1', { suppressions: [{ kind: 'inSource' }, { kind: 'external', status: 'rejected' }] }),
        res('r1', { suppressions: [{ kind: 'external', status: 'accepted' }] }),
        res('r1', { suppressions: [] }),
        res('r1', { kind: 'pass' }),
        res('r1', { kind: 'notApplicable' }),
      ],
    });
    const { findings, suppressed } = parseSarifLog(text);
    expect(findings).toHaveLength(3);
    expect(suppressed).toBe(1);
  });

  it('never takes a secret finding’s text from the message, which may quote the secret', () => {
    const secretMessage = 'aws-access-token has detected secret for file .env: AKIAIOSFODNN7EXAMPLE';
    const gitleaks = log({
      tool: { driver: { name: 'gitleaks', rules: [rule('aws-access-token', { shortDescription: { text: 'AWS access token' }, fullDescription: { text: 'Identified a pattern that may indicate AWS credentials' } })] } },
      results: [res('aws-access-token', { message: { text: secretMessage }, locations: [{ physicalLocation: { artifactLocation: { uri: '.env' }, region: { startLine: 1, snippet: { text: 'AKIAIOSFODNN7EXAMPLE' } } } }] })],
    });
    const [f] = parseSarif(gitleaks);
    expect(f).toMatchObject({ kind: 'secret', tools: ['gitleaks'], title: 'AWS access token', location: { path: '.env', startLine: 1 } });
    expect(JSON.stringify(f)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(f.description).toBeUndefined();
    const tagged = log({ tool: { driver: { name: 'Custom Scanner', rules: [rule('k', { properties: { tags: ['Secrets'] } })] } }, results: [res('k', { message: { text: 'token=abc123' } })] });
    const [t] = parseSarif(tagged);
    expect(t).toMatchObject({ kind: 'secret', tools: ['custom-scanner'], title: 'k' });
    expect(JSON.stringify(t)).not.toContain('abc123');
  });

  it('gives Trivy results their kind from the rule name, tags or id', () => {
    const trivy = log({
      tool: {
        driver: {
          name: 'Trivy',
          rules: [
            rule('DS002', { name: 'Misconfiguration', shortDescription: { text: 'Image user should not be root' } }),
            rule('aws-access-key-id', { name: 'Secret' }),
            rule('GPL-3.0', { name: 'License' }),
            rule('generic-secret', { properties: { tags: ['secret', 'security'] } }),
            rule('GHSA-aaaa-bbbb-cccc'),
            rule('KSV001'),
          ],
        },
      },
      results: [
        res('DS002', { message: { text: 'Artifact: Dockerfile\nType: dockerfile' } }),
        res('aws-access-key-id', { message: { text: 'Match: KEY=AKIAIOSFODNN7EXAMPLE' } }),
        res('GPL-3.0'),
        res('generic-secret'),
        res('GHSA-aaaa-bbbb-cccc', { message: { text: 'no package fields' } }),
        res('KSV001'),
        res('GHSA-aaaa-bbbb-cccc', { message: { text: 'Package: left-pad\nFixed Version: 1.3.0, 2.0.1' } }),
        res('GHSA-aaaa-bbbb-cccc', { message: { id: 'default' } }),
        res('GHSA-aaaa-bbbb-cccc', { message: { text: 'Package: right-pad\nInstalled Version: 0.1.0' } }),
      ],
    });
    const fs = parseSarif(trivy);
    expect(fs.map((f) => f.kind)).toEqual(['misconfiguration', 'secret', 'license', 'secret', 'vulnerability', 'misconfiguration', 'vulnerability', 'vulnerability', 'vulnerability']);
    expect(fs[0].title).toBe('Image user should not be root');
    expect(fs[1].title).toBe('Secret');
    expect(JSON.stringify(fs)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(fs[4].package).toBeUndefined();
    expect(fs[4].cvssScore).toBeUndefined();
    expect(fs[6].package).toEqual({ name: 'left-pad', fixedVersions: ['1.3.0', '2.0.1'] });
    expect(fs[7]).toMatchObject({ kind: 'vulnerability', title: 'GHSA-aaaa-bbbb-cccc' });
    expect(fs[7].package).toBeUndefined();
    expect(fs[8].package).toEqual({ name: 'right-pad', version: '0.1.0', fixedVersions: [] });
  });

  it('treats IaC scanners as misconfiguration and normalizes file URIs', () => {
    const text = log({
      tool: { driver: { name: 'checkov', rules: [rule('CKV_AWS_1')] } },
      results: [
        res('CKV_AWS_1', { locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///C:/repo/infra/main%20tf/a.tf' } } }] }),
        res('CKV_AWS_1', { locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///home/u/repo/./x/../b.tf' } } }] }),
        res('CKV_AWS_1', { locations: [{ physicalLocation: { artifactLocation: { uri: 'bad%zzname.tf' } } }] }),
        res('CKV_AWS_1', { locations: [{ physicalLocation: {} }] }),
      ],
    });
    const fs = parseSarif(text);
    expect(fs.map((f) => f.kind)).toEqual(['misconfiguration', 'misconfiguration', 'misconfiguration', 'misconfiguration']);
    expect(fs.map((f) => f.location?.path)).toEqual(['C:/repo/infra/main tf/a.tf', '/home/u/repo/b.tf', 'bad%zzname.tf', undefined]);
  });

  it('names tools by their usual name', () => {
    expect(toolName('Semgrep OSS')).toBe('semgrep');
    expect(toolName('Trivy')).toBe('trivy');
    expect(toolName('ESLint (v9)')).toBe('eslint-v9');
    expect(toolName('***')).toBe('sarif');
  });

  it('reads a run with an empty results array as no findings, a run without one or that failed as no result', () => {
    expect(parseSarif(log({ tool: { driver: { name: 'x' } }, results: [] }))).toEqual([]);
    expect(parseSarif(JSON.stringify({ version: '2.1.0', runs: [] }))).toEqual([]);
    expect(() => parseSarif(log({ tool: { driver: { name: 'x' } } }))).toThrow(/run 0 has no "results" array, which in SARIF means the tool did not produce results/);
    expect(() => parseSarif(log({ tool: { driver: { name: 'x' } }, results: null }))).toThrow(FormatError);
    expect(() => parseSarif(log({ tool: { driver: { name: 'x' } }, invocations: [{ executionSuccessful: false }], results: [] }))).toThrow(
      /run 0 has an invocation with executionSuccessful false; this is not a clean result/,
    );
    expect(parseSarif(log({ tool: { driver: { name: 'x' } }, invocations: [{ executionSuccessful: true }, {}], results: [] }))).toEqual([]);
  });

  it('rejects keys SARIF does not define for a log or a run', () => {
    expect(() => parseSarif(JSON.stringify({ version: '2.1.0', runs: [], extra: 1 }))).toThrow(/unexpected key in the log/);
    expect(() => parseSarif(log({ tool: { driver: { name: 'x' } }, results: [], findings: [] }))).toThrow(/run 0: unexpected key, which/);
    expect(() => parseSarif(log({ tool: { driver: { name: 'ghp_Canary0123' } }, results: [], ghp_Canary0123: [] }))).toThrow(/^(?![\s\S]*Canary)/);
    expect(() => parseSarif(readFixture('hostile', 'reports', 'pass-sarif-one-byte-key.json'))).toThrow(/runs\.0: unexpected key "resul s" where "results" belongs/);
    expect(parseSarif(JSON.stringify({ $schema: 's', version: '2.1.0', runs: [], properties: {}, inlineExternalProperties: [] }))).toEqual([]);
  });

  describe('isSarif', () => {
    it('recognizes SARIF logs only', () => {
      expect(isSarif(JSON.parse(readFixture('trivy', 'sarif-image-alpine-310.sarif.json')))).toBe(true);
      expect(isSarif({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', runs: [] })).toBe(true);
      expect(isSarif({ runs: [] })).toBe(false);
      expect(isSarif(JSON.parse(readFixture('trivy', 'image-alpine-310.json')))).toBe(false);
      expect(isSarif([])).toBe(false);
      expect(isSarif(null)).toBe(false);
    });
  });

  describe('when the input is not a SARIF 2.1.0 log', () => {
    it('throws a FormatError for truncated JSON', () => {
      const text = readFixture('semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json');
      expect(() => parseSarif(text.slice(0, 300))).toThrow(FormatError);
    });

    it('names the problem for other formats and versions', () => {
      expect(() => parseSarif(readFixture('trivy', 'image-alpine-310.json'))).toThrow(/not a SARIF log/);
      expect(() => parseSarif(JSON.stringify({ version: '2.0.0', runs: [] }))).toThrow(/SARIF version 2\.0\.0 is not supported/);
      expect(() => parseSarif(JSON.stringify({ version: '2.1.0', runs: [{ results: [] }] }))).toThrow(/runs\.0\.tool/);
      expect(() => parseSarif(log({ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'r' }] }))).toThrow(/runs\.0\.results\.0\.message/);
    });
  });
});
