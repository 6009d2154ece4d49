import * as fs from 'node:fs';
import { parsePipAudit, parsePipAuditBesideMatcher, pipAuditSkipped } from '../../src/parsers/pip-audit';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('pip-audit')).sort();

interface Dep {
  name: string;
  version?: string;
  skip_reason?: string;
  vulns?: { id: string; fix_versions: string[]; aliases?: string[]; description?: string }[];
}
function deps(name: string): Dep[] {
  const data = JSON.parse(readFixture('pip-audit', name));
  return Array.isArray(data) ? data : data.dependencies;
}
const parse = (name: string) => parsePipAudit(readFixture('pip-audit', name));

describe('parsePipAudit golden', () => {
  it('covers every pip-audit fixture', () => {
    expect(FIXTURES).toHaveLength(4);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parse(name));
  });
});

describe('parsePipAudit', () => {
  it('makes one finding per vulnerability per dependency, in order', () => {
    for (const name of FIXTURES) {
      const expected = deps(name).flatMap((d) => (d.vulns ?? []).map((v) => `${d.name}@${d.version} ${v.id}`));
      expect(parse(name).map((f) => `${f.package?.name}@${f.package?.version} ${f.id}`)).toEqual(expected);
    }
  });

  it('reads aliases, fix versions and the pypi purl; severity stays unknown', () => {
    const findings = parse('pip-audit-with-aliases-fastapi-jinja2.json');
    expect(findings[0]).toMatchObject({
      id: 'PYSEC-2024-38',
      aliases: ['CVE-2024-24762', 'GHSA-qf9m-vfgh-m389'],
      severity: 'unknown',
      kind: 'vulnerability',
      tools: ['pip-audit'],
      package: { ecosystem: 'pypi', name: 'fastapi', version: '0.109.0', purl: 'pkg:pypi/fastapi@0.109.0', fixedVersions: ['0.109.1'] },
      url: 'https://osv.dev/vulnerability/PYSEC-2024-38',
    });
    expect(findings.every((f) => f.severity === 'unknown')).toBe(true);
    const ecdsa = findings.find((f) => f.package?.name === 'ecdsa');
    expect(ecdsa?.package?.fixedVersions).toEqual([]);
  });

  it('keeps several fix versions and works without aliases (pip-audit 2.6)', () => {
    const werkzeug = parse('pip-audit-2.6-env-no-aliases.json').find((f) => f.id === 'PYSEC-2023-221');
    expect(werkzeug?.package?.fixedVersions).toEqual(['2.3.8', '3.0.1']);
    expect(werkzeug?.aliases).toEqual([]);
  });

  it('normalizes the purl name the purl way, keeping the reported name', () => {
    const text = JSON.stringify({ dependencies: [{ name: 'Flask_Cors', version: '3.0.0', vulns: [{ id: 'PYSEC-1' }] }] });
    const [f] = parsePipAudit(text);
    expect(f.package).toEqual({ ecosystem: 'pypi', name: 'Flask_Cors', version: '3.0.0', purl: 'pkg:pypi/flask-cors@3.0.0', fixedVersions: [] });
    expect(f.title).toBe('PYSEC-1 in Flask_Cors 3.0.0');
    expect(f.description).toBeUndefined();
  });

  it('titles a finding with the first sentence of its description, without a Markdown heading', () => {
    const title = (description: string) =>
      parsePipAudit(JSON.stringify({ dependencies: [{ name: 'x', version: '1', vulns: [{ id: 'GHSA-1', fix_versions: [], description }] }] }))[0].title;
    expect(title('### Summary  When using form data, `multipart` is slow. More text.')).toBe('When using form data, `multipart` is slow.');
    expect(title('## Impact\nSomething bad')).toBe('Something bad');
    expect(title('Versions before v1.2.3 fail, e.g. on input. Next')).toBe('Versions before v1.2.3 fail, e.g. on input.');
    const long = title(`${'word '.repeat(40)}end.`);
    expect(long.endsWith('…')).toBe(true);
    expect(long.length).toBeLessThanOrEqual(121);
    expect(title('x'.repeat(200))).toBe(`${'x'.repeat(120)}…`);
  });

  it('returns no findings for a report without vulnerabilities and for skipped dependencies', () => {
    expect(parse('pip-audit-no-vulns.json')).toEqual([]);
    expect(parse('pip-audit-legacy-list-format-skip-reason.json')).toEqual([]);
  });

  it('lists skipped dependencies for the adapter', () => {
    expect(pipAuditSkipped(readFixture('pip-audit', 'pip-audit-legacy-list-format-skip-reason.json'))).toEqual([
      { name: 'azure-devops', reason: 'Dependency not found on PyPI and could not be audited: azure-devops (0.17.0)' },
    ]);
    expect(pipAuditSkipped(readFixture('pip-audit', 'pip-audit-no-vulns.json'))).toEqual([]);
    const text = JSON.stringify({
      dependencies: [
        { name: 'local', version: '0.1', skip_reason: 'local package' },
        { name: 'six', version: '1.16.0', vulns: [] },
      ],
      fixes: [],
    });
    expect(pipAuditSkipped(text)).toEqual([{ name: 'local', version: '0.1', reason: 'local package' }]);
    expect(parsePipAudit(text)).toEqual([]);
  });

  it('lists a report where pip-audit skipped every dependency; as a report of its own it is no result', () => {
    // What pip-audit 2.10.1 printed (exit 0) for `-r requirements.txt --no-deps --disable-pip` without
    // network: the adapter notes these, and the OSV matcher still checks them.
    const text = '{"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (0.5)"}], "fixes": []}';
    expect(parsePipAuditBesideMatcher(text)).toEqual([]);
    expect(pipAuditSkipped(text)).toEqual([{ name: 'flask', reason: 'Dependency not found on PyPI and could not be audited: flask (0.5)' }]);
    expect(parsePipAuditBesideMatcher('{"dependencies": [], "fixes": []}')).toEqual([]);
    expect(() => parsePipAudit(text)).toThrow(/every dependency was skipped \(1, e\.g\. dependency 0: not found on PyPI, so it could not be audited\), so nothing was audited/);
    expect(() => parsePipAudit('{"dependencies": [], "fixes": []}')).toThrow(/lists no dependencies, so nothing was audited/);
    expect(() => parsePipAudit(readFixture('hostile', 'reports', 'pass-pip-audit-empty-array.json'))).toThrow(FormatError);
    expect(() => parsePipAudit(readFixture('hostile', 'reports', 'pass-pip-audit-all-skipped.json'))).toThrow(/every dependency was skipped/);
  });

  it('names a dependency by its position, never by its name or skip reason (text of the PR)', () => {
    const canary = 'ghp_Canary0123456789\n::warning::x';
    const messageOf = (report: unknown) => {
      try {
        parsePipAudit(JSON.stringify(report));
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    for (const report of [
      [{ name: canary, vulns: [] }],
      { dependencies: [{ name: 'ok', version: '1', vulns: [] }, { name: canary, version: '1' }] },
      { dependencies: [{ name: canary, skip_reason: `Dependency not found on PyPI and could not be audited: ${canary} (1)` }] },
      { dependencies: [{ name: 'x', skip_reason: canary }] },
    ]) {
      const m = messageOf(report);
      expect(m).toMatch(/dependency [01]/);
      expect(m).not.toContain('ghp_Canary');
      expect(m).not.toContain('::warning');
    }
  });

  it('throws FormatError for a dependency that was neither audited nor skipped', () => {
    expect(() => parsePipAudit(JSON.stringify([{ name: 'a', vulns: [] }]))).toThrow(/dependency 0 has no version and no skip_reason/);
    expect(() => parsePipAudit(JSON.stringify({ dependencies: [{ name: 'a', version: '1' }] }))).toThrow(/dependency 0 has no vulns list/);
  });

  it('throws FormatError for truncated JSON, a vuln without id, and other tools\' reports', () => {
    const text = readFixture('pip-audit', 'pip-audit-2.6-env-no-aliases.json');
    expect(() => parsePipAudit(text.slice(0, 5000))).toThrow(FormatError);
    expect(() => parsePipAudit(JSON.stringify({ dependencies: [{ name: 'a', version: '1', vulns: [{ fix_versions: [] }] }] }))).toThrow(
      /pip-audit JSON report: unexpected format/,
    );
    expect(() => parsePipAudit(readFixture('npm-audit', 'npm6-v1-advisories-axios-follow-redirects.json'))).toThrow(
      /this looks like npm 6 \/ pnpm \/ yarn 2-3 audit output, not pip-audit output/,
    );
  });
});
