// The Trivy DB fixture writer (tools/trivy-db-fixture): what it writes, what it rejects, that
// the real Trivy reads it, and that the committed advisories agree with the real OSV records.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { FIXTURES, tmpDir, toolBin } from '../helpers/paths';
import { ADVISORIES, buildFixtureWriter, OFFLINE_FLAGS, writeFixtureDb } from '../helpers/trivy-db';

interface AdvisoryFile {
  updatedAt: string;
  dataSources: Record<string, { ID: string; Name: string; URL?: string }>;
  vulnerabilities: Array<{
    id: string;
    title: string;
    severity: string;
    vendorSeverity?: Record<string, string>;
    cvss?: Record<string, { V3Vector?: string; V3Score?: number }>;
    cweIds?: string[];
    affected: Array<{ bucket: string; package: string; vendorIds?: string[]; vulnerableVersions?: string[]; patchedVersions?: string[]; fixedVersion?: string }>;
  }>;
}

const advisories = JSON.parse(fs.readFileSync(ADVISORIES, 'utf8')) as AdvisoryFile;

async function writeWith(input: unknown): Promise<{ exitCode: number | null; stderr: string; file: string }> {
  const bin = await buildFixtureWriter();
  const file = path.join(tmpDir('chaingate-adv-'), 'advisories.json');
  fs.writeFileSync(file, JSON.stringify(input));
  const r = await runTool(bin, ['-input', file, '-cache-dir', tmpDir('chaingate-cache-')]);
  return { exitCode: r.exitCode, stderr: r.stderr, file };
}

describe('trivy-db-fixture', () => {
  it('writes db/trivy.db and a schema-2 metadata.json that never asks for an update', async () => {
    const cache = await writeFixtureDb();
    const meta = JSON.parse(fs.readFileSync(path.join(cache, 'db', 'metadata.json'), 'utf8'));
    expect(meta).toEqual({
      Version: 2,
      UpdatedAt: advisories.updatedAt,
      DownloadedAt: advisories.updatedAt,
      NextUpdate: advisories.updatedAt.replace(/^\d{4}/, (y) => String(Number(y) + 100)),
    });
    // A BoltDB file starts with a meta page carrying the magic 0xED0CDAED.
    const head = fs.readFileSync(path.join(cache, 'db', 'trivy.db')).subarray(16, 20);
    expect(head.readUInt32LE(0)).toBe(0xed0cdaed);
  }, 300_000);

  describe('rejects input it cannot lay out, naming the file', () => {
    const base = () => JSON.parse(JSON.stringify(advisories)) as AdvisoryFile;
    it.each([
      ['an unknown field', (a: AdvisoryFile) => Object.assign(a.vulnerabilities[0], { fixed: '1' }), /unknown field "fixed"/],
      ['a bucket without a data source', (a: AdvisoryFile) => (a.vulnerabilities[0].affected[0].bucket = 'npm::Nowhere'), /bucket "npm::Nowhere" has no entry in dataSources/],
      ['version ranges in an OS bucket', (a: AdvisoryFile) => {
        const os = a.vulnerabilities.find((v) => v.affected[0].bucket.startsWith('alpine'))!;
        os.affected[0].vulnerableVersions = ['<2'];
      }, /an OS bucket needs fixedVersion, not version ranges/],
      ['a severity Trivy does not know', (a: AdvisoryFile) => (a.vulnerabilities[0].severity = 'MODERATE'), /severity "MODERATE" is not one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL/],
      ['a duplicate id', (a: AdvisoryFile) => a.vulnerabilities.push(a.vulnerabilities[0]), /duplicate id/],
    ])('%s', async (_what, mutate, message) => {
      const input = base();
      mutate(input);
      const r = await writeWith(input);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`trivy-db-fixture: ${r.file}: `);
      expect(r.stderr).toMatch(message);
    }, 300_000);
  });

  it('real Trivy reads the fixture DB offline: ids, severity source, CVSS, fixed version', async () => {
    const trivy = toolBin('trivy');
    const cache = await writeFixtureDb();
    const project = tmpDir('chaingate-tiny-project-');
    fs.writeFileSync(
      path.join(project, 'package-lock.json'),
      JSON.stringify({
        name: 'tiny',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'tiny', version: '1.0.0', dependencies: { 'lodash-es': '4.17.15' } },
          'node_modules/lodash-es': { version: '4.17.15', license: 'MIT' },
        },
      }),
    );
    fs.writeFileSync(path.join(project, 'requirements.txt'), 'pyyaml==5.3.1\n');
    const out = path.join(project, '..', 'report.json');
    const r = await runTool(trivy, ['fs', '--format', 'json', '--output', out, '--scanners', 'vuln', '--cache-dir', cache, ...OFFLINE_FLAGS, project], {
      timeoutMs: 300_000,
    });
    expect(r.stderr).not.toMatch(/FATAL/);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    type TrivyVuln = { PkgName: string; InstalledVersion: string; VulnerabilityID: string; Severity: string; SeveritySource: string; FixedVersion: string; DataSource: { Name: string }; VendorIDs: string[]; CVSS: Record<string, { V3Score?: number; V3Vector?: string }>; Title: string };
    const vulns: TrivyVuln[] = report.Results.flatMap((res: { Vulnerabilities?: TrivyVuln[] }) => res.Vulnerabilities ?? []);
    const summary = vulns
      .map((v: TrivyVuln) => `${v.PkgName}@${v.InstalledVersion} ${v.VulnerabilityID} ${v.Severity}/${v.SeveritySource} fixed=${v.FixedVersion} ${v.DataSource.Name}`)
      .sort();
    expect(summary).toEqual([
      'pyyaml@5.3.1 CVE-2020-14343 CRITICAL/ghsa fixed=5.4 GitHub Security Advisory pip',
      'lodash-es@4.17.15 CVE-2020-8203 HIGH/ghsa fixed=4.17.20 GitHub Security Advisory npm',
      'lodash-es@4.17.15 CVE-2021-23337 HIGH/ghsa fixed=4.17.21 GitHub Security Advisory npm',
    ].sort());
    const lodash = vulns.find((v: TrivyVuln) => v.VulnerabilityID === 'CVE-2021-23337')!;
    expect(lodash.VendorIDs).toEqual(['GHSA-35jh-r3h4-6jhm']);
    expect(lodash.CVSS.ghsa).toEqual({ V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', V3Score: 7.2 });
    expect(lodash.Title).toBe('Command Injection in lodash');
  }, 300_000);
});

describe('committed advisories agree with the real OSV records', () => {
  const osvDir = path.join(FIXTURES, 'osv-advisories');
  const osv = fs.readdirSync(osvDir).map((f) => JSON.parse(fs.readFileSync(path.join(osvDir, f), 'utf8')));
  const ghsaBacked = advisories.vulnerabilities.filter((v) => v.vendorSeverity?.ghsa);

  it('covers npm and pip', () => {
    expect(ghsaBacked.length).toBeGreaterThanOrEqual(8);
  });

  it.each(ghsaBacked.map((v) => [v.id, v] as const))('%s', (id, v) => {
    const record = osv.find((o) => (o.aliases ?? []).includes(id));
    expect(record).toBeDefined();
    expect(v.title).toBe(record.summary);
    const ghsaSeverity: Record<string, string> = { MODERATE: 'MEDIUM', HIGH: 'HIGH', CRITICAL: 'CRITICAL', LOW: 'LOW' };
    expect(v.severity).toBe(ghsaSeverity[record.database_specific.severity]);
    expect(v.cweIds).toEqual(record.database_specific.cwe_ids);
    const vector = (record.severity ?? []).find((s: { type: string }) => s.type === 'CVSS_V3')?.score;
    expect(v.cvss?.ghsa?.V3Vector).toBe(vector);
    for (const a of v.affected) {
      const ranges = record.affected
        .filter((x: { package: { name: string } }) => x.package.name === a.package)
        .flatMap((x: { ranges: Array<{ events: Array<Record<string, string>> }> }) => x.ranges);
      const expected = ranges.map((r: { events: Array<Record<string, string>> }) => {
        const from = r.events.find((e) => e.introduced)?.introduced;
        const to = r.events.find((e) => e.fixed)?.fixed;
        return from === '0' ? `<${to}` : `>=${from}, <${to}`;
      });
      expect(a.vulnerableVersions).toEqual(expected);
      expect(a.vendorIds).toEqual([record.id]);
    }
  });
});
