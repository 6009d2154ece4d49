// Replays five weekly scheduled runs over a real git repository's history through the CLI with
// an injected clock: a vulnerable dependency arrives, gets an exception, the exception expires,
// the dependency is fixed. The real OSV matcher scans a real npm lockfile each time; the test
// checks what the history remembers (ages, fixed-at dates, overdue SLAs, the weekly trend).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { parseHistory, trend } from '../../src/core/history';
import { cli } from '../helpers/cli';
import { git } from '../helpers/git';
import { REPO, tmpDir } from '../helpers/paths';

let osvDb: string;
let repo: string;
let historyFile: string;

function lockfile(lodash: string, minimist: string): string {
  return JSON.stringify(
    {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { lodash, minimist } },
        'node_modules/lodash': { version: lodash },
        'node_modules/minimist': { version: minimist },
      },
    },
    null,
    2,
  );
}

async function commit(files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), text);
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', message);
  return git(repo, 'rev-parse', 'HEAD');
}

async function scan(at: string) {
  const out = path.join(tmpDir('chaingate-hist-out-'), 'out');
  const r = await cli(['scan', repo, '--offline', '--osv-db', osvDb, '--output-dir', out, '--history', historyFile], {}, new Date(at));
  const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
  return { ...r, result, summary, history: parseHistory(fs.readFileSync(historyFile, 'utf8'), historyFile) };
}

const entry = (h: ReturnType<typeof parseHistory>, label: string) => Object.values(h.findings).find((e) => e.label.includes(label));

beforeAll(async () => {
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);
  repo = tmpDir('chaingate-hist-repo-');
  historyFile = path.join(tmpDir('chaingate-hist-'), 'history.json');
  await git(repo, 'init', '-q', '-b', 'main');
  fs.writeFileSync(
    path.join(repo, '.chaingate.yml'),
    ['scanners: [audit]', 'sla:', '  critical: 7', '  high: 30', 'fail-on:', '  vulnerability: high', ''].join('\n'),
  );
}, 120_000);

describe('a scheduled scan remembers across runs', () => {
  it('replays introduce, except, expire, fix with the right ages, fixed dates, overdue and trend', async () => {
    // Week 1: clean dependencies.
    const c1 = await commit({ 'package-lock.json': lockfile('4.17.21', '1.2.6') }, 'clean');
    const w1 = await scan('2026-09-07T06:00:00Z');
    expect(w1.code).toBe(0);
    expect(w1.history.runs).toHaveLength(1);
    expect(w1.history.runs[0]).toMatchObject({ n: 1, commit: c1, exceptions: 0, complete: true });
    expect(w1.summary).toContain('Run 1, the first run recorded. 0 new findings, 0 fixed findings');

    // Week 2: a critical (minimist) and a high (lodash) arrive.
    const c2 = await commit({ 'package-lock.json': lockfile('4.17.20', '1.2.5') }, 'vulnerable deps');
    const w2 = await scan('2026-09-14T06:00:00Z');
    expect(w2.code).toBe(1);
    expect(w2.history.runs[1]).toMatchObject({ n: 2, commit: c2, complete: true });
    expect(w2.history.runs[1].severity).toMatchObject({ critical: 1, high: 1 });
    expect(entry(w2.history, 'minimist@1.2.5')).toMatchObject({ first: '2026-09-14', firstRun: 2, lastRun: 2, severity: 'critical' });
    expect(w2.summary).toContain('2 new findings, 0 fixed findings since then');
    expect(w2.summary).toMatch(/\*\*New since the last run \(2\)\*\*/);

    // The next day: an exception for the critical, until 2026-09-25.
    await commit(
      {
        '.chaingate-exceptions.yml': [
          'version: 1',
          'exceptions:',
          '  - id: CVE-2021-44906',
          '    package: pkg:npm/minimist',
          '    reason: only parses our own build flags',
          '    expires: 2026-09-25',
          '',
        ].join('\n'),
      },
      'except minimist',
    );
    const w2b = await scan('2026-09-15T06:00:00Z');
    expect(w2b.result.exceptions.applied).toHaveLength(1);
    expect(w2b.history.runs[2].exceptions).toBe(1);
    expect(w2b.summary).toContain('0 new findings, 0 fixed findings since then');

    // Week 3: the critical is under its exception, so not overdue; ages grow from first seen.
    const w3 = await scan('2026-09-23T06:00:00Z');
    expect(w3.result.reasons.join('\n')).not.toMatch(/past (its|their) SLA/);
    expect(w3.summary).toMatch(/\| critical \| GHSA-xvch-5gv4-984h minimist<span>@<\/span>1\.2\.5 \| exception \| 2026-09-14 \| 9 \| 7 \|/);
    expect(w3.summary).toMatch(/\| high \| GHSA-35jh-r3h4-6jhm lodash<span>@<\/span>4\.17\.20 \| blocking \| 2026-09-14 \| 9 \| 30 \|/);

    // Week 4: the exception has expired: the critical is open 14 days, past its 7-day SLA.
    const w4 = await scan('2026-09-28T06:00:00Z');
    expect(w4.result.exceptions.expired).toHaveLength(1);
    expect(w4.result.reasons.join('\n')).toContain('1 finding open past its SLA (sla-overdue: warn)');
    expect(w4.summary).toMatch(/\*\*Overdue against the SLA \(1\)\*\*/);
    expect(w4.summary).toMatch(/\| critical \| GHSA-xvch-5gv4-984h minimist<span>@<\/span>1\.2\.5 \| 2026-09-14 \| 14 \| 7 \|/);
    expect(w4.history.runs.at(-1)?.exceptions).toBe(0);

    // Week 5: both fixed.
    const c5 = await commit({ 'package-lock.json': lockfile('4.17.21', '1.2.6') }, 'upgrade');
    const w5 = await scan('2026-10-05T06:00:00Z');
    expect(w5.code).toBe(0);
    expect(w5.history.runs.at(-1)).toMatchObject({ n: 6, commit: c5 });
    expect(entry(w5.history, 'minimist@1.2.5')).toMatchObject({ first: '2026-09-14', fixed: '2026-10-05', fixedRun: 6, lastRun: 5 });
    expect(entry(w5.history, 'lodash@4.17.20')).toMatchObject({ first: '2026-09-14', fixed: '2026-10-05' });
    expect(w5.summary).toContain('0 new findings, 2 fixed findings since then');
    expect(w5.summary).toContain('GHSA-xvch-5gv4-984h minimist<span>@</span>1.2.5, open since 2026-09-14, fixed 2026-10-05');

    // The trend: one point a week, the week's last run.
    expect(trend(w5.history, new Date('2026-10-05T06:00:00Z'))).toEqual([
      { week: '2026-09-07', critical: 0, high: 0, exceptions: 0 },
      { week: '2026-09-14', critical: 1, high: 1, exceptions: 1 },
      { week: '2026-09-21', critical: 1, high: 1, exceptions: 1 },
      { week: '2026-09-28', critical: 1, high: 1, exceptions: 0 },
      { week: '2026-10-05', critical: 0, high: 0, exceptions: 0 },
    ]);
    expect(w5.summary).toContain('    line [0, 1, 1, 1, 0]');
    expect(w5.summary).toContain('x-axis ["09-07", "09-14", "09-21", "09-28", "10-05"]');

    // 91 days after the fix the fixed findings are forgotten.
    const later = await scan('2027-01-05T06:00:00Z');
    expect(Object.keys(later.history.findings)).toHaveLength(0);
    expect(later.history.runs.length + later.history.weeks.length).toBeGreaterThan(1);
  }, 300_000);
});
