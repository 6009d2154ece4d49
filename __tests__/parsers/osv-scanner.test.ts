import * as fs from 'node:fs';
import { parseOsvScanner } from '../../src/parsers/osv-scanner';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('osv-scanner')).sort();

describe('parseOsvScanner golden', () => {
  it('covers every osv-scanner fixture', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseOsvScanner(readFixture('osv-scanner', name)));
  });
});

interface RawPackage {
  vulnerabilities?: { id: string }[];
  groups?: { ids: string[] }[];
}

/** Groups, plus any vulnerability no group names: counted from the raw JSON. */
function expectedCount(text: string): number {
  const json = text.slice(text.indexOf('{'));
  const report = JSON.parse(json) as { results: { packages?: RawPackage[] }[] };
  let n = 0;
  for (const r of report.results) {
    for (const p of r.packages ?? []) {
      const grouped = new Set((p.groups ?? []).flatMap((g) => g.ids));
      n += (p.groups ?? []).length + (p.vulnerabilities ?? []).filter((v) => !grouped.has(v.id)).length;
    }
  }
  return n;
}

const osvReport = (packages: unknown[], path = 'package-lock.json'): string =>
  JSON.stringify({ results: [{ source: { path, type: 'lockfile' }, packages }], experimental_config: {} });

describe('parseOsvScanner', () => {
  it.each(FIXTURES)('%s: one finding per package and alias group', (name) => {
    const text = readFixture('osv-scanner', name);
    expect(parseOsvScanner(text)).toHaveLength(expectedCount(text));
  });

  it('rates by the group max_severity score and keeps its fixed version', () => {
    const [f] = parseOsvScanner(readFixture('osv-scanner', 'osv-scanner-v2.2.2-sbom-event-stream-reformatted.json'));
    expect(f).toMatchObject({
      id: 'GHSA-mh6f-8j2x-4483',
      severity: 'critical',
      cvssScore: 9.8,
      package: { name: 'event-stream', version: '3.3.6', ecosystem: 'npm', purl: 'pkg:npm/event-stream@3.3.6', fixedVersions: ['4.0.0'] },
      location: { path: 'fixtures/sbom/sample-sbom.cdx.json' },
      cwes: ['CWE-506'],
    });
  });

  it('leaves Go vulnerabilities without a rating unknown and lists every fixed version of the package', () => {
    const fs = parseOsvScanner(readFixture('osv-scanner', 'osv-scanner-v1-go-stdlib-call-analysis.json'));
    expect(fs.map((f) => f.severity)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(fs[1]).toMatchObject({ id: 'GO-2025-3750', aliases: ['BIT-golang-2025-0913', 'CVE-2025-0913'], package: { fixedVersions: ['1.23.10', '1.24.4'] } });
  });

  it('rates a malicious-package record without a rating critical', () => {
    const [f] = parseOsvScanner(readFixture('osv-scanner', 'osv-scanner-v1-yarn-malicious-package.json'));
    expect(f).toMatchObject({ id: 'MAL-2023-1035', severity: 'critical', aliases: ['GHSA-8348-2q94-ffjx'], cwes: ['CWE-506'] });
    expect(f.package?.fixedVersions).toEqual([]);
  });

  it('strips log lines printed before the JSON, and only those', () => {
    expect(parseOsvScanner(readFixture('osv-scanner', 'osv-scanner-v2-no-results-with-stderr-log-prefix.txt'))).toEqual([]);
    expect(() => parseOsvScanner('Scanned 3 files\n{"results": [')).toThrow(FormatError);
    // The line counts the log lines too: it points into the file as written.
    expect(() => parseOsvScanner('log one\nlog two\n{\n"results": []\n"x": 1}')).toThrow(
      expect.objectContaining({ name: 'FormatError', line: 5 }),
    );
    expect(() => parseOsvScanner('{"results": []}\ntrailing log line')).toThrow(/not valid JSON/);
  });

  it('throws a FormatError for a file with log text only', () => {
    expect(() => parseOsvScanner('Starting filesystem walk for root: /\nNo package sources found\n')).toThrow(/no JSON object found/);
  });

  it('folds a group of several advisories into one finding, taking the worst database rating', () => {
    const vuln = (id: string, severity: string | undefined, fixed: string, extra: Record<string, unknown> = {}) => ({
      id,
      aliases: ['CVE-2024-9999'],
      details: `Details of ${id}.`,
      affected: [
        { package: { ecosystem: 'PyPI', name: 'Django_Thing' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }, { type: 'GIT', events: [{ fixed: 'abc123' }] }] },
        { package: { ecosystem: 'PyPI', name: 'other' }, ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '9.9' }] }] },
        { package: { ecosystem: 'npm', name: 'django-thing' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '7.7.7' }] }] },
        { package: { name: 'django-thing' } },
        { package: { ecosystem: 'PyPI', name: 'django-thing' } },
        { package: { ecosystem: 'PyPI:3', name: 'django.thing' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.3' }] }] },
        {},
      ],
      database_specific: severity ? { severity } : undefined,
      ...extra,
    });
    const text = osvReport([
      {
        package: { name: 'django-thing', version: '1.0', ecosystem: 'PyPI' },
        vulnerabilities: [
          vuln('PYSEC-2024-1', 'LOW', '1.1'),
          vuln('GHSA-aaaa-bbbb-cccc', 'MODERATE', '1.2', { summary: 'Thing is broken' }),
          vuln('OSV-2024-5', undefined, '1.2'),
          vuln('OSV-2024-6', 'HIGH', '1.2', { affected: undefined }),
          vuln('OSV-2024-7', 'CRITICAL', '1.4'),
        ],
        groups: [
          { ids: ['GHSA-aaaa-bbbb-cccc', 'PYSEC-2024-1', 'OSV-2024-5', 'OSV-2024-7'], aliases: ['CVE-2024-9999', 'GHSA-aaaa-bbbb-cccc', 'PYSEC-2024-1'], max_severity: '' },
          { ids: ['OSV-2024-6'], max_severity: 'n/a' },
        ],
      },
    ]);
    const [f, high] = parseOsvScanner(text);
    expect(high).toMatchObject({ id: 'OSV-2024-6', severity: 'high', package: { fixedVersions: [] } });
    expect(f).toMatchObject({
      id: 'GHSA-aaaa-bbbb-cccc',
      aliases: ['CVE-2024-9999', 'OSV-2024-5', 'OSV-2024-7', 'PYSEC-2024-1'],
      severity: 'critical',
      title: 'Thing is broken',
      description: 'Details of GHSA-aaaa-bbbb-cccc.',
      url: 'https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc',
      package: { purl: 'pkg:pypi/django-thing@1.0', fixedVersions: ['1.1', '1.2', '1.3', '1.4'] },
    });
    expect(f.cvssScore).toBeUndefined();
  });

  it('reads output without groups, git packages and unknown ecosystems', () => {
    const text = osvReport([
      { package: { name: 'x', version: '1', ecosystem: 'Nonesuch' }, vulnerabilities: [{ id: 'OSV-2024-1' }] },
      { package: { commit: 'deadbeef' }, vulnerabilities: [{ id: 'OSV-2024-2', summary: '' }], groups: [{ ids: ['OSV-2024-2', 'OSV-2024-3'] }] },
      { package: { ecosystem: 'npm' }, groups: [{ ids: ['OSV-2024-4'], max_severity: '5.0' }] },
      { package: { name: 'none', version: '1.0.0', ecosystem: 'npm' } },
      { package: { name: 'y', version: '1' }, vulnerabilities: [{ id: 'OSV-2024-8', affected: [{ package: { name: 'y' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '2' }] }] }] }] },
    ]);
    const [unknownEco, git, nameless, noEco] = parseOsvScanner(text);
    expect(noEco.package).toEqual({ name: 'y', version: '1', fixedVersions: ['2'] });
    expect(unknownEco).toMatchObject({ id: 'OSV-2024-1', severity: 'unknown', title: 'OSV-2024-1 in x 1', package: { name: 'x', version: '1', fixedVersions: [] } });
    expect(unknownEco.package?.ecosystem).toBeUndefined();
    expect(git).toMatchObject({ id: 'OSV-2024-2', title: 'OSV-2024-2 in deadbeef', package: { name: 'deadbeef' } });
    expect(nameless).toMatchObject({ id: 'OSV-2024-4', severity: 'medium', cvssScore: 5, package: { name: '(unnamed package)', ecosystem: 'npm' } });
    expect(nameless.package?.purl).toBeUndefined();
    expect(parseOsvScanner(osvReport([]))).toEqual([]);
    expect(parseOsvScanner(JSON.stringify({ results: [{ source: { path: 'go.mod' }, packages: null }] }))).toEqual([]);
  });

  describe('when the input is not an osv-scanner JSON report', () => {
    it('throws a FormatError for truncated JSON', () => {
      const text = readFixture('osv-scanner', 'osv-scanner-v1-yarn-malicious-package.json');
      expect(() => parseOsvScanner(text.slice(0, 800))).toThrow(/truncated/);
    });

    it('names what is missing', () => {
      expect(() => parseOsvScanner(readFixture('grype', 'grype-0.94.0-image-epss-risk.json'))).toThrow(/not an osv-scanner JSON report \(no "results"; found grype JSON output\)/);
      expect(() => parseOsvScanner('{}')).toThrow(/found an empty object/);
      expect(() => parseOsvScanner('[1]')).toThrow(/no JSON object found/);
      expect(() => parseOsvScanner('{"results": [{"packages": []}]}')).toThrow(/results\.0\.source/);
    });
  });
});
