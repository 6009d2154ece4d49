import * as fs from 'node:fs';
import { parseNpmAudit } from '../../src/parsers/npm-audit';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const ERROR_FIXTURES = ['npm-audit-error-ENOAUDIT.json'];
const FIXTURES = fs
  .readdirSync(fixture('npm-audit'))
  .filter((f) => !ERROR_FIXTURES.includes(f))
  .sort();

interface Via {
  source: number;
  name: string;
  url: string;
  severity: string;
  cwe?: string[];
  cvss?: { score: number };
}
interface V2 {
  vulnerabilities: Record<string, { via: (string | Via)[]; fixAvailable?: boolean | { name: string; version: string } }>;
}
interface V1Advisory {
  id: number;
  module_name: string;
  severity: string;
  cwe: string;
  cves: string[];
  github_advisory_id: string;
  patched_versions: string;
  findings: { version: string; paths: string[] }[];
}

const v2 = (name: string): V2 => JSON.parse(readFixture('npm-audit', name));
const v1 = (name: string): { advisories: Record<string, V1Advisory> } => JSON.parse(readFixture('npm-audit', name));
const parse = (name: string) => parseNpmAudit(readFixture('npm-audit', name));

describe('parseNpmAudit golden', () => {
  it('covers every npm audit fixture', () => {
    expect(FIXTURES).toHaveLength(6);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parse(name));
  });
});

describe('parseNpmAudit, npm 7+ (auditReportVersion 2)', () => {
  it('makes one finding per advisory object in via, none for package-name strings', () => {
    for (const name of FIXTURES.filter((f) => f.startsWith('npm7'))) {
      const report = v2(name);
      const advisories = new Set<string>();
      for (const v of Object.values(report.vulnerabilities))
        for (const via of v.via) if (typeof via !== 'string') advisories.add(`${via.source}/${via.name}`);
      const findings = parse(name);
      expect(findings).toHaveLength(advisories.size);
      expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
    }
  });

  it('attributes each advisory to the package it names, with no installed version', () => {
    const findings = parse('npm7-v2-axios-follow-redirects-transitive.json');
    expect(findings.map((f) => f.package?.name).sort()).toEqual(['axios', 'axios', 'axios', 'follow-redirects', 'follow-redirects']);
    // github-build is vulnerable only through axios: no finding of its own.
    expect(findings.some((f) => f.package?.name === 'github-build')).toBe(false);
    for (const f of findings) {
      expect(f.package).toMatchObject({ ecosystem: 'npm', purl: `pkg:npm/${f.package?.name}` });
      expect(f.package?.version).toBeUndefined();
    }
  });

  it('takes the GHSA id from the advisory URL and keeps the npm number as NPM-<n> alias', () => {
    const findings = parse('npm7-v2-axios-follow-redirects-transitive.json');
    const f = findings.find((x) => x.id === 'GHSA-cph5-m8f7-6c5x');
    expect(f).toMatchObject({ aliases: ['NPM-1038749'], title: 'Incorrect Comparison in axios', severity: 'high' });
    expect(f?.url).toMatch(/\/advisories\/GHSA-cph5-m8f7-6c5x$/);
  });

  it('uses NPM-<n> as id when the advisory URL carries no GHSA id (early npm 7)', () => {
    const findings = parse('npm7-v2-early-npmjs-advisory-urls.json');
    expect(findings.every((f) => /^NPM-\d+$/.test(f.id) && f.aliases.length === 0)).toBe(true);
    expect(findings.find((f) => f.id === 'NPM-1488')).toMatchObject({ package: { name: 'acorn' }, severity: 'medium' });
  });

  it('maps moderate to medium and keeps low/high', () => {
    const report = v2('npm7-v2-vercel-cwe-cvss.json');
    const expected: Record<string, string> = { moderate: 'medium', low: 'low', high: 'high' };
    const bySource = new Map<string, string>();
    for (const v of Object.values(report.vulnerabilities))
      for (const via of v.via) if (typeof via !== 'string') bySource.set(`NPM-${via.source}`, expected[via.severity]);
    for (const f of parse('npm7-v2-vercel-cwe-cvss.json')) expect(f.severity).toBe(bySource.get(f.aliases[0]));
  });

  it('reads cwe and cvss.score', () => {
    const debug = parse('npm7-v2-vercel-cwe-cvss.json').find((f) => f.package?.name === 'debug');
    expect(debug).toMatchObject({ id: 'GHSA-gxpj-cx7g-858c', cwes: ['CWE-400'], cvssScore: 5.3 });
    expect(parse('npm7-v2-axios-follow-redirects-transitive.json')[0].cvssScore).toBeUndefined();
  });

  it('sets fixedVersions only from a fixAvailable naming the same package', () => {
    const findings = parse('npm7-v2-axios-follow-redirects-transitive.json');
    for (const f of findings) {
      expect(f.package?.fixedVersions).toEqual(f.package?.name === 'axios' ? ['0.26.0'] : []);
    }
    // Every vercel advisory's fixAvailable names vercel, never the vulnerable package itself.
    expect(parse('npm7-v2-vercel-cwe-cvss.json').every((f) => f.package?.fixedVersions.length === 0)).toBe(true);
  });

  it('returns no findings for an empty vulnerabilities map', () => {
    expect(parse('npm7-v2-no-vulnerabilities.json')).toEqual([]);
  });

  it('folds the same advisory listed under two entries into one finding', () => {
    const via = { source: 7, name: 'lodash', title: 'Proto pollution', url: 'https://example.test/advisories/GHSA-aaaa-bbbb-cccc', severity: 'critical' };
    const text = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {
        lodash: { name: 'lodash', severity: 'critical', via: [via], fixAvailable: { name: 'lodash', version: '4.17.21' } },
        other: { name: 'other', severity: 'critical', via: [via, 'lodash'], fixAvailable: true },
      },
    });
    const findings = parseNpmAudit(text);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'GHSA-aaaa-bbbb-cccc', severity: 'critical', package: { fixedVersions: ['4.17.21'] } });
  });

  it('falls back to the id for an empty title and drops an empty url', () => {
    const via = { source: 8, name: 'x', title: '', url: '', severity: 'info' };
    const [f] = parseNpmAudit(JSON.stringify({ auditReportVersion: 2, vulnerabilities: { x: { name: 'x', severity: 'info', via: [via] } } }));
    expect(f).toMatchObject({ id: 'NPM-8', title: 'NPM-8', severity: 'info' });
    expect(f.url).toBeUndefined();
  });

  it('fails when packages are listed as vulnerable but no advisory is', () => {
    const text = JSON.stringify({ auditReportVersion: 2, vulnerabilities: { a: { name: 'a', severity: 'high', via: ['b'] }, b: { name: 'b', severity: 'high', via: ['a'] } } });
    expect(() => parseNpmAudit(text)).toThrow(/no advisory is; the report is incomplete/);
  });

  it('fails when a package is vulnerable through one that has no entry (its advisory is gone)', () => {
    const via = { source: 8, name: 'x', title: 't', url: '', severity: 'high' };
    const text = JSON.stringify({ auditReportVersion: 2, vulnerabilities: { x: { name: 'x', severity: 'high', via: [via] }, a: { name: 'a', severity: 'high', via: ['x', 'constructor'] } } });
    expect(() => parseNpmAudit(text)).toThrow(/vulnerabilities entry 1 is vulnerable through a package that has no entry in vulnerabilities/);
    // Named by position: the names are the PR's dependencies, and could be anything.
    expect(() => parseNpmAudit(text.replace(/constructor/g, 'ghp_Canary0123'))).toThrow(/^(?![\s\S]*Canary)/);
  });

  it('fails on another auditReportVersion and on an advisory missing its url', () => {
    expect(() => parseNpmAudit(JSON.stringify({ auditReportVersion: 3, vulnerabilities: {} }))).toThrow(/only auditReportVersion 2/);
    const text = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: { a: { name: 'a', severity: 'high', via: [{ source: 1, name: 'a', title: 't', severity: 'high' }] } },
    });
    expect(() => parseNpmAudit(text)).toThrow(FormatError);
    expect(() => parseNpmAudit(text)).toThrow(/vulnerabilities\.\*\.via\.0: /);
  });
});

describe('parseNpmAudit, npm 6 (advisories map)', () => {
  it('makes one finding per advisory per installed version', () => {
    for (const name of FIXTURES.filter((f) => f.startsWith('npm6'))) {
      const expected = Object.values(v1(name).advisories).reduce((n, a) => n + new Set(a.findings.map((x) => x.version)).size, 0);
      expect(parse(name)).toHaveLength(expected);
    }
  });

  it('collapses several paths to one installed version and keeps two versions apart', () => {
    const findings = parse('npm6-v1-advisories-stringified-cwe.json');
    const ansi = findings.filter((f) => f.id === 'GHSA-93q8-gq69-wqmw');
    // The fixture lists 3.0.0 twice and 4.1.0 twice.
    expect(ansi.map((f) => f.package?.version).sort()).toEqual(['3.0.0', '4.1.0']);
    expect(findings.filter((f) => f.package?.name === 'tar' && f.id === 'GHSA-5955-9wpr-37jh')).toHaveLength(1);
  });

  it('parses cwe given as a JSON-encoded string, including an empty list', () => {
    const advisories = v1('npm6-v1-advisories-stringified-cwe.json').advisories;
    expect(advisories['1059486'].cwe).toBe('["CWE-915","CWE-1321"]');
    const findings = parse('npm6-v1-advisories-stringified-cwe.json');
    expect(findings.find((f) => f.aliases.includes('NPM-1059486'))?.cwes).toEqual(['CWE-1321', 'CWE-915']);
    expect(advisories['1059434'].cwe).toBe('[]');
    expect(findings.find((f) => f.aliases.includes('NPM-1059434'))?.cwes).toBeUndefined();
  });

  it('takes GHSA as id, CVEs and NPM-<id> as aliases, versions and purls from findings', () => {
    const [f] = parse('npm6-v1-advisories-axios-follow-redirects.json');
    expect(f).toMatchObject({
      id: 'GHSA-pw2r-vq6v-hr8c',
      aliases: ['CVE-2022-0536', 'NPM-1038442'],
      severity: 'medium',
      cvssScore: 5.9,
      cwes: ['CWE-200'],
      package: { name: 'follow-redirects', version: '1.0.0', purl: 'pkg:npm/follow-redirects@1.0.0', fixedVersions: ['1.14.8'] },
    });
  });

  it('drops the {score: 0, vectorString: null} placeholder CVSS', () => {
    const advisories = v1('npm6-v1-advisories-stringified-cwe.json').advisories;
    expect(advisories['1059412']).toMatchObject({ cvss: { score: 0, vectorString: null } });
    const f = parse('npm6-v1-advisories-stringified-cwe.json').find((x) => x.aliases.includes('NPM-1059412'));
    expect(f?.cvssScore).toBeUndefined();
  });
});

describe('parseNpmAudit errors', () => {
  it('throws FormatError naming ENOAUDIT and its summary, never "no findings"', () => {
    const text = readFixture('npm-audit', 'npm-audit-error-ENOAUDIT.json');
    expect(() => parseNpmAudit(text)).toThrow(FormatError);
    expect(() => parseNpmAudit(text)).toThrow(/the audit did not run \(ENOAUDIT: Your configured registry .* may not support audit requests/);
    expect(() => parseNpmAudit(text)).toThrow(/not a clean result: the registry's audit endpoint did not answer/);
  });

  it('reads the npm 10+ shape with the reason in a top-level message', () => {
    const text = JSON.stringify({
      message: 'request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9',
      error: { summary: '', detail: '' },
    });
    expect(() => parseNpmAudit(text)).toThrow(/the audit did not run \(no error code: request to .* failed, reason: connect ECONNREFUSED 127\.0\.0\.1:9\)/);
  });

  it('keeps credentials in a registry URL out of the message', () => {
    const text = JSON.stringify({ error: { code: 'E401', summary: 'Unable to authenticate with https://ci-user:s3cr3t-token@127.0.0.1:4873/', detail: '' } });
    expect(() => parseNpmAudit(text)).toThrow(/E401: Unable to authenticate with https:\/\/\*\*\*@127\.0\.0\.1:4873\/\); this is not a clean result: fix the cause and rerun/);
    expect(() => parseNpmAudit(text)).not.toThrow(/s3cr3t/);
  });

  it('explains ENOLOCK and errors without code or text', () => {
    expect(() => parseNpmAudit(JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.', detail: 'Try creating one first.' } }))).toThrow(
      /ENOLOCK: This command requires an existing lockfile\. Try creating one first\.\).*create one/,
    );
    expect(() => parseNpmAudit(JSON.stringify({ error: {} }))).toThrow(/no error code: no details given/);
  });

  it('throws FormatError on truncated JSON and says what a wrong file looks like', () => {
    const text = readFixture('npm-audit', 'npm7-v2-vercel-cwe-cvss.json');
    expect(() => parseNpmAudit(text.slice(0, 1000))).toThrow(/npm audit --json report: not valid JSON/);
    expect(() => parseNpmAudit(readFixture('pip-audit', 'pip-audit-no-vulns.json'))).toThrow(/this looks like pip-audit output, not npm audit/);
    expect(() => parseNpmAudit(JSON.stringify({ advisories: { 1: { id: 1 } } }))).toThrow(/advisories\.\*\.module_name/);
  });
});
