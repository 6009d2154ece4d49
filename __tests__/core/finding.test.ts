import * as crypto from 'node:crypto';
import {
  canonicalId,
  computeFingerprint,
  makeFinding,
  mergeFindings,
  normalizeSeverity,
  oneShotHash,
  packageKey,
  sha256Prefix,
  sortByFingerprint,
  securitySeverityScore,
  severityFromScore,
  type Finding,
  type FindingInput,
} from '../../src/core/finding';

const vuln = (over: Partial<FindingInput> = {}): FindingInput => ({
  tool: 'trivy',
  kind: 'vulnerability',
  severity: 'high',
  id: 'CVE-2021-23337',
  aliases: ['GHSA-35jh-r3h4-6jhm'],
  title: 'lodash command injection',
  package: { ecosystem: 'npm', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', fixedVersions: ['4.17.21'] },
  ...over,
});

describe('normalizeSeverity', () => {
  it.each([
    ['CRITICAL', 'critical'],
    ['High', 'high'],
    ['moderate', 'medium'],
    ['Negligible', 'low'],
    ['ERROR', 'high'],
    ['WARNING', 'medium'],
    ['note', 'low'],
    ['none', 'info'],
    ['weird', 'unknown'],
    [undefined, 'unknown'],
    [null, 'unknown'],
  ])('maps %s to %s', (word, want) => {
    expect(normalizeSeverity(word as string)).toBe(want);
  });
  it('reads semgrep legacy INFO as low, other INFO as info', () => {
    expect(normalizeSeverity('INFO', { semgrepLegacy: true })).toBe('low');
    expect(normalizeSeverity('INFO')).toBe('info');
  });
});

describe('severityFromScore', () => {
  it.each([
    [9.8, 'critical'],
    [9.0, 'critical'],
    [8.9, 'high'],
    [7.0, 'high'],
    [6.9, 'medium'],
    [4.0, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
    [0, 'info'],
    [undefined, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('score %s is %s', (s, want) => expect(severityFromScore(s as number)).toBe(want));
});

describe('securitySeverityScore', () => {
  it('gives code scanning a score per severity', () => {
    expect(['critical', 'high', 'medium', 'low', 'info', 'unknown'].map((s) => securitySeverityScore(s as never))).toEqual([
      '9.5',
      '8.0',
      '5.5',
      '2.0',
      '0.0',
      '0.0',
    ]);
  });
});

describe('canonicalId', () => {
  it('prefers CVE, then GHSA, then others alphabetically', () => {
    expect(canonicalId(['GHSA-x', 'CVE-2', 'CVE-1'])).toBe('CVE-1');
    expect(canonicalId(['PYSEC-1', 'GHSA-b'])).toBe('GHSA-b');
    expect(canonicalId(['ZZ-1', 'AA-1'])).toBe('AA-1');
    expect(canonicalId(['AA-1', 'AA-1'])).toBe('AA-1');
  });

  it('is the first of the ids ordered by kind, then English collation, in any input order', () => {
    const pool = ['CVE-2021-1', 'CVE-2020-99', 'GHSA-aaaa-bbbb-cccc', 'GHSA-Zzzz-0000-1111', 'GO-2022-1', 'PYSEC-2020-1', 'RUSTSEC-2020-1', 'OSV-1', 'DLA-1', 'alpine-1', 'Alpine-2', 'cve-2021-1'];
    const rank = (id: string) => {
      const i = ['CVE-', 'GHSA-', 'GO-', 'PYSEC-', 'RUSTSEC-', 'OSV-'].findIndex((p) => id.startsWith(p));
      return i === -1 ? 6 : i;
    };
    let seed = 7;
    const next = () => (seed = (seed * 16807) % 2147483647);
    for (let n = 0; n < 500; n++) {
      const ids = pool.filter(() => next() % 3 === 0);
      if (ids.length === 0) continue;
      const shuffled = [...ids].sort(() => (next() % 2 ? 1 : -1));
      const expected = [...ids].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en'))[0];
      expect(canonicalId(shuffled)).toBe(expected);
    }
  });
});

describe('packageKey', () => {
  it('normalizes PyPI names per PEP 503', () => {
    expect(packageKey({ ecosystem: 'PyPI', name: 'Jinja_2.x', fixedVersions: [] })).toBe('pypi/jinja-2-x');
    expect(packageKey({ ecosystem: 'npm', name: 'Lodash', fixedVersions: [] })).toBe('npm/Lodash');
    expect(packageKey({ name: 'x', fixedVersions: [] })).toBe('/x');
  });
});

describe('makeFinding', () => {
  it('dedupes and sorts aliases without the id, sorts fixed versions, fingerprints', () => {
    const f = makeFinding(vuln({ aliases: ['GHSA-b', 'CVE-2021-23337', 'GHSA-a', 'GHSA-b', ''] }));
    expect(f.aliases).toEqual(['GHSA-a', 'GHSA-b']);
    expect(f.tools).toEqual(['trivy']);
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });
  it.each([
    [['b', 'a'], ['a', 'b']],
    [['a', 'b'], ['a', 'b']],
    [['a', 'a'], ['a']],
    [['2.0.0', '10.0.0', '2.0.0'], ['10.0.0', '2.0.0']],
  ])('sorts and dedupes the list %j as a sorted set of strings: %j', (list, expected) => {
    const f = makeFinding({ ...vuln({ aliases: list }), package: { name: 'x', fixedVersions: list } });
    expect(f.aliases).toEqual(expected);
    expect(f.package?.fixedVersions).toEqual(expected);
  });
  it('works without aliases or package', () => {
    const f = makeFinding({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: 't', location: { path: 'a\\b.js', startLine: 3 } });
    expect(f.aliases).toEqual([]);
    expect(f.package).toBeUndefined();
  });
  it('fingerprints with the first 128 bits of sha256, one-shot or through createHash alike', () => {
    // sha256("abc"), a published test vector.
    const expected = 'ba7816bf8f01cfea414140de5dae2223';
    expect(sha256Prefix('abc')).toBe(expected);
    expect(oneShotHash({})).toBeNull();
    expect(sha256Prefix('abc', oneShotHash({}))).toBe(expected);
    expect(sha256Prefix('abc', oneShotHash(crypto as never))).toBe(expected);
  });
  it('gives the same fingerprint for the same vulnerability known by different primary ids', () => {
    const a = makeFinding(vuln({ id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'] }));
    const b = makeFinding(vuln());
    expect(a.fingerprint).toBe(b.fingerprint);
  });
  it('fingerprints code findings by path and line, with Windows separators folded', () => {
    const a = computeFingerprint({ kind: 'code', id: 'r', aliases: [], location: { path: 'src\\a.js', startLine: 1 } });
    const b = computeFingerprint({ kind: 'code', id: 'r', aliases: [], location: { path: 'src/a.js', startLine: 1 } });
    const c = computeFingerprint({ kind: 'code', id: 'r', aliases: [], location: { path: 'src/a.js' } });
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('mergeFindings', () => {
  it('keeps the same vulnerability in two projects of a monorepo apart, and merges tools per lockfile folder', () => {
    const at = (tool: string, p: string) => makeFinding(vuln({ tool, location: { path: p } }));
    const merged = mergeFindings([at('trivy', 'svc/a/package-lock.json'), at('osv', 'svc/a/package-lock.json'), at('osv', 'svc/b/package-lock.json')]);
    expect(merged.map((f) => [f.location?.path, f.tools])).toEqual(
      expect.arrayContaining([
        ['svc/a/package-lock.json', ['osv', 'trivy']],
        ['svc/b/package-lock.json', ['osv']],
      ]),
    );
    expect(merged).toHaveLength(2);
  });

  it('folds the same vulnerability from several tools into one finding listing all tools', () => {
    const trivy = makeFinding(vuln({ severity: 'high' }));
    const npm = makeFinding(
      vuln({
        tool: 'npm-audit',
        id: 'GHSA-35jh-r3h4-6jhm',
        aliases: [],
        severity: 'critical',
        package: { ecosystem: 'npm', name: 'lodash', fixedVersions: [] },
        cvssScore: 7.2,
        cwes: ['CWE-94'],
        url: 'https://example.test/a',
        description: 'd',
        location: { path: 'package-lock.json' },
      }),
    );
    const merged = mergeFindings([trivy, npm]);
    expect(merged).toHaveLength(1);
    const m = merged[0];
    expect(m.tools).toEqual(['npm-audit', 'trivy']);
    expect(m.id).toBe('CVE-2021-23337');
    expect(m.aliases).toEqual(['GHSA-35jh-r3h4-6jhm']);
    expect(m.severity).toBe('critical');
    expect(m.package?.version).toBe('4.17.20');
    expect(m.package?.fixedVersions).toEqual(['4.17.21']);
    expect(m.cvssScore).toBe(7.2);
    expect(m.cwes).toEqual(['CWE-94']);
    expect(m.url).toBe('https://example.test/a');
    expect(m.description).toBe('d');
    expect(m.location).toEqual({ path: 'package-lock.json' });
  });
  it('keeps different versions of one package apart', () => {
    const a = makeFinding(vuln());
    const b = makeFinding(vuln({ tool: 'osv', package: { ecosystem: 'npm', name: 'lodash', version: '4.17.19', fixedVersions: [] } }));
    expect(mergeFindings([a, b])).toHaveLength(2);
  });
  it('keeps different advisories on one package apart, and merges transitively through aliases', () => {
    const a = makeFinding(vuln({ id: 'CVE-1', aliases: [] }));
    const b = makeFinding(vuln({ id: 'CVE-2', aliases: [] }));
    const c = makeFinding(vuln({ tool: 'osv', id: 'GHSA-x', aliases: ['CVE-2'], package: { ecosystem: 'npm', name: 'lodash', fixedVersions: [] } }));
    const out = mergeFindings([a, b, c]);
    expect(out).toHaveLength(2);
    const two = out.find((f) => f.id === 'CVE-2');
    expect(two?.tools).toEqual(['osv', 'trivy']);
    expect(two?.aliases).toEqual(['GHSA-x']);
  });
  it('unknown severity yields to a known one, either way round', () => {
    const a = makeFinding(vuln({ severity: 'unknown' }));
    const b = makeFinding(vuln({ tool: 'osv', severity: 'medium' }));
    expect(mergeFindings([a, b])[0].severity).toBe('medium');
    expect(mergeFindings([b, a])[0].severity).toBe('medium');
  });
  it('collapses identical non-vulnerability findings and keeps the worst severity', () => {
    const a = makeFinding({ tool: 'semgrep', kind: 'code', severity: 'medium', id: 'r', title: 't', location: { path: 'a.js', startLine: 1 } });
    const b = { ...a, tools: ['sarif'], severity: 'high' as const };
    const c = makeFinding({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't', location: { path: 'b.js', startLine: 1 } });
    const out = mergeFindings([a, b, c]);
    expect(out).toHaveLength(2);
    const m = out.find((f) => f.location?.path === 'a.js');
    expect(m?.tools).toEqual(['sarif', 'semgrep']);
    expect(m?.severity).toBe('high');
  });
  it('merges the cwes of the second when only it has them', () => {
    const a = makeFinding(vuln());
    const b = makeFinding(vuln({ tool: 'osv', cwes: ['CWE-1'] }));
    expect(mergeFindings([a, b])[0].cwes).toEqual(['CWE-1']);
    expect(mergeFindings([b, a])[0].cwes).toEqual(['CWE-1']);
  });
  it('merges one advisory reported twice by one tool', () => {
    const a = makeFinding(vuln({ id: 'CVE-9', aliases: [] }));
    const b = makeFinding(vuln({ tool: 'grype', id: 'CVE-9', aliases: [], title: '' }));
    const out = mergeFindings([a, b]);
    expect(out).toHaveLength(1);
    expect(out[0].title).toBe('lodash command injection');
  });
  it('takes the title of the second when the first has none, and leaves absent optional fields out of JSON', () => {
    const a = makeFinding(vuln({ title: '' }));
    const b = makeFinding(vuln({ tool: 'osv', title: 'from osv' }));
    const [m] = mergeFindings([a, b]);
    expect(m.title).toBe('from osv');
    expect(Object.keys(JSON.parse(JSON.stringify(m)))).toEqual(['id', 'aliases', 'kind', 'severity', 'title', 'tools', 'package', 'fingerprint']);
  });
  it('gives every finding, made or merged, the same keys in the same order', () => {
    const keys = ['id', 'aliases', 'kind', 'severity', 'title', 'description', 'tools', 'package', 'location', 'cvssScore', 'cwes', 'url', 'textHash', 'fingerprint'];
    const bare = makeFinding({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't' });
    const full = makeFinding(vuln({ description: 'd', location: { path: 'p', startLine: 1 }, cvssScore: 5, cwes: ['CWE-1'], url: 'https://x' }));
    const merged = mergeFindings([makeFinding(vuln()), makeFinding(vuln({ tool: 'osv' }))])[0];
    for (const f of [bare, full, merged]) expect(Object.keys(f)).toEqual(keys);
    expect(Object.keys(full.package ?? {})).toEqual(['purl', 'ecosystem', 'name', 'version', 'fixedVersions']);
    expect(Object.keys(full.location ?? {})).toEqual(['path', 'startLine', 'endLine']);
  });
  it('is sorted by fingerprint', () => {
    const fs = [1, 2, 3, 4, 5].map((i) => makeFinding(vuln({ id: `CVE-${i}`, aliases: [] })));
    const out = mergeFindings(fs);
    expect(out.map((f) => f.fingerprint)).toEqual([...out.map((f) => f.fingerprint)].sort());
  });
  it('merges purl and version from the second when the first lacks them', () => {
    const a = makeFinding(vuln({ tool: 'npm-audit', package: { ecosystem: 'npm', name: 'lodash', fixedVersions: [] } }));
    const b = makeFinding(vuln());
    const [m] = mergeFindings([a, b]);
    expect(m.package?.purl).toBe('pkg:npm/lodash@4.17.20');
    expect(m.package?.version).toBe('4.17.20');
  });
});

describe('sortByFingerprint', () => {
  let seed = 11;
  const next = () => (seed = (seed * 16807) % 2147483647);
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[next() % 16]).join('');
  const withFp = (fingerprint: string) => ({ fingerprint }) as Finding;
  const byString = (xs: Finding[]) => xs.map((f) => f.fingerprint).sort();

  it('orders real fingerprints as the strings sort, including runs that share the first 8 digits', () => {
    const fps: string[] = [];
    for (let i = 0; i < 3000; i++) fps.push(hex(32));
    // Shared 8-digit prefixes, and a prefix followed by digits that sort the other way.
    for (let i = 0; i < 50; i++) fps.push(fps[i].slice(0, 8) + hex(24), fps[i].slice(0, 8) + hex(24));
    fps.push('ffffffff' + '0'.repeat(24), '00000000' + 'f'.repeat(24), '00000000' + '0'.repeat(24));
    const list = fps.map(withFp);
    const sorted = sortByFingerprint(list);
    expect(sorted.map((f) => f.fingerprint)).toEqual(byString(list));
    expect(list.map((f) => f.fingerprint)).toEqual(fps);
  });
  it('keeps duplicates, and handles empty and one-element lists', () => {
    const list = ['b'.repeat(32), 'a'.repeat(32), 'b'.repeat(32)].map(withFp);
    expect(sortByFingerprint(list).map((f) => f.fingerprint)).toEqual(byString(list));
    expect(sortByFingerprint([])).toEqual([]);
    expect(sortByFingerprint([withFp('x')]).map((f) => f.fingerprint)).toEqual(['x']);
  });
  it.each([
    ['short', ['abc', 'abb', '0123456789']],
    ['upper-case hex', ['ABCDEF0123', 'abcdef0123', '0000000000']],
    ['other characters', ['zzzzzzzzzz', 'a-bcdefgh', '00000000aa']],
  ])('falls back to comparing strings for %s fingerprints', (_label, fps) => {
    const list = [...fps, hex(32), hex(32)].map(withFp);
    expect(sortByFingerprint(list).map((f) => f.fingerprint)).toEqual(byString(list));
  });
  it('falls back to comparing strings when the index would not fit beside the prefix', () => {
    const list = Array.from({ length: 20 }, () => withFp(hex(32)));
    expect(sortByFingerprint(list, 16).map((f) => f.fingerprint)).toEqual(byString(list));
    expect(sortByFingerprint(list, 32).map((f) => f.fingerprint)).toEqual(byString(list));
  });
});

describe('mergeFindings against a reference that groups every vulnerability', () => {
  // The definition: group by package, then fold each finding into the first earlier entry that
  // shares an id or alias and agrees on the version; identical other findings collapse.
  function reference(findings: Finding[]): string[] {
    const out: Finding[] = [];
    for (const f of findings) {
      const i = out.findIndex(
        (o) =>
          f.kind === 'vulnerability' &&
          o.kind === 'vulnerability' &&
          o.package !== undefined &&
          f.package !== undefined &&
          packageKey(o.package) === packageKey(f.package) &&
          (o.package.version === undefined || f.package.version === undefined || o.package.version === f.package.version) &&
          [o.id, ...o.aliases].some((id) => id === f.id || f.aliases.includes(id)),
      );
      const same = out.findIndex((o) => o.fingerprint === f.fingerprint && f.kind !== 'vulnerability');
      if (i >= 0) out[i] = mergeFindings([out[i], f])[0];
      else if (same >= 0) out[same] = mergeFindings([out[same], f])[0];
      else out.push(f);
    }
    return out.map((f) => JSON.stringify(f)).sort();
  }
  it('gives the same findings on random mixes of shared and unshared ids', () => {
    let seed = 5;
    const next = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
    for (let round = 0; round < 40; round++) {
      const inputs: FindingInput[] = [];
      for (let i = 0; i < 60; i++) {
        const id = next(3) === 0 ? `CVE-2024-${next(15)}` : `GHSA-${round}-${i}`;
        const aliases = next(4) === 0 ? [`GHSA-x-${next(15)}`] : [];
        const pkg = next(5);
        if (next(8) === 0) {
          inputs.push({ tool: 'semgrep', kind: 'code', severity: 'low', id: `rule-${next(3)}`, title: 't', location: { path: `f${next(3)}.js`, startLine: 1 } });
          continue;
        }
        inputs.push({
          tool: ['trivy', 'grype', 'osv'][next(3)],
          kind: 'vulnerability',
          severity: (['high', 'low', 'unknown'] as const)[next(3)],
          id,
          aliases,
          title: `t${next(2)}`,
          package: { ecosystem: 'npm', name: `p${pkg}`, version: next(6) === 0 ? undefined : `1.0.${next(2)}`, fixedVersions: [`2.${next(3)}`] },
        });
      }
      const findings = inputs.map(makeFinding);
      const merged = mergeFindings(findings);
      expect(merged.map((f) => JSON.stringify(f)).sort()).toEqual(reference(findings));
      expect(merged.map((f) => f.fingerprint)).toEqual(merged.map((f) => f.fingerprint).sort());
    }
  });
});
