import * as fs from 'node:fs';
import { parsePnpmAudit } from '../../src/parsers/pnpm-audit';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('pnpm-audit')).sort();

interface Advisory {
  id: number;
  module_name: string;
  severity: string;
  github_advisory_id: string;
  cves: string[];
  findings: { version: string; paths: string[] }[];
}
const advisories = (name: string): Advisory[] => Object.values(JSON.parse(readFixture('pnpm-audit', name)).advisories);
const parse = (name: string) => parsePnpmAudit(readFixture('pnpm-audit', name));

describe('parsePnpmAudit golden', () => {
  it('covers every pnpm audit fixture', () => {
    expect(FIXTURES).toHaveLength(3);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parse(name));
  });
});

describe('parsePnpmAudit', () => {
  it('makes one finding per advisory per installed version', () => {
    for (const name of FIXTURES) {
      const expected = advisories(name).reduce((n, a) => n + new Set(a.findings.map((f) => f.version)).size, 0);
      expect(parse(name)).toHaveLength(expected);
    }
  });

  it('reads ids, versions, severities and CWEs of each advisory', () => {
    const raw = advisories('pnpm-audit-allowlisted-path.json');
    const findings = parse('pnpm-audit-allowlisted-path.json');
    expect(findings.map((f) => f.id)).toEqual(raw.map((a) => a.github_advisory_id));
    expect(findings.map((f) => f.package?.version)).toEqual(raw.map((a) => a.findings[0].version));
    expect(findings.map((f) => f.severity)).toEqual(raw.map((a) => (a.severity === 'moderate' ? 'medium' : a.severity)));
    const axiosDos = findings.find((f) => f.id === 'GHSA-42xw-2xvc-qx8m');
    expect(axiosDos).toMatchObject({
      aliases: ['CVE-2019-10742', 'NPM-1066821'],
      cwes: ['CWE-20', 'CWE-755'],
      cvssScore: 7.5,
      package: { purl: 'pkg:npm/axios@0.15.3', fixedVersions: ['0.18.1'] },
    });
  });

  it('returns no findings for an empty advisories map', () => {
    expect(parse('pnpm-audit-none.json')).toEqual([]);
  });

  it('throws FormatError for an error object, truncated JSON or another format', () => {
    expect(() => parsePnpmAudit(JSON.stringify({ error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'The audit endpoint responded with 500' } }))).toThrow(
      /pnpm audit --json report: the audit did not run \(ERR_PNPM_AUDIT_BAD_RESPONSE: The audit endpoint responded with 500\)/,
    );
    const text = readFixture('pnpm-audit', 'pnpm-audit-qs-high.json');
    expect(() => parsePnpmAudit(text.slice(0, -20))).toThrow(FormatError);
    expect(() => parsePnpmAudit(readFixture('npm-audit', 'npm7-v2-no-vulnerabilities.json'))).toThrow(
      /pnpm audit --json report: unexpected format: advisories: .*this looks like npm audit \(npm 7\+\) output/,
    );
  });
});
