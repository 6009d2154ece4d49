// The license policy: SPDX expressions judged against allow/deny lists, its findings, and how
// the policy decides on them (blocking whatever fail-on.license says; exceptions by package).
import { PolicySchema, type PolicyInput } from '../../src/config/schema';
import { LICENSE_IDS, judgeLicense, licenseFindings, spdxIdProblem, type LicenseRules } from '../../src/core/licenses';
import { makeFinding } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import type { Lockfile, LockPackage } from '../../src/lockfiles/types';

const none = { allow: [], deny: [] };

describe('judgeLicense', () => {
  it('passes an OR expression when one alternative is allowed', () => {
    expect(judgeLicense('MIT OR GPL-3.0-only', { allow: ['MIT'], deny: [] })).toEqual({ status: 'ok' });
    expect(judgeLicense('(MIT OR GPL-3.0-only)', { allow: [], deny: ['GPL-3.0-only'] })).toEqual({ status: 'ok' });
  });

  it('denies an AND expression holding a denied license, and an OR whose every alternative does', () => {
    expect(judgeLicense('MIT AND GPL-3.0-only', { allow: [], deny: ['GPL-3.0-only'] })).toEqual({ status: 'denied', licenses: ['GPL-3.0-only'] });
    expect(judgeLicense('GPL-3.0-only OR AGPL-3.0-only', { allow: ['MIT'], deny: ['GPL-3.0-only', 'AGPL-3.0-only'] })).toEqual({
      status: 'denied',
      licenses: ['AGPL-3.0-only', 'GPL-3.0-only'],
    });
  });

  it('says not allowed when an alternative escapes the deny list but not the allow list', () => {
    expect(judgeLicense('MIT AND GPL-3.0-only', { allow: ['MIT'], deny: [] })).toEqual({ status: 'not-allowed', licenses: ['GPL-3.0-only'] });
    expect(judgeLicense('GPL-3.0-only OR ISC', { allow: ['MIT'], deny: ['GPL-3.0-only'] })).toEqual({ status: 'not-allowed', licenses: ['ISC'] });
  });

  it('follows SPDX ranges and exceptions as spdx-satisfies reads them', () => {
    expect(judgeLicense('GPL-3.0-or-later', { allow: [], deny: ['GPL-2.0+'] }).status).toBe('denied');
    expect(judgeLicense('GPL-2.0+', { allow: ['MIT'], deny: [] })).toEqual({ status: 'not-allowed', licenses: ['GPL-2.0+'] });
    expect(judgeLicense('GPL-2.0-only WITH Classpath-exception-2.0', { allow: ['GPL-2.0-only WITH Classpath-exception-2.0'], deny: [] }).status).toBe('ok');
    expect(judgeLicense('GPL-2.0-only WITH Classpath-exception-2.0', { allow: ['GPL-2.0-only'], deny: [] }).status).toBe('not-allowed');
  });

  it('passes anything with empty lists', () => {
    expect(judgeLicense('AGPL-3.0-only', none)).toEqual({ status: 'ok' });
  });

  it('is unknown for a missing license, a non-SPDX text and an expression past the bounds', () => {
    expect(judgeLicense(undefined, none)).toEqual({ status: 'unknown', why: 'no license recorded' });
    expect(judgeLicense('  ', none).status).toBe('unknown');
    expect(judgeLicense('SEE LICENSE IN LICENSE.txt', none)).toEqual({ status: 'unknown', why: '"SEE LICENSE IN LICENSE.txt" is not an SPDX license expression' });
    expect(judgeLicense('mit', none).status).toBe('unknown');
    expect(judgeLicense(`MIT${' OR MIT'.repeat(200)}`, none)).toEqual({ status: 'unknown', why: 'license expression longer than 1000 characters' });
    // Ten clauses of two alternatives each: 1,024 alternatives once expanded.
    const wide = Array.from({ length: 10 }, () => '(MIT OR ISC)').join(' AND ');
    expect(judgeLicense(wide, none)).toEqual({ status: 'unknown', why: `"${wide}" has more than 256 alternatives` });
    const wider = Array.from({ length: 20 }, () => '(MIT OR ISC)').join(' AND ');
    expect(judgeLicense(wider, none)).toEqual({ status: 'unknown', why: `"${wider.slice(0, 200)}…" has more than 256 alternatives` });
    // 256 alternatives, then one more through an OR.
    const eight = Array.from({ length: 8 }, () => '(MIT OR ISC)').join(' AND ');
    expect(judgeLicense(`(${eight}) OR MIT`, none).status).toBe('unknown');
    expect(judgeLicense(eight, none).status).toBe('ok');
  });
});

describe('spdxIdProblem', () => {
  it('accepts ids, ranges and exceptions; refuses non-ids and expressions', () => {
    expect(spdxIdProblem('MIT')).toBeUndefined();
    expect(spdxIdProblem('GPL-2.0+')).toBeUndefined();
    expect(spdxIdProblem('LicenseRef-acme')).toBeUndefined();
    expect(spdxIdProblem('Apache-2.0 WITH LLVM-exception')).toBeUndefined();
    expect(spdxIdProblem('mit')).toMatch(/is not an SPDX license id/);
    expect(spdxIdProblem('MIT OR ISC')).toBe('is an expression; list each license on its own');
  });
});

const pkg = (name: string, licenses?: string[], over: Partial<LockPackage> = {}): LockPackage => ({
  ecosystem: 'npm',
  name,
  version: '1.0.0',
  purl: `pkg:npm/${name}@1.0.0`,
  dev: false,
  direct: true,
  dependencies: [],
  ...(licenses ? { licenses } : {}),
  ...over,
});
const lock = (packages: LockPackage[]): Lockfile => ({ path: 'app/package-lock.json', kind: 'package-lock', packages });

describe('licenseFindings', () => {
  const packages = [
    pkg('gpl', ['GPL-3.0-only']),
    pkg('dual', ['MIT OR GPL-3.0-only']),
    pkg('isc', ['ISC']),
    pkg('none'),
    pkg('empty', []),
    pkg('two', ['MIT', 'ISC']),
    pkg('own', undefined, { workspace: 'packages/own' }),
  ];
  const rules: LicenseRules = { allow: ['MIT'], deny: ['GPL-3.0-only'], unknown: 'warn' };

  it('reports each package that no alternative lets through, at its purl and lockfile', () => {
    const out = licenseFindings([lock(packages)], rules);
    expect(out.map((f) => [f.id, f.package?.purl, f.severity])).toEqual([
      [LICENSE_IDS.denied, 'pkg:npm/gpl@1.0.0', 'high'],
      [LICENSE_IDS.notAllowed, 'pkg:npm/isc@1.0.0', 'high'],
      [LICENSE_IDS.unknown, 'pkg:npm/none@1.0.0', 'medium'],
      [LICENSE_IDS.unknown, 'pkg:npm/empty@1.0.0', 'medium'],
      [LICENSE_IDS.notAllowed, 'pkg:npm/two@1.0.0', 'high'],
    ]);
    expect(out[0]).toMatchObject({
      kind: 'license',
      tools: ['licenses'],
      title: 'License GPL-3.0-only of gpl@1.0.0 is denied (licenses.deny)',
      description: 'License expression: GPL-3.0-only',
      location: { path: 'app/package-lock.json' },
    });
    expect(out[1].title).toBe('License ISC of isc@1.0.0 is not in licenses.allow');
    expect(out[2].title).toBe('License of none@1.0.0 is unknown: no license recorded (licenses.unknown: warn)');
    expect(out[2].description).toBeUndefined();
    // Several licenses of one package all apply; a long text from the lockfile is quoted short.
    const long = `SEE LICENSE IN ${'x'.repeat(5000)}`;
    const [f] = licenseFindings([lock([pkg('long', [long])])], rules);
    expect(f.description).toBe(`License expression: ${long.slice(0, 200)}…`);
    expect(f.title.length).toBeLessThan(400);
    expect(out[4].description).toBe('License expression: (MIT) AND (ISC)');
  });

  it('leaves unknown licenses out with unknown: allow', () => {
    expect(licenseFindings([lock(packages)], { ...rules, unknown: 'allow' }).map((f) => f.id)).not.toContain(LICENSE_IDS.unknown);
  });
});

describe('the policy on license findings', () => {
  const findings = licenseFindings(
    [lock([pkg('gpl', ['GPL-3.0-only']), pkg('none'), pkg('mit', ['MIT'])])],
    { allow: [], deny: ['GPL-3.0-only'], unknown: 'warn' },
  );
  const run = (policyInput: PolicyInput, entries = [] as { id: string; package?: string; kind?: 'license'; reason: string; expires: string }[], extra = [] as typeof findings) =>
    evaluate({
      findings: [...findings, ...extra],
      policy: PolicySchema.parse(policyInput),
      exceptions: entries.length ? [{ source: '.chaingate-exceptions.yml', entries }] : [],
      vex: [],
      scanners: [{ name: 'licenses', status: 'ok', durationMs: 1, findings: findings.length }],
      now: new Date('2026-11-28T10:00:00Z'),
      mode: 'enforce',
      inputs: { vex: [] },
      version: '0.0.0-test',
    });

  it('blocks a denied license although fail-on.license is none; an unknown one only with unknown: block', () => {
    const warn = run({ licenses: { deny: ['GPL-3.0-only'] } });
    expect(warn.verdict).toBe('fail');
    const byId = Object.fromEntries(warn.findings.map((f) => [f.id, f]));
    expect(byId[LICENSE_IDS.denied]).toMatchObject({ blocking: true, rationale: 'its license is in licenses.deny' });
    expect(byId[LICENSE_IDS.unknown]).toMatchObject({ blocking: false, rationale: 'its license is unknown and licenses.unknown is warn' });
    const block = run({ licenses: { deny: ['GPL-3.0-only'], unknown: 'block' } });
    expect(block.findings.find((f) => f.id === LICENSE_IDS.unknown)).toMatchObject({ blocking: true, rationale: 'its license is unknown and licenses.unknown is block' });
  });

  it('blocks a license outside the allow list', () => {
    const notAllowed = licenseFindings([lock([pkg('isc', ['ISC'])])], { allow: ['MIT'], deny: [], unknown: 'warn' });
    const r = run({ licenses: { allow: ['MIT'] } }, [], notAllowed);
    expect(r.findings.find((f) => f.id === LICENSE_IDS.notAllowed)).toMatchObject({ blocking: true, rationale: 'its license is not in licenses.allow' });
  });

  it('keeps fail-on.license for Trivy license findings, including one that borrows our id', () => {
    const trivy = makeFinding({ tool: 'trivy', kind: 'license', severity: 'high', id: 'GPL-3.0-only', title: 'License GPL-3.0-only', package: { name: 'x', fixedVersions: [] } });
    const spoof = makeFinding({ tool: 'trivy', kind: 'license', severity: 'low', id: LICENSE_IDS.unknown, title: 'License', package: { name: 'y', fixedVersions: [] } });
    const r = run({ 'fail-on': { license: 'high' }, licenses: {} }, [], [trivy, spoof]);
    expect(r.findings.find((f) => f.tools[0] === 'trivy' && f.id === 'GPL-3.0-only')).toMatchObject({ blocking: true, rationale: 'high is at or above fail-on.license high' });
    expect(r.findings.find((f) => f.tools[0] === 'trivy' && f.id === LICENSE_IDS.unknown)).toMatchObject({ blocking: false, rationale: 'low is below fail-on.license high' });
  });

  it("judges a licenses-tool finding with an id of no rule of ours (from another run's result) by fail-on.license", () => {
    const other = makeFinding({ tool: 'licenses', kind: 'license', severity: 'medium', id: 'chaingate.license.renamed', title: 'License', package: { name: 'z', fixedVersions: [] } });
    const r = run({ 'fail-on': { license: 'high' }, licenses: {} }, [], [other]);
    expect(r.findings.find((f) => f.id === 'chaingate.license.renamed')).toMatchObject({ blocking: false, rationale: 'medium is below fail-on.license high' });
  });

  it('lets an exception by package suppress a denied license', () => {
    const r = run({ licenses: { deny: ['GPL-3.0-only'] } }, [
      { id: LICENSE_IDS.denied, package: 'pkg:npm/gpl', kind: 'license', reason: 'used only in the build, never shipped', expires: '2027-01-31' },
    ]);
    expect(r.verdict).toBe('pass');
    expect(r.findings.find((f) => f.id === LICENSE_IDS.denied)?.exception?.id).toBe(LICENSE_IDS.denied);
  });
});
