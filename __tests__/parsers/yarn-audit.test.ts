import * as fs from 'node:fs';
import { parseYarnAudit } from '../../src/parsers/yarn-audit';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const ERROR_FIXTURES = ['yarn1-classic-network-error.ndjson'];
const FIXTURES = fs
  .readdirSync(fixture('yarn-audit'))
  .filter((f) => !ERROR_FIXTURES.includes(f))
  .sort();

const lines = (name: string): { type?: string; data?: { advisory: { id: number; module_name: string; findings: { version: string }[] } } }[] =>
  readFixture('yarn-audit', name)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const parse = (name: string) => parseYarnAudit(readFixture('yarn-audit', name));

describe('parseYarnAudit golden', () => {
  it('covers every yarn audit fixture', () => {
    expect(FIXTURES).toHaveLength(5);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parse(name));
  });
});

describe('parseYarnAudit, yarn 1', () => {
  it('collapses the same advisory on several paths to one finding per package version', () => {
    const name = 'yarn1-classic-duplicate-paths.ndjson';
    const advisoryLines = lines(name).filter((l) => l.type === 'auditAdvisory');
    const keys = new Set(advisoryLines.flatMap((l) => l.data!.advisory.findings.map((f) => `${l.data!.advisory.id}@${f.version}`)));
    expect(advisoryLines.length).toBe(14);
    expect(keys.size).toBe(11);
    const findings = parse(name);
    expect(findings).toHaveLength(keys.size);
    const nthCheck = findings.filter((f) => f.id === 'GHSA-rp65-9cf3-cjxr');
    expect(nthCheck).toHaveLength(1);
    expect(nthCheck[0]).toMatchObject({ severity: 'high', package: { name: 'nth-check', version: '1.0.2', fixedVersions: ['2.0.1'] } });
  });

  it('gives no fixed version when patched_versions is <0.0.0', () => {
    const f = parse('yarn1-classic-duplicate-paths.ndjson').find((x) => x.package?.name === 'taffydb');
    expect(f?.package?.fixedVersions).toEqual([]);
  });

  it('reads one advisory, and a summary alone as a clean run', () => {
    expect(parse('yarn1-classic-qs-high.ndjson')).toEqual([
      expect.objectContaining({ id: 'GHSA-hrpp-h998-j3pp', severity: 'high', aliases: ['CVE-2022-24999', 'NPM-1096475'] }),
    ]);
    expect(parse('yarn1-classic-none.ndjson')).toEqual([]);
  });

  it('throws when the stream has only warning/error/info lines: the audit did not complete', () => {
    const text = readFixture('yarn-audit', 'yarn1-classic-network-error.ndjson');
    expect(() => parseYarnAudit(text)).toThrow(FormatError);
    expect(() => parseYarnAudit(text)).toThrow(/the audit did not complete \(An unexpected error occurred: .*ECONNREFUSED 127\.0\.0\.1:80/);
    const infoOnly = '{"type":"warning","data":"package.json: No license field"}\n{"type":"info","data":"Done"}\n';
    expect(() => parseYarnAudit(infoOnly)).toThrow(/did not complete \(no audit summary or result in the output\)/);
  });

  it('throws when an error line comes with a summary, with credentials redacted', () => {
    const text = [
      JSON.stringify({ type: 'error', data: { message: 'request to https://ci:t0ken@127.0.0.1/ failed' } }),
      JSON.stringify({ type: 'auditSummary', data: { vulnerabilities: {} } }),
    ].join('\n');
    expect(() => parseYarnAudit(text)).toThrow(/did not complete \(\{"message":"request to https:\/\/\*\*\*@127\.0\.0\.1\/ failed"\}\)/);
  });

  it('throws FormatError with the line number for a truncated stream', () => {
    const text = readFixture('yarn-audit', 'yarn1-classic-duplicate-paths.ndjson');
    const cut = text.slice(0, text.indexOf('\n', text.indexOf('\n') + 1) + 200);
    expect(() => parseYarnAudit(cut)).toThrow(expect.objectContaining({ name: 'FormatError', line: 3 }));
    expect(() => parseYarnAudit(cut)).toThrow(/line 3 is not valid JSON/);
    const noSummary = text.split('\n').slice(0, 5).join('\n');
    expect(() => parseYarnAudit(noSummary)).toThrow(/did not complete/);
  });

  it('throws with the line number for an advisory missing a required field', () => {
    const bad = JSON.stringify({ type: 'auditAdvisory', data: { advisory: { id: 1, module_name: 'x', severity: 'high', findings: [] } } });
    const text = `{"type":"info","data":"x"}\n${bad}\n{"type":"auditSummary","data":{}}`;
    expect(() => parseYarnAudit(text)).toThrow(expect.objectContaining({ line: 2 }));
    expect(() => parseYarnAudit(text)).toThrow(/line 2: unexpected format: advisory\.title/);
  });

  it('throws for a line that is no yarn record at all', () => {
    expect(() => parseYarnAudit('{"type":"auditSummary","data":{"vulnerabilities":{"high":0}}}\n[1,2]\n')).toThrow(/line 2 is not a yarn audit record/);
    expect(() => parseYarnAudit(readFixture('trivy', 'fs-npm-package-lock.json'))).toThrow(/line 1 is not a yarn audit record .*; this looks like Trivy JSON output$/);
    expect(() => parseYarnAudit('')).toThrow(/empty/);
  });
});

describe('parseYarnAudit, yarn 2/3 (npm 6-style object)', () => {
  it('reads the advisories map like npm 6', () => {
    const name = 'yarn2-berry-npm-audit-workspace.json';
    const raw = JSON.parse(readFixture('yarn-audit', name)).advisories;
    const findings = parse(name);
    expect(findings).toHaveLength(Object.keys(raw).length);
    expect(findings.map((f) => [f.package?.name, f.package?.version, f.severity])).toEqual([
      ['open', '0.0.5', 'critical'],
      ['base64url', '2.0.0', 'medium'],
      ['qs', '6.10.2', 'high'],
    ]);
  });

  it('reads a pretty-printed report and the "No audit suggestions" line of a clean run', () => {
    const pretty = JSON.stringify(JSON.parse(readFixture('yarn-audit', 'yarn2-berry-npm-audit-workspace.json')), null, 2);
    expect(parseYarnAudit(pretty)).toHaveLength(3);
    const clean = '{"actions":[],"advisories":{},"muted":[],"metadata":{}}\n{"type":"info","name":null,"displayName":"YN0000","indent":"","data":"No audit suggestions"}\n';
    expect(parseYarnAudit(clean)).toEqual([]);
    expect(parseYarnAudit('{"type":"info","name":null,"displayName":"YN0000","indent":"","data":"No audit suggestions"}')).toEqual([]);
  });

  it('throws for an npm-style error object', () => {
    expect(() => parseYarnAudit('{"error":{"code":"E500","summary":"Internal Server Error"}}')).toThrow(/did not run \(E500: Internal Server Error\)/);
  });
});

describe('parseYarnAudit, yarn 4 (NDJSON tree)', () => {
  it('makes one finding per tree version', () => {
    const name = 'yarn4-berry-npm-audit-recursive.ndjson';
    const raw = readFixture('yarn-audit', name)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { value: string; children: { 'Tree Versions': string[] } });
    const findings = parse(name);
    expect(findings.map((f) => `${f.package?.name}@${f.package?.version}`)).toEqual(raw.flatMap((r) => r.children['Tree Versions'].map((v) => `${r.value}@${v}`)));
    expect(findings[1]).toMatchObject({ id: 'GHSA-28xh-wpgr-7fm8', aliases: ['NPM-1090848'], severity: 'critical', title: 'Command Injection in open' });
  });

  it('makes one finding per version when a package has two, and one unversioned when it lists none', () => {
    const line = (versions: string[]) =>
      JSON.stringify({ value: 'qs', children: { ID: 5, Issue: 'bad', URL: 'https://example.test/advisories/GHSA-hrpp-h998-j3pp', Severity: 'moderate', 'Tree Versions': versions, Dependents: [] } });
    const two = parseYarnAudit(`${line(['6.10.2', '6.5.2'])}\n${line(['6.10.2'])}\n`);
    expect(two.map((f) => f.package?.version)).toEqual(['6.10.2', '6.5.2']);
    expect(two[0].severity).toBe('medium');
    const none = parseYarnAudit(line([]));
    expect(none).toHaveLength(1);
    expect(none[0].package).toEqual({ purl: 'pkg:npm/qs', ecosystem: 'npm', name: 'qs', fixedVersions: [] });
  });

  it('throws with the line number for a tree line without Tree Versions', () => {
    const text = '{"value":"qs","children":{"ID":1,"Issue":"x","URL":"u","Severity":"high"}}';
    expect(() => parseYarnAudit(text)).toThrow(/line 1: unexpected format: children\.Tree Versions/);
  });
});

describe('parseYarnAudit, yarn 4 sparse lines', () => {
  it('falls back to the id for an empty Issue and drops an empty URL', () => {
    const [f] = parseYarnAudit(JSON.stringify({ value: 'x', children: { ID: 9, Issue: '', URL: '', Severity: 'low', 'Tree Versions': ['1.0.0'] } }));
    expect(f).toMatchObject({ id: 'NPM-9', title: 'NPM-9', severity: 'low' });
    expect(f.url).toBeUndefined();
  });
});

// Later Yarn 4 releases print the registry's bulk answer as received (see yarn-audit.ts). No real
// output of that shape is among the fixtures, so these reports are written from the format.
describe('parseYarnAudit, yarn 4 bulk answer', () => {
  const bulk = {
    lodash: [
      {
        id: 1106913,
        url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
        title: 'Command Injection in lodash',
        severity: 'high',
        vulnerable_versions: '<4.17.21',
        cwe: ['CWE-77', 'CWE-94'],
        cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
      },
      { id: 1106918, url: 'https://github.com/advisories/GHSA-29mw-wpgm-hmr9', title: 'ReDoS in lodash', severity: 'moderate', vulnerable_versions: '<4.17.21', cwe: [], cvss: { score: 0, vectorString: null } },
    ],
    request: [{ id: 'request (deprecation)', title: 'request has been deprecated', severity: 'moderate', vulnerable_versions: '2.88.2' }],
  };

  it('makes one finding per advisory per package, unversioned, and keeps deprecations with their version', () => {
    const findings = parseYarnAudit(`${JSON.stringify(bulk)}\n`);
    expect(findings.map((f) => [f.id, f.package?.name, f.package?.version, f.severity])).toEqual([
      ['GHSA-35jh-r3h4-6jhm', 'lodash', undefined, 'high'],
      ['GHSA-29mw-wpgm-hmr9', 'lodash', undefined, 'medium'],
      ['request (deprecation)', 'request', '2.88.2', 'medium'],
    ]);
    expect(findings[0]).toMatchObject({ aliases: ['NPM-1106913'], cwes: ['CWE-77', 'CWE-94'], cvssScore: 7.2 });
    expect(findings[1].cvssScore).toBeUndefined();
    expect(findings[1].cwes).toBeUndefined();
    expect(findings[2]).toMatchObject({ title: 'request has been deprecated', aliases: [] });
    expect(findings[2].url).toBeUndefined();
  });

  it('reads an empty answer followed by "No audit suggestions" as clean', () => {
    expect(parseYarnAudit('{}\n{"type":"info","name":null,"displayName":"YN0000","indent":"","data":"No audit suggestions"}\n')).toEqual([]);
  });

  it('throws with the line number for an entry missing a required field', () => {
    const text = `{"type":"info","data":"x"}\n${JSON.stringify({ lodash: [{ id: 1, title: 't', severity: 'high' }] })}`;
    expect(() => parseYarnAudit(text)).toThrow(/line 2: unexpected format: \*\.0\.vulnerable_versions/);
  });

  it('falls back to the id for an empty title', () => {
    const [f] = parseYarnAudit(JSON.stringify({ x: [{ id: 3, title: '', severity: 'low', vulnerable_versions: '*' }] }));
    expect(f.title).toBe('NPM-3');
  });
});
