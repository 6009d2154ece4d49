// The blocked developer's next step in the summary: chains, links at the commit, fixes, the
// exceptions entries to paste, secret remediation, what was scanned, the folded rest.
import { parse as parseYaml } from 'yaml';
import { dependencyPathIndex } from '../../src/core/dep-path';
import type { EvaluatedFinding } from '../../src/core/result';
import { advisoryUrl, commitLinksFromEnv, exceptionEntry, fenced, fileUrl } from '../../src/reports/remedy';
import { renderSummary } from '../../src/reports/summary';
import type { Lockfile } from '../../src/lockfiles/types';
import { evaluated, gateResult, many, scanner } from './build';

const OPTS = { resultFile: 'chaingate-result.json', sarifFile: 'chaingate.sarif' };
const ENV = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_SHA: 'a'.repeat(40) };

const LOCK: Lockfile = {
  path: 'package-lock.json',
  kind: 'package-lock',
  packages: [
    { ecosystem: 'npm', name: 'mkdirp', version: '0.5.5', purl: 'pkg:npm/mkdirp@0.5.5', dev: false, direct: true, dependencies: ['pkg:npm/minimist@1.2.5'] },
    { ecosystem: 'npm', name: 'minimist', version: '1.2.5', purl: 'pkg:npm/minimist@1.2.5', dev: false, direct: false, dependencies: [] },
  ],
};

function minimist(extra: Partial<EvaluatedFinding> = {}): EvaluatedFinding {
  return {
    ...evaluated(
      { tool: 'trivy', kind: 'vulnerability', severity: 'critical', id: 'CVE-2021-44906', title: 'minimist: prototype pollution', package: { ecosystem: 'npm', name: 'minimist', version: '1.2.5', fixedVersions: ['1.2.6', '0.2.4'] }, location: { path: 'package-lock.json', startLine: 49, endLine: 53 } },
      { blocking: true },
    ),
    ...extra,
  };
}

describe('the summary of a blocked change', () => {
  const secret = evaluated({ tool: 'trivy', kind: 'secret', severity: 'critical', id: 'aws-access-key-id', title: 'AWS Access Key ID', location: { path: 'config/credentials.ini', startLine: 2 } }, { blocking: true });
  const code = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'js.eval', title: 'eval', location: { path: 'src/a (1).js', startLine: 3 } }, { blocking: true });
  const low = evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'js.style', title: 'style', location: { path: 'src/b.js', startLine: 1 } }, { rationale: 'low is below fail-on.code high' });
  const result = gateResult({ findings: [minimist(), secret, code, low], scanners: [scanner('trivy-fs', 'ok', 10, 3), scanner('semgrep', 'ok', 10, 2)] });
  const find = dependencyPathIndex([LOCK]);
  const text = renderSummary(result, {
    ...OPTS,
    dependencyPath: (f) => find(f.package!, f.location?.path),
    links: commitLinksFromEnv(ENV, 'services/api'),
    exceptionsFile: 'services/api/.chaingate-exceptions.yml',
    exceptionDays: (s) => (s === 'critical' ? 7 : 30),
    scanned: { lockfiles: ['package-lock.json'], packages: 2 },
  });

  it('shows each vulnerable package as installed → nearest fix, with its chain from the manifest and the advisory', () => {
    expect(text).toContain('| **critical** | vulnerability | [CVE-2021-44906](https://osv.dev/vulnerability/CVE-2021-44906): minimist: prototype pollution | minimist 1.2.5 ← mkdirp 0.5.5 ← package.json (transitive) | 1.2.5 → **1.2.6** | trivy |');
    // With the lockfile line of the package (its tool gave none), the chain links to it.
    const anchored = renderSummary(result, { ...OPTS, dependencyPath: (f) => find(f.package!), links: commitLinksFromEnv(ENV, ''), anchor: () => ({ path: 'package-lock.json', startLine: 7 }) });
    expect(anchored).toContain(`| minimist 1.2.5 ← mkdirp 0.5.5 ← package.json (transitive) in [package-lock.json:7](https://github.com/acme/shop/blob/${'a'.repeat(40)}/package-lock.json#L7) |`);
    expect(renderSummary(result, { ...OPTS, dependencyPath: (f) => find(f.package!), links: commitLinksFromEnv(ENV, ''), anchor: () => undefined })).toContain('| minimist 1.2.5 ← mkdirp 0.5.5 ← package.json (transitive) | 1.2.5');
  });

  it('links files and lines at the commit, paths from the repository root', () => {
    expect(text).toContain(`[src/a \\(1\\).js:3](https://github.com/acme/shop/blob/${'a'.repeat(40)}/services/api/src/a%20%281%29.js#L3)`);
    expect(text).toContain(`[config/credentials.ini:2](https://github.com/acme/shop/blob/${'a'.repeat(40)}/services/api/config/credentials.ini#L2)`);
  });

  it('says how to handle a secret: rotate first, then remove it from history', () => {
    expect(text).toContain('| rotate it, then remove it from history |');
    expect(text).toMatch(/\*\*Secrets:\*\* .*\*\*rotate it first\*\*.*\*\*then remove it from the history\*\*/);
  });

  it('gives one ready-to-paste exceptions entry per blocking finding, expiring after its SLA, and names the file', () => {
    expect(text).toContain('add an entry under `exceptions:` in services/api/.chaingate-exceptions.yml');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(text)![1];
    expect(yaml).toContain('# today + 7 days, the SLA for critical');
    const entries = (parseYaml(`exceptions:\n${yaml}`) as { exceptions: Record<string, unknown>[] }).exceptions;
    expect(entries.map((e) => [e.id, e.package ?? e.paths, e.kind, e.expires])).toEqual([
      ['CVE-2021-44906', 'pkg:npm/minimist@1.2.5', 'vulnerability', '2026-12-05'],
      ['aws-access-key-id', ['config/credentials.ini'], 'secret', '2026-12-05'],
      ['js.eval', ['src/a (1).js'], 'code', '2026-12-28'],
    ]);
    for (const e of entries) expect(e.reason).toMatch(/^TODO/);
  });

  it('folds the findings that do not block, with why', () => {
    expect(text).toContain('<details>\n<summary>1 finding that does not block</summary>');
    expect(text).toContain('| low | code | js.style: style | src/b.js:1 | low is below fail-on.code high |');
  });

  it('says what was scanned, so a pass means something', () => {
    expect(text).toContain('**Scanned:** 1 lockfile (package-lock.json), 2 packages · scanners trivy-fs (3 findings), semgrep (2 findings)');
    const many = renderSummary(gateResult(), { ...OPTS, scanned: { lockfiles: Array.from({ length: 12 }, (_, i) => `l${i}/yarn.lock`), packages: 1 } });
    expect(many).toContain('**Scanned:** 12 lockfiles (l0/yarn.lock, l1/yarn.lock, l2/yarn.lock, l3/yarn.lock, l4/yarn.lock, l5/yarn.lock, l6/yarn.lock, l7/yarn.lock, l8/yarn.lock, l9/yarn.lock, … 2 more), 1 package · no scanner completed');
    expect(renderSummary(gateResult(), { ...OPTS, scanned: { lockfiles: [], packages: 0 } })).toContain('**Scanned:** no lockfile · no scanner completed');
  });

  it('without the context (outside Actions, no lockfile graph): plain locations, default SLAs and file', () => {
    const plain = renderSummary(gateResult({ findings: [minimist({ url: 'javascript:alert(1)' }), { ...minimist(), id: 'X-1', fingerprint: 'f2', package: { name: 'n', fixedVersions: ['2', '1'] } }] }), OPTS);
    expect(plain).toContain('| [CVE-2021-44906](https://osv.dev/vulnerability/CVE-2021-44906): minimist: prototype pollution | minimist<span>@</span>1.2.5 in package-lock.json:49-53 | 1.2.5 → **1.2.6** |');
    // No version installed known: the fix alone.
    expect(plain).toContain('| X-1: minimist: prototype pollution | n in package-lock.json:49-53 | 1 |');
    expect(plain).toContain('in .chaingate-exceptions.yml, with a real reason');
    expect(plain).toContain('expires: 2026-12-05   # today + 7 days, the SLA for critical');
  });

  it('marks a direct dependency, and gives one entry for a finding reported at two places', () => {
    const direct = dependencyPathIndex([{ ...LOCK, packages: LOCK.packages.map((p) => ({ ...p, direct: true })) }]);
    const bare = evaluated({ tool: 'x', kind: 'license', severity: 'low', id: 'GPL-3.0', title: '' }, { rationale: 'fail-on.license is none' });
    const twice = [minimist(), minimist({ fingerprint: 'other', location: { path: 'web/package-lock.json' } }), bare];
    const t = renderSummary(gateResult({ findings: twice }), { ...OPTS, dependencyPath: (f) => direct(f.package!) });
    expect(t).toContain('| minimist 1.2.5 ← package.json (direct) |');
    expect(t).toContain('| low | license | GPL-3.0 | — | fail-on.license is none |');
    expect((/```yaml\n([\s\S]*?)```/.exec(t)![1].match(/^ {2}- id:/gm) ?? []).length).toBe(1);
  });

  it('folds as many non-blocking rows as the room allows', () => {
    const r = gateResult({ findings: many(400).map((f) => ({ ...f, blocking: false })) });
    const full = renderSummary(r, OPTS);
    const roomy = Buffer.byteLength(full);
    const t = renderSummary(r, { ...OPTS, maxBytes: roomy - 2000 });
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(roomy - 2000);
    const rows = (text: string) => text.slice(text.indexOf('<details>'), text.indexOf('</details>')).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---')).length;
    expect(rows(full)).toBe(100);
    expect(rows(t)).toBeGreaterThan(50);
    expect(rows(t)).toBeLessThan(100);
  });

  it('lists at most 20 entries, and the non-blocking findings up to 100 rows and the room left', () => {
    const r = gateResult({ findings: many(3000) });
    const t = renderSummary(r, OPTS);
    expect((/```yaml\n([\s\S]*?)```/.exec(t)![1].match(/^ {2}- id:/gm) ?? []).length).toBe(20);
    expect(t).toContain('(the first 20; every finding is in chaingate-result.json)');
    expect(t).toMatch(/_… \d+ more findings in the full results._\n\n<\/details>/);
    const small = renderSummary(r, { ...OPTS, maxBytes: 60_000 });
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(60_000);
    const tight = renderSummary(gateResult({ findings: [low] }), { ...OPTS, maxBytes: 1200 });
    expect(Buffer.byteLength(tight)).toBeLessThanOrEqual(1200);
  });
});

describe('remedy helpers', () => {
  it('reads commit links from the Actions environment only when every value is well-formed', () => {
    expect(commitLinksFromEnv(ENV, '')).toEqual({ server: 'https://github.com', repository: 'acme/shop', sha: 'a'.repeat(40), project: '' });
    expect(commitLinksFromEnv({ ...ENV, GITHUB_SERVER_URL: 'https://ghe.example:8443/' }, '')?.server).toBe('https://ghe.example:8443');
    for (const bad of [{ GITHUB_SERVER_URL: 'javascript:alert(1)' }, { GITHUB_SERVER_URL: undefined }, { GITHUB_REPOSITORY: 'a/b/c' }, { GITHUB_REPOSITORY: undefined }, { GITHUB_SHA: 'main' }, { GITHUB_SHA: undefined }])
      expect(commitLinksFromEnv({ ...ENV, ...bad }, '')).toBeUndefined();
  });

  it('links no path outside the checkout, and encodes what would end a link or a cell', () => {
    const links = commitLinksFromEnv(ENV, '')!;
    expect(fileUrl(links, '/etc/passwd')).toBeUndefined();
    expect(fileUrl(links, 'C:\\x.js')).toBeUndefined();
    expect(fileUrl(links, '../x.js')).toBeUndefined();
    expect(fileUrl(links, './a|b)c.js', 5, 7)).toBe(`https://github.com/acme/shop/blob/${'a'.repeat(40)}/a%7Cb%29c.js#L5-L7`);
    expect(fileUrl(links, 'a.js', 0)).toBe(`https://github.com/acme/shop/blob/${'a'.repeat(40)}/a.js`);
  });

  it('links a web advisory URL (made safe for a cell), else OSV for a known id, else nothing', () => {
    expect(advisoryUrl({ id: 'x', kind: 'code', url: 'https://semgrep.dev/r/x (a)|b' })).toBeUndefined();
    expect(advisoryUrl({ id: 'x', kind: 'code', url: 'https://semgrep.dev/r/a(b)|c' })).toBe('https://semgrep.dev/r/a%28b%29%7Cc');
    expect(advisoryUrl({ id: 'GHSA-xvch-5gv4-984h', kind: 'vulnerability' })).toBe('https://osv.dev/vulnerability/GHSA-xvch-5gv4-984h');
    expect(advisoryUrl({ id: 'DS026', kind: 'misconfiguration' })).toBeUndefined();
  });

  it('quotes tool text in entries, builds a purl where the tool gave none, and fences against backticks', () => {
    const now = new Date('2026-12-05T10:00:00Z');
    const f = evaluated({ tool: 'npm-audit', kind: 'vulnerability', severity: 'high', id: 'true', title: 't', package: { ecosystem: 'npm', name: '@scope/pkg', version: '1.0.0', fixedVersions: [] } });
    expect(exceptionEntry(f, { now, days: () => 30 }).slice(0, 2)).toEqual(['  - id: "true"', '    package: pkg:npm/%40scope/pkg@1.0.0']);
    const noEco = evaluated({ tool: 'x', kind: 'license', severity: 'low', id: 'GPL `x`\ny', title: 't', package: { name: 'p', fixedVersions: [] } });
    expect(exceptionEntry(noEco, { now, days: () => 180 }).slice(0, 2)).toEqual(['  - id: "GPL `x`\\ny"', '    kind: license']);
    expect(fenced('yaml', ['a ```` b'])).toEqual(['`````yaml', 'a ```` b', '`````']);
  });
});
