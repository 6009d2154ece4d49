import * as fs from 'node:fs';
import { parseGrype } from '../../src/parsers/grype';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('grype')).filter((f) => f.endsWith('.json')).sort();

describe('parseGrype golden', () => {
  it('covers every grype fixture', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(2);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseGrype(readFixture('grype', name)));
  });
});

const match = (vulnerability: Record<string, unknown>, artifact: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  vulnerability: { id: 'CVE-2024-0001', severity: 'High', ...vulnerability },
  artifact: { name: 'pkg', version: '1.0.0', type: 'npm', locations: [], ...artifact },
  ...extra,
});
const reportOf = (matches: unknown[]): string => JSON.stringify({ matches, source: {}, descriptor: { name: 'grype' } });

describe('parseGrype', () => {
  it.each(FIXTURES)('%s: one finding per match', (name) => {
    const text = readFixture('grype', name);
    expect(parseGrype(text)).toHaveLength((JSON.parse(text) as { matches: unknown[] }).matches.length);
  });

  it('maps Negligible to low and keeps no fix for not-fixed / wont-fix', () => {
    const fs = parseGrype(readFixture('grype', 'grype-0.28.0-image-wontfix-negligible.json'));
    expect(fs[0]).toMatchObject({ id: 'CVE-2004-0971', severity: 'low', aliases: [] });
    // wont-fix with versions listed: those are not fixes.
    expect(fs[1]).toMatchObject({ id: 'CVE-2021-32626', package: { fixedVersions: [] } });
    expect(fs[4]).toMatchObject({
      id: 'GHSA-v6rh-hp5x-86rv',
      aliases: ['CVE-2021-44420'],
      package: { name: 'Django', purl: 'pkg:pypi/django@3.2.9', ecosystem: 'pypi', fixedVersions: ['3.2.10'] },
    });
  });

  it('takes the primary CVSS v3 score over v2 and secondary ones', () => {
    const fs = parseGrype(readFixture('grype', 'grype-0.94.0-image-epss-risk.json'));
    expect(fs.find((f) => f.id === 'CVE-2022-28391')?.cvssScore).toBe(8.8);
    expect(fs.find((f) => f.id === 'CVE-2024-58251')?.cvssScore).toBe(2.5);
    expect(fs.find((f) => f.id === 'CVE-2021-42376')?.package?.fixedVersions).toEqual(['1.34.0']);
  });

  it('builds a purl from the artifact type when grype gave none', () => {
    const [go, bin, odd] = parseGrype(
      reportOf([
        match({ cvss: [{ version: '2.0', metrics: { baseScore: 9 } }] }, { name: 'github.com/a/b', version: 'v1.2.3', type: 'go-module', locations: [{ path: '/app/bin' }] }),
        match({ fix: { versions: ['2.0.0'] } }, { name: 'tool', version: undefined, type: undefined, locations: undefined }),
        match({}, { name: 'thing', type: 'made-up', purl: 'not a purl' }, { relatedVulnerabilities: [{ id: 'CVE-2024-0001', description: 'From NVD.', cvss: [{ version: '3.1', type: 'Secondary', metrics: { baseScore: 6.1 } }] }] }),
      ]),
    );
    expect(go.package).toMatchObject({ purl: 'pkg:golang/github.com/a/b@v1.2.3', ecosystem: 'golang' });
    expect(go.location).toEqual({ path: '/app/bin' });
    expect(go.cvssScore).toBeUndefined();
    expect(bin.package).toEqual({ name: 'tool', fixedVersions: ['2.0.0'] });
    expect(bin.title).toBe('CVE-2024-0001 in tool');
    expect(odd.package).toEqual({ name: 'thing', version: '1.0.0', fixedVersions: [] });
    expect(odd.description).toBe('From NVD.');
    expect(odd.cvssScore).toBe(6.1);
  });

  it('ignores CVSS entries without a version and fix records without versions', () => {
    const [f] = parseGrype(
      reportOf([match({ cvss: [{ metrics: { baseScore: 5 } }], fix: { state: 'unknown' } }, {}, { relatedVulnerabilities: [{ id: 'GHSA-aaaa-bbbb-cccc' }] })]),
    );
    expect(f.cvssScore).toBeUndefined();
    expect(f.package?.fixedVersions).toEqual([]);
    expect(f.aliases).toEqual(['GHSA-aaaa-bbbb-cccc']);
  });

  describe('when the input is not a grype JSON report', () => {
    it('throws a FormatError for truncated JSON', () => {
      const text = readFixture('grype', 'grype-0.94.0-image-epss-risk.json');
      expect(() => parseGrype(text.slice(0, 5000))).toThrow(FormatError);
    });

    it('names what is missing for another tool’s report', () => {
      expect(() => parseGrype(readFixture('trivy', 'image-alpine-310.json'))).toThrow(
        /grype report: not a grype JSON report \(no "matches"; found Trivy JSON output\)/,
      );
      expect(() => parseGrype('[]')).toThrow(/no "matches"/);
      expect(() => parseGrype('"x"')).toThrow(/found a string\)/);
      expect(() => parseGrype('{}')).toThrow(/found an empty object\)/);
    });

    it('fails loudly on a match without a vulnerability id', () => {
      expect(() => parseGrype(reportOf([match({ id: undefined })]))).toThrow(/matches\.0\.vulnerability\.id/);
    });
  });
});
