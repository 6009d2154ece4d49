import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { renderResultJson } from '../../src/reports/result-json';
import { GateResultSchema, gateResultJsonSchema } from '../../src/reports/result-schema';
import { expectGolden } from '../helpers/golden';
import { REPO } from '../helpers/paths';
import { applied, evaluated, gateResult, representative, scanner } from './build';
import type { GateResult } from '../../src/core/result';

const SCHEMA_FILE = path.join(REPO, 'schemas', 'chaingate-result.schema.json');

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(gateResultJsonSchema());
}

describe('renderResultJson', () => {
  it('renders the representative result as the checked-in golden', () => {
    const text = renderResultJson(representative());
    expect(text.endsWith('}\n')).toBe(true);
    expectGolden('reports/chaingate-result.json', JSON.parse(text));
  });

  it('is pretty JSON ending in one newline, with keys in a fixed order', () => {
    const text = renderResultJson(representative());
    expect(text).toMatch(/^\{\n {2}"schemaVersion": 1,\n {2}"tool": \{/);
    const obj = JSON.parse(text);
    expect(Object.keys(obj)).toEqual(['schemaVersion', 'tool', 'generatedAt', 'verdict', 'mode', 'reasons', 'summary', 'byKind', 'findings', 'exceptions', 'scanners', 'inputs']);
    expect(Object.keys(obj.summary)).toEqual(['critical', 'high', 'medium', 'low', 'info', 'unknown', 'blocking', 'suppressed', 'total']);
    expect(Object.keys(obj.findings[0])[0]).toBe('id');
    expect(Object.keys(obj.findings[0]).at(-1)).toBe('fingerprint');
    expect(Object.keys(obj.byKind)).toEqual([...Object.keys(obj.byKind)].sort());
  });

  it('sorts findings blocking first, then by severity, then by fingerprint', () => {
    const { findings } = JSON.parse(renderResultJson(representative())) as GateResult;
    const blockingFlags = findings.map((f) => f.blocking);
    expect(blockingFlags).toEqual([true, true, true, false, false, false, false, false]);
    expect(findings.map((f) => f.severity)).toEqual(['critical', 'high', 'high', 'critical', 'critical', 'medium', 'low', 'unknown']);
    // The two blocking highs tie on severity: fingerprint decides.
    expect(findings[1].fingerprint < findings[2].fingerprint).toBe(true);
  });

  it('produces the same bytes whatever order the engine listed things in', () => {
    const a = representative();
    const b = representative();
    b.findings = [...b.findings].reverse();
    b.scanners.reverse();
    b.exceptions.applied = [...b.exceptions.applied].reverse();
    b.byKind = Object.fromEntries(Object.entries(b.byKind).reverse());
    b.findings = b.findings.map((f) => Object.fromEntries(Object.entries(f).reverse()) as typeof f);
    expect(renderResultJson(b)).toBe(renderResultJson(a));
  });

  it('sorts exceptions by file then index and their matched fingerprints', () => {
    const r = gateResult({
      exceptions: {
        applied: [applied(3, { id: 'B' }, ['f2', 'f1'], 10), { ...applied(9, { id: 'A' }, [], 10), source: 'a.yml' }, applied(1, { id: 'C' }, [], 10)],
        expired: [],
        unused: [],
        expiringSoon: [],
        active: 3,
      },
    });
    const out = JSON.parse(renderResultJson(r));
    expect(out.exceptions.applied.map((e: { index: number; source: string }) => `${e.source}#${e.index}`)).toEqual(['a.yml#9', '.chaingate-exceptions.yml#1', '.chaingate-exceptions.yml#3'].sort());
    expect(out.exceptions.applied.find((e: { index: number }) => e.index === 3).matched).toEqual(['f1', 'f2']);
    expect('maxActive' in out.exceptions).toBe(false); // parsed from the text: undefined members are not written
  });

  it("writes an exception's project scope with it (else it would read as repository-wide)", () => {
    const r = gateResult({ exceptions: { applied: [applied(0, { id: 'CVE-1', project: 'services/web' }, ['f1'], 10)], expired: [], unused: [], expiringSoon: [], active: 1 } });
    const out = JSON.parse(renderResultJson(r));
    expect(out.exceptions.applied[0].entry).toEqual({ id: 'CVE-1', project: 'services/web', reason: expect.any(String), expires: expect.any(String) });
    expect(GateResultSchema.parse(out).exceptions.applied[0].entry.project).toBe('services/web');
  });

  it('leaves absent optional fields out rather than writing null', () => {
    const r = gateResult({ findings: [evaluated({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't' })] });
    const text = renderResultJson(r);
    expect(text).not.toContain('null');
    const out = JSON.parse(text);
    expect(Object.keys(out.findings[0])).toEqual(['id', 'aliases', 'kind', 'severity', 'blocking', 'rationale', 'title', 'tools', 'fingerprint']);
    expect(out.inputs).toEqual({ vex: [] });
  });

  it('does not leak fields outside the published shape', () => {
    const r = representative();
    (r.findings[0] as unknown as Record<string, unknown>).internalScratch = 1;
    (r.scanners[0] as unknown as Record<string, unknown>).pid = 42;
    expect(validator()(JSON.parse(renderResultJson(r)))).toBe(true);
  });
});

describe('the chaingate-result JSON Schema', () => {
  it('is committed and equals the one generated from GateResultSchema', () => {
    const text = JSON.stringify(gateResultJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_GOLDENS === '1') fs.writeFileSync(SCHEMA_FILE, text);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(text);
  });

  it('accepts every rendered result: pass, fail, incomplete, suppressed, empty', () => {
    const validate = validator();
    const results: GateResult[] = [
      representative(),
      gateResult(),
      gateResult({ verdict: 'incomplete', reasons: ['semgrep timed out'], scanners: [scanner('semgrep', 'failed', 900_000, 0, { error: 'timed out after 900 s' })] }),
      { ...representative(), mode: 'warn' },
      (() => {
        const r = representative();
        r.exceptions.vex = [
          { source: 'v.json', index: 0, vulnerability: 'CVE-1', status: 'not_affected', justification: 'j', expired: false, matched: ['f2', 'f1'] },
          { source: 'v.json', index: 1, vulnerability: 'CVE-2', status: 'fixed', expires: '2026-11-01', daysLeft: -27, expired: true, matched: [] },
        ];
        const out = JSON.parse(renderResultJson(r));
        expect(out.exceptions.vex[0]).toEqual({ source: 'v.json', index: 0, vulnerability: 'CVE-1', status: 'not_affected', justification: 'j', expired: false, matched: ['f1', 'f2'] });
        return r;
      })(),
    ];
    for (const r of results) {
      const ok = validate(JSON.parse(renderResultJson(r)));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      expect(GateResultSchema.safeParse(JSON.parse(renderResultJson(r))).success).toBe(true);
    }
  });

  it("accepts a shard's result: its stamp, folders, components and project policies, in a fixed order", () => {
    const r = gateResult({
      inputs: { vex: [], projectPolicies: [{ path: 'svc/a/p.yml', sha256: 'a'.repeat(64) }] },
      projects: ['svc/a', 'svc/b'],
      shard: { name: 'shard-1-of-3', plan: '0123456789abcdef' },
      components: [{ purl: 'pkg:npm/lodash@4.17.20', name: 'lodash', version: '4.17.20', project: 'svc/a' }, { purl: 'pkg:golang/x', name: 'x' }],
    });
    const out = JSON.parse(renderResultJson(r));
    expect(Object.keys(out).slice(-3)).toEqual(['projects', 'shard', 'components']);
    expect(out.components[1]).toEqual({ purl: 'pkg:golang/x', name: 'x' });
    expect(out.inputs.projectPolicies).toEqual([{ path: 'svc/a/p.yml', sha256: 'a'.repeat(64) }]);
    expect(validator()(out)).toBe(true);
  });

  it('rejects results that break the contract', () => {
    const validate = validator();
    const good = JSON.parse(renderResultJson(representative()));
    const bad = [
      { ...good, verdict: 'maybe' },
      { ...good, summary: { ...good.summary, blocking: -1 } },
      { ...good, findings: [{ ...good.findings[0], blocking: 'yes' }] },
      { ...good, findings: [{ ...good.findings[0], severity: 'severe' }] },
      { ...good, extra: true },
      { ...good, exceptions: { ...good.exceptions, applied: [{ ...good.exceptions.applied[0], entry: { id: 'x' } }] } },
      (({ scanners: _scanners, ...rest }) => rest)(good),
    ];
    for (const b of bad) expect(validate(b)).toBe(false);
  });
});
