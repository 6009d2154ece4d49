// The zizmor parser: on the real pinned zizmor's report of our own test workflows (golden), and
// on edited copies of it for every way a report can be wrong.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseZizmor } from '../../src/parsers/zizmor';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { REPO } from '../helpers/paths';

const REAL = path.join(REPO, '__tests__', 'goldens', 'real', 'zizmor-workflows.json');
const realText = fs.readFileSync(REAL, 'utf8');
interface RawLocation {
  symbolic: { kind: string; annotation: string; key: unknown };
  concrete: { location: { start_point: { row: number; column: number }; end_point: { row: number; column: number } } };
}
type Raw = Array<{ ident: string; desc: string; url?: string; ignored?: boolean; locations: RawLocation[]; determinations: Record<string, string> }>;
const raw = (): Raw => JSON.parse(realText) as Raw;

describe('parseZizmor', () => {
  it('reads the real report of our workflows (golden)', () => {
    const findings = parseZizmor(realText);
    expectGolden('parsers/zizmor-workflows.findings.json', findings);
  });

  it('reports each audit at its workflow file and line, as a misconfiguration, with zizmor’s severity and confidence', () => {
    const lines = parseZizmor(realText)
      .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.id} ${f.severity} ${f.kind} [${/confidence: (\w+)/.exec(f.description ?? '')?.[1]}]`)
      .sort();
    expect(lines).toEqual([
      '.github/workflows/cache-poisoning.yml:15 zizmor.cache-poisoning high misconfiguration [low]',
      '.github/workflows/cache-poisoning.yml:19 zizmor.use-trusted-publishing info misconfiguration [high]',
      '.github/workflows/excessive-permissions.yml:7 zizmor.excessive-permissions high misconfiguration [high]',
      '.github/workflows/pr-target-checkout.yml:3 zizmor.dangerous-triggers high misconfiguration [medium]',
      '.github/workflows/template-injection.yml:12 zizmor.template-injection high misconfiguration [high]',
      '.github/workflows/unpinned-uses.yml:10 zizmor.unpinned-uses high misconfiguration [high]',
      '.github/workflows/unpinned-uses.yml:9 zizmor.unpinned-uses high misconfiguration [high]',
    ]);
    const [injection] = parseZizmor(realText).filter((f) => f.id === 'zizmor.template-injection');
    expect(injection).toMatchObject({ tools: ['zizmor'], url: 'https://docs.zizmor.sh/audits/#template-injection', title: expect.stringMatching(/\S/) });
    // Two unpinned uses in one file are two findings.
    const unpinned = parseZizmor(realText).filter((f) => f.id === 'zizmor.unpinned-uses');
    expect(new Set(unpinned.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('takes the first location when none is primary, maps every severity word, ends a block on its last line', () => {
    const r = raw().slice(0, 1);
    r[0].locations = r[0].locations.filter((l) => l.symbolic.kind !== 'Primary');
    r[0].locations[0].concrete.location.start_point = { row: 4, column: 2 };
    r[0].locations[0].concrete.location.end_point = { row: 6, column: 0 };
    r[0].determinations.severity = 'Medium';
    r[0].url = 'javascript:alert(1)';
    r[0].desc = ' ';
    r[0].locations[0].symbolic.annotation = '';
    const [f] = parseZizmor(JSON.stringify(r));
    expect(f).toMatchObject({ severity: 'medium', title: r[0].ident, description: 'zizmor confidence: high.', location: { startLine: 5, endLine: 6 } });
    expect(f.url).toBeUndefined();
    for (const [word, sev] of [['Low', 'low'], ['Informational', 'info'], ['Unknown', 'unknown'], ['High', 'high']]) {
      r[0].determinations.severity = word;
      r[0].locations[0].concrete.location.end_point = { row: 4, column: 9 };
      expect(parseZizmor(JSON.stringify(r))[0]).toMatchObject({ severity: sev, location: { startLine: 5, endLine: 5 } });
    }
  });

  it('keeps a finding the workflow asks zizmor to ignore, and says so', () => {
    const r = raw();
    r[2].ignored = true;
    const findings = parseZizmor(JSON.stringify(r));
    expect(findings).toHaveLength(7);
    expect(findings[2].description).toMatch(/asks zizmor to ignore it in a comment; the gate does not/);
    expect(findings[1].description).not.toMatch(/ignore/);
  });

  it('reads an empty report as no findings', () => {
    expect(parseZizmor('[]\n')).toEqual([]);
  });

  it('rejects garbage, a cut report, a remote input, a finding with no location', () => {
    expect(() => parseZizmor('')).toThrow(FormatError);
    expect(() => parseZizmor('error: no inputs collected')).toThrow(FormatError);
    expect(() => parseZizmor(realText.slice(0, realText.length / 2))).toThrow(FormatError);
    expect(() => parseZizmor('{"findings": []}')).toThrow(FormatError);
    const remote = raw();
    remote[0].locations[0].symbolic.key = { Remote: { slug: 'a/b' } };
    expect(() => parseZizmor(JSON.stringify(remote))).toThrow(FormatError);
    const bare = raw();
    bare[0].locations = [];
    expect(() => parseZizmor(JSON.stringify(bare))).toThrow(FormatError);
    const badRow = raw();
    badRow[0].locations[0].concrete.location.start_point = { row: -1, column: 0 };
    expect(() => parseZizmor(JSON.stringify(badRow))).toThrow(FormatError);
  });
});
