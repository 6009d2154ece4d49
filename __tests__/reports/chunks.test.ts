import { resultJsonChunks, orderResult } from '../../src/reports/result-json';
import { pieceText as text, renderSarif, sarifJsonChunks } from '../../src/reports/sarif';
import type { GateResult } from '../../src/core/result';
import { evaluated, gateResult, many, representative } from './build';

// The streamed reports must be the very bytes of the one-piece serialization, whatever the
// chunk size: the shell writes the pieces, tests and users compare with JSON.stringify.
/** The result file as its doc says: pretty JSON, except each finding on one line of its own. */
function expectedResultText(r: GateResult): string {
  const ordered = orderResult(r);
  const findings = JSON.parse(JSON.stringify(ordered.findings)) as unknown[];
  if (findings.length === 0) return JSON.stringify(ordered, null, 2) + '\n';
  const text = JSON.stringify({ ...ordered, findings: 'MARK' }, null, 2) + '\n';
  return text.replace('"findings": "MARK"', `"findings": [\n${findings.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]`);
}

/** Findings whose texts hold what separates findings in the compact array, and quotes. */
function tricky(): GateResult {
  const f = many(4);
  f[0] = { ...f[0], title: 'a },{"id":"x"} b', description: '},{"id":' };
  f[1] = { ...f[1], id: '},{"id":', rationale: '"quoted" \\ back' };
  return gateResult({ findings: f });
}

describe('resultJsonChunks', () => {
  it('joins to pretty JSON with one line per finding, one finding a piece', () => {
    for (const r of [representative(), gateResult({ findings: many(7) }), tricky()]) {
      const pieces = [...resultJsonChunks(r)];
      const text = pieces.join('');
      expect(text).toBe(expectedResultText(r));
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(orderResult(r))));
      expect(text.split('\n').filter((l) => l.startsWith('    {"id":'))).toHaveLength(r.findings.length);
      expect(pieces.length).toBe(2 + r.findings.length);
    }
  });

  it('writes an empty findings list in one piece', () => {
    const r = gateResult({ findings: [] });
    expect([...resultJsonChunks(r)]).toEqual([JSON.stringify(orderResult(r), null, 2) + '\n']);
  });
});

describe('sarifJsonChunks', () => {
  it('joins to the compact serialization of the log', () => {
    const opts = { toolVersion: '1.0.0', completedTools: ['grype'], maxResultsPerRun: 5 };
    for (const r of [representative(), gateResult({ findings: many(12) }), gateResult({ findings: [] }), tricky()]) {
      expect([...sarifJsonChunks(r, opts)].map(text).join('')).toBe(JSON.stringify(renderSarif(r, opts)) + '\n');
    }
  });

  it('writes the texts rules share as bytes of the same log, whatever they hold', () => {
    // Lone surrogates at either end of a text, control characters, quotes, line separators;
    // rules with and without title, description or link, sharing texts with one another.
    const texts = ['\ud800 lone high', 'lone low \udc00', '\udbff\udfff pair \u2028 "q" \\ \u0000\u001f\u007f é 🐛', '', 'plain'];
    const urls = [undefined, 'https://example.com/a?b=1', 'javascript:alert(1)', 'relative/path'];
    const findings = [];
    for (let i = 0; i < 60; i++) {
      findings.push(
        evaluated(
          { tool: i % 3 ? 'trivy' : 'semgrep', kind: i % 2 ? 'vulnerability' : 'code', severity: 'high', id: `ID-${i}\ud801`, title: texts[i % texts.length], description: i % 4 ? texts[(i + 1) % texts.length] : undefined, url: urls[(i + (i >> 2)) % urls.length], package: i % 2 ? { ecosystem: 'npm', name: `p${i % 3}`, version: '1.0.0', fixedVersions: ['1.0.1'] } : undefined, location: { path: `src/${i}.js`, startLine: 1 } },
          { blocking: i % 5 === 0 },
        ),
      );
    }
    const r = gateResult({ findings });
    const opts = { toolVersion: '1.0.0' };
    const pieces = [...sarifJsonChunks(r, opts)];
    expect(pieces.some((p) => Array.isArray(p) && p.some((q) => q instanceof Uint8Array))).toBe(true);
    expect(pieces.map(text).join('')).toBe(JSON.stringify(renderSarif(r, opts)) + '\n');
  });

  it('streams rules as it streams results: no piece holds more than one of them', () => {
    const r = gateResult({ findings: many(12) });
    const opts = { toolVersion: '1.0.0' };
    const rules = (JSON.stringify(renderSarif(r, opts)).match(/"shortDescription"/g) ?? []).length;
    expect(rules).toBeGreaterThan(4);
    const pieces = [...sarifJsonChunks(r, opts)].map(text);
    expect(Math.max(...pieces.map((p) => (p.match(/"shortDescription"/g) ?? []).length))).toBe(1);
    expect(Math.max(...pieces.map((p) => (p.match(/"ruleId"/g) ?? []).length))).toBe(1);
  });
});
