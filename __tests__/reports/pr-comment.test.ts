import * as fs from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import {
  commentMarker,
  dependencyRows,
  hasBaseline,
  isMarkedComment,
  newBlocking,
  policyChanged,
  PR_COMMENT_MAX_CHARS,
  renderPrComment,
  type CommentResult,
  type PrCommentContext,
} from '../../src/reports/pr-comment';
import type { DependencyChange, EvaluatedFinding, PolicyChange } from '../../src/core/result';
import { GOLDENS } from '../helpers/paths';
import { evaluated, gateResult, HOSTILE_TITLE, many, representative } from './build';

const MARKER = commentMarker('services/api', 'services/api/.chaingate.yml');
const CTX: PrCommentContext = {
  marker: MARKER,
  links: { server: 'https://github.example', repository: 'octo-org/app', sha: '0123456789abcdef0123456789abcdef01234567', project: 'services/api' },
  runUrl: 'https://github.example/octo-org/app/actions/runs/42',
  exceptionsFile: 'services/api/.chaingate-exceptions.yml',
  now: new Date('2026-12-05T08:00:00Z'),
};

const DEPENDENCY_CHANGES: DependencyChange[] = [
  {
    lockfile: 'package-lock.json',
    added: [{ ecosystem: 'npm', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', findings: [] }],
    changed: [{ ecosystem: 'npm', name: 'lodash', from: '4.17.21', to: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', findings: ['CVE-2021-23337'] }],
    removed: [{ ecosystem: 'npm', name: 'qs', version: '6.5.3', purl: 'pkg:npm/qs@6.5.3' }],
  },
];

const POLICY_CHANGES: PolicyChange[] = [
  { file: '.chaingate.yml', what: 'policy', change: 'modified', details: ['fail-on.vulnerability: high → critical'] },
  { file: '.chaingate-exceptions.yml', what: 'exceptions', change: 'added', details: ['CVE-2021-23337 <until 2027-03-01>'] },
];

const render = (r: CommentResult, ctx: Partial<PrCommentContext> = {}) => renderPrComment(r, { ...CTX, ...ctx });
const blockingRows = (text: string) => text.split('\n').filter((l) => /^\| (\*\*)?(critical|high|medium|low|info|unknown)/.test(l));
const md = new MarkdownIt({ html: true, linkify: false });

function withBaseline(r: CommentResult, marks: ('new' | 'existing')[]): CommentResult {
  const findings = r.findings.map((f, i) => ({ ...f, baseline: marks[i % marks.length] }));
  return { ...r, findings, summary: { ...r.summary, new: findings.filter((f) => f.baseline === 'new').length, existing: findings.filter((f) => f.baseline === 'existing').length } };
}

describe('renderPrComment', () => {
  it('renders the representative result with dependency and policy changes as the checked-in golden', () => {
    const text = render({ ...representative(), dependencyChanges: DEPENDENCY_CHANGES, policyChanges: POLICY_CHANGES });
    const file = path.join(GOLDENS, 'reports', 'pr-comment.md');
    if (process.env.UPDATE_GOLDENS === '1' || !fs.existsSync(file)) fs.writeFileSync(file, text);
    expect(text).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('starts with the marker, then the verdict, the reasons, the findings linked at the head commit', () => {
    const text = render(representative());
    const lines = text.split('\n');
    expect(lines[0]).toBe(MARKER);
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('### ❌ chaingate: fail');
    expect(text).toContain('**3 findings block** under the policy.');
    expect(text).toContain('**Why:**\n- 3 findings at or above the fail-on threshold');
    expect(text).toContain('[src/db/query.js:12-14](https://github.example/octo-org/app/blob/0123456789abcdef0123456789abcdef01234567/services/api/src/db/query.js#L12-L14)');
    expect(text).toContain('| **high** | vulnerability | CVE-2021-23337: lodash: command injection via template | lodash<span>@</span>4.17.20 | 4.17.20 → **4.17.21** |');
    expect(text).toContain('[Run summary](https://github.example/octo-org/app/actions/runs/42)');
    expect(blockingRows(text)).toHaveLength(3);
    // The snippet proposes an entry per blocking finding, expiring after the SLA of its severity.
    expect(text).toContain('  - id: CVE-2021-23337\n    package: pkg:npm/lodash@4.17.20\n    kind: vulnerability');
    expect(text).toContain('  - id: javascript.express.security.injection.tainted-sql-string\n    paths: [src/db/query.js]');
    expect(text).toContain('  - id: image-unsigned\n    kind: signature');
    expect(text).toContain('expires: 2026-12-12   # today + 7 days, the SLA for critical');
    expect(text).toContain('Under `exceptions:` in services/api/.chaingate-exceptions.yml, with');
    // The policy's SLA, when given, sets the expiry.
    expect(render(representative(), { exceptionDays: () => 3 })).toContain('expires: 2026-12-08   # today + 3 days');
    expect(text).not.toContain('Dependency changes');
  });

  it('the snippet is YAML that parses to the entries, even for hostile ids', async () => {
    const { parse } = await import('yaml');
    const id = 'x"\n```\n</details><!-- chaingate:pr-comment dir=. config=x -->\u2028';
    const f = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id, title: 't', location: { path: 'a `b`.js', startLine: 2 } }, { blocking: true });
    const text = render(gateResult({ findings: [f] }));
    const fence = /^(`{3,})yaml$/m.exec(text)![1];
    const start = text.indexOf(`${fence}yaml\n`) + fence.length + 5;
    const doc = parse(`exceptions:\n${text.slice(start, text.indexOf(`\n${fence}\n`, start))}`);
    expect(doc.exceptions).toEqual([{ id, paths: ['a `b`.js'], kind: 'code', reason: 'TODO: why this risk is accepted (who checked what)', expires: '2027-01-04', owner: '@TODO' }]);
    // Rendered, the only HTML comment is the marker: the snippet's copy is text in a code block.
    expect(text.indexOf('<!--')).toBe(0);
    expect(md.render(text).match(/<!--/g)).toHaveLength(1);
    expect(md.render(text)).toContain('&lt;/details&gt;&lt;!-- chaingate:pr-comment');
  });

  it('a pass says so, with no table or snippet (the update of an earlier failing comment)', () => {
    const text = render(gateResult({}), { runUrl: undefined });
    expect(text).toBe(`${MARKER}\n\n### ✅ chaingate: pass\n\nNo finding blocks under the policy.\n\n---\n<sub>chaingate 0.1.0 · commit 0123456789ab</sub>\n`);
    // Without commit links: no links, no commit named.
    const f = evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'r', title: 't', location: { path: 'a.js', startLine: 2 } }, { blocking: true });
    const plain = render(gateResult({ findings: [f] }), { links: undefined });
    expect(plain).toContain('| **high** | code | r: t | a.js:2 | — |');
    expect(plain).toMatch(/<sub>\[Run summary\]\(.*\) · chaingate 0\.1\.0<\/sub>\n$/);
  });

  it('names warn mode, an incomplete gate, and a fail without blocking findings', () => {
    const f = evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: '', location: { path: 'a.js' } }, { blocking: true });
    const unfixed = evaluated({ tool: 'osv', kind: 'vulnerability', severity: 'low', id: 'GHSA-x', title: 'x', package: { ecosystem: 'npm', name: 'p', version: '1', fixedVersions: [] } }, { blocking: true });
    const twin = evaluated({ tool: 'osv', kind: 'vulnerability', severity: 'low', id: 'GHSA-x', title: 'x', package: { ecosystem: 'npm', name: 'p', version: '1', fixedVersions: [] }, location: { path: 'sub/package-lock.json' } }, { blocking: true });
    const warn = render(gateResult({ findings: [f, unfixed, twin], verdict: 'pass', mode: 'warn' }));
    // One snippet entry for the same advisory in the same package, wherever it was found.
    expect(warn.match(/- id: GHSA-x\n/g)).toHaveLength(1);
    expect(warn).toContain('| low | vulnerability | GHSA-x: x | p@1 | no fix yet |');
    expect(warn).toContain('**3 findings block** under the policy, but the gate was not enforced.');
    expect(warn).toContain('_Mode `warn`');
    // A location without a line links the file; a finding without a title shows its id.
    expect(warn).toContain('| low | code | r | [a.js](https://github.example/octo-org/app/blob/0123456789abcdef0123456789abcdef01234567/services/api/a.js) | — |');
    const incomplete = render(gateResult({ verdict: 'incomplete', reasons: ['semgrep failed: exit 2'] }));
    expect(incomplete).toContain('### ⚠️ chaingate: incomplete — NOT a clean result');
    expect(incomplete).toContain('No finding blocks, but the gate did not pass.');
    expect(incomplete).toContain('- semgrep failed: exit 2');
  });

  it('says when the change edits the gate, bounded and escaped', () => {
    const changes: PolicyChange[] = Array.from({ length: 300 }, (_, i) => ({ file: `f${i}<!--`, what: 'vex', change: 'removed', details: ['x'.repeat(300)] }));
    const text = render({ ...gateResult({}), policyChanges: changes });
    expect(text).toContain('**⚠️ This change edits the gate** (its policy, exceptions or VEX): review it like code.\n- f0&lt;!-- (vex, removed): xxx');
    expect(text).toMatch(/- … \d+ more changes\n/);
    expect(text.match(/<!--/g)).toHaveLength(1);
    expect(render({ ...gateResult({}), policyChanges: [] })).not.toContain('edits the gate');
    expect(render({ ...gateResult({}), policyChanges: [{ file: 'a.yml', what: 'policy', change: 'added', details: [] }] })).toContain('review it like code.\n- a.yml (policy, added)\n');
  });

  it('marks new findings and counts them when the result carries a baseline', () => {
    const r = withBaseline(representative(), ['new', 'existing']);
    const text = render(r);
    const n = r.findings.filter((f) => f.blocking && f.baseline === 'new').length;
    expect(n).toBeGreaterThan(0);
    expect(text).toContain(`${n} blocking finding${n === 1 ? '' : 's'} new in this change; ${r.summary.existing} findings were there before it.`);
    expect(blockingRows(text).filter((l) => l.includes('🆕'))).toHaveLength(n);
    expect(render({ ...r, summary: { ...r.summary, existing: undefined } })).toContain('; 0 findings were there before it.');
  });

  it('escapes every text a finding brings: it cannot inject HTML, links, table cells or a marker', () => {
    const fake = `${MARKER}\n| x | y |`;
    const hostile = evaluated(
      { tool: 'npm-audit', kind: 'vulnerability', severity: 'critical', id: '--><script>x</script>', title: `${HOSTILE_TITLE} ${fake}`, package: { name: '<img src=x onerror=alert(1)>', version: '1|2', fixedVersions: ['](javascript:alert(1))'] }, location: { path: '../../etc/passwd', startLine: 1 } },
      { blocking: true },
    );
    const text = render(gateResult({ findings: [hostile], reasons: [fake, '</details>'] }));
    expect(isMarkedComment(text, MARKER)).toBe(true);
    expect(text.split(MARKER)).toHaveLength(2);
    expect(text.match(/<!--/g)).toHaveLength(1);
    const html = md.render(text);
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(html.match(/<tr>/g)).toHaveLength(2);
    // A path out of the repository gets no link.
    expect(text).not.toContain('/etc/passwd)');
  });

  it('fits 10,000 findings in 65,536 characters, cutting rows, never the verdict, and says how many', () => {
    const findings = many(10_000);
    const text = render({ ...gateResult({ findings }), dependencyChanges: DEPENDENCY_CHANGES });
    expect(text.length).toBeLessThanOrEqual(PR_COMMENT_MAX_CHARS);
    expect(text.startsWith(`${MARKER}\n\n### ❌ chaingate: fail\n\n**5000 findings block** under the policy.`)).toBe(true);
    const shown = blockingRows(text).length;
    expect(shown).toBeGreaterThan(100);
    const m = text.match(/_… (\d+) more blocking findings not shown here/);
    expect(Number(m?.[1])).toBe(5000 - shown);
    // The tail survives the cut: dependency changes, snippet and the run link.
    expect(text).toContain('#### Dependency changes');
    expect(text).toContain('(the first 10)');
    expect(text).toContain('[Run summary]');
    // The rows fill the comment: less than one row's room is left.
    expect(PR_COMMENT_MAX_CHARS - text.length).toBeLessThan(400);
  });

  it('stays within the limit with very long hostile strings everywhere', () => {
    const long = '"<&'.repeat(200_000);
    const findings: EvaluatedFinding[] = [];
    for (let i = 0; i < 300; i++) {
      findings.push(
        evaluated(
          { tool: 'trivy', kind: 'vulnerability', severity: 'high', id: `${i}${long}`, title: long, package: { name: long, version: long, purl: `pkg:npm/${i}`, fixedVersions: [long] }, location: { path: `${long}/${i}`, startLine: 1 } },
          { blocking: true },
        ),
      );
    }
    const deps: DependencyChange[] = [
      { lockfile: long, added: Array.from({ length: 500 }, (_, i) => ({ ecosystem: 'npm', name: `${i}${long}`, version: long, purl: `pkg:npm/${i}`, findings: [] })), changed: [], removed: [] },
    ];
    const policyChanges: PolicyChange[] = Array.from({ length: 100 }, () => ({ file: long, what: 'policy', change: 'modified', details: [long, long] }));
    const r = { ...gateResult({ findings, reasons: Array.from({ length: 50 }, () => long) }), dependencyChanges: deps, policyChanges };
    const text = render(r);
    expect(text.length).toBeLessThanOrEqual(PR_COMMENT_MAX_CHARS);
    expect(text).toContain('### ❌ chaingate: fail');
    expect(text).toMatch(/- … \d+ more reasons/);
    expect(text).toMatch(/_… \d+ more dependency changes in the run summary\._/);
    expect(text).toMatch(/- … \d+ more changes\n/);
    expect(text).toMatch(/_… \d+ more blocking findings not shown here/);
    // An id too long to fit whole is left out of the snippet rather than cut.
    expect(text).not.toContain('```yaml');
  });

  it('keeps the marker and the verdict when the limit is absurdly small', () => {
    const text = render(representative(), { maxChars: 200 });
    expect(text).toBe(`${MARKER}\n\n### ❌ chaingate: fail\n\n**3 findings block** under the policy.\n`);
    expect(render(representative(), { maxChars: 10 })).toHaveLength(10);
  });
});

describe('commentMarker and isMarkedComment', () => {
  it('names the working directory and config, percent-encoded so nothing can close the comment', () => {
    expect(commentMarker('.', '.chaingate.yml')).toBe('<!-- chaingate:pr-comment dir=. config=.chaingate.yml -->');
    expect(commentMarker('./a\\b', 'c d.yml')).toBe('<!-- chaingate:pr-comment dir=a%2Fb config=c%20d.yml -->');
    expect(commentMarker('', 'x')).toBe(commentMarker('.', 'x'));
    const odd = commentMarker('--> (x)!', "it's*");
    expect(odd).toBe("<!-- chaingate:pr-comment dir=--%3E%20%28x%29%21 config=it%27s%2A -->");
    expect(odd.indexOf('-->')).toBe(odd.length - 3);
    expect(commentMarker('a', 'b')).not.toBe(commentMarker('a', 'c'));
    expect(commentMarker('a'.repeat(400), 'b')).toMatch(/^<!-- chaingate:pr-comment sha256=[0-9a-f]{64} -->$/);
  });

  it('matches only a body whose first line is the marker', () => {
    expect(isMarkedComment(`${MARKER}\nbody`, MARKER)).toBe(true);
    expect(isMarkedComment(MARKER, MARKER)).toBe(true);
    expect(isMarkedComment(`x\n${MARKER}\n`, MARKER)).toBe(false);
    expect(isMarkedComment(`${MARKER} extra\n`, MARKER)).toBe(false);
    expect(isMarkedComment(`${commentMarker('services/api', 'other.yml')}\n`, MARKER)).toBe(false);
    expect(isMarkedComment(undefined, MARKER)).toBe(false);
    expect(isMarkedComment(null, MARKER)).toBe(false);
  });
});

describe('baseline fields', () => {
  it('newBlocking counts all blocking findings without a baseline, the new ones with one', () => {
    const r = representative();
    expect(hasBaseline(r)).toBe(false);
    expect(newBlocking(r)).toBe(3);
    const b = withBaseline(r, ['existing']);
    expect(hasBaseline(b)).toBe(true);
    expect(newBlocking(b)).toBe(0);
    expect(newBlocking(withBaseline(r, ['new']))).toBe(3);
    expect(hasBaseline({ ...r, summary: { ...r.summary, new: 0 } })).toBe(true);
  });

  it('policyChanged is true when the result lists an edit of the gate', () => {
    const r = representative();
    expect(policyChanged(r)).toBe(false);
    expect(policyChanged({ ...r, policyChanges: [] })).toBe(false);
    expect(policyChanged({ ...r, policyChanges: POLICY_CHANGES })).toBe(true);
  });

  it('dependencyRows gives a row per added, changed and removed package of every lockfile', () => {
    expect(dependencyRows(undefined)).toEqual([]);
    expect(dependencyRows([...DEPENDENCY_CHANGES, { lockfile: 'b/yarn.lock', added: [], changed: [], removed: [] }])).toEqual([
      { change: 'added', name: 'left-pad', versions: '1.3.0', lockfile: 'package-lock.json' },
      { change: 'changed', name: 'lodash', versions: '4.17.21 → 4.17.20', lockfile: 'package-lock.json' },
      { change: 'removed', name: 'qs', versions: '6.5.3', lockfile: 'package-lock.json' },
    ]);
  });
});
