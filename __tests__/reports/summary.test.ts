import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SUMMARY_MAX_BLOCKING_ROWS, DEFAULT_SUMMARY_MAX_BYTES, fixCell, renderSummary } from '../../src/reports/summary';
import { duration, md } from '../../src/reports/markdown';
import type { GateResult } from '../../src/core/result';
import { GOLDENS } from '../helpers/paths';
import { applied, evaluated, gateResult, many, representative, scanner } from './build';

const OPTS = { resultFile: 'out/chaingate-result.json', sarifFile: 'out/chaingate.sarif' };

function render(r: GateResult, maxBytes?: number): string {
  return renderSummary(r, { ...OPTS, maxBytes });
}

function section(text: string, heading: string): string {
  const start = text.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = text.indexOf('\n## ', start + heading.length);
  return text.slice(start, next === -1 ? undefined : next);
}

/** Cells of a GFM table row, honouring backslash-escaped pipes. */
function cells(line: string): string[] {
  return line
    .replace(/^\| | \|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('fixCell', () => {
  it('tells a license finding to replace the package or add an exception, as no version fixes it', () => {
    const lic = evaluated({ tool: 'licenses', kind: 'license', severity: 'high', id: 'chaingate.license.denied', title: 't', package: { name: 'gpl', version: '1.0.0', fixedVersions: [] } }, { blocking: true });
    expect(fixCell(lic)).toBe('replace it or add an exception');
  });
});

describe('renderSummary', () => {
  it('renders the representative result as the checked-in golden', () => {
    const text = render(representative());
    const file = path.join(GOLDENS, 'reports', 'summary.md');
    if (process.env.UPDATE_GOLDENS === '1' || !fs.existsSync(file)) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });

  describe('the verdict comes first', () => {
    it('pass', () => {
      const text = render(gateResult({ scanners: [scanner('semgrep', 'ok', 10, 0)] }));
      expect(text.split('\n')[0]).toBe('# ✅ chaingate: pass');
      expect(text).toContain('No finding blocks under the policy.');
      expect(text).toContain('No findings.');
      expect(text).not.toContain('## Blocking findings');
      expect(text).not.toContain('## Exceptions');
    });

    it('fail, with the count and reasons', () => {
      const text = render(representative());
      expect(text.split('\n')[0]).toBe('# ❌ chaingate: fail');
      expect(text).toContain('**3 findings block** under the policy.');
      expect(text).toContain('**Why:**\n- 3 findings at or above the fail-on threshold\n- exception \\#2 in .chaingate-exceptions.yml expired on 2026-10-01');
    });

    it('fail with one blocking finding, and fail for a reason other than findings', () => {
      const one = gateResult({ findings: [evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: 't', location: { path: 'a.js', startLine: 1 } }, { blocking: true })] });
      expect(render(one)).toContain('**1 finding blocks** under the policy.');
      const noFindings = gateResult({ verdict: 'fail', reasons: ['7 active exceptions, more than max-active 5'] });
      const text = render(noFindings);
      expect(text).toContain('The policy fails the gate.');
      expect(text).toContain('- 7 active exceptions, more than max-active 5');
    });

    it('incomplete never looks clean, even without findings', () => {
      const r = gateResult({
        verdict: 'incomplete',
        reasons: ['trivy-fs failed and on-scanner-error is fail'],
        scanners: [scanner('semgrep', 'ok', 1500, 0), scanner('trivy-fs', 'failed', 300_000, 0, { error: 'timed out after 300 s\nkilled' }), scanner('audit', 'failed', 10, 0)],
      });
      const text = render(r);
      const lines = text.split('\n');
      expect(lines[0]).toBe('# ⚠️ chaingate: incomplete — NOT a clean result');
      expect(text).not.toContain('✅ chaingate');
      expect(text).not.toContain('No finding blocks');
      expect(text).toContain('> [!WARNING]');
      expect(text).toContain('**Scanners that failed:**\n- trivy-fs: timed out after 300 s killed\n- audit: failed without an error message');
      // Failed scanners lead the scanner table.
      const rows = section(text, '## Scanners').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Scanner') && !l.startsWith('| ---'));
      expect(rows.map((l) => cells(l)[0])).toEqual(['audit', 'trivy-fs', 'semgrep']);
      expect(cells(rows[1])).toEqual(['trivy-fs', '❌ failed', '5 min 0 s', '0', 'timed out after 300 s killed']);
    });

    it('incomplete with blocking findings among what was scanned', () => {
      const r = representative();
      r.verdict = 'incomplete';
      expect(render(r)).toContain('**3 findings block** under the policy among what could be scanned.');
    });

    it('says when the gate is in warn mode', () => {
      const r = representative();
      r.mode = 'warn';
      r.verdict = 'pass';
      const text = render(r);
      expect(text).toContain('**3 findings block** under the policy, but the gate was not enforced.');
      expect(text).toContain('_Mode `warn`: everything is reported, the job is not failed._');
    });

    it('lists at most 20 reasons and failed scanners up to a cap', () => {
      const r = gateResult({
        verdict: 'incomplete',
        reasons: Array.from({ length: 25 }, (_, i) => `reason ${i}`),
        scanners: Array.from({ length: 55 }, (_, i) => scanner(`s${String(i).padStart(2, '0')}`, 'failed', 1, 0, { error: 'boom' })),
      });
      const text = render(r);
      expect(text).toContain('- reason 19\n- … 5 more reasons');
      expect(text).not.toContain('reason 20');
      expect(text).toContain('- … 5 more scanners');
      expect(text).toContain('_… 5 more scanners._');
    });
  });

  it('counts findings by kind and severity', () => {
    const text = render(representative());
    const counts = section(text, '## Findings');
    expect(counts).toContain('| Kind | critical | high | medium | low | info | unknown | total |');
    expect(counts).toContain('| vulnerability | 1 | 1 | 1 | 0 | 0 | 0 | 3 |');
    expect(counts).toContain('| **all** | **3** | **2** | **1** | **1** | **0** | **1** | **8** |');
    // Known kinds in model order, then others alphabetically.
    const kinds = counts.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Kind') && !l.startsWith('| ---')).map((l) => cells(l)[0]);
    expect(kinds).toEqual(['vulnerability', 'code', 'secret', 'misconfiguration', 'license', 'signature', '**all**']);
    expect(counts).toContain('**3 blocking** · 2 suppressed (1 by exception, 1 by VEX) · 8 total');
    const custom = gateResult({ findings: [evaluated({ tool: 'x', kind: 'code', severity: 'low', id: 'r', title: 't' })] });
    custom.byKind = { zeta: custom.byKind.code, code: custom.byKind.code, alpha: custom.byKind.code };
    const order = (section(render(custom), '## Findings').split('\n\n').find((b) => b.startsWith('| Kind')) as string).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Kind') && !l.startsWith('| ---')).map((l) => cells(l)[0]);
    expect(order).toEqual(['code', 'alpha', 'zeta', '**all**']);
  });

  it('counts findings by project when they carry two or more, blocking ones first, bounded', () => {
    const at = (project: string | undefined, severity: 'critical' | 'high' | 'low', id: string, extra: Parameters<typeof evaluated>[1] = {}) => ({
      ...evaluated({ tool: 'semgrep', kind: 'code', severity, id, title: 't', location: { path: `${project ?? 'x'}/a.js`, startLine: 1 } }, extra),
      project,
    });
    const findings = [
      at('services/web', 'low', 'r1'),
      at('services/api', 'critical', 'r2', { blocking: true }),
      at('services/api', 'high', 'r3', { exception: { source: 'x.yml', index: 0, id: 'r3', reason: 'ok', expires: '2027-01-31' } }),
      at('', 'high', 'r4'),
      at(undefined, 'high', 'r5'),
      at('services/a|b', 'high', 'r6'),
    ];
    const counts = section(render(gateResult({ findings })), '## Findings');
    const lines = counts.slice(counts.indexOf('**By project:**')).split('\n').filter((l) => l.startsWith('| '));
    expect(lines.map(cells)).toEqual([
      ['Project', 'blocking', 'critical', 'high', 'medium', 'low', 'suppressed'],
      ['---', '---', '---', '---', '---', '---', '---'],
      ['services/api', '1', '1', '0', '0', '0', '1'],
      ['`.` (root)', '0', '0', '1', '0', '0', '0'],
      ['services/a\\|b', '0', '0', '1', '0', '0', '0'],
      ['_outside any project_', '0', '0', '1', '0', '0', '0'],
      ['services/web', '0', '0', '0', '0', '1', '0'],
    ]);
    // One project, or none: no table, the golden of a plain run is unchanged.
    expect(render(gateResult({ findings: findings.slice(1, 3) }))).not.toContain('By project');
    expect(render(representative())).not.toContain('By project');
    const lots = Array.from({ length: 60 }, (_, i) => at(`p${String(i).padStart(2, '0')}`, 'low', `r${i}`));
    const cut = section(render(gateResult({ findings: lots })), '## Findings');
    expect(cut.split('\n').filter((l) => /^\| p\d\d /.test(l))).toHaveLength(50);
    expect(cut).toContain('_… 10 more projects: see the result file._');
  });

  it('lists the blocking findings with where they are, fixed versions and tools', () => {
    const text = render(representative());
    const block = section(text, '## Blocking findings (3)');
    const rows = block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(3);
    expect(cells(rows[0])).toEqual(['**critical**', 'signature', 'image-unsigned: No valid signature for 127.0.0.1:5000/app@sha256:abc', '—', '—', 'cosign']);
    const lodash = rows.map(cells).find((c) => c[2].includes('CVE'));
    // The advisory linked, installed → nearest fix.
    expect(lodash).toEqual(['**high**', 'vulnerability', '[CVE-2021-23337](https://nvd.example/CVE-2021-23337): lodash: command injection via template', 'lodash<span>@</span>4.17.20', '4.17.20 → **4.17.21**', 'npm-audit, osv, trivy']);
    const sql = rows.map(cells).find((c) => c[1] === 'code') as string[];
    expect(sql[3]).toBe('src/db/query.js:12-14');
    // Suppressed and non-blocking findings are counted, not listed.
    expect(block).not.toContain('aws-access-key-id');
    const mixed = gateResult({
      findings: [
        evaluated({ tool: 'trivy', kind: 'vulnerability', severity: 'medium', id: 'CVE-9', title: '', package: { name: 'img', version: '1', fixedVersions: [] }, location: { path: 'Dockerfile', startLine: 1 } }, { blocking: true }),
      ],
    });
    expect(cells(section(render(mixed), '## Blocking').split('\n').filter((l) => l.startsWith('| ')).at(-1) as string)).toEqual(['medium', 'vulnerability', '[CVE-9](https://osv.dev/vulnerability/CVE-9)', 'img@1 in Dockerfile:1', 'no fix yet', 'trivy']);
  });

  it('escapes tool-provided text so it cannot break the table or inject HTML', () => {
    const text = render(representative());
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('](javascript');
    expect(text).toContain('&lt;script&gt;');
    const row = text.split('\n').find((l) => l.includes('tainted')) as string;
    expect(cells(row)).toHaveLength(6);
    expect(row).toContain('Bad \\| title &lt;script&gt;alert\\(1\\)&lt;/script&gt; second line \\*\\*bold\\*\\*');
  });

  describe('exceptions', () => {
    const text = render(representative());
    const ex = section(text, '## Exceptions');

    it('states how many are active against the limit', () => {
      expect(ex).toContain('2 active exceptions of at most 5.');
      const noLimit = representative();
      noLimit.exceptions.maxActive = undefined;
      noLimit.exceptions.active = 1;
      expect(render(noLimit)).toContain('1 active exception.');
    });

    it('lists expired ones with what they would have matched', () => {
      expect(ex).toContain('### Expired: they suppress nothing any more (1)');
      expect(ex).toContain('| CVE-2021-23337 pkg:npm/lodash in legacy/\\*\\*<br>.chaingate-exceptions.yml \\#2 | 2026-10-01 (58 days ago) | CVE-2021-23337 in lodash<span>@</span>4.17.20 | @web-team | template\\(\\) never receives user input |');
    });

    it('lists those expiring soon with days left, unused ones and applied ones', () => {
      expect(ex).toContain('### Expiring soon (1)');
      expect(ex).toContain('| aws-access-key-id<br>.chaingate-exceptions.yml \\#1 | 2026-12-03 | 5 | @sec-team |');
      expect(ex).toContain('### Unused: they match no finding (1)');
      expect(ex).toContain('| GHSA-unused-0000-0000<br>.chaingate-exceptions.yml \\#3 | 2027-02-01 | — | left over |');
      expect(ex).toContain('### Applied (1)');
      expect(ex).toContain('| aws-access-key-id<br>.chaingate-exceptions.yml \\#1 | aws-access-key-id in config/prod settings.env:3 | 2026-12-03 | @sec-team | revoked test key kept as fixture |');
    });

    it('says the project an exception is scoped to', () => {
      const r = representative();
      r.exceptions.expired[0].entry = { ...r.exceptions.expired[0].entry, project: 'services/web' };
      expect(render(r)).toContain('| CVE-2021-23337 pkg:npm/lodash in legacy/\\*\\* (project services/web)<br>.chaingate-exceptions.yml \\#2 |');
    });

    it('names what an exception matched by id, package or file', () => {
      const r = representative();
      const sig = r.findings.find((f) => f.id === 'image-unsigned') as (typeof r.findings)[number];
      const docker = r.findings.find((f) => f.id === 'DS026') as (typeof r.findings)[number];
      r.exceptions.expired[0].matched = [sig.fingerprint, docker.fingerprint];
      expect(render(r)).toContain('| image-unsigned<br>DS026 in Dockerfile |');
    });

    it('names the matches of applied exceptions when none has expired, from the suppressed findings', () => {
      const r = representative();
      r.exceptions.expired = [];
      const t = render(r);
      expect(t).not.toContain('### Expired');
      expect(t).toContain('| aws-access-key-id<br>.chaingate-exceptions.yml \\#1 | aws-access-key-id in config/prod settings.env:3 | 2026-12-03 | @sec-team | revoked test key kept as fixture |');
      // Only suppressed findings are looked up then: evaluate() suppresses every finding an
      // active exception matches (by the first one, when two match), so nothing is missed.
      const other = r.findings.find((f) => f.exception === undefined) as (typeof r.findings)[number];
      r.exceptions.applied[0].matched = [other.fingerprint];
      expect(section(render(r), '## Exceptions')).not.toContain(`| ${other.id}`);
    });

    it('lists unused exceptions alone', () => {
      const r = gateResult({ exceptions: { applied: [], expired: [], unused: [applied(0, { id: 'U', owner: '@o' }, [], 40)], expiringSoon: [], active: 1 } });
      const t = render(r);
      expect(t).toContain('| U<br>.chaingate-exceptions.yml \\#1 | 2027-01-31 | @o | accepted risk |');
      expect(t).not.toContain('### Applied');
      expect(t).not.toContain('### Expired');
    });

    it('caps long lists of matches and of exceptions, and says how many more', () => {
      const fps = Array.from({ length: 8 }, (_, i) => `fp${i}`);
      const many60 = Array.from({ length: 60 }, (_, i) => applied(i, { id: `X-${i}` }, [], 30));
      const r = gateResult({ exceptions: { applied: [], expired: [applied(0, { id: 'OLD' }, fps, 0)], unused: many60, expiringSoon: [], active: 0 } });
      const t = render(r);
      expect(t).toContain('| OLD<br>.chaingate-exceptions.yml \\#1 | 2027-01-31 (today) | fp0<br>fp1<br>fp2<br>fp3<br>fp4<br>… 3 more | — | accepted risk |');
      expect(t).toContain('_… 10 more._');
      expect(t).toContain('X-49');
      expect(t).not.toContain('X-50');
      const none = gateResult({ exceptions: { applied: [applied(0, { id: 'A' }, [], 3)], expired: [], unused: [], expiringSoon: [], active: 1 } });
      expect(render(none)).toContain('| A<br>.chaingate-exceptions.yml \\#1 | nothing | 2027-01-31 | — | accepted risk |');
    });

    it('lists VEX statements with the exceptions, counted among the active ones', () => {
      const r = representative();
      const minimist = r.findings.find((f) => f.vex) as (typeof r.findings)[number];
      r.exceptions.active = 3;
      r.exceptions.vex = [
        { source: 'vex/app.openvex.json', index: 0, vulnerability: 'CVE-2021-44906', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', expired: false, matched: [minimist.fingerprint] },
        { source: 'vex/app.openvex.json', index: 1, vulnerability: 'CVE-2020-1', status: 'fixed', expires: '2026-11-01', daysLeft: -27, expired: true, matched: [] },
      ];
      const t = section(render(r), '## Exceptions');
      expect(t).toContain('3 active exceptions of at most 5, 1 VEX statement among them.');
      expect(t).toContain('### VEX statements (2)');
      expect(t).toContain('| CVE-2021-44906 not\\_affected<br>vex/app.openvex.json \\#1 | GHSA-xvch-5gv4-984h in minimist<span>@</span>1.2.5 in web/package-lock.json | no expiry | vulnerable\\_code\\_not\\_in\\_execute\\_path |');
      expect(t).toContain('| CVE-2020-1 fixed<br>vex/app.openvex.json \\#2 | nothing | 2026-11-01 (expired 27 days ago) | — |');
      // VEX statements alone make the section.
      const only = gateResult({ exceptions: { applied: [], expired: [], unused: [], expiringSoon: [], active: 0, vex: [{ source: 'v.json', index: 0, vulnerability: 'X', status: 'fixed', expires: '2026-12-01', daysLeft: 3, expired: false, matched: [] }] } });
      expect(render(only)).toContain('| X fixed<br>v.json \\#1 | nothing | 2026-12-01 | — |');
    });
  });

  it('shows scanner statuses and timings', () => {
    const sc = section(render(representative()), '## Scanners');
    expect(sc).toContain('| audit | ✅ ok | 820 ms | 3 | pnpm audit unavailable; used the OSV matcher |');
    expect(sc).toContain('| trivy-fs | ✅ ok | 1 min 5 s | 4 | — |');
    expect(sc).toContain('| semgrep | ✅ ok | 1.2 s | 1 | — |');
    expect(sc).toContain('| cosign | ⏭️ skipped | 0 ms | 0 | — |');
    expect(sc.indexOf('cosign')).toBeGreaterThan(sc.indexOf('trivy'));
  });

  it('points to the full reports at the end', () => {
    const text = render(representative());
    expect(text.endsWith('---\nFull results: out/chaingate-result.json · SARIF: out/chaingate.sarif · chaingate 0.1.0\n')).toBe(true);
  });

  describe('size', () => {
    it('lists at most 1,000 blocking findings of 100,000 and says how many it left out', () => {
      const r = gateResult({ findings: many(100_000) });
      const text = render(r);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DEFAULT_SUMMARY_MAX_BYTES);
      const shown = section(text, '## Blocking findings').split('\n').filter((l) => /^\| (\*\*)?(critical|high|medium|low|info|unknown)/.test(l)).length;
      const left = Number(/_… (\d+) more blocking findings not shown/.exec(text)?.[1]);
      expect(shown).toBe(DEFAULT_SUMMARY_MAX_BLOCKING_ROWS);
      expect(shown + left).toBe(r.summary.blocking);
      expect(text).toContain("to keep this summary short and under GitHub's size limit: see out/chaingate-result.json and out/chaingate.sarif._");
      // What follows the findings list survives the cut.
      expect(text).toContain('## Findings');
      expect(text).toContain('Full results:');
    });

    it('fills the room up to the size limit when more rows are allowed', () => {
      const r = gateResult({ findings: many(100_000) });
      const text = renderSummary(r, { ...OPTS, maxBlockingRows: Infinity });
      const size = Buffer.byteLength(text);
      expect(size).toBeLessThanOrEqual(DEFAULT_SUMMARY_MAX_BYTES);
      // Fills most of the room rather than giving up early.
      expect(size).toBeGreaterThan(DEFAULT_SUMMARY_MAX_BYTES * 0.95);
      const shown = section(text, '## Blocking findings').split('\n').filter((l) => /^\| (\*\*)?(critical|high|medium|low|info|unknown)/.test(l)).length;
      const left = Number(/_… (\d+) more blocking findings not shown/.exec(text)?.[1]);
      expect(shown + left).toBe(r.summary.blocking);
    });

    it('honours a smaller maxBytes', () => {
      const r = gateResult({ findings: many(2000) });
      const text = render(r, 20_000);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000);
      expect(text).toMatch(/_… \d+ more blocking findings not shown/);
    });

    it('cuts even the fixed sections when maxBytes is tiny, keeping the verdict', () => {
      const r = gateResult({ verdict: 'incomplete', findings: many(50), reasons: Array.from({ length: 20 }, () => 'x'.repeat(900)) });
      const text = render(r, 1200);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1200);
      expect(text.startsWith('# ⚠️ chaingate: incomplete')).toBe(true);
      expect(text).toContain('_Summary cut to fit 1200 bytes: see out/chaingate-result.json and out/chaingate.sarif._');
      // Multi-byte text is never cut mid-character.
      expect(text).not.toContain('\ufffd');
      const noRoom = render(r, 50);
      expect(noRoom).toBe('');
    });

    it('caps very long tool text in a cell', () => {
      const f = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: '€'.repeat(5000), location: { path: 'a', startLine: 1 } }, { blocking: true });
      const text = render(gateResult({ findings: [f] }));
      const row = text.split('\n').find((l) => l.includes('€')) as string;
      expect(row.length).toBeLessThan(400);
      expect(row).toContain('…');
    });
  });
});

describe('md', () => {
  it('collapses newlines and control characters, drops bidi overrides', () => {
    expect(md('a\r\nb\tc\u0007d\u202eevil\u2066')).toBe('a b c devil');
  });

  it('escapes HTML and Markdown punctuation', () => {
    expect(md(`<img src=x onerror="alert('1')"> & *_[]()#|~$\\\``)).toBe('&lt;img src=x onerror=&quot;alert\\(&#39;1&#39;\\)&quot;&gt; &amp; \\*\\_\\[\\]\\(\\)\\#\\|\\~\\$\\\\\\`');
  });

  it('escapes a leading list, heading or setext marker but leaves dots and dashes inside alone', () => {
    expect(md('- item')).toBe('\\- item');
    expect(md('+ item')).toBe('\\+ item');
    expect(md('=====')).toBe('\\=====');
    expect(md('12. ordered')).toBe('12\\. ordered');
    expect(md('3) ordered')).toBe('3\\) ordered');
    expect(md('# heading')).toBe('\\# heading');
    expect(md('fail-on 1.2.3 a:b')).toBe('fail-on 1.2.3 a:b');
    expect(md('4.17.21')).toBe('4.17.21');
    expect(md('-rc1')).toBe('-rc1');
    expect(md('1.')).toBe('1\\.');
    expect(md('==a')).toBe('==a');
  });

  it('cuts long text without splitting a surrogate pair', () => {
    expect(md('abcdef', 4)).toBe('abc…');
    expect(md('ab😀cd', 4)).toBe('ab…');
  });
});

describe('duration', () => {
  it.each([
    [0, '0 ms'],
    [999.4, '999 ms'],
    [1000, '1.0 s'],
    [59_949, '59.9 s'],
    [59_950, '1 min 0 s'],
    [119_600, '2 min 0 s'],
    [3_725_000, '62 min 5 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});
