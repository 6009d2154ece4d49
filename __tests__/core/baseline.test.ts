// Baseline matching, dependency changes, deny-packages and gate edits: the pure core of PR mode.
import { PolicySchema, type ExceptionEntry, type VexDocument } from '../../src/config/schema';
import {
  isDependencyFile,
  isInfrastructureFile,
  matchBaseline,
  normalizeRelPath,
  packageIdentity,
  parseNameStatus,
  renameMap,
  type BaselineFinding,
} from '../../src/core/baseline';
import { denyCandidates, denyFindings, denyMatches, diffInventories, parseDenyPattern, versionInRange } from '../../src/core/dependency-changes';
import { makeFinding, matchedTextHash, type Finding, type FindingInput } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import { diffGate, exceptionDetails, policyDetails, vexDetails } from '../../src/core/policy-changes';

const code = (over: Partial<FindingInput> = {}): Finding =>
  makeFinding({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'js.eval', title: 'eval', location: { path: 'src/a.js', startLine: 3 }, textHash: 'h1', ...over });
const vuln = (over: Partial<FindingInput> = {}): Finding =>
  makeFinding({
    tool: 'trivy',
    kind: 'vulnerability',
    severity: 'high',
    id: 'CVE-2021-23337',
    aliases: ['GHSA-35jh-r3h4-6jhm'],
    title: 'lodash',
    package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: ['4.17.21'] },
    location: { path: 'package-lock.json' },
    ...over,
  });
const states = (head: Finding[], base: BaselineFinding[], ctx = {}) => {
  const m = matchBaseline(head, base, ctx);
  return head.map((f) => m.get(f.fingerprint));
};

describe('matchBaseline', () => {
  it('ignores line numbers: a code finding is its rule, path and text', () => {
    expect(states([code({ location: { path: 'src/a.js', startLine: 40 } })], [code()])).toEqual([{ state: 'existing' }]);
    expect(states([code({ textHash: 'other' })], [code()])).toEqual([{ state: 'new' }]);
    // Without a text hash on either side (an unreadable file), rule and path still match.
    const bare = code({ textHash: undefined });
    expect(matchBaseline([bare], [bare]).get(bare.fingerprint)).toEqual({ state: 'existing' });
    expect(states([code({ id: 'js.other' })], [code()])).toEqual([{ state: 'new' }]);
    expect(states([code({ location: { path: 'src/b.js', startLine: 3 } })], [code()])).toEqual([{ state: 'new' }]);
  });
  it('counts copies: the second copy of a flaw is new, and the later one in the file', () => {
    const first = code({ location: { path: 'src/a.js', startLine: 9 } });
    const second = code({ location: { path: 'src/a.js', startLine: 20 } });
    expect(states([second, first], [code()])).toEqual([{ state: 'new' }, { state: 'existing' }]);
  });
  it('follows renames and normalizes paths', () => {
    const renamed = code({ location: { path: 'lib/b.js', startLine: 1 } });
    expect(states([renamed], [code({ location: { path: './src\\a.js', startLine: 3 } })], { renames: new Map([['src/a.js', 'lib/b.js']]) })).toEqual([{ state: 'existing' }]);
    expect(normalizeRelPath('./x/y')).toBe('x/y');
    expect(states([code()], [code()], { renames: new Map([['other.js', 'moved.js']]) })).toEqual([{ state: 'existing' }]);
    expect(packageIdentity({ name: 'x' })).toBe('/x@');
  });
  it('knows a secret whichever rule found it', () => {
    const s = (id: string, tool: string) => makeFinding({ tool, kind: 'secret', severity: 'high', id, title: 's', location: { path: '.env', startLine: 2 }, textHash: 'k' });
    expect(states([s('aws-access-key', 'trivy')], [s('generic.secret', 'semgrep')])).toEqual([{ state: 'existing' }]);
  });
  it('matches vulnerabilities by package and any advisory id, across versions', () => {
    const bumped = vuln({ package: { ecosystem: 'npm', name: 'lodash', version: '4.17.19', fixedVersions: [] } });
    expect(states([bumped], [vuln({ id: 'GHSA-35jh-r3h4-6jhm', aliases: [] })])).toEqual([{ state: 'existing' }]);
    expect(states([vuln({ id: 'CVE-2099-1', aliases: [] })], [vuln()])).toEqual([{ state: 'new' }]);
  });
  it('calls a new advisory on an unchanged dependency existing and newly disclosed', () => {
    const fresh = vuln({ id: 'CVE-2099-1', aliases: [] });
    expect(states([fresh], [], { basePackages: new Set([packageIdentity({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' })]) })).toEqual([
      { state: 'existing', newlyDisclosed: true },
    ]);
    expect(states([fresh], [], { basePackages: new Set(['npm/lodash@1.0.0']) })).toEqual([{ state: 'new' }]);
  });
  it('matches other findings by kind, id, package and path', () => {
    const lic = makeFinding({ tool: 'trivy', kind: 'license', severity: 'low', id: 'GPL-3.0', title: 'l', package: { ecosystem: 'npm', name: 'x', version: '1', fixedVersions: [] } });
    const sig = makeFinding({ tool: 'cosign', kind: 'signature', severity: 'high', id: 'unsigned', title: 's' });
    const noLoc = makeFinding({ tool: 'x', kind: 'code', severity: 'high', id: 'r', title: 't' });
    expect(states([lic, sig, noLoc], [lic, noLoc])).toEqual([{ state: 'existing' }, { state: 'new' }, { state: 'existing' }]);
  });
});

describe('git name-status and file classes', () => {
  it('parses -z output with renames and copies', () => {
    const changes = parseNameStatus('M\0a.js\0R087\0old.js\0new.js\0C100\0x\0y\0A\0b.js\0D\0c.js\0');
    expect(changes).toEqual([
      { status: 'M', path: 'a.js' },
      { status: 'R', oldPath: 'old.js', path: 'new.js' },
      { status: 'C', oldPath: 'x', path: 'y' },
      { status: 'A', path: 'b.js' },
      { status: 'D', path: 'c.js' },
    ]);
    expect([...renameMap(changes)]).toEqual([['old.js', 'new.js']]);
  });
  it('tells dependency and infrastructure files', () => {
    expect(['package.json', 'web/yarn.lock', 'requirements-dev.txt', 'App.csproj', 'go.sum'].map(isDependencyFile)).toEqual([true, true, true, true, true]);
    expect(isDependencyFile('src/app.js')).toBe(false);
    expect(['Dockerfile', 'api/Dockerfile.prod', 'main.tf', 'k8s/deploy.yaml'].map(isInfrastructureFile)).toEqual([true, true, true, true]);
    expect(isInfrastructureFile('src/app.py')).toBe(false);
  });
  it('hashes text without its whitespace', () => {
    expect(matchedTextHash('  return eval( x );')).toBe(matchedTextHash('return eval(x);'));
    expect(matchedTextHash('eval(x)')).not.toBe(matchedTextHash('eval(y)'));
  });
});

const dep = (name: string, version: string, ecosystem = 'npm') => ({ ecosystem, name, version, purl: `pkg:${ecosystem}/${name}@${version}` });

describe('diffInventories', () => {
  it('lists added, removed and changed packages per lockfile, with findings on the new ones', () => {
    const base = [
      { lockfile: 'package-lock.json', packages: [dep('lodash', '4.17.19'), dep('left-pad', '1.0.0'), dep('ms', '2.0.0'), dep('ms', '2.1.0'), dep('ms', '2.0.0')] },
      { lockfile: 'old/yarn.lock', packages: [dep('a', '1')] },
    ];
    const head = [
      { lockfile: 'package-lock.json', packages: [dep('lodash', '4.17.20'), dep('colors', '1.4.2'), dep('ms', '3.0.0'), dep('ms', '3.1.0'), dep('ms', '3.2.0')] },
      { lockfile: 'same.lock', packages: [dep('b', '1')] },
    ];
    const sameBase = [...base, { lockfile: 'same.lock', packages: [dep('b', '1')] }];
    const changes = diffInventories(sameBase, head, [vuln({ package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } }), vuln(), vuln({ id: 'CVE-2000-1', aliases: [], package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } }), vuln({ tool: 'osv', id: 'CVE-2000-1', aliases: [], package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', fixedVersions: [] } }), makeFinding({ tool: 'x', kind: 'code', severity: 'low', id: 'c', title: 'c' })]);
    expect(changes).toEqual([
      { lockfile: 'old/yarn.lock', added: [], removed: [dep('a', '1')], changed: [] },
      {
        lockfile: 'package-lock.json',
        added: [{ ...dep('colors', '1.4.2'), findings: [] }],
        removed: [dep('left-pad', '1.0.0')],
        changed: [
          { ecosystem: 'npm', name: 'lodash', from: '4.17.19', to: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', findings: ['CVE-2000-1', 'CVE-2021-23337'] },
          { ecosystem: 'npm', name: 'ms', from: '2.0.0', to: '3.0.0', purl: 'pkg:npm/ms@3.0.0', findings: [] },
          { ecosystem: 'npm', name: 'ms', from: '2.1.0', to: '3.1.0', purl: 'pkg:npm/ms@3.1.0', findings: [] },
          { ecosystem: 'npm', name: 'ms', from: '2.1.0', to: '3.2.0', purl: 'pkg:npm/ms@3.2.0', findings: [] },
        ],
      },
    ]);
    // A version only added beside the kept ones is an addition; one only dropped is a removal.
    const grow = diffInventories([{ lockfile: 'l', packages: [dep('x', '1'), dep('y', '1'), dep('y', '2')] }], [{ lockfile: 'l', packages: [dep('x', '1'), dep('x', '2'), dep('y', '1')] }], []);
    expect(grow).toEqual([{ lockfile: 'l', added: [{ ...dep('x', '2'), findings: [] }], removed: [dep('y', '2')], changed: [] }]);
  });
});

describe('deny-packages', () => {
  it('matches names by glob and versions by range, per ecosystem', () => {
    const p = (s: string) => parseDenyPattern(s) as NonNullable<ReturnType<typeof parseDenyPattern>>;
    expect(denyMatches(p('pkg:npm/event-stream'), dep('event-stream', '3.3.6'))).toBe(true);
    expect(denyMatches(p('pkg:npm/colors@>=1.4.1'), dep('colors', '1.4.2'))).toBe(true);
    expect(denyMatches(p('pkg:npm/colors@>=1.4.1'), dep('colors', '1.4.0'))).toBe(false);
    expect(denyMatches(p('pkg:npm/@evil/*'), dep('@evil/thing', '1.0.0'))).toBe(true);
    expect(denyMatches(p('pkg:pypi/*-nightly'), dep('Torch_Nightly', '2.0', 'pypi'))).toBe(true);
    expect(denyMatches(p('pkg:pypi/*-nightly'), dep('torch-nightly', '2.0', 'npm'))).toBe(false);
    expect(denyMatches(p('pkg:npm/left-pad'), dep('right-pad', '1.0.0'))).toBe(false);
    expect(parseDenyPattern('not a purl')).toBeUndefined();
    // A stray % is kept as written (not a crash, not a wildcard): a range no version satisfies.
    expect(parseDenyPattern('pkg:npm/a@%')).toMatchObject({ type: 'npm', range: '%' });
    expect(denyMatches(p('pkg:npm/a@%'), dep('a', '1.0.0'))).toBe(false);
  });
  it('compares non-npm versions with comma-separated comparators', () => {
    for (const [range, want] of [
      ['>=1.0,<2.0', true],
      ['>1.5', false],
      ['<=1.5', true],
      ['<1.5', false],
      ['!=1.5', false],
      ['==1.5', true],
      ['1.5', true],
    ] as const) {
      expect([range, versionInRange('pypi', '1.5', range)]).toEqual([range, want]);
    }
    // npm with a range semver cannot read falls back to comparators.
    expect(versionInRange('npm', '1.0.0', '=1.0.0,')).toBe(true);
  });
  it('makes a blocking policy finding for each added or changed package a pattern names', () => {
    const changes = diffInventories([{ lockfile: 'l', packages: [dep('colors', '1.4.0')] }], [{ lockfile: 'l', packages: [dep('colors', '1.4.2'), dep('event-stream', '3.3.6'), dep('ok', '1')] }], []);
    const found = denyFindings(['pkg:npm/event-stream', 'pkg:npm/colors@>=1.4.1', 'bogus'], denyCandidates(changes, []));
    expect(found.map((f) => [f.kind, f.id, f.package?.name, f.location?.path])).toEqual([
      ['policy', 'deny-packages:pkg:npm/event-stream', 'event-stream', 'l'],
      ['policy', 'deny-packages:pkg:npm/colors@>=1.4.1', 'colors', 'l'],
    ]);
    // Without a baseline every package counts.
    expect(denyCandidates(undefined, [{ lockfile: 'l', packages: [dep('x', '1')] }])).toEqual([{ lockfile: 'l', pkg: dep('x', '1') }]);
    const result = evaluate({ findings: found, policy: PolicySchema.parse({}), exceptions: [], vex: [], scanners: [], now: new Date(), mode: 'enforce', inputs: { vex: [] }, version: '0' });
    expect(result.summary.blocking).toBe(2);
  });
});

const ex = (over: Partial<ExceptionEntry> = {}): ExceptionEntry => ({ id: 'CVE-1', reason: 'r', expires: '2027-01-01', ...over });
const vexDoc = (statements: VexDocument['statements']): VexDocument => ({ '@context': 'https://openvex.dev/ns/v0.2.0', statements });

describe('gate edits', () => {
  it('lists policy keys that differ', () => {
    expect(policyDetails(PolicySchema.parse({}), PolicySchema.parse({ 'fail-on': { code: 'none' }, scanners: ['audit'] }))).toEqual([
      'fail-on.code: "high" → "none"',
      'scanners: ["semgrep","trivy-fs","audit"] → ["audit"]',
    ]);
    expect(policyDetails(PolicySchema.parse({}), PolicySchema.parse({ 'deny-packages': ['pkg:npm/x'], block: 'all' }))).toEqual(['block: (unset) → "all"', 'deny-packages: [] → ["pkg:npm/x"]']);
  });
  it('lists exceptions added, extended, changed and removed', () => {
    expect(
      exceptionDetails(
        [ex(), ex({ id: 'CVE-2', expires: '2027-06-01' }), ex({ id: 'CVE-3' }), ex({ id: 'CVE-5' })],
        [ex({ expires: '2028-01-01' }), ex({ id: 'CVE-2', expires: '2027-01-01', owner: 'me' }), ex({ id: 'CVE-4', package: 'pkg:npm/x', kind: 'vulnerability', paths: ['a/**'] }), ex({ id: 'CVE-5' })],
      ),
    ).toEqual([
      'extended exception CVE-1: expires "2027-01-01" → "2028-01-01"',
      'changed exception CVE-2: expires "2027-06-01" → "2027-01-01", owner (unset) → "me"',
      'added exception CVE-4 pkg:npm/x kind vulnerability in a/** until 2027-01-01 (r)',
      'removed exception CVE-3',
    ]);
  });
  it('lists VEX statements added and removed', () => {
    const a = { vulnerability: { name: 'CVE-1' }, products: ['pkg:npm/x', { '@id': 'pkg:npm/y' }], status: 'not_affected' as const, justification: 'vulnerable_code_not_present' };
    const b = { vulnerability: 'CVE-2', status: 'fixed' as const };
    const c = { vulnerability: { '@id': 'urn:x' }, status: 'affected' as const };
    const d = { vulnerability: {}, status: 'affected' as const };
    expect(vexDetails(vexDoc([a, c]), vexDoc([b, d]))).toEqual([
      'added statement: CVE-2 fixed',
      'added statement: ? affected',
      'removed statement: CVE-1 not_affected for pkg:npm/x, pkg:npm/y (vulnerable_code_not_present)',
      'removed statement: urn:x affected',
    ]);
    expect(vexDetails(undefined, undefined)).toEqual([]);
    expect(vexDetails(vexDoc([b]), vexDoc([b]))).toEqual([]);
    expect(vexDetails(vexDoc([b]), undefined)).toEqual(['removed statement: CVE-2 fixed']);
    expect(vexDetails(undefined, vexDoc([b]))).toEqual(['added statement: CVE-2 fixed']);
  });
  it('names each file the change edits, adds or removes', () => {
    const p = PolicySchema.parse({});
    const base = { policy: p, policyFile: '.chaingate.yml', exceptions: [{ file: 'ex.yml', entries: [ex()] }], vex: [{ file: 'a.vex.json', doc: vexDoc([]) }] };
    expect(diffGate(base, base)).toEqual([]);
    const head = {
      policy: PolicySchema.parse({ 'fail-on': { vulnerability: 'critical' } }),
      policyFile: '.chaingate.yml',
      exceptions: [{ file: 'ex.yml', entries: [ex(), ex({ id: 'CVE-9' })] }],
      vex: [{ file: 'b.vex.json', doc: vexDoc([{ vulnerability: 'CVE-3', status: 'not_affected' }]) }],
    };
    expect(diffGate(base, head)).toEqual([
      { file: '.chaingate.yml', what: 'policy', change: 'modified', details: ['fail-on.vulnerability: "high" → "critical"'] },
      { file: 'ex.yml', what: 'exceptions', change: 'modified', details: ['added exception CVE-9 until 2027-01-01 (r)'] },
      { file: 'a.vex.json', what: 'vex', change: 'removed', details: [] },
      { file: 'b.vex.json', what: 'vex', change: 'added', details: ['added statement: CVE-3 not_affected'] },
    ]);
    const none = { policy: p, exceptions: [], vex: [] };
    expect(diffGate(none, { ...none, policyFile: '.chaingate.yml' })).toEqual([{ file: '.chaingate.yml', what: 'policy', change: 'added', details: [] }]);
    expect(diffGate(none, none)).toEqual([]);
    expect(diffGate({ ...base, exceptions: [] }, base)[0]).toMatchObject({ file: 'ex.yml', change: 'added' });
    expect(diffGate(base, { ...base, exceptions: [] })).toEqual([{ file: 'ex.yml', what: 'exceptions', change: 'removed', details: ['removed exception CVE-1'] }]);
  });
});

describe('evaluate with a baseline', () => {
  const input = (findings: Finding[], marks: Map<string, { state: 'new' | 'existing'; newlyDisclosed?: boolean }>, policy = {}) =>
    evaluate({
      findings,
      policy: PolicySchema.parse(policy),
      exceptions: [],
      vex: [],
      scanners: [{ name: 'semgrep', status: 'ok', durationMs: 1, findings: 2 }],
      now: new Date('2026-11-28T00:00:00Z'),
      mode: 'enforce',
      inputs: { vex: [] },
      version: '0',
      baseline: { marks, record: { source: 'ref', ref: 'main', commit: 'abc', trustedPolicy: 'head', notes: [] } },
    });
  it('lets only new findings block, keeps existing ones counted and says why', () => {
    const a = code();
    const b = code({ id: 'js.other' });
    const c = vuln();
    const r = input([a, b, c], new Map([[a.fingerprint, { state: 'existing' as const }], [c.fingerprint, { state: 'existing' as const, newlyDisclosed: true }]]));
    const by = new Map(r.findings.map((f) => [f.fingerprint, f]));
    expect(by.get(a.fingerprint)).toMatchObject({ baseline: 'existing', blocking: false, rationale: expect.stringMatching(/existed before this change and block is new/) });
    expect(by.get(b.fingerprint)).toMatchObject({ baseline: 'new', blocking: true });
    expect(by.get(c.fingerprint)).toMatchObject({ newlyDisclosed: true });
    expect(r.summary).toMatchObject({ new: 1, existing: 2, blocking: 1 });
    expect(r.baseline).toMatchObject({ block: 'new', newlyDisclosed: 1, ref: 'main' });
    expect(r.reasons).toEqual(['1 new finding at or above the policy threshold: 1 high code', '2 existing findings at or above the threshold did not block: they predate this change (block: new)']);
  });
  it('passes saying so when only existing findings are left, and block: all blocks them', () => {
    const a = code();
    const marks = new Map([[a.fingerprint, { state: 'existing' as const }]]);
    expect(input([a], marks).reasons[0]).toMatch(/^no new finding at or above the policy threshold \(scanned by semgrep\)/);
    expect(input([a], marks, { block: 'all' })).toMatchObject({ verdict: 'fail', baseline: { block: 'all' } });
  });
});
