import * as fs from 'node:fs';
import { parseTrivyReport } from '../../src/parsers/trivy';
import { splitTrivy as splitBytes } from '../../src/parsers/trivy-split';
import { fixture, readFixture } from '../helpers/paths';

const WHOLE = { batchAbove: Infinity };
/** Batches at every comma of a list: the most places for the split to go wrong. */
const SMALLEST_BATCHES = { batchAbove: 0, batchBytes: 1 };

/** The split of a report's text, as the parser makes it from the file's bytes (UTF-8). */
const splitTrivy = (text: string, batchBytes?: number) => splitBytes(Buffer.from(text, 'utf8'), batchBytes);
/** Bytes [a, b) of a report's text in UTF-8, decoded: what a range of the split stands for. */
const range = (text: string, a: number, b: number): string => Buffer.from(text, 'utf8').toString('utf8', a, b);

/** What the parser returns, or the message it throws: the two ways of reading must agree on either. */
function outcome(text: string, sizes: { batchAbove: number; batchBytes?: number }): unknown {
  try {
    return parseTrivyReport(text, sizes);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function expectSameAsWhole(text: string): void {
  expect(outcome(text, SMALLEST_BATCHES)).toEqual(outcome(text, WHOLE));
}

/** The vulnerabilities of every Result, read back from the split alone. */
function vulnerabilitiesFromSplit(text: string, batchBytes: number): unknown[][] {
  const split = splitTrivy(text, batchBytes);
  if (!split) throw new Error('not split');
  const report = JSON.parse(split.skeleton) as { Results?: { Vulnerabilities?: unknown[] | null }[] };
  return (report.Results ?? []).map((r, i) => {
    const ranges = split.batches.get(i);
    if (!ranges) return r.Vulnerabilities as unknown[];
    expect(r.Vulnerabilities).toEqual([]);
    return ranges.flatMap(([a, b]) => JSON.parse(`[${range(text, a, b)}]`) as unknown[]);
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function vulnerabilitiesOf(text: string): unknown[][] {
  return ((JSON.parse(text) as { Results?: { Vulnerabilities?: unknown[] | null }[] }).Results ?? []).map((r) => r.Vulnerabilities as unknown[]);
}

const vuln = (id: string, extra: Record<string, unknown> = {}) => ({
  VulnerabilityID: id,
  PkgName: 'lodash',
  InstalledVersion: '4.17.20',
  FixedVersion: '4.17.21',
  Severity: 'HIGH',
  Title: `title of ${id}`,
  ...extra,
});
const report = (results: unknown[]) => ({ SchemaVersion: 2, ArtifactName: '.', Results: results });
const lockResult = (vulns: unknown) => ({ Target: 'package-lock.json', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: vulns });

describe('splitTrivy', () => {
  const FIXTURES = fs.readdirSync(fixture('trivy')).filter((f) => f.endsWith('.json') && !f.endsWith('.cdx.json') && !f.endsWith('.sarif.json'));

  it.each(FIXTURES)('reads %s batch by batch exactly as whole, at every batch size', (name) => {
    const text = readFixture('trivy', name);
    expectSameAsWhole(text);
    // The split itself: the same vulnerabilities in the same Results, at any batch size.
    if (splitTrivy(text)) for (const size of [1, 200, 1 << 20]) expect(vulnerabilitiesFromSplit(text, size)).toEqual(vulnerabilitiesOf(text));
  });

  it('splits the real reports that have vulnerabilities', () => {
    const split = FIXTURES.map((f) => splitTrivy(readFixture('trivy', f), 1)).filter((s) => s !== undefined && s.batches.size > 0);
    expect(split.length).toBeGreaterThan(3);
  });

  it('batches at commas between vulnerabilities once a batch has grown to the size asked', () => {
    const text = JSON.stringify(report([lockResult([vuln('CVE-1'), vuln('CVE-2'), vuln('CVE-3')])]));
    expect(splitTrivy(text, 1)?.batches.get(0)).toHaveLength(3);
    expect(splitTrivy(text, 1 << 20)?.batches.get(0)).toHaveLength(1);
    expect(splitTrivy(text, 1)?.skeleton).toBe(JSON.stringify(report([lockResult([])])));
  });

  it('jumps from vulnerability to vulnerability where each starts with its id, and reads on where one does not', () => {
    const ids = Array.from({ length: 6 }, (_, i) => `CVE-${i}`);
    for (const indent of [undefined, 2]) {
      const text = JSON.stringify(report([lockResult(ids.map((id) => vuln(id))), lockResult([vuln('CVE-9')])]), null, indent);
      // One batch per vulnerability when each batch may be a character long, two when a batch
      // is to hold about half of the list.
      expect(splitTrivy(text, 1)?.batches.get(0)).toHaveLength(6);
      expect(splitTrivy(text, Math.floor(text.length / 4))?.batches.get(0)).toHaveLength(2);
      expect(vulnerabilitiesFromSplit(text, 1)).toEqual(vulnerabilitiesOf(text));
      // The id elsewhere than first: no jump, batches at commas as the pass reads them.
      const idLast = JSON.stringify(report([lockResult(ids.map((id) => ({ PkgName: 'a', Severity: 'LOW', VulnerabilityID: id })))]), null, indent);
      expect(splitTrivy(idLast, 1)?.batches.get(0)).toHaveLength(6);
      expect(vulnerabilitiesFromSplit(idLast, 1)).toEqual(vulnerabilitiesOf(idLast));
      expectSameAsWhole(idLast);
    }
  });

  it('reads whole a report where a jump lands inside a vulnerability', () => {
    // `}, {"VulnerabilityID"` inside a vulnerability: the batch that ends there does not parse.
    const nested = vuln('CVE-1', { Custom: [{}, { VulnerabilityID: 'CVE-X' }], Other: { VulnerabilityID: 'CVE-Y' }, Refs: ['a', { VulnerabilityID: 'CVE-Z' }] });
    const text = JSON.stringify(report([lockResult([nested, vuln('CVE-2')])]), null, 2);
    const split = splitTrivy(text, 1);
    expect(split?.batches.get(0)?.some(([a, b]) => !isJson(`[${range(text, a, b)}]`))).toBe(true);
    expectSameAsWhole(text);
    expect((outcome(text, SMALLEST_BATCHES) as { id: string }[]).map((f) => f.id)).toEqual(['CVE-1', 'CVE-2']);
  });

  it('is not misled by brackets, quotes, backslashes and keys inside strings', () => {
    const tricky = [
      vuln('CVE-1', { Description: 'ends in a backslash \\', Title: '"Vulnerabilities": [ {"x": 1}, ] }' }),
      vuln('CVE-2', { Description: '\\"quoted\\" and \\\\', References: ['a,b', ']', '}', '"Results":[', '\u00e9\u2028'] }),
      vuln('CVE-3', { Title: '\\\\\\"' }),
    ];
    const target = { Target: 'the "Vulnerabilities": [1, 2] file \\', Class: 'lang-pkgs', Type: 'npm', Vulnerabilities: tricky, Secrets: [] };
    for (const indent of [undefined, 2, '\t']) {
      const text = JSON.stringify(report([target, lockResult([vuln('CVE-4')])]), null, indent);
      expect(vulnerabilitiesFromSplit(text, 1)).toEqual(vulnerabilitiesOf(text));
      expectSameAsWhole(text);
    }
  });

  it('keeps the Results in step when some have no list, an empty one or null', () => {
    const text = JSON.stringify(report([lockResult(null), { Target: 'x' }, lockResult([]), lockResult([vuln('CVE-5')]), lockResult([vuln('CVE-6'), vuln('CVE-7')])]), null, 2);
    const split = splitTrivy(text, 1);
    expect([...(split?.batches.keys() ?? [])]).toEqual([3, 4]);
    expect(vulnerabilitiesFromSplit(text, 1)).toEqual(vulnerabilitiesOf(text));
    expectSameAsWhole(text);
  });

  it('leaves to JSON.parse what it is not sure of', () => {
    const good = JSON.stringify(report([lockResult([vuln('CVE-1'), vuln('CVE-2')])]));
    expect(splitTrivy(good)).toBeDefined();
    const unsure = [
      ['a second Results key', good.replace('{"SchemaVersion"', '{"Results":[],"SchemaVersion"')],
      ['a second Vulnerabilities key', good.replace('"Target"', '"Vulnerabilities":[],"Target"')],
      ['an escaped key', good.replace('"Results"', '"Resul\\u0074s"')],
      ['an escaped key of a Result', good.replace('"Vulnerabilities"', '"Vulnerabilitie\\u0073"')],
      ['a top-level array', `[${good}]`],
      ['text after the report', `${good} {}`],
      ['a truncated report', good.slice(0, -20)],
      ['an unterminated string', good.slice(0, good.indexOf('CVE-2'))],
      ['a brace closing the list', good.replace(']}]}', '}}]}')],
      ['a trailing comma in the list', good.replace('}]}]}', '},]}]}')],
    ];
    for (const [label, text] of unsure) {
      expect([label, splitTrivy(text, 1)]).toEqual([label, undefined]);
      expectSameAsWhole(text);
    }
    // An escaped key the parser then reads as Results: the same findings either way.
    expect(outcome(unsure[2][1], SMALLEST_BATCHES)).toEqual(outcome(good, WHOLE));
  });

  it('falls back to reading whole, with its exact message, when a batch or the rest is wrong', () => {
    const cases = [
      JSON.stringify(report([lockResult([vuln('CVE-1'), { ...vuln('CVE-2'), PkgName: 7 }])])),
      JSON.stringify(report([lockResult([vuln('CVE-1')]), { Target: 3 }])),
      JSON.stringify({ SchemaVersion: 1, Results: [lockResult([vuln('CVE-1')])] }),
      JSON.stringify(report([lockResult([vuln('CVE-1'), vuln('CVE-2')])])).replace(',{"VulnerabilityID":"CVE-2"', ',,{"VulnerabilityID":"CVE-2"'),
    ];
    for (const text of cases) {
      expect(splitTrivy(text, 1)).toBeDefined();
      const whole = outcome(text, WHOLE) as { error?: string };
      expect(whole.error).toMatch(/trivy report/);
      expect(outcome(text, SMALLEST_BATCHES)).toEqual(whole);
    }
  });

  it('agrees with reading whole on random reports and on every one-character change of one', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = ['a', '"', '\\', '[', ']', '{', '}', ',', ':', ' ', '\n', '\u00e9'];
    const str = () => Array.from({ length: rand(6) }, () => pieces[rand(pieces.length)]).join('');
    for (let k = 0; k < 40; k++) {
      const results = Array.from({ length: rand(4) }, () =>
        rand(5) === 0 ? { Target: str() } : lockResult(Array.from({ length: rand(5) }, (_, i) => vuln(`CVE-${i}`, { Title: str(), Description: str(), References: [str()] }))),
      );
      const text = JSON.stringify(report(results), null, rand(3) === 0 ? undefined : rand(4));
      expectSameAsWhole(text);
      for (let j = 0; j < 10; j++) {
        const at = rand(text.length);
        expectSameAsWhole(text.slice(0, at) + pieces[rand(pieces.length)] + text.slice(at + 1));
      }
    }
  });
});
