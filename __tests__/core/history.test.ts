import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  emptyHistory,
  findingLabel,
  firstSeenMap,
  historyDigests,
  FORGET_FIXED_DAYS,
  historyKeys,
  keyDigest,
  MAX_RUNS,
  parseHistory,
  trend,
  updateHistory,
  weekOf,
  type History,
  type RunFinding,
} from '../../src/core/history';
import { makeFinding } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import { defaultPolicy } from '../../src/config/load';
import { renderHistorySection } from '../../src/reports/history-summary';
import { readHistoryFile, writeHistoryFile, currentCommit } from '../../src/gate/history-file';
import { expectGolden } from '../helpers/golden';
import { tmpDir } from '../helpers/paths';

const vuln = (name: string, version: string, id: string, severity: 'critical' | 'high' = 'high') =>
  makeFinding({ tool: 'osv', kind: 'vulnerability', severity, id, title: id, package: { ecosystem: 'npm', name, version, fixedVersions: ['9.9.9'] }, location: { path: 'package-lock.json' } });
const code = (p: string, line: number, id = 'rule.a') => makeFinding({ tool: 'semgrep', kind: 'code', severity: 'high', id, title: 't', location: { path: p, startLine: line } });

function run(findings: ReturnType<typeof vuln>[]): RunFinding[] {
  const keys = historyKeys(findings);
  return findings.map((f, i) => ({ key: keys[i], severity: f.severity, kind: f.kind, label: findingLabel(f), fingerprint: f.fingerprint }));
}

describe('historyKeys', () => {
  it('ignores lines and versions, counts occurrences per rule and file', () => {
    const a = historyKeys([code('src\\a.js', 10), code('src/a.js', 20), code('src/b.js', 5), vuln('lodash', '4.17.20', 'GHSA-1')]);
    const b = historyKeys([code('src/a.js', 40), code('src/a.js', 12), code('src/b.js', 99), vuln('lodash', '4.17.19', 'GHSA-1')]);
    expect(b).toEqual([a[1], a[0], a[2], a[3]]);
    expect(new Set(a).size).toBe(4);
    const lic = makeFinding({ tool: 'trivy', kind: 'license', severity: 'low', id: 'GPL-3.0', title: 'GPL', package: { ecosystem: 'npm', name: 'x', fixedVersions: [] } });
    const sig = makeFinding({ tool: 'cosign', kind: 'signature', severity: 'high', id: 'unsigned', title: 'u' });
    expect(historyKeys([lic, sig])).toEqual(['license\nGPL-3.0\nnpm/x\n0', 'signature\nunsigned\n\n0']);
    expect(historyKeys([makeFinding({ tool: 'osv', kind: 'vulnerability', severity: 'low', id: 'X-1', title: 'x' })])).toEqual(['vulnerability\n\nX-1']);
  });

  it('keys a flaw by the hash of its source text where the gate has it, as the baseline does', () => {
    const hashed = (line: number, textHash: string) => ({ ...code('src/a.js', line), textHash });
    const before = historyKeys([hashed(10, 'aaa'), hashed(20, 'bbb')]);
    // Lines inserted above the first flaw move it below the second: each keeps its key.
    const after = historyKeys([hashed(30, 'aaa'), hashed(20, 'bbb')]);
    expect(after).toEqual(before);
    expect(before[0]).toBe('code\nrule.a\nsrc/a.js\naaa\n0');
  });

  it('labels are bounded', () => {
    expect(findingLabel(code('a.js', 3))).toBe('rule.a a.js:3');
    expect(findingLabel({ id: 'r', location: { path: 'a.js' } })).toBe('r a.js');
    expect(findingLabel({ id: 'r' })).toBe('r');
    expect(findingLabel({ id: 'r', package: { name: 'p', fixedVersions: [] } })).toBe('r p');
    expect(findingLabel({ id: 'x'.repeat(200) })).toHaveLength(80);
  });
});

describe('updateHistory', () => {
  const lodash = vuln('lodash', '4.17.20', 'GHSA-lodash');
  const minimist = vuln('minimist', '1.2.5', 'GHSA-minimist', 'critical');

  it('tracks first seen, fixed, reappearance and incomplete runs', () => {
    let h = emptyHistory();
    const r1 = updateHistory(h, { now: new Date('2026-01-05T00:00:00Z'), commit: 'a'.repeat(40), findings: run([lodash, minimist]), exceptions: 1, complete: true });
    expect(r1.added).toHaveLength(2);
    expect(r1.previous).toBeUndefined();
    h = r1.history;
    expect(firstSeenMap(h, run([lodash]), new Date('2026-01-09T00:00:00Z')).get(lodash.fingerprint)).toBe('2026-01-05');
    // An incomplete run proves nothing fixed.
    const r2 = updateHistory(h, { now: new Date('2026-01-06T00:00:00Z'), findings: run([lodash]), exceptions: 1, complete: false });
    expect(r2.fixed).toEqual([]);
    expect(r2.run.commit).toBeUndefined();
    const r3 = updateHistory(r2.history, { now: new Date('2026-01-07T00:00:00Z'), findings: run([lodash, lodash]), exceptions: 0, complete: true });
    expect(r3.fixed).toEqual([keyDigest(run([minimist])[0].key)]);
    expect(r3.history.findings[r3.fixed[0]]).toMatchObject({ first: '2026-01-05', fixed: '2026-01-07', fixedRun: 3, lastRun: 1 });
    expect(firstSeenMap(r3.history, run([minimist]), new Date('2026-01-08T00:00:00Z')).get(minimist.fingerprint)).toBe('2026-01-08');
    // Back after a fix: new again, counted from its return.
    const r4 = updateHistory(r3.history, { now: new Date('2026-01-08T00:00:00Z'), findings: run([lodash, minimist]), exceptions: 0, complete: true });
    expect(r4.added).toEqual(r3.fixed);
    expect(r4.history.findings[r3.fixed[0]]).toEqual({ first: '2026-01-08', firstRun: 4, lastRun: 4, severity: 'critical', label: 'GHSA-minimist minimist@1.2.5' });
    // Fixed findings are kept for 90 days, then forgotten.
    const r5 = updateHistory(r4.history, { now: new Date('2026-01-09T00:00:00Z'), findings: [], exceptions: 0, complete: true });
    const keep = updateHistory(r5.history, { now: new Date(Date.parse('2026-01-09T00:00:00Z') + (FORGET_FIXED_DAYS - 1) * 86400000), findings: [], exceptions: 0, complete: true });
    expect(Object.keys(keep.history.findings)).toHaveLength(2);
    const gone = updateHistory(keep.history, { now: new Date(Date.parse('2026-01-09T00:00:00Z') + (FORGET_FIXED_DAYS + 1) * 86400000), findings: [], exceptions: 0, complete: true });
    expect(gone.history.findings).toEqual({});
  });

  it('folds old runs into weekly points and stays bounded', () => {
    let h = emptyHistory();
    const start = Date.parse('2025-01-06T00:00:00Z');
    // Three runs a day for two years.
    for (let i = 0; i < 730 * 3; i++) {
      h = updateHistory(h, { now: new Date(start + i * 8 * 3600000), findings: run(i % 7 === 0 ? [lodash] : [lodash, minimist]), exceptions: i % 5, complete: true }).history;
    }
    expect(h.runs.length).toBeLessThanOrEqual(MAX_RUNS);
    expect(h.weeks.length).toBeLessThanOrEqual(104);
    expect(h.weeks.every((w) => weekOf(w.week) === w.week)).toBe(true);
    expect(h.weeks.slice(0, -1).every((w) => w.runs === 21)).toBe(true);
    expect(HistoryRoundTrip(h)).toEqual(h);
    const t = trend(h, new Date(start + 730 * 86400000));
    expect(t).toHaveLength(12);
    expect(t[11].week).toBe(weekOf('2027-01-06'));
  });

  it('caps recent runs at MAX_RUNS even within the recent days', () => {
    let h = emptyHistory();
    for (let i = 0; i < MAX_RUNS + 5; i++) h = updateHistory(h, { now: new Date(Date.parse('2026-03-02T00:00:00Z') + i * 60000), findings: [], exceptions: 0, complete: true }).history;
    expect(h.runs).toHaveLength(MAX_RUNS);
    expect(h.weeks).toEqual([{ week: '2026-03-02', runs: 5, critical: 0, high: 0, exceptions: 0 }]);
    expect(trend(h, new Date('2026-03-04T00:00:00Z'))).toEqual([{ week: '2026-03-02', critical: 0, high: 0, exceptions: 0 }]);
  });
});

function HistoryRoundTrip(h: History): History {
  return parseHistory(JSON.stringify(h), 'h.json');
}

describe('parseHistory', () => {
  it('refuses corrupt, foreign and newer files with the file and line', () => {
    expect(() => parseHistory('{\n"version": 1,\n', 'h.json')).toThrow(/^h\.json(:\d+)*: history file is not valid JSON/);
    expect(() => parseHistory('{\n  "version": 1,\n  x\n}', 'h.json')).toThrow(/^h\.json:3:\d+: history file is not valid JSON/);
    expect(() => parseHistory('{"version": 2}', 'h.json')).toThrow('h.json: history file has schema version 2, newer than the 1 this chaingate reads');
    expect(() => parseHistory('{"version": 1, "nextRun": 1, "findings": {}, "runs": [], "weeks": [], "x": 1}', 'h.json')).toThrow(/not a chaingate history: \(root\)/);
    expect(() => parseHistory('{"version": 1, "nextRun": -1, "findings": {}, "runs": [], "weeks": []}', 'h.json')).toThrow(/not a chaingate history: nextRun/);
    expect(() => parseHistory('', 'h.json')).toThrow(/^h\.json(:\d+)*: history file is not valid JSON/);
    expect(() => parseHistory('null', 'h.json')).toThrow(/not a chaingate history/);
  });

  it('quotes no text of the file (the history is in the repository the PR changes)', () => {
    const canary = 'ghp_CanaryHistory0123456789';
    for (const text of [`{"version": 1, ${canary}}`, `{"version": 1, "nextRun": 1, "findings": {}, "runs": [], "weeks": [], "${canary}": 1}`, `{"version": 1, "nextRun": 1, "findings": {"${canary}": 5}, "runs": [], "weeks": []}`]) {
      let message = '';
      try {
        parseHistory(text, 'h.json');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^h\.json(:\d+)*: history file is not/);
      expect(message).not.toContain('Canary');
    }
  });
});

describe('history file', () => {
  it('a missing file is empty; a corrupt one is an error and is left as it was', () => {
    const dir = tmpDir();
    expect(readHistoryFile(path.join(dir, 'none.json'))).toEqual(emptyHistory());
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"version":1,');
    expect(() => readHistoryFile(bad)).toThrow(/bad\.json.*not valid JSON/);
    expect(fs.readFileSync(bad, 'utf8')).toBe('{"version":1,');
    expect(() => readHistoryFile(dir)).toThrow(/cannot read the history file/);
  });

  it('writes atomically: a failure mid-write keeps the old file and leaves no temporary file', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'h.json');
    writeHistoryFile(file, emptyHistory());
    const before = fs.readFileSync(file, 'utf8');
    const next = updateHistory(emptyHistory(), { now: new Date('2026-01-05T00:00:00Z'), findings: [], exceptions: 0, complete: true }).history;
    const crashing = {
      writeFileSync: (f: string, data: string, o: { flag: string; mode: number }) => {
        fs.writeFileSync(f, data.slice(0, 10), o);
        throw new Error('ENOSPC: no space left on device');
      },
      renameSync: fs.renameSync,
      rmSync: fs.rmSync,
    };
    expect(() => writeHistoryFile(file, next, crashing)).toThrow(/h\.json: cannot write the history file \(the previous one was kept\): ENOSPC/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['h.json']);
    writeHistoryFile(file, next);
    expect(readHistoryFile(file)).toEqual(next);
  });

  it('the commit comes from GITHUB_SHA, else git, else is unknown', async () => {
    expect(await currentCommit('/', { GITHUB_SHA: 'b'.repeat(40) })).toBe('b'.repeat(40));
    expect(await currentCommit(tmpDir(), { PATH: process.env.PATH, GITHUB_SHA: 'not-a-sha' })).toBeUndefined();
  });
});

describe('renderHistorySection', () => {
  it('renders new, fixed, ages, overdue and the trend (golden)', () => {
    const policy = defaultPolicy((p) => ({ ...p, sla: { critical: 7, high: 30 } }));
    const findings = [vuln('lodash', '4.17.20', 'GHSA-lodash'), vuln('minimist', '1.2.5', 'GHSA-minimist', 'critical'), code('src/a|b.js', 3)];
    let h = emptyHistory();
    const weeks = ['2026-08-03', '2026-08-10', '2026-08-17'];
    for (const w of weeks) h = updateHistory(h, { now: new Date(`${w}T06:00:00Z`), commit: 'c'.repeat(40), findings: run(findings.slice(0, 2)), exceptions: 2, complete: true }).history;
    const now = new Date('2026-08-24T06:00:00Z');
    const current = [findings[1], findings[2], vuln('minimist', '1.2.4', 'GHSA-minimist', 'critical')];
    const rf = run(current);
    const result = evaluate({ findings: current, policy, exceptions: [], vex: [], scanners: [{ name: 'audit', status: 'ok', durationMs: 1, findings: 2 }], now, mode: 'enforce', inputs: { vex: [] }, version: 't', firstSeen: firstSeenMap(h, rf, now) });
    const change = updateHistory(h, { now, findings: rf, exceptions: 1, complete: true });
    const digests = historyDigests(rf);
    const text = renderHistorySection(result, change, { now, digests, sla: policy.sla, unknownAs: 'medium' });
    expectGolden('reports/history-section.json', text.split('\n'));
    expect(text).toContain('| critical | GHSA-minimist minimist<span>@</span>1.2.5 | 2026-08-03 | 21 | 7 |');
    expect(text).toContain('rule.a src/a\\|b.js:3');

    const states = { ...result, findings: result.findings.map((f, i) =>
        i === 0 ? { ...f, vex: { source: 'v', vulnerability: f.id, status: 'fixed' as const } } : { ...f, blocking: false },
      ) };
    const previous = { ...(change.previous as NonNullable<typeof change.previous>), commit: undefined };
    const shown = renderHistorySection(states, { ...change, previous }, { now, digests, sla: { critical: 7 }, unknownAs: 'medium' });
    expect(shown).toContain('| VEX |');
    expect(shown).toContain('| open | 2026-08-24 | 0 | — |');
    const excepted = { ...result, findings: result.findings.map((f) => ({ ...f, exception: { source: 'e', index: 0, id: f.id, reason: 'r', expires: '2026-09-01' } })) };
    expect(renderHistorySection(excepted, change, { now, digests, sla: policy.sla, unknownAs: 'medium' })).toContain('| exception |');
    expect(shown).toContain('last run 2026-08-17. ');
    const cut = renderHistorySection(result, { ...change, added: [...change.added, ...change.added], fixed: [...change.fixed, ...change.fixed] }, { now, digests, sla: policy.sla, unknownAs: 'medium', maxRows: 1 });
    expect(cut).toContain('- and 1 more');
    expect(cut).toContain('1 more in chaingate-result.json.');

    const first = updateHistory(emptyHistory(), { now, findings: [], exceptions: 0, complete: false });
    const lone = renderHistorySection({ ...result, findings: [] }, first, { now, digests: new Map(), sla: undefined, unknownAs: 'medium' });
    expect(lone).toContain('Run 1, the first run recorded.');
    expect(lone).toContain('A scanner did not finish');
    expect(lone).toContain('Not enough weeks yet');
    expect(lone).not.toContain('Open findings');
  });
});
