import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { makeFinding, mergeFindings, type Finding } from '../../src/core/finding';
import { assignProjects } from '../../src/core/plan';
import { sortFindings } from '../../src/core/order';
import type { EvaluatedFinding } from '../../src/core/result';
import { findingAnchors } from '../../src/gate/anchors';
import { applyDelta, ShardFindings } from '../../src/gate/sarif-delta';
import { coreFree, needsLockfiles, readShared, SarifThread, THREAD_MIN_BYTES, threadWanted } from '../../src/gate/sarif-thread';
import { parseChaingateResult } from '../../src/parsers/chaingate';
import { decodeText } from '../../src/parsers/util';
import { readBytes } from '../../src/read-text';
import { renderSarifJson, type SarifOptions } from '../../src/reports/sarif';
import { gateResult } from '../reports/build';
import { GOLDENS, REPO, tmpDir } from '../helpers/paths';

// The SARIF thread gets the shards' bytes and a delta instead of the evaluated findings: the log
// it writes must be the very bytes the gate renders itself, whatever evaluation did to them.
const REAL = fs.readFileSync(path.join(GOLDENS, 'parsers', 'chaingate', 'vulnerable.chaingate-result.json'), 'utf8');

/** A shard of the real result, as project `project`; `unhashed` findings without their text hash. */
function shardText(project: string, unhashed = 0): string {
  const r = JSON.parse(REAL);
  r.project = project;
  for (const f of r.findings.slice(0, unhashed)) delete f.textHash;
  return JSON.stringify(r, null, 2);
}

/** What the gate does between reading the shards and rendering, with every kind of delta. */
function evaluateLike(shards: Finding[][], extra: Finding[]): EvaluatedFinding[] {
  const all = [...shards.flat(), ...extra];
  // addTextHashes fills in hashes the shard lacked, on the very objects.
  for (const f of all) if (f.textHash === undefined && f.location) f.textHash = `added-${f.fingerprint.slice(0, 8)}`;
  const merged = assignProjects(mergeFindings(all), ['services/a', 'services/b']);
  return sortFindings(
    merged.map((f, i): EvaluatedFinding => ({
      ...f,
      blocking: i % 3 === 0,
      rationale: i % 3 === 0 ? 'critical is at or above fail-on' : `below threshold ${i % 2}`,
      exception: i === 4 ? { source: '.chaingate-exceptions.yml', index: 0, id: f.id, reason: 'accepted "risk"', expires: '2027-01-31', owner: 'sec' } : undefined,
      vex: i === 7 ? { source: 'vex.json', vulnerability: f.id, status: 'not_affected', justification: 'code_not_reachable' } : undefined,
      baseline: i % 5 === 0 ? 'new' : i % 5 === 1 ? 'existing' : undefined,
      newlyDisclosed: i === 6 ? true : undefined,
    })),
  );
}

describe('SARIF thread', () => {
  const dir = tmpDir('chaingate-sarif-thread-');
  let workerFile: string;

  beforeAll(async () => {
    // The thread's bundle from the current source, as scripts/build.mjs makes dist/sarif-worker.js.
    workerFile = path.join(dir, 'sarif-worker.js');
    await build({ entryPoints: [path.join(REPO, 'src', 'gate', 'sarif-worker.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: workerFile, logLevel: 'warning' });
  }, 60_000);

  const options: Omit<SarifOptions, 'anchor'> = { toolVersion: '0.1.0', root: dir, projects: ['services/a', 'services/b'], completedTools: ['chaingate', 'semgrep'], maxResultsPerRun: 20, toolVersions: { trivy: '0.50.0' } };

  async function merge(files: string[], extra: Finding[]) {
    const thread = SarifThread.start(workerFile) as SarifThread;
    const shards = files.map((file) => {
      const bytes = readShared(file);
      const findings = parseChaingateResult(decodeText(bytes)).findings;
      thread.addShard(bytes, findings);
      return findings;
    });
    const result = gateResult({ findings: evaluateLike(shards, extra), inputs: { vex: [], policy: { path: 'policy/.chaingate.yml', sha256: 'x' } } });
    return { thread, result };
  }

  it('writes the log the gate renders itself, from shared bytes and a delta', async () => {
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    fs.writeFileSync(a, shardText('services/a'));
    // With a byte order mark, and findings the gate hashes after reading them.
    fs.writeFileSync(b, `\ufeff${shardText('services/b', 5)}`);
    // A finding of another report: sent whole.
    const other = makeFinding({ tool: 'semgrep', kind: 'code', severity: 'high', id: 'rule\u2028x', title: 'T "q"', location: { path: 'services/b/x.js', startLine: 3 } });
    const { thread, result } = await merge([a, b], [other]);
    const file = path.join(dir, 'chaingate.sarif');
    try {
      expect(await thread.render(file, result, options, dir, () => ['package-lock.json'])).toBe(true);
    } finally {
      await thread.close();
    }
    const expected = renderSarifJson(result, { ...options, anchor: findingAnchors(dir, ['package-lock.json']) });
    expect(fs.readFileSync(`${file}.partial`, 'utf8')).toBe(expected);
    expect(JSON.parse(expected).runs.length).toBeGreaterThan(4);
  }, 30_000);

  it('rejects with a failed write, leaving nothing', async () => {
    const a = path.join(dir, 'w.json');
    fs.writeFileSync(a, shardText('services/a'));
    const { thread, result } = await merge([a], []);
    const file = path.join(dir, 'no-such-dir', 'chaingate.sarif');
    try {
      await expect(thread.render(file, result, options, dir, () => [])).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await thread.close();
    }
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  }, 30_000);

  it('leaves the log to the gate when the thread holds other findings than the gate, or none of them', async () => {
    const a = path.join(dir, 'x.json');
    fs.writeFileSync(a, shardText('services/a'));
    const { thread, result } = await merge([a], []);
    // The gate counts one finding more than the thread parsed.
    (thread as unknown as { counts: number[] }).counts[0]++;
    try {
      expect(await thread.render(path.join(dir, 'x.sarif'), result, options, dir, () => [])).toBe(false);
    } finally {
      await thread.close();
    }
    expect(fs.existsSync(path.join(dir, 'x.sarif.partial'))).toBe(false);
    // Findings of other reports only: rendered by the gate, nothing sent.
    const none = SarifThread.start(workerFile) as SarifThread;
    try {
      const r = gateResult({ findings: evaluateLike([], [makeFinding({ tool: 'semgrep', kind: 'code', severity: 'low', id: 'r', title: 't' })]) });
      expect(await none.render(path.join(dir, 'y.sarif'), r, options, dir, () => [])).toBe(false);
    } finally {
      await none.close();
    }
  }, 30_000);

  it('is not started without its bundle (running from source)', () => {
    expect(SarifThread.start(path.join(dir, 'missing.js'))).toBeUndefined();
  });

  it('is started only with a core free for it', () => {
    expect(coreFree(2, 0.3)).toBe(true);
    expect(coreFree(2, 1.9)).toBe(true);
    expect(coreFree(2, 2)).toBe(false);
    expect(coreFree(1, 0)).toBe(false);
    expect(coreFree(8, 6)).toBe(true);
    expect(typeof coreFree()).toBe('boolean');
  });

  it('is off by default; on, off, or on for large shards with a core free (auto), as CHAINGATE_SARIF_THREAD says', () => {
    const busy = () => false;
    const free = () => true;
    const large = THREAD_MIN_BYTES;
    expect(threadWanted({}, large, free)).toBe(false);
    expect(threadWanted({ CHAINGATE_SARIF_THREAD: 'auto' }, large, free)).toBe(true);
    expect(threadWanted({ CHAINGATE_SARIF_THREAD: 'auto' }, large - 1, free)).toBe(false);
    expect(threadWanted({ CHAINGATE_SARIF_THREAD: 'auto' }, large, busy)).toBe(false);
    expect(threadWanted({ CHAINGATE_SARIF_THREAD: 'on' }, 1, busy)).toBe(true);
    expect(threadWanted({ CHAINGATE_SARIF_THREAD: 'off' }, large, free)).toBe(false);
    expect(() => threadWanted({ CHAINGATE_SARIF_THREAD: 'yes' }, large)).toThrow('CHAINGATE_SARIF_THREAD="yes" is not one of on, off, auto');
  });
});

describe('finding delta', () => {
  it('gives back the evaluated findings from another parse of the same shards', () => {
    const texts = [shardText('services/a', 3), shardText('services/b')];
    const gate = new ShardFindings();
    const shards = texts.map((t) => parseChaingateResult(t).findings);
    for (const s of shards) gate.add(s);
    // A duplicate of a shard finding (same fingerprint twice: sent whole) and one of another tool.
    const dup = { ...shards[1][2] };
    const unhashed = shards.flat().filter((f) => f.textHash === undefined && f.location).length;
    expect(unhashed).toBeGreaterThan(3);
    const evaluated = evaluateLike(shards, [dup, makeFinding({ tool: 'zizmor', kind: 'misconfiguration', severity: 'medium', id: 'z', title: 'z' })]);
    const d = gate.delta(evaluated);
    expect(d.whole.length).toBeGreaterThan(0);
    expect(d.whole.length).toBeLessThan(evaluated.length / 4);
    expect(d.textHashes.length).toBe(unhashed);
    // The other thread's own parse, through a structured clone as postMessage makes one.
    const again = texts.flatMap((t) => parseChaingateResult(t).findings);
    expect(applyDelta(structuredClone(d), again)).toEqual(evaluated);
  });

  it('sends whole a finding evaluation changed in a field it takes from its shard', () => {
    const [f] = parseChaingateResult(shardText('services/a')).findings;
    const gate = new ShardFindings();
    gate.add([f]);
    const e: EvaluatedFinding = { ...f, tools: [...f.tools], blocking: false, rationale: 'r' };
    expect(gate.delta([e]).whole).toEqual([[0, e]]);
  });
});

describe('readShared', () => {
  it('reads what readBytes reads, into memory another thread can share', () => {
    const dir = tmpDir('chaingate-read-shared-');
    for (const [name, text] of [['plain.json', '{"a":"é"}'], ['bom.json', '\ufeff{"b":1}'], ['empty.json', '']]) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      const got = readShared(file);
      expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(got.equals(readBytes(file))).toBe(true);
    }
    // Not a regular file: read as readBytes reads it (to its end, whatever its size says).
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf '{"x":1}' > '${fifo}'`]);
    expect(readShared(fifo).toString()).toBe('{"x":1}');
    writer.kill();
  });

  it('asks for the lockfiles only for a vulnerability without a line', () => {
    const vuln = { kind: 'vulnerability', package: { name: 'a', version: '1', fixedVersions: [] } } as unknown as EvaluatedFinding;
    expect(needsLockfiles([vuln])).toBe(true);
    expect(needsLockfiles([{ ...vuln, location: { path: 'p', startLine: 2 } }])).toBe(false);
    expect(needsLockfiles([{ ...vuln, location: { path: 'p', startLine: 0 } }])).toBe(true);
    expect(needsLockfiles([{ ...vuln, kind: 'code' } as EvaluatedFinding])).toBe(false);
  });
});
