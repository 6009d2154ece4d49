import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeFingerprint } from '../../src/core/finding';
import { parseReport } from '../../src/parsers';
import { parseChaingateResult, shardProblems, type ShardResult } from '../../src/parsers/chaingate';
import { FormatError } from '../../src/parsers/util';
import { GateResultSchema } from '../../src/reports/result-schema';
import { expectGolden } from '../helpers/golden';
import { GOLDENS } from '../helpers/paths';

// A real chaingate-result.json: `node dist/cli.js scan examples/vulnerable --offline --osv-db ...
// --mode warn` with the pinned Semgrep and Trivy, GITHUB_SHA set to the commit it was made at.
const REAL_FILE = path.join(GOLDENS, 'parsers', 'chaingate', 'vulnerable.chaingate-result.json');
const REAL = fs.readFileSync(REAL_FILE, 'utf8');
type Raw = Record<string, unknown> & { findings: Record<string, unknown>[]; scanners: Record<string, unknown>[] };
const real = (): Raw => JSON.parse(REAL);
const text = (r: unknown) => JSON.stringify(r);

describe('parseChaingateResult', () => {
  it('reads the real result of examples/vulnerable (golden), paths from the repository root', () => {
    const r = parseChaingateResult(REAL);
    expect(r.project).toBe('examples/vulnerable');
    expect(r.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(r.failed).toEqual([]);
    expect(r.verdict).toBe('fail');
    expect(r.findings).toHaveLength(real().findings.length);
    for (const f of r.findings) {
      if (f.location) expect(f.location.path.startsWith('examples/vulnerable/')).toBe(true);
      expect(f.fingerprint).toBe(computeFingerprint(f));
      // Only the raw finding comes back: the shard's decision is not carried over.
      expect(f).not.toHaveProperty('blocking');
      expect(f).not.toHaveProperty('rationale');
      if (f.package) expect(f.package).not.toHaveProperty('fixedIn');
    }
    expect(new Set(r.findings.flatMap((f) => f.tools))).toEqual(new Set(['osv', 'semgrep', 'trivy']));
    expectGolden('parsers/chaingate/vulnerable.findings.json', r.findings);
  });

  it('keeps the fingerprints of a result of the repository root', () => {
    const raw = real();
    delete raw.project;
    const r = parseChaingateResult(text(raw));
    expect(r.project).toBeUndefined();
    expect(r.findings.map((f) => f.fingerprint)).toEqual(raw.findings.map((f) => f.fingerprint));
  });

  it('reads a finding with only the required fields', () => {
    const raw = real();
    raw.findings = [{ id: 'X-1', aliases: [], kind: 'policy', severity: 'low', blocking: false, rationale: 'r', title: 't', tools: ['x'], package: { name: 'p', fixedVersions: [] }, location: { path: 'a.txt' }, fingerprint: 'f' }, { id: 'X-2', aliases: [], kind: 'signature', severity: 'high', blocking: true, rationale: 'r', title: 't', tools: ['cosign'], fingerprint: 'g' }];
    const [f, g] = parseChaingateResult(text(raw)).findings;
    expect(g.location).toBeUndefined();
    expect(f).toEqual({ tools: ['x'], kind: 'policy', severity: 'low', id: 'X-1', aliases: [], title: 't', package: { name: 'p', fixedVersions: [] }, location: { path: 'examples/vulnerable/a.txt' }, fingerprint: f.fingerprint });
    expect(f.fingerprint).not.toBe('f');
  });

  it('refuses a result of a newer chaingate, naming the version', () => {
    const raw = real();
    raw.schemaVersion = 2;
    expect(() => parseChaingateResult(text(raw))).toThrow(/newer chaingate \(result schema version 2; this one reads up to 1\)/);
  });

  it.each([
    ['another report', '{"SchemaVersion": 2, "Results": []}', /not a chaingate-result.json/],
    ['null', 'null', /not a chaingate-result.json/],
    ['truncated', REAL.slice(0, REAL.length / 2), /not valid JSON.*truncated/],
    ['empty', '', /empty/],
    ['a newer-looking non-chaingate file', '{"schemaVersion": 9, "tool": {"name": "other"}}', /not a chaingate-result.json/],
  ])('refuses %s', (_name, t, message) => {
    expect(() => parseChaingateResult(t)).toThrow(FormatError);
    expect(() => parseChaingateResult(t)).toThrow(message);
  });

  it('refuses a result whose fields are not the schema', () => {
    const raw = real();
    raw.findings[0].severity = 'dreadful';
    expect(() => parseChaingateResult(text(raw))).toThrow(/unexpected format: findings\.0\.severity: /);
  });

  // Valid findings skip zod's copy (a predicate compiled from the schema checks them); the rest
  // of the result is zod's to check, and the messages are those of zod checking it all.
  const zodOnly = (t: string): unknown => {
    let out: unknown;
    jest.isolateModules(() => {
      jest.doMock('../../src/parsers/conforms', () => ({ plainValidator: () => undefined }));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require('../../src/parsers/chaingate') as typeof import('../../src/parsers/chaingate');
      try {
        out = m.parseChaingateResult(t);
      } catch (e) {
        out = `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    jest.dontMock('../../src/parsers/conforms');
    return out;
  };
  const outcome = (t: string): unknown => {
    try {
      return parseChaingateResult(t);
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };

  it('leaves valid findings out of zod, which copies each (0.35 s on 100,000)', () => {
    const parse = jest.spyOn(GateResultSchema, 'safeParse');
    try {
      const r = parseChaingateResult(REAL);
      expect(r.findings).toHaveLength(real().findings.length);
      expect(parse.mock.calls.map(([data]) => (data as { findings: unknown[] }).findings.length)).toEqual([0]);
    } finally {
      parse.mockRestore();
    }
  });

  it.each<[string, (r: Raw) => void]>([
    ['valid', () => undefined],
    ['a bad scanner status beside valid findings', (r) => (r.scanners[0].status = 'crashed')],
    ['an unknown key beside valid findings', (r) => (r.extra = 1)],
    ['a bad finding', (r) => (r.findings[1].tools = [])],
    ['an unknown key in a finding', (r) => (r.findings[0].extra = 1)],
    ['findings that are not a list', (r) => (r.findings = {} as never)],
    ['no findings', (r) => delete (r as Record<string, unknown>).findings],
  ])('reads and refuses as zod alone would: %s', (_name, edit) => {
    const raw = real();
    edit(raw);
    expect(outcome(text(raw))).toEqual(zodOnly(text(raw)));
  });

  it.each(['../outside', '/etc', 'a//b', 'a/./b', 'a\\b', 'a/'])('refuses the project folder %j', (project) => {
    const raw = real();
    raw.project = project;
    expect(() => parseChaingateResult(text(raw))).toThrow(/is not a folder inside the repository/);
  });

  it('lists the failed scanners of the shard', () => {
    const raw = real();
    raw.scanners[0] = { ...raw.scanners[0], status: 'failed', error: 'boom' };
    raw.scanners[1] = { ...raw.scanners[1], status: 'failed' };
    expect(parseChaingateResult(text(raw)).failed).toEqual([{ name: 'audit', error: 'boom' }, { name: 'semgrep', error: undefined }]);
  });

  it('is the parser of --report chaingate=...', () => {
    expect(parseReport('chaingate', Buffer.from(REAL))).toEqual(parseChaingateResult(REAL).findings);
  });
});

describe('shardProblems', () => {
  const shard = (s: Partial<ShardResult>): ShardResult => ({ findings: [], verdict: 'pass', reasons: [], failed: [], ...s });

  it('has none for a complete shard of the same commit, or when the gate knows no commit', () => {
    expect(shardProblems(shard({ commit: 'abc' }), 'abc')).toEqual([]);
    expect(shardProblems(shard({ verdict: 'fail' }), undefined)).toEqual([]);
  });

  it('names failed scanners', () => {
    expect(shardProblems(shard({ verdict: 'incomplete', failed: [{ name: 'trivy-fs', error: 'timed out' }, { name: 'audit' }] }), undefined)).toEqual([
      'its scanner trivy-fs failed: timed out',
      'its scanner audit failed',
    ]);
  });

  it('names an incomplete shard with or without a reason', () => {
    expect(shardProblems(shard({ verdict: 'incomplete', reasons: ['nothing was scanned'] }), undefined)).toEqual(['it is incomplete: nothing was scanned']);
    expect(shardProblems(shard({ verdict: 'incomplete' }), undefined)).toEqual(['it is incomplete']);
  });

  it('refuses another commit, or none when the gate knows its own', () => {
    expect(shardProblems(shard({ commit: 'aaa' }), 'bbb')).toEqual(['it is of commit aaa, not bbb']);
    expect(shardProblems(shard({}), 'bbb')).toEqual(['it records no commit (this run is of bbb)']);
  });
});
