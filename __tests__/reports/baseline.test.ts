// Renderers with a baseline: new and existing findings, dependency changes, edits to the gate.
import type { GateResult } from '../../src/core/result';
import { GateResultSchema } from '../../src/reports/result-schema';
import { renderResultJson } from '../../src/reports/result-json';
import { renderSarif } from '../../src/reports/sarif';
import { renderSummary } from '../../src/reports/summary';
import { evaluated, gateResult } from './build';

const OPTS = { resultFile: 'chaingate-result.json', sarifFile: 'chaingate.sarif' };

function withBaseline(over: Partial<GateResult> = {}): GateResult {
  const fresh = { ...evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'js.eval', title: 'eval', location: { path: 'src/new.js', startLine: 1 } }, { blocking: true }), baseline: 'new' as const };
  const old = { ...evaluated({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'js.eval', title: 'eval', location: { path: 'src/old.js', startLine: 4 } }), baseline: 'existing' as const };
  const disclosed = {
    ...evaluated({ tool: 'trivy', kind: 'vulnerability', severity: 'high', id: 'CVE-2099-1', title: 'new advisory', package: { ecosystem: 'npm', name: 'ms', version: '2.0.0', fixedVersions: [] } }),
    baseline: 'existing' as const,
    newlyDisclosed: true,
  };
  const r = gateResult({ findings: [fresh, old, disclosed] });
  return {
    ...r,
    summary: { ...r.summary, new: 1, existing: 2 },
    baseline: { source: 'ref', ref: 'origin/main', commit: '0123456789abcdef0123', block: 'new', trustedPolicy: 'head', changedFiles: ['src/new.js'], newlyDisclosed: 1, notes: ['semgrep scanned 1 file'] },
    ...over,
  };
}

describe('renderers with a baseline', () => {
  it('summary: new and existing counts, existing findings collapsed and marked newly disclosed', () => {
    const s = renderSummary(withBaseline(), OPTS);
    expect(s).toMatch(/\*\*1 new\*\* in this change · 2 existing before it \(1 newly disclosed\) · compared with baseline origin\/main \(0123456789ab\), block: new/);
    expect(s).toMatch(/<details>\n<summary>2 existing findings: there before this change<\/summary>/);
    expect(s).toMatch(/\[CVE-2099-1\]\(https:\/\/osv\.dev\/vulnerability\/CVE-2099-1\): new advisory \(newly disclosed\)/);
    expect(s).not.toMatch(/This change edits the gate/);
    const file = renderSummary(withBaseline({ baseline: { source: 'file', file: 'prev/chaingate-result.json', sha256: 'a'.repeat(64), block: 'all', trustedPolicy: 'head', newlyDisclosed: 0, notes: [] } }), OPTS);
    expect(file).toMatch(/existing before it · compared with baseline prev\/chaingate-result.json, block: all/);
    const noRecord = renderSummary({ ...withBaseline(), baseline: undefined }, OPTS);
    expect(noRecord).toMatch(/compared with no baseline/);
  });

  it('summary: caps the existing list', () => {
    const many = Array.from({ length: 105 }, (_, i) => ({
      ...evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: `r${i}`, title: 't', location: { path: 'a.js', startLine: i + 1 } }),
      baseline: 'existing' as const,
    }));
    const r = gateResult({ findings: many });
    const s = renderSummary({ ...r, summary: { ...r.summary, new: 0, existing: 105 } }, OPTS);
    expect(s).toMatch(/… 5 more: see chaingate-result.json and chaingate.sarif/);
  });

  it('summary: the gate edits come first, then dependency changes as a table', () => {
    const s = renderSummary(
      withBaseline({
        policyChanges: [
          { file: '.chaingate.yml', what: 'policy', change: 'modified', details: ['fail-on.code: "high" → "none"'] },
          { file: '.chaingate-exceptions.yml', what: 'exceptions', change: 'added', details: Array.from({ length: 52 }, (_, i) => `added exception CVE-${i}`) },
          ...Array.from({ length: 50 }, (_, i) => ({ file: `v${i}.json`, what: 'vex' as const, change: 'added' as const, details: [] })),
        ],
        dependencyChanges: [
          {
            lockfile: 'package-lock.json',
            added: [{ ecosystem: 'npm', name: 'colors', version: '1.4.2', purl: 'pkg:npm/colors@1.4.2', findings: ['deny-packages:pkg:npm/colors@>=1.4.1'] }],
            removed: [{ ecosystem: 'npm', name: 'left-pad', version: '1.0.0', purl: 'pkg:npm/left-pad@1.0.0' }],
            changed: [{ ecosystem: 'npm', name: 'lodash', from: '4.17.19', to: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', findings: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] }],
          },
        ],
      }),
      OPTS,
    );
    const edits = s.indexOf('## ⚠️ This change edits the gate');
    const deps = s.indexOf('## Dependency changes');
    expect(edits).toBeGreaterThan(0);
    expect(deps).toBeGreaterThan(edits);
    expect(s.indexOf('## Findings')).toBeGreaterThan(deps);
    expect(s).toMatch(/- \*\*policy\*\* \.chaingate\.yml: modified\n {2}- fail-on\.code: &quot;high&quot; → &quot;none&quot;/);
    expect(s).toMatch(/… 2 more changes/);
    expect(s).toMatch(/- … 2 more files/);
    expect(s).toMatch(/\| package-lock\.json \| ➕ added \| npm\/colors \| 1\.4\.2 \| deny-packages:pkg:npm\/colors@&gt;=1\.4\.1 \|/);
    expect(s).toMatch(/\| 🔄 changed \| npm\/lodash \| 4\.17\.19 → 4\.17\.20 \| A, B, C, D, E … 2 more \|/);
    expect(s).toMatch(/\| ➖ removed \| npm\/left-pad \| 1\.0\.0 \| — \|/);
  });

  it('summary: says when the baseline policy applied, edits or not, and caps the dependency table', () => {
    const base = withBaseline();
    const trusted = { ...base, baseline: { ...(base.baseline as NonNullable<GateResult['baseline']>), trustedPolicy: 'baseline' as const } };
    const s = renderSummary({ ...trusted, policyChanges: [] }, OPTS);
    expect(s).toMatch(/The baseline's policy, exceptions and VEX applied \(`--trusted-policy baseline`\)/);
    expect(s).toMatch(/No edit to the policy, exceptions or VEX\./);
    const one = renderSummary({ ...trusted, policyChanges: [{ file: 'x.vex.json', what: 'vex', change: 'removed', details: [] }] }, OPTS);
    expect(one).toMatch(/- \*\*vex\*\* x\.vex\.json: removed\n\n/);
    const added = Array.from({ length: 205 }, (_, i) => ({ ecosystem: 'npm', name: `p${i}`, version: '1.0.0', purl: `pkg:npm/p${i}@1.0.0`, findings: [] }));
    const big = renderSummary({ ...base, dependencyChanges: [{ lockfile: 'l', added, removed: [], changed: [] }] }, OPTS);
    expect(big).toMatch(/… 5 more dependency changes: see the result file/);
    expect(renderSummary({ ...base, dependencyChanges: [] }, OPTS)).not.toMatch(/Dependency changes/);
  });

  it('SARIF: baselineState new or unchanged; absent without a baseline', () => {
    const sarif = renderSarif(withBaseline(), { toolVersion: '0.1.0' }) as { runs: { results: { baselineState?: string }[] }[] };
    expect(sarif.runs.flatMap((r) => r.results.map((x) => x.baselineState)).sort()).toEqual(['new', 'unchanged', 'unchanged']);
    const plain = renderSarif(gateResult({ findings: [evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't' })] }), { toolVersion: '0.1.0' }) as { runs: { results: object[] }[] };
    expect((plain.runs[0].results[0] as { baselineState?: string }).baselineState).toBeUndefined();
  });

  it('result JSON: marks, counts and the baseline record in a fixed order, valid against the schema', () => {
    const text = renderResultJson(withBaseline({ policyChanges: [], dependencyChanges: [] }));
    const json = JSON.parse(text);
    expect(GateResultSchema.safeParse(json).success).toBe(true);
    expect(Object.keys(json.baseline)).toEqual(['source', 'ref', 'commit', 'block', 'trustedPolicy', 'changedFiles', 'newlyDisclosed', 'notes']);
    expect(json.summary).toMatchObject({ new: 1, existing: 2 });
    expect(json.findings.map((f: { baseline: string }) => f.baseline).sort()).toEqual(['existing', 'existing', 'new']);
    expect(json.findings.find((f: { newlyDisclosed?: boolean }) => f.newlyDisclosed)).toMatchObject({ id: 'CVE-2099-1' });
    const plain = JSON.parse(renderResultJson(gateResult()));
    expect(plain).not.toHaveProperty('baseline');
    expect(plain.summary).not.toHaveProperty('new');
  });
});
