import { PolicySchema, type ExceptionEntry, type PolicyInput, type VexDocument } from '../../src/config/schema';
import { checkExceptionLimits, daysUntil } from '../../src/core/exceptions';
import { checkVexLimits } from '../../src/core/vex';
import { makeFinding, type Finding, type FindingInput } from '../../src/core/finding';
import { evaluate, exitCodeFor, type EvaluateInput } from '../../src/core/policy';
import { parsePurl, purlMatches } from '../../src/core/purl-key';
import type { ScannerStatus } from '../../src/core/result';

const NOW = new Date('2026-11-28T10:00:00Z');

const f = (over: Partial<FindingInput> = {}): Finding =>
  makeFinding({
    tool: 'trivy',
    kind: 'vulnerability',
    severity: 'high',
    id: 'CVE-2021-23337',
    aliases: ['GHSA-35jh-r3h4-6jhm'],
    title: 'lodash command injection',
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', fixedVersions: ['4.17.21'] },
    location: { path: 'legacy/package-lock.json' },
    ...over,
  });

const code = (over: Partial<FindingInput> = {}): Finding =>
  f({ tool: 'semgrep', kind: 'code', id: 'chaingate.js.eval', aliases: [], package: undefined, location: { path: 'src/app.js', startLine: 3 }, ...over });

const ex = (over: Partial<ExceptionEntry> = {}): ExceptionEntry => ({
  id: 'CVE-2021-23337',
  reason: 'template() never receives user input',
  expires: '2027-01-31',
  ...over,
});

const ok = (name: string): ScannerStatus => ({ name, status: 'ok', durationMs: 10, findings: 0 });

function run(over: Partial<EvaluateInput> & { policyInput?: PolicyInput; entries?: ExceptionEntry[] } = {}) {
  const { policyInput = {}, entries, ...rest } = over;
  return evaluate({
    findings: [],
    policy: PolicySchema.parse(policyInput),
    exceptions: entries ? [{ source: '.chaingate-exceptions.yml', entries }] : [],
    vex: [],
    scanners: [ok('trivy-fs')],
    now: NOW,
    mode: 'enforce',
    inputs: { vex: [] },
    version: '0.0.0-test',
    ...rest,
  });
}

describe('purl-key', () => {
  it('parses scoped npm, maven and versioned purls', () => {
    expect(parsePurl('pkg:npm/%40babel/core@7.0.0')).toEqual({ type: 'npm', name: '@babel/core', version: '7.0.0' });
    expect(parsePurl('pkg:npm/@babel/core')).toEqual({ type: 'npm', name: '@babel/core', version: undefined });
    expect(parsePurl('pkg:maven/org.apache/log4j@2.0?type=jar')).toEqual({ type: 'maven', name: 'org.apache:log4j', version: '2.0' });
    expect(parsePurl('pkg:npm/lodash@')).toEqual({ type: 'npm', name: 'lodash', version: undefined });
    expect(parsePurl('lodash')).toBeUndefined();
  });
  it('matches by purl or by ecosystem and name, with or without version', () => {
    const any = parsePurl('pkg:npm/lodash')!;
    const exact = parsePurl('pkg:npm/lodash@4.17.20')!;
    const other = parsePurl('pkg:npm/lodash@4.17.21')!;
    const byPurl = { name: 'x', purl: 'pkg:npm/lodash@4.17.20', fixedVersions: [] };
    const byName = { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] };
    expect(purlMatches(any, byPurl)).toBe(true);
    expect(purlMatches(exact, byPurl)).toBe(true);
    expect(purlMatches(exact, byName)).toBe(true);
    expect(purlMatches(other, byName)).toBe(false);
    expect(purlMatches(parsePurl('pkg:pypi/Jinja2')!, { ecosystem: 'pypi', name: 'jinja2', fixedVersions: [] })).toBe(true);
    expect(purlMatches(parsePurl('pkg:npm/qs')!, byName)).toBe(false);
    expect(purlMatches(any, undefined)).toBe(false);
  });
});

describe('exception lifecycle helpers', () => {
  it('counts days to expiry in UTC, the expiry day itself being 0', () => {
    expect(daysUntil('2026-11-28', NOW)).toBe(0);
    expect(daysUntil('2026-11-27', NOW)).toBe(-1);
    expect(daysUntil('2027-01-31', NOW)).toBe(64);
  });
  it('flags entries expiring beyond max-days, with their line', () => {
    const src = { source: 'ex.yml', entries: [ex(), ex({ expires: '2027-06-01' })], lines: [3, 9] };
    expect(checkExceptionLimits(src, undefined, NOW)).toEqual([]);
    const p = checkExceptionLimits(src, 90, NOW);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ index: 1, line: 9, source: 'ex.yml' });
    expect(p[0].message).toMatch(/2027-06-01, 185 days from today, beyond the policy's exceptions.max-days 90/);
  });
});

describe('evaluate', () => {
  describe('when nothing is found', () => {
    it('passes and says which scanners ran', () => {
      const r = run();
      expect(r.verdict).toBe('pass');
      expect(r.reasons[0]).toBe('no finding at or above the policy threshold (scanned by trivy-fs)');
      expect(exitCodeFor(r)).toBe(0);
      expect(r.generatedAt).toBe('2026-11-28T10:00:00.000Z');
    });
    it('is incomplete when nothing was scanned: no scanner, no report, every scanner failed, or only a signature check', () => {
      const none = run({ scanners: [] });
      expect(none.verdict).toBe('incomplete');
      expect(none.reasons).toEqual(['nothing was scanned: no scanner ran and no report was read (scanners: [] or --scanners none without --report)']);
      expect(exitCodeFor(none)).toBe(3);
      const skipped = run({ scanners: [{ name: 'semgrep', status: 'skipped', durationMs: 0, findings: 0 }] });
      expect(skipped.verdict).toBe('incomplete');
      const failed = run({ scanners: [{ name: 'trivy-fs', status: 'failed', durationMs: 1, findings: 0, error: 'boom' }], policyInput: { 'on-scanner-error': 'warn' } });
      expect(failed.verdict).toBe('incomplete');
      expect(failed.reasons).toEqual(['scanner trivy-fs could not scan: boom (on-scanner-error: warn)', 'nothing was scanned: every scanner failed and no report was read']);
      expect(run({ scanners: [ok('cosign-verify')] }).verdict).toBe('incomplete');
      expect(run({ scanners: [ok('report:npm-audit')] }).verdict).toBe('pass');
      // Blocking findings still fail: the verdict says the worse thing.
      expect(run({ scanners: [], findings: [f()] }).verdict).toBe('fail');
    });
  });

  it('returns the findings in report order: blocking first, then the worst severity, then fingerprint', () => {
    const input = [f({ severity: 'low', id: 'CVE-1', aliases: [] }), f({ severity: 'critical', id: 'CVE-2', aliases: [] }), f({ severity: 'high', id: 'CVE-3', aliases: [] }), f({ severity: 'medium', id: 'CVE-4', aliases: [] })];
    const r = run({ findings: input });
    expect(r.findings.map((x) => [x.blocking, x.severity])).toEqual([
      [true, 'critical'],
      [true, 'high'],
      [false, 'medium'],
      [false, 'low'],
    ]);
  });

  describe('thresholds per kind', () => {
    it('blocks a high vulnerability at the default threshold and explains why', () => {
      const r = run({ findings: [f()] });
      expect(r.verdict).toBe('fail');
      expect(exitCodeFor(r)).toBe(1);
      expect(r.findings[0].blocking).toBe(true);
      expect(r.findings[0].rationale).toBe('high is at or above fail-on.vulnerability high');
      expect(r.reasons[0]).toBe('1 finding at or above the policy threshold: 1 high vulnerability');
      expect(r.summary).toMatchObject({ high: 1, blocking: 1, suppressed: 0, total: 1 });
      expect(r.byKind.vulnerability.high).toBe(1);
    });
    it('does not block below the threshold', () => {
      const r = run({ findings: [f({ severity: 'medium' })] });
      expect(r.verdict).toBe('pass');
      expect(r.findings[0].rationale).toBe('medium is below fail-on.vulnerability high');
    });
    it('never blocks a kind set to none', () => {
      const r = run({ findings: [f({ kind: 'license', severity: 'critical' })] });
      expect(r.verdict).toBe('pass');
      expect(r.findings[0].rationale).toBe('fail-on.license is none');
    });
    it('blocks any secret at the default low threshold', () => {
      const r = run({ findings: [code({ kind: 'secret', id: 'aws-access-key-id', severity: 'low' })] });
      expect(r.verdict).toBe('fail');
    });
    it('ranks unknown severity as the policy says, high by default (fail closed)', () => {
      const unknown = f({ severity: 'unknown' });
      const r = run({ findings: [unknown] });
      expect(r.verdict).toBe('fail');
      expect(r.findings[0].rationale).toBe('unknown (ranked high) is at or above fail-on.vulnerability high');
      expect(r.summary.unknown).toBe(1);
      const lowered = run({ findings: [unknown], policyInput: { 'unknown-severity': 'medium' } });
      expect(lowered.verdict).toBe('pass');
      expect(lowered.findings[0].rationale).toBe('unknown (ranked medium) is below fail-on.vulnerability high');
    });
    it('lets unfixed vulnerabilities pass with ignore-unfixed, but not fixed ones', () => {
      const unfixed = f({ package: { ecosystem: 'npm', name: 'x', version: '1', fixedVersions: [] } });
      const nopkg = f({ package: undefined, id: 'CVE-3', aliases: [] });
      const r = run({ findings: [unfixed, nopkg, f()], policyInput: { 'ignore-unfixed': true } });
      expect(r.findings.filter((x) => x.blocking)).toHaveLength(1);
      expect(r.findings.filter((x) => x.rationale === 'no fixed version and ignore-unfixed is true')).toHaveLength(2);
    });
    it('lists blocking counts by kind and severity in the reason', () => {
      const r = run({ findings: [f({ severity: 'critical' }), f({ id: 'CVE-2', aliases: [] }), code(), code({ location: { path: 'b.js' } })] });
      expect(r.reasons[0]).toBe('4 findings at or above the policy threshold: 2 high code, 1 critical vulnerability, 1 high vulnerability');
    });
  });

  describe('exceptions', () => {
    it('suppress a matching finding, which stays in the result with its exception', () => {
      const r = run({ findings: [f()], entries: [ex({ owner: '@web', ticket: 'SEC-1' })] });
      expect(r.verdict).toBe('pass');
      const x = r.findings[0];
      expect(x.blocking).toBe(false);
      expect(x.exception).toEqual({
        source: '.chaingate-exceptions.yml',
        index: 0,
        id: 'CVE-2021-23337',
        reason: 'template() never receives user input',
        expires: '2027-01-31',
        owner: '@web',
        ticket: 'SEC-1',
      });
      expect(x.rationale).toBe('suppressed by exception CVE-2021-23337 (.chaingate-exceptions.yml#1) until 2027-01-31');
      expect(r.summary).toMatchObject({ suppressed: 1, high: 0, blocking: 0 });
      expect(r.exceptions.applied[0].matched).toEqual([x.fingerprint]);
      expect(r.reasons[0]).toMatch(/; 1 suppressed$/);
    });
    it('match any alias, case-insensitively', () => {
      expect(run({ findings: [f()], entries: [ex({ id: 'ghsa-35jh-r3h4-6jhm' })] }).verdict).toBe('pass');
    });
    it('must match every field they give: package, version, paths and kind', () => {
      const finding = [f()];
      expect(run({ findings: finding, entries: [ex({ package: 'pkg:npm/lodash' })] }).verdict).toBe('pass');
      expect(run({ findings: finding, entries: [ex({ package: 'pkg:npm/lodash@4.17.20' })] }).verdict).toBe('pass');
      expect(run({ findings: finding, entries: [ex({ package: 'pkg:npm/lodash@4.17.19' })] }).verdict).toBe('fail');
      expect(run({ findings: finding, entries: [ex({ package: 'pkg:npm/underscore' })] }).verdict).toBe('fail');
      expect(run({ findings: finding, entries: [ex({ paths: ['legacy/**'] })] }).verdict).toBe('pass');
      expect(run({ findings: finding, entries: [ex({ paths: ['src/**'] })] }).verdict).toBe('fail');
      expect(run({ findings: finding, entries: [ex({ kind: 'vulnerability' })] }).verdict).toBe('pass');
      expect(run({ findings: finding, entries: [ex({ kind: 'code' })] }).verdict).toBe('fail');
      const noLoc = [f({ location: undefined })];
      expect(run({ findings: noLoc, entries: [ex({ paths: ['**'] })] }).verdict).toBe('fail');
      const winPath = [code({ location: { path: '.\\legacy\\a.js', startLine: 1 } })];
      expect(run({ findings: winPath, entries: [ex({ id: 'chaingate.js.eval', paths: ['legacy/*.js'] })] }).verdict).toBe('pass');
    });
    it('scoped to a project suppress only the findings of that project', () => {
      // The gate assigns projects after the parsers made the findings.
      const api = { ...f({ location: { path: 'services/api/package-lock.json' } }), project: 'services/api' };
      const web = { ...f({ location: { path: 'services/web/package-lock.json' } }), project: 'services/web' };
      const r = run({ findings: [api, web], entries: [ex({ project: 'services/api' })] });
      expect(r.verdict).toBe('fail');
      expect(r.findings.map((x) => [x.project, x.exception?.id, x.blocking])).toEqual([
        ['services/web', undefined, true],
        ['services/api', 'CVE-2021-23337', false],
      ]);
      // Written as a folder path, it names the same project; a finding without one never matches.
      expect(run({ findings: [api], entries: [ex({ project: './services/api/' })] }).verdict).toBe('pass');
      expect(run({ findings: [api], entries: [ex({ project: 'services' })] }).verdict).toBe('fail');
      expect(run({ findings: [f()], entries: [ex({ project: 'legacy' })] }).verdict).toBe('fail');
      // `.` is the root project, which findings carry as ''.
      expect(run({ findings: [{ ...f(), project: '' }], entries: [ex({ project: '.' })] }).verdict).toBe('pass');
      expect(run({ findings: [api], entries: [ex({ project: '.' })] }).verdict).toBe('fail');
    });
    it('when expired, suppress nothing and report what they would have matched', () => {
      const r = run({ findings: [f()], entries: [ex({ expires: '2026-11-27' })] });
      expect(r.verdict).toBe('fail');
      expect(r.findings[0].exception).toBeUndefined();
      expect(r.exceptions.expired).toHaveLength(1);
      expect(r.exceptions.expired[0].matched).toHaveLength(1);
      expect(r.exceptions.expired[0].daysLeft).toBe(-1);
      expect(r.exceptions.active).toBe(0);
      expect(r.reasons).toContain('1 exception expired (1 still matching findings)');
    });
    it('an active exception wins over an expired one for the same finding', () => {
      const r = run({ findings: [f()], entries: [ex({ expires: '2020-01-01' }), ex({ id: 'GHSA-35jh-r3h4-6jhm' })] });
      expect(r.verdict).toBe('pass');
      expect(r.findings[0].exception?.index).toBe(1);
      expect(r.reasons).toContain('2 exceptions expired (1 still matching findings)'.replace('2 exceptions', '1 exception'));
    });
    it('still valid on their expiry day', () => {
      expect(run({ findings: [f()], entries: [ex({ expires: '2026-11-28' })] }).verdict).toBe('pass');
    });
    it('report unused and expiring-soon entries', () => {
      const r = run({ findings: [f()], entries: [ex({ expires: '2026-12-05' }), ex({ id: 'CVE-0000-1' })] });
      expect(r.exceptions.unused.map((e) => e.entry.id)).toEqual(['CVE-0000-1']);
      expect(r.exceptions.expiringSoon.map((e) => [e.entry.id, e.daysLeft])).toEqual([['CVE-2021-23337', 7]]);
    });
    it('fail the gate when more are active than max-active, even with no finding', () => {
      const entries = [ex(), ex({ id: 'A' }), ex({ id: 'B' })];
      const r = run({ entries, policyInput: { exceptions: { 'max-active': 2 } } });
      expect(r.verdict).toBe('fail');
      expect(r.exceptions.maxActive).toBe(2);
      expect(r.reasons[0]).toBe('3 active exceptions, more than exceptions.max-active 2: fix findings or retire exceptions');
      expect(run({ entries: [ex()], policyInput: { exceptions: { 'max-active': 1 } } }).reasons[0]).toMatch(/^no finding/);
      expect(run({ entries: [ex(), ex()], policyInput: { exceptions: { 'max-active': 1 } } }).reasons[0]).toMatch(/^2 active exceptions/);
    });
  });

  describe('VEX', () => {
    const vex = (statement: Partial<VexDocument['statements'][number]>): EvaluateInput['vex'] => [
      {
        source: 'app.openvex.json',
        doc: {
          '@context': 'https://openvex.dev/ns/v0.2.0',
          statements: [{ vulnerability: { name: 'CVE-2021-23337' }, status: 'not_affected', products: [{ '@id': 'pkg:npm/lodash@4.17.20' }], ...statement }],
        },
      },
    ];
    it('not_affected for the product suppresses, with the justification', () => {
      const r = run({ findings: [f()], vex: vex({ justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'never called' }) });
      expect(r.verdict).toBe('pass');
      expect(r.findings[0].vex).toEqual({
        source: 'app.openvex.json',
        vulnerability: 'CVE-2021-23337',
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        statement: 'never called',
      });
      expect(r.findings[0].rationale).toBe('suppressed by VEX not_affected (app.openvex.json)');
      expect(r.summary.suppressed).toBe(1);
    });
    it('fixed suppresses too; affected and under_investigation do not', () => {
      expect(run({ findings: [f()], vex: vex({ status: 'fixed' }) }).verdict).toBe('pass');
      expect(run({ findings: [f()], vex: vex({ status: 'affected' }) }).verdict).toBe('fail');
      expect(run({ findings: [f()], vex: vex({ status: 'under_investigation' }) }).verdict).toBe('fail');
    });
    it('matches aliases, string forms and identifiers; other products do not match', () => {
      expect(run({ findings: [f()], vex: vex({ vulnerability: 'GHSA-35jh-r3h4-6jhm', products: ['pkg:npm/lodash'] }) }).verdict).toBe('pass');
      expect(
        run({ findings: [f()], vex: vex({ vulnerability: { '@id': 'x', aliases: ['CVE-2021-23337'] }, products: [{ '@id': 'urn:x', identifiers: { purl: 'pkg:npm/lodash' } }] }) })
          .verdict,
      ).toBe('pass');
      expect(run({ findings: [f()], vex: vex({ products: [{ '@id': 'pkg:npm/lodash@1.0.0' }] }) }).verdict).toBe('fail');
      expect(run({ findings: [f()], vex: vex({ products: ['not-a-purl'] }) }).verdict).toBe('fail');
    });
    it('with no products applies to every package', () => {
      expect(run({ findings: [f()], vex: vex({ products: [] }) }).verdict).toBe('pass');
      expect(run({ findings: [f()], vex: vex({ products: undefined }) }).verdict).toBe('pass');
    });
    it('the first matching statement of several wins', () => {
      const docs = vex({});
      docs[0].doc.statements.push({ vulnerability: { name: 'CVE-2021-23337' }, status: 'fixed' });
      expect(run({ findings: [f()], vex: docs }).findings[0].vex?.status).toBe('not_affected');
    });
    it('never suppresses code findings', () => {
      expect(run({ findings: [code()], vex: vex({ vulnerability: 'chaingate.js.eval', products: undefined }) }).verdict).toBe('fail');
    });
    it('a statement with no name matches nothing but is still listed', () => {
      const r = run({ findings: [f()], vex: vex({ vulnerability: { aliases: [] } }) });
      expect(r.verdict).toBe('fail');
      expect(r.exceptions.vex).toEqual([{ source: 'app.openvex.json', index: 0, vulnerability: '(unnamed)', status: 'not_affected', expired: false, matched: [] }]);
    });

    describe('statements are accepted risks: they count toward max-active and are listed', () => {
      it('each suppressing statement counts; under max-active: 0 a VEX document cannot pass the gate', () => {
        const r = run({ findings: [f()], vex: vex({ justification: 'vulnerable_code_not_present' }), policyInput: { exceptions: { 'max-active': 0 } } });
        expect(r.verdict).toBe('fail');
        expect(r.findings[0].vex?.status).toBe('not_affected');
        expect(r.exceptions.active).toBe(1);
        expect(r.reasons).toEqual(['1 active exception (1 VEX statement among them), more than exceptions.max-active 0: fix findings or retire exceptions']);
        expect(r.exceptions.vex).toEqual([
          { source: 'app.openvex.json', index: 0, vulnerability: 'CVE-2021-23337', status: 'not_affected', justification: 'vulnerable_code_not_present', expired: false, matched: [f().fingerprint] },
        ]);
        // Statements that do not suppress (affected) are not accepted risks.
        const affected = run({ findings: [f()], vex: vex({ status: 'affected' }), policyInput: { exceptions: { 'max-active': 0 } } });
        expect(affected.exceptions.active).toBe(0);
        expect(affected.exceptions.vex).toBeUndefined();
        expect(run({ findings: [f()], vex: vex({}), entries: [ex({ id: 'OTHER' })], policyInput: { exceptions: { 'max-active': 2 } } }).verdict).toBe('pass');
        expect(run({ findings: [f()], vex: vex({}), entries: [ex({ id: 'OTHER' })], policyInput: { exceptions: { 'max-active': 1 } } }).reasons[0]).toMatch(/^2 active exceptions \(1 VEX statement among them\)/);
      });
      it('under max-days a statement holds for max-days from its timestamp, then suppresses nothing', () => {
        const old = vex({ timestamp: '2026-11-01T00:00:00Z' });
        const r = run({ findings: [f()], vex: old, policyInput: { exceptions: { 'max-days': 7 } } });
        expect(r.verdict).toBe('fail');
        expect(r.findings[0].vex).toBeUndefined();
        expect(r.exceptions.active).toBe(0);
        expect(r.exceptions.vex?.[0]).toMatchObject({ expires: '2026-11-08', daysLeft: -20, expired: true, matched: [f().fingerprint] });
        expect(r.reasons).toContain('1 VEX statement older than exceptions.max-days (1 still matching findings): re-issue them or fix the findings');
        const fresh = run({ findings: [f()], vex: vex({ timestamp: '2026-11-27T00:00:00Z' }), policyInput: { exceptions: { 'max-days': 7 } } });
        expect(fresh.verdict).toBe('pass');
        expect(fresh.exceptions.vex?.[0]).toMatchObject({ expires: '2026-12-04', daysLeft: 6, expired: false });
        // The document's timestamp stands in for a statement without one.
        const docTime = vex({});
        docTime[0].doc.timestamp = '2026-01-01T00:00:00Z';
        expect(run({ findings: [f()], vex: docTime, policyInput: { exceptions: { 'max-days': 1 } } }).verdict).toBe('fail');
        const unused = run({ findings: [], vex: old, policyInput: { exceptions: { 'max-days': 7 } } });
        expect(unused.reasons).toContain('1 VEX statement older than exceptions.max-days (0 still matching findings): re-issue them or fix the findings');
      });
      it('under max-days a statement needs a timestamp, not in the future', () => {
        const at = (timestamp?: string) => checkVexLimits(vex({ timestamp }), 7, NOW);
        expect(at('2026-11-20T00:00:00Z')).toEqual([]);
        expect(checkVexLimits(vex({}), undefined, NOW)).toEqual([]);
        expect(checkVexLimits(vex({ status: 'affected' }), 7, NOW)).toEqual([]);
        expect(at()).toEqual([{ source: 'app.openvex.json', index: 0, message: 'VEX statement 1 has no timestamp (nor has its document), so exceptions.max-days cannot be applied to it' }]);
        expect(at('yesterday')[0].message).toBe('VEX statement 1 has a timestamp that is not a date');
        // The file's text is not quoted (a VEX document can come with the pull request).
        expect(at('ghp_Canary 2099-01-01')[0].message).toMatch(/^VEX statement 1 is dated in the future \((2099-01-01|2098-12-31)T[^)]*\), which would stretch exceptions\.max-days$/);
        expect(at('2030-01-01T00:00:00Z')[0].message).toBe('VEX statement 1 is dated in the future (2030-01-01T00:00:00.000Z), which would stretch exceptions.max-days');
      });
      it('a finding matched by a statement through its id and an alias is recorded once', () => {
        const docs = vex({ vulnerability: { name: 'CVE-2021-23337', aliases: ['GHSA-35jh-r3h4-6jhm'] } });
        expect(run({ findings: [f()], vex: docs }).exceptions.vex?.[0].matched).toEqual([f().fingerprint]);
      });
    });
  });

  describe('scanner failures', () => {
    const failed: ScannerStatus = { name: 'semgrep', status: 'failed', durationMs: 5, findings: 0, error: 'semgrep: exit 2: invalid rule' };
    it('make the verdict incomplete (exit 3), never pass', () => {
      const r = run({ scanners: [ok('trivy-fs'), failed] });
      expect(r.verdict).toBe('incomplete');
      expect(exitCodeFor(r)).toBe(3);
      expect(r.reasons).toEqual(['scanner semgrep could not scan: semgrep: exit 2: invalid rule']);
    });
    it('with on-scanner-error warn, report the failure but decide on the findings', () => {
      const r = run({ scanners: [ok('trivy-fs'), failed], policyInput: { 'on-scanner-error': 'warn' } });
      expect(r.verdict).toBe('pass');
      expect(r.reasons[1]).toBe('scanner semgrep could not scan: semgrep: exit 2: invalid rule (on-scanner-error: warn)');
    });
    it('a blocking finding still fails, with the failure listed too', () => {
      const r = run({ findings: [f()], scanners: [{ ...failed, error: undefined }] });
      expect(r.verdict).toBe('fail');
      expect(r.reasons[1]).toBe('scanner semgrep could not scan: unknown error');
    });
  });

  it('warn mode keeps the verdict but exits 0', () => {
    const r = run({ findings: [f()], mode: 'warn' });
    expect(r.verdict).toBe('fail');
    expect(exitCodeFor(r)).toBe(0);
    expect(exitCodeFor({ verdict: 'incomplete', mode: 'enforce' })).toBe(3);
  });

  it('matches 20,000 findings against 1,000 exceptions (indexed; bench/core.mjs measures 100,000)', () => {
    const findings: Finding[] = [];
    for (let i = 0; i < 20_000; i++) findings.push(f({ id: `CVE-2024-${i}`, aliases: [] }));
    const entries = Array.from({ length: 1000 }, (_, i) => ex({ id: `CVE-2024-${i * 20}` }));
    const r = run({ findings, entries });
    expect(r.summary.suppressed).toBe(1000);
    expect(r.summary.blocking).toBe(19_000);
  });
});

describe('triage SLAs', () => {
  const MAP = { critical: 7, high: 30, medium: 90, low: 180 };

  it('an exception expiring past the SLA of the severity it suppresses blocks, naming its line, the finding and the SLA', () => {
    // 64 days out: fine for a medium finding (90), too long for a high one (30).
    const entries = [ex({ expires: '2027-01-31' })];
    const exceptions = [{ source: '.chaingate-exceptions.yml', entries, lines: [4] }];
    const high = run({ findings: [f()], policyInput: { exceptions: { 'max-days': MAP } }, exceptions });
    expect(high.verdict).toBe('fail');
    expect(high.findings[0].exception).toBeUndefined();
    expect(high.findings[0].blocking).toBe(true);
    expect(high.reasons).toContain(
      'exception CVE-2021-23337 (.chaingate-exceptions.yml:4) expires 2027-01-31, 64 days out, past the 30-day SLA for high finding CVE-2021-23337 in lodash@4.17.20 (exceptions.max-days): it suppresses nothing until it expires sooner',
    );
    const medium = run({ findings: [f({ severity: 'medium' })], policyInput: { exceptions: { 'max-days': MAP } }, exceptions });
    expect(medium.verdict).toBe('pass');
    expect(medium.findings[0].exception?.id).toBe('CVE-2021-23337');
    // A code finding and one without a line or a package are named by where they are.
    const codeRun = run({ findings: [code({ id: 'CVE-2021-23337' }), f({ package: undefined, location: undefined, id: 'CVE-2021-23337', severity: 'critical' })], policyInput: { exceptions: { 'max-days': { high: 1, critical: 1 } } }, entries });
    expect(codeRun.reasons.filter((r) => r.includes('past the 1-day SLA'))).toEqual([
      expect.stringContaining('past the 1-day SLA for high finding CVE-2021-23337 at src/app.js (exceptions.max-days)'),
      expect.stringContaining('(.chaingate-exceptions.yml #1) expires 2027-01-31, 64 days out, past the 1-day SLA for critical finding CVE-2021-23337 (exceptions.max-days)'),
    ]);
    const unversioned = run({ findings: [f({ package: { ecosystem: 'npm', name: 'lodash', fixedVersions: [] } })], policyInput: { exceptions: { 'max-days': MAP } }, entries });
    expect(unversioned.reasons).toContainEqual(expect.stringContaining('for high finding CVE-2021-23337 in lodash (exceptions.max-days)'));
    // A severity the map leaves out has no limit; one number is checked when the file loads.
    expect(run({ findings: [f()], policyInput: { exceptions: { 'max-days': { critical: 1 } } }, entries }).verdict).toBe('pass');
    expect(run({ findings: [f()], policyInput: { exceptions: { 'max-days': 10 } }, entries }).verdict).toBe('pass');
  });

  it('caps the list of such reasons at 20', () => {
    const findings = Array.from({ length: 25 }, (_, i) => f({ id: `CVE-2024-${1000 + i}`, aliases: [] }));
    const entries = findings.map((x) => ex({ id: x.id }));
    const r = run({ findings, policyInput: { exceptions: { 'max-days': { high: 30 } } }, entries });
    expect(r.reasons.filter((x) => x.startsWith('exception CVE-2024-'))).toHaveLength(20);
    expect(r.reasons).toContain("5 more exceptions past their finding's SLA");
  });

  it('a finding open past its sla is reported, and blocks with sla-overdue: block', () => {
    const low = f({ severity: 'low', package: { ecosystem: 'npm', name: 'x', version: '1', fixedVersions: [] } });
    const high = f();
    const firstSeen = new Map([
      [low.fingerprint, '2026-01-01'],
      [high.fingerprint, '2026-01-01'],
    ]);
    const warn = run({ findings: [low, high], firstSeen, policyInput: { sla: MAP } });
    expect(warn.reasons).toContain('2 findings open past their SLA (sla-overdue: warn)');
    expect(warn.summary.blocking).toBe(1);
    const block = run({ findings: [low, high], firstSeen, policyInput: { sla: MAP, 'sla-overdue': 'block' } });
    expect(block.summary.blocking).toBe(2);
    expect(block.findings.find((x) => x.fingerprint === low.fingerprint)?.rationale).toBe('open 331 days since 2026-01-01, past the 180-day SLA for low (sla-overdue: block)');
    expect(block.reasons[0]).toBe('2 findings at or above the policy threshold: 1 high vulnerability, 1 low vulnerability');
    const one = run({ findings: [low], firstSeen, policyInput: { sla: { low: 10 }, 'sla-overdue': 'block' } });
    expect(one.verdict).toBe('fail');
    expect(one.reasons).toContain('1 finding open past its SLA (sla-overdue: block)');
    // Without first-seen dates nothing is overdue.
    expect(run({ findings: [low], policyInput: { sla: { low: 10 }, 'sla-overdue': 'block' } }).verdict).toBe('pass');
  });
});

describe('projects with their own policy', () => {
  const strict = PolicySchema.parse({ 'fail-on': { vulnerability: 'medium' } });
  const lax = PolicySchema.parse({ 'fail-on': { vulnerability: 'critical' } });
  const at = (project: string | undefined, severity: Finding['severity'] = 'high'): Finding => ({ ...f({ severity, location: { path: `${project ?? 'top'}/package-lock.json` } }), ...(project === undefined ? {} : { project }) });

  it("holds each project's findings to its policy, the others to the monorepo's, and says which", () => {
    const r = run({ findings: [at('svc/lax'), at('svc/strict', 'medium'), at('svc/other'), at(undefined), at('', 'medium')], projectPolicies: new Map([['svc/lax', lax], ['svc/strict', strict], ['', strict]]) });
    const by = (p: string) => r.findings.find((x) => x.location?.path === `${p}/package-lock.json`);
    expect(by('svc/lax')).toMatchObject({ blocking: false, rationale: 'high is below fail-on.vulnerability critical (policy of project svc/lax)' });
    expect(by('svc/strict')).toMatchObject({ blocking: true, rationale: 'medium is at or above fail-on.vulnerability medium (policy of project svc/strict)' });
    expect(by('svc/other')).toMatchObject({ blocking: true, rationale: 'high is at or above fail-on.vulnerability high' });
    expect(by('top')?.blocking).toBe(true);
    expect(by('')).toMatchObject({ blocking: true, rationale: expect.stringContaining('(policy of project .)') });
  });

  it('is the monorepo policy alone without project policies', () => {
    expect(run({ findings: [at('svc/lax')], projectPolicies: new Map() }).findings[0].blocking).toBe(true);
  });
});
