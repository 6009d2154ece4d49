import * as fs from 'node:fs';
import { npmAdvisoryFindings, fixedVersionsFromRange, npmAdvisoryId } from '../../src/parsers/npm-advisory';
import { ghsaFromUrl, guessReportKind, headline, parseCwes, redactUrlCredentials } from '../../src/parsers/report-fields';
import { fixture, readFixture } from '../helpers/paths';

describe('guessReportKind', () => {
  const EXPECTED: Record<string, string> = {
    trivy: 'Trivy JSON output',
    grype: 'grype JSON output',
    'osv-scanner': 'osv-scanner output',
    'pnpm-audit': 'npm 6 / pnpm / yarn 2-3 audit output',
  };

  it.each(Object.keys(EXPECTED))('recognizes every parseable %s fixture', (dir) => {
    const files = fs.readdirSync(fixture(dir)).filter((f) => f.endsWith('.json') && !f.endsWith('.sarif.json') && !f.endsWith('.cdx.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect([f, guessReportKind(JSON.parse(readFixture(dir, f)))]).toEqual([f, EXPECTED[dir]]);
  });

  it('recognizes SARIF, CycloneDX, pip-audit, npm 7, semgrep and a yarn 1 line', () => {
    const guess = (dir: string, f: string) => guessReportKind(JSON.parse(readFixture(dir, f)));
    expect(guess('trivy', 'sarif-image-alpine-310.sarif.json')).toBe('a SARIF log');
    expect(guess('trivy', 'cyclonedx-fs-npm.cdx.json')).toBe('a CycloneDX SBOM');
    expect(guess('pip-audit', 'pip-audit-no-vulns.json')).toBe('pip-audit output');
    expect(guess('npm-audit', 'npm7-v2-no-vulnerabilities.json')).toBe('npm audit (npm 7+) output');
    expect(guess('semgrep', 'json-legacy-no-version-cwe-string.json')).toBe('semgrep JSON output');
    expect(guessReportKind(JSON.parse(readFixture('yarn-audit', 'yarn1-classic-none.ndjson')))).toBe('yarn 1 audit NDJSON');
    expect(guessReportKind([])).toBeUndefined();
    expect(guessReportKind(null)).toBeUndefined();
    expect(guessReportKind({ results: [] })).toBeUndefined();
  });
});

describe('field helpers', () => {
  it('parseCwes reads arrays, JSON-encoded arrays and prose', () => {
    expect(parseCwes('["CWE-400","cwe-1333"]')).toEqual(['CWE-1333', 'CWE-400']);
    expect(parseCwes(['CWE-79: XSS', ['CWE-79']])).toEqual(['CWE-79']);
    expect(parseCwes(null)).toEqual([]);
    expect(parseCwes(42)).toEqual([]);
  });

  it('ghsaFromUrl takes the id at the end of an advisory URL only', () => {
    expect(ghsaFromUrl('https://github.com/advisories/GHSA-CPH5-m8f7-6c5x')).toBe('GHSA-cph5-m8f7-6c5x');
    expect(ghsaFromUrl('https://github.com/advisories/GHSA-cph5-m8f7-6c5x/')).toBe('GHSA-cph5-m8f7-6c5x');
    expect(ghsaFromUrl('https://example.test/advisories/1488')).toBeUndefined();
    expect(ghsaFromUrl(undefined)).toBeUndefined();
  });

  it('redactUrlCredentials removes user info from every URL', () => {
    expect(redactUrlCredentials('a https://u:p@127.0.0.1/x and http://token@127.0.0.1 b')).toBe('a https://***@127.0.0.1/x and http://***@127.0.0.1 b');
    expect(redactUrlCredentials('mail me@example.test, see https://127.0.0.1/a@b')).toBe('mail me@example.test, see https://127.0.0.1/a@b');
  });

  it('headline takes the first sentence of the first paragraph', () => {
    expect(headline('First line\nwrapped here. Second sentence.\n\nOther paragraph.')).toBe('First line wrapped here.');
    expect(headline('\n\n  \n')).toBe('');
  });

  it('fixedVersionsFromRange takes inclusive lower bounds and exact versions', () => {
    expect(fixedVersionsFromRange('>=1.14.8')).toEqual(['1.14.8']);
    expect(fixedVersionsFromRange('>=2.0.0 <3.0.0 || >=3.1.0')).toEqual(['2.0.0', '3.1.0']);
    expect(fixedVersionsFromRange('1.2.3')).toEqual(['1.2.3']);
    expect(fixedVersionsFromRange('<0.0.0')).toEqual([]);
    expect(fixedVersionsFromRange('>1.2.3')).toEqual([]);
    expect(fixedVersionsFromRange('*')).toEqual([]);
    expect(fixedVersionsFromRange('not a range !!')).toEqual([]);
    expect(fixedVersionsFromRange(null)).toEqual([]);
    expect(fixedVersionsFromRange('')).toEqual([]);
  });

  it('npmAdvisoryId prefixes numbers only', () => {
    expect(npmAdvisoryId(1488)).toBe('NPM-1488');
    expect(npmAdvisoryId('1488')).toBe('NPM-1488');
    expect(npmAdvisoryId('lodash (deprecation)')).toBe('lodash (deprecation)');
  });
});

describe('npmAdvisoryFindings on sparse advisories', () => {
  it('keeps an advisory without installed versions, url, title, overview or GHSA', () => {
    const [f] = npmAdvisoryFindings('npm-audit', [
      { id: 118, module_name: 'minimatch', severity: 'high', title: ' ', findings: [], patched_versions: '>=3.0.2' },
    ]);
    expect(f).toMatchObject({ id: 'NPM-118', aliases: [], title: 'NPM-118', package: { name: 'minimatch', purl: 'pkg:npm/minimatch', fixedVersions: ['3.0.2'] } });
    expect(f.package?.version).toBeUndefined();
    expect(f.url).toBeUndefined();
    expect(f.description).toBeUndefined();
  });

  it('uses the first CVE as id when there is no GHSA id', () => {
    const [f] = npmAdvisoryFindings('pnpm-audit', [
      { id: 7, module_name: 'x', severity: 'low', title: 't', findings: [{ version: '1.0.0' }], cves: ['CVE-2020-1'], url: 'https://example.test/advisories/7' },
    ]);
    expect(f).toMatchObject({ id: 'CVE-2020-1', aliases: ['NPM-7'], url: 'https://example.test/advisories/7', package: { version: '1.0.0' } });
  });
});
