import * as fs from 'node:fs';
import { parseTrivy } from '../../src/parsers/trivy';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const JSON_FIXTURES = fs
  .readdirSync(fixture('trivy'))
  .filter((f) => f.endsWith('.json') && !f.endsWith('.cdx.json') && !f.endsWith('.sarif.json'))
  .sort();

describe('parseTrivy golden', () => {
  it('covers every Trivy JSON fixture', () => {
    expect(JSON_FIXTURES.length).toBeGreaterThanOrEqual(13);
  });

  it.each(JSON_FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseTrivy(readFixture('trivy', name)));
  });
});

interface RawResult {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: unknown[] | null;
  Misconfigurations?: { Status?: string }[] | null;
  Secrets?: unknown[] | null;
  Licenses?: unknown[] | null;
}

/** What the report holds, counted straight from the raw JSON. */
function expectedCount(text: string): number {
  const report = JSON.parse(text) as { Results?: RawResult[] };
  let n = 0;
  for (const r of report.Results ?? []) {
    n += (r.Vulnerabilities ?? []).length + (r.Secrets ?? []).length + (r.Licenses ?? []).length;
    n += (r.Misconfigurations ?? []).filter((m) => m.Status === undefined || m.Status === 'FAIL').length;
  }
  return n;
}

function report(results: unknown[]): string {
  return JSON.stringify({ SchemaVersion: 2, ArtifactName: '.', ArtifactType: 'filesystem', Results: results });
}

const vuln = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  VulnerabilityID: 'CVE-2024-0001',
  PkgName: 'pkg',
  InstalledVersion: '1.0.0',
  Severity: 'HIGH',
  ...extra,
});

describe('parseTrivy', () => {
  it.each(JSON_FIXTURES)('%s: one finding per vulnerability, failed check, secret and license', (name) => {
    const text = readFixture('trivy', name);
    expect(parseTrivy(text)).toHaveLength(expectedCount(text));
  });

  it('splits a comma-separated FixedVersion into one version per release line', () => {
    const f = parseTrivy(readFixture('trivy', 'fs-jar-trivy-0.69-cvss-v4.json')).find((x) => x.id === 'CVE-2025-66614');
    expect(f?.package?.fixedVersions).toEqual(['10.1.49', '11.0.14', '9.0.112']);
    expect(f?.aliases).toEqual(['GHSA-fpj8-gq4v-p354']);
    // Only a CVSS v4 score from the source of the severity: that one, not RedHat's v3.
    expect(f?.cvssScore).toBe(6.3);
    expect(f?.location).toEqual({ path: 'catalina.jar' });
  });

  it('ignores empty parts of a FixedVersion list', () => {
    const [f] = parseTrivy(report([{ Target: 'package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [vuln({ FixedVersion: '2.0.0, , 1.5.1,' })] }]));
    expect(f.package?.fixedVersions).toEqual(['1.5.1', '2.0.0']);
  });

  it("gives a misconfiguration its Target and the cause's lines", () => {
    const f = parseTrivy(readFixture('trivy', 'config-helm-testchart.json')).find((x) => x.id === 'KSV-0110');
    expect(f).toMatchObject({ kind: 'misconfiguration', severity: 'low', location: { path: 'templates/deployment.yaml', startLine: 4, endLine: 11 } });
  });

  it('reads an older report without Trivy version, Status or PkgIdentifier', () => {
    const fs = parseTrivy(readFixture('trivy', 'fs-pip-dockerfile-secrets-older-trivy.json'));
    expect(fs.map((f) => f.kind)).toEqual(['vulnerability', 'vulnerability', 'misconfiguration', 'secret', 'secret']);
    expect(fs[0].package).toEqual({
      name: 'urllib3',
      version: '1.26.3',
      ecosystem: 'pypi',
      purl: 'pkg:pypi/urllib3@1.26.3',
      fixedVersions: ['1.26.5'],
    });
    expect(fs[2]).toMatchObject({ id: 'DS002', severity: 'high', location: { path: 'Dockerfile' } });
  });

  it('drops purl qualifiers and leaves OS package findings without a file location', () => {
    const [f] = parseTrivy(readFixture('trivy', 'image-alpine-310.json'));
    expect(f.package?.purl).toBe('pkg:apk/alpine/libcrypto1.1@1.1.1c-r0');
    expect(f.location).toBeUndefined();
    expect(f.cvssScore).toBe(5.3);
  });

  it('keeps a vulnerability with no fix (Status affected) with no fixed versions', () => {
    const f = parseTrivy(readFixture('trivy', 'image-ubuntu-1804.json')).find((x) => x.package?.name === 'bash');
    expect(f?.package?.fixedVersions).toEqual([]);
    expect(f?.severity).toBe('low');
  });

  it('never copies the secret text (Match, Code lines) into a finding', () => {
    const text = readFixture('trivy', 'fs-secrets.json');
    const out = JSON.stringify(parseTrivy(text));
    expect(out).not.toContain('ghp_0123456789');
    expect(out).not.toContain('AWS_ACCESS_KEY_ID');
    const unmasked = report([
      {
        Target: 'app/.env',
        Class: 'secret',
        Secrets: [{ RuleID: 'aws-access-key-id', Severity: 'CRITICAL', StartLine: 2, EndLine: 2, Match: 'KEY=AKIAIOSFODNN7EXAMPLE', Code: { Lines: [{ Content: 'KEY=AKIAIOSFODNN7EXAMPLE' }] } }],
      },
    ]);
    const [f] = parseTrivy(unmasked);
    expect(JSON.stringify(f)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(f).toMatchObject({ kind: 'secret', id: 'aws-access-key-id', title: 'aws-access-key-id', location: { path: 'app/.env', startLine: 2, endLine: 2 } });
    expect(f.description).toBeUndefined();
  });

  it('keeps failed checks only: PASS and EXCEPTION are checks that held', () => {
    const text = report([
      {
        Target: 'main.tf',
        Class: 'config',
        Type: 'terraform',
        Misconfigurations: [
          { ID: 'AWS-0001', AVDID: 'AVD-AWS-0001', Severity: 'HIGH', Status: 'FAIL', CauseMetadata: { StartLine: 0 } },
          { ID: 'AWS-0002', Severity: 'HIGH', Status: 'PASS' },
          { ID: 'AWS-0003', Severity: 'HIGH', Status: 'EXCEPTION' },
        ],
      },
      // Before Status existed every listed check had failed.
      { Target: 'Dockerfile', Misconfigurations: [{ ID: 'DS002', Severity: 'HIGH', CauseMetadata: { StartLine: 3, EndLine: 3 } }] },
    ]);
    const fs = parseTrivy(text);
    expect(fs).toHaveLength(2);
    expect(fs[1]).toMatchObject({ id: 'DS002', location: { path: 'Dockerfile', startLine: 3, endLine: 3 } });
    expect(fs[0]).toMatchObject({ id: 'AWS-0001', aliases: ['AVD-AWS-0001'], title: 'AWS-0001', location: { path: 'main.tf' } });
    expect(fs[0].description).toBeUndefined();
  });

  it('reads license findings of packages and of loose files', () => {
    const text = report([
      { Target: 'Node.js', Class: 'license', Licenses: [{ Severity: 'HIGH', Category: 'restricted', PkgName: 'gpl-lib', FilePath: '', Name: 'GPL-3.0', Confidence: 1, Link: '' }] },
      { Target: 'LICENSE', Class: 'license-file', Licenses: [{ Severity: 'LOW', Name: 'MIT', Confidence: 0.9 }] },
      { Target: 'OS Packages', Class: 'license', Licenses: [{ Severity: 'UNKNOWN', Name: 'Custom' }] },
      { Target: 'Python', Class: 'license', Licenses: [{ Severity: 'MEDIUM', Name: 'MPL-2.0', PkgName: 'certifi', FilePath: 'site-packages/certifi/METADATA' }] },
    ]);
    const [gpl, mit, custom, mpl] = parseTrivy(text);
    expect(mpl.location).toEqual({ path: 'site-packages/certifi/METADATA' });
    expect(gpl).toMatchObject({ kind: 'license', id: 'GPL-3.0', severity: 'high', title: 'License GPL-3.0 (restricted) of gpl-lib', package: { name: 'gpl-lib', fixedVersions: [] } });
    expect(gpl.location).toBeUndefined();
    expect(mit).toMatchObject({ id: 'MIT', severity: 'low', title: 'License MIT', location: { path: 'LICENSE' } });
    expect(custom.severity).toBe('unknown');
    expect(custom.location).toBeUndefined();
  });

  it('builds the purl from the result Type when the report has none', () => {
    const text = report([
      { Target: 'var/lib/dpkg/status', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: [vuln({ PkgName: 'libc6', InstalledVersion: '2.28-10' })] },
      { Target: 'go.sum', Class: 'lang-pkgs', Type: 'gomod', Vulnerabilities: [vuln({ PkgName: 'github.com/x/net', InstalledVersion: 'v0.1.0', FixedVersion: '' })] },
      { Target: 'Java', Class: 'lang-pkgs', Type: 'jar', Vulnerabilities: [vuln({ PkgName: 'org.yaml:snakeyaml', InstalledVersion: '1.30' })] },
      { Target: 'x.lock', Class: 'lang-pkgs', Type: 'made-up', Vulnerabilities: [vuln({ InstalledVersion: undefined })] },
      { Target: 'y.lock', Class: 'lang-pkgs', Vulnerabilities: [vuln()] },
    ]);
    const [deb, go, jar, other, untyped] = parseTrivy(text);
    expect(untyped.package).toEqual({ name: 'pkg', version: '1.0.0', fixedVersions: [] });
    expect(untyped.location).toEqual({ path: 'y.lock' });
    expect(deb.package).toMatchObject({ purl: 'pkg:deb/debian/libc6@2.28-10', ecosystem: 'deb' });
    expect(deb.location).toBeUndefined();
    expect(go.package).toMatchObject({ purl: 'pkg:golang/github.com/x/net@v0.1.0', ecosystem: 'golang', fixedVersions: [] });
    expect(go.location).toEqual({ path: 'go.sum' });
    expect(jar.package?.purl).toBe('pkg:maven/org.yaml/snakeyaml@1.30');
    // "Java" gathers jars from many paths: not a file.
    expect(jar.location).toBeUndefined();
    expect(other.package).toEqual({ name: 'pkg', fixedVersions: [] });
  });

  it('takes NVD v3 first, then the severity source, then any vendor; never CVSS v2', () => {
    const text = report([
      {
        Target: 'package-lock.json',
        Class: 'lang-pkgs',
        Type: 'npm',
        Vulnerabilities: [
          vuln({ CVSS: { redhat: { V3Score: 5 }, nvd: { V2Score: 9, V3Score: 7.5 } } }),
          vuln({ SeveritySource: 'ghsa', CVSS: { alpha: { V3Score: 1 }, ghsa: { V40Score: 8.7 } } }),
          vuln({ CVSS: { zeta: { V3Score: 3 }, beta: { V3Score: 4 } } }),
          vuln({ CVSS: { nvd: { V2Score: 5 } } }),
        ],
      },
    ]);
    expect(parseTrivy(text).map((f) => f.cvssScore)).toEqual([7.5, 8.7, 4, undefined]);
  });

  it('takes a CVE or GHSA from the references only when it is the only one there', () => {
    const text = report([
      {
        Target: 'requirements.txt',
        Class: 'lang-pkgs',
        Type: 'pip',
        Vulnerabilities: [
          vuln({
            VulnerabilityID: 'PYSEC-2024-1',
            VendorIDs: ['DSA-1-1', 'GHSA-aaaa-bbbb-cccc'],
            References: ['https://x.test/CVE-2024-1111', 'https://github.com/advisories/GHSA-2222-3333-4444', 'https://github.com/advisories/GHSA-5555-6666-7777'],
          }),
          vuln({ VulnerabilityID: 'GHSA-2222-3333-4444', References: ['https://x.test/CVE-2024-1111', 'https://y.test/CVE-2024-2222'] }),
          vuln({ VulnerabilityID: 'PYSEC-2024-2', References: ['https://github.com/advisories/GHSA-2222-3333-4444', 'https://x.test/advisory'] }),
          vuln({ VulnerabilityID: 'PYSEC-2024-3', References: ['https://x.test/CVE-2024-3333', 'https://github.com/advisories/GHSA-5555-6666-7777'] }),
        ],
      },
    ]);
    const [a, b, c, d] = parseTrivy(text);
    expect(a.aliases).toEqual(['CVE-2024-1111', 'GHSA-aaaa-bbbb-cccc']);
    expect(b.aliases).toEqual([]);
    expect(c.aliases).toEqual(['GHSA-2222-3333-4444']);
    expect(d.aliases).toEqual(['CVE-2024-3333', 'GHSA-5555-6666-7777']);
  });

  it('reads a report without Results (nothing scanned) as no findings', () => {
    expect(parseTrivy(JSON.stringify({ SchemaVersion: 2, ArtifactName: '.' }))).toEqual([]);
    expect(parseTrivy(report([{ Target: 'a', Class: 'lang-pkgs', Vulnerabilities: null }]))).toEqual([]);
  });

  describe('when the input is not a Trivy JSON report', () => {
    it('throws a FormatError with the line for a truncated report', () => {
      const text = readFixture('trivy', 'image-alpine-310.json');
      const cut = text.slice(0, Math.floor(text.length / 2));
      expect(() => parseTrivy(cut)).toThrow(FormatError);
      expect(() => parseTrivy(cut)).toThrow(/truncated/);
      try {
        parseTrivy(cut);
      } catch (e) {
        expect((e as FormatError).line).toBeGreaterThan(1);
      }
    });

    it('names an npm audit report as the wrong format', () => {
      expect(() => parseTrivy(readFixture('npm-audit', 'npm7-v2-no-vulnerabilities.json'))).toThrow(
        /not a Trivy JSON report \(no SchemaVersion or Results; found npm audit \(npm 7\+\) output\)/,
      );
    });

    it('says so for CycloneDX and SARIF written by Trivy', () => {
      expect(() => parseTrivy(readFixture('trivy', 'cyclonedx-fs-npm.cdx.json'))).toThrow(/CycloneDX document; write the report with --format json/);
      expect(() => parseTrivy(readFixture('trivy', 'sarif-image-alpine-310.sarif.json'))).toThrow(/SARIF log/);
    });

    it('rejects the pre-0.20 top-level array, other JSON values, and an empty file', () => {
      expect(() => parseTrivy('[{"Target":"x","Vulnerabilities":[]}]')).toThrow(/before 0.20/);
      expect(() => parseTrivy('42')).toThrow(/expected a JSON object, got a number$/);
      expect(() => parseTrivy('null')).toThrow(FormatError);
      expect(() => parseTrivy('{}')).toThrow(/found an empty object/);
      expect(() => parseTrivy('  \n')).toThrow(/empty/);
    });

    it('fails loudly when a required field changed instead of dropping the finding', () => {
      const text = report([{ Target: 'a', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: [{ PkgName: 'x', Severity: 'HIGH' }] }]);
      expect(() => parseTrivy(text)).toThrow(/trivy report: unexpected format: Results\.0\.Vulnerabilities\.0\.VulnerabilityID/);
      expect(() => parseTrivy(JSON.stringify({ SchemaVersion: 1, Results: [] }))).toThrow(/SchemaVersion/);
    });
  });
});
