import * as fs from 'node:fs';
import { parseReport } from '../../src/parsers';
import { parseSarif } from '../../src/parsers/sarif';
import { parseTrivyReport } from '../../src/parsers/trivy';
import { decodeText } from '../../src/parsers/util';
import { fixture, readFixture } from '../helpers/paths';

const bytesOf = (...p: string[]) => fs.readFileSync(fixture(...p));
const NPM_AUDIT = 'npm6-v1-advisories-axios-follow-redirects.json';

describe('parseReport', () => {
  const trivyJson = fs.readdirSync(fixture('trivy')).filter((f) => f.endsWith('.json') && !f.endsWith('.cdx.json') && !f.endsWith('.sarif.json'));

  it.each(trivyJson)('reads the bytes of Trivy report %s as its text', (name) => {
    const fromBytes = parseReport('trivy', bytesOf('trivy', name));
    expect(fromBytes.length).toBeGreaterThan(0);
    expect(fromBytes).toEqual(parseReport('trivy', readFixture('trivy', name)));
  });

  it('sends Trivy and Semgrep SARIF, as bytes or text, to the SARIF parser', () => {
    for (const [tool, dir, name] of [
      ['trivy', 'trivy', 'sarif-image-alpine-310.sarif.json'],
      ['semgrep', 'semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json'],
    ] as const) {
      const expected = parseSarif(readFixture(dir, name));
      expect(expected.length).toBeGreaterThan(0);
      expect(parseReport(tool, bytesOf(dir, name))).toEqual(expected);
      expect(parseReport(tool, readFixture(dir, name))).toEqual(expected);
    }
  });

  it('leaves text that only looks like SARIF to the tool parser, which says what is wrong', () => {
    const cut = readFixture('trivy', 'sarif-image-alpine-310.sarif.json').slice(0, 300);
    expect(() => parseReport('trivy', Buffer.from(cut))).toThrow(/trivy report: not valid JSON/);
  });

  it('decodes the bytes of any other report before parsing', () => {
    for (const [tool, name] of [
      ['semgrep', 'json-1.30.0-go-findings.json'],
      ['npm-audit', NPM_AUDIT],
    ] as const) {
      const fromText = parseReport(tool, readFixture(tool, name));
      expect(fromText.length).toBeGreaterThan(0);
      expect(parseReport(tool, bytesOf(tool, name))).toEqual(fromText);
    }
  });

  it('reads a large UTF-8 Trivy report in batches, decoding each as UTF-8, as it reads the text whole', () => {
    const vulns = Array.from({ length: 6000 }, (_, i) => ({
      VulnerabilityID: `CVE-2024-${10000 + i}`,
      PkgName: `pkg-${i % 300}`,
      InstalledVersion: '1.0.0',
      FixedVersion: '1.0.1',
      Severity: 'HIGH',
      // Characters of two, three and four bytes, some of them at the ends of the string.
      Title: i % 7 === 0 ? `é ${i} ✓` : `title ${i}`,
      Description: `Dépassement de tampon — 漏洞 🐛 ${'x'.repeat(600)} ${i}`,
    }));
    const report = { SchemaVersion: 2, ArtifactName: 'ü', Results: [{ Target: 'package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: vulns }] };
    const text = JSON.stringify(report, null, 2);
    const bytes = Buffer.from(text, 'utf8');
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const findings = parseReport('trivy', bytes);
    expect(findings).toEqual(parseTrivyReport(text, { batchAbove: Infinity }));
    expect(findings.find((f) => f.id === 'CVE-2024-10007')?.title).toBe('é 7 ✓');
  });
});

describe('decodeText', () => {
  it('decodes ASCII and UTF-8 ranges of bytes as UTF-8 decoding does', () => {
    const bytes = Buffer.from('{"a":"plain"} {"b":"Dépassement ✓ 🐛"}', 'utf8');
    const cut = bytes.indexOf(' ');
    expect(decodeText(bytes)).toBe(bytes.toString('utf8'));
    expect(decodeText(bytes, 0, cut)).toBe('{"a":"plain"}');
    expect(decodeText(bytes, cut + 1)).toBe('{"b":"Dépassement ✓ 🐛"}');
    expect(decodeText(Buffer.alloc(0))).toBe('');
  });
});
