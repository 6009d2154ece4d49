// Fuzzing the config loader (policy, exceptions, VEX) with hostile shapes: alias bombs, deep
// nesting in every style, duplicate keys, BOMs, wrong types, random JSON, and byte mutations of
// real config files. Seeded and bounded. Every input is either read or refused with a
// ConfigError that names file:line; never another exception, never slower than the bound.
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseConfigText } from '../../src/config/load';
import { ExceptionsFileSchema, PolicySchema, VexDocumentSchema } from '../../src/config/schema';
import { ConfigError } from '../../src/errors';
import { fixture, REPO } from '../helpers/paths';

const SEED = Number(process.env.CHAINGATE_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.CHAINGATE_FUZZ_RUNS ?? 150);
/** Per input, in process; the CLI's own bound (1 s with Node's start) is in hostile-config.test.ts. */
const MAX_MS = 1000;
const FILE = '/fuzz/config.yml';

const SCHEMAS = [
  ['policy', PolicySchema],
  ['exceptions file', ExceptionsFileSchema],
  ['OpenVEX document', VexDocumentSchema],
] as const;

/** Reads `text` with every schema; fails the property on anything but a value or a positioned ConfigError. */
function check(text: string): void {
  for (const [what, schema] of SCHEMAS) {
    const started = Date.now();
    try {
      parseConfigText(text, FILE, schema, what);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw new Error(`${what}: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\ninput (first 300 chars): ${JSON.stringify(text.slice(0, 300))}`);
      expect(e.message).toMatch(/^\/fuzz\/config\.yml:\d+(:\d+)?: /);
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.message).not.toMatch(/Maximum call stack|Excessive alias/);
    }
    const ms = Date.now() - started;
    if (ms > MAX_MS) throw new Error(`${what}: ${ms} ms for input of ${text.length} chars: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

const key = fc.constantFrom('version', 'fail-on', 'exceptions', 'scanners', 'tools', 'vex', 'statements', 'id', 'reason', 'expires', 'paths', 'max-active', 'a', '__proto__', 'constructor', 'toString');
const scalar = fc.oneof(
  fc.constantFrom('1', '-1', '0x10', '1e400', '.nan', 'null', '~', 'true', 'yes', '2027-01-31', '2027-02-30', '"x"', "'y'", '""', '"\\ud800"', '!!binary aGk=', '|', '>-', '*a', '&a x', '[', '{', '#', '- '),
  fc.string({ maxLength: 12 }),
);

/** Nested structure `depth` levels deep in one of the YAML and JSON styles. */
const deep = fc.record({ depth: fc.integer({ min: 1, max: 3000 }), style: fc.constantFrom('flow-seq', 'flow-map', 'json', 'block-seq', 'block-map', 'dash-line') }).map(({ depth, style }) => {
  switch (style) {
    case 'flow-seq':
      return `exceptions: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    case 'flow-map':
      return `exceptions: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
    case 'json':
      return `{"exceptions": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    case 'block-seq':
      return `exceptions:\n${Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i * 2 + 2)}-`).join('\n')} x\n`;
    case 'block-map':
      return `exceptions:\n${Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} x\n`;
    default:
      return `scanners:\n${'- '.repeat(depth)}semgrep\n`;
  }
});

/** Alias bombs: `levels` anchors, each a list of `fanOut` aliases to the one before, in block or flow style. */
const aliasBomb = fc.record({ levels: fc.integer({ min: 1, max: 12 }), fanOut: fc.integer({ min: 1, max: 40 }), flow: fc.boolean(), where: fc.constantFrom('exceptions', 'statements', 'scanners') }).map(({ levels, fanOut, flow, where }) => {
  const lines = ['a0: &a0 [lol]'];
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: fanOut }, () => `*a${i - 1}`);
    lines.push(flow ? `a${i}: &a${i} [${refs.join(', ')}]` : `a${i}: &a${i}\n${refs.map((r) => `  - ${r}`).join('\n')}`);
  }
  lines.push(`${where}: *a${levels}`);
  return lines.join('\n') + '\n';
});

/** One exception entry used many times through an alias, with a long list inside. */
const amplified = fc.record({ paths: fc.integer({ min: 1, max: 3000 }), uses: fc.integer({ min: 1, max: 500 }) }).map(
  ({ paths, uses }) => `version: 1\nexceptions:\n  - &e {id: X, reason: r, expires: 2027-01-31, paths: [${Array(paths).fill('"a"').join(', ')}]}\n${'  - *e\n'.repeat(uses)}`,
);

/** Block mappings and lists of random keys and scalars, with a BOM or duplicate keys sometimes. */
const blockDoc = fc
  .record({ entries: fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), key, fc.option(scalar)), { maxLength: 40 }), bom: fc.boolean(), crlf: fc.boolean() })
  .map(({ entries, bom, crlf }) => (bom ? '\ufeff' : '') + entries.map(([indent, k, v]) => `${' '.repeat(indent)}${indent % 2 ? '- ' : ''}${k}:${v === null ? '' : ` ${v}`}`).join(crlf ? '\r\n' : '\n'));

const jsonDoc = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }).map((v) => JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [], ...v }, null, 1)),
  fc.tuple(key, fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 })).map(([k, a, b]) => `{${JSON.stringify(k)}: ${JSON.stringify(a)},\n ${JSON.stringify(k)}: ${JSON.stringify(b)}}`),
);

/** Real config files to mutate. */
const SEEDS = [
  path.join(REPO, 'examples', 'clean', '.chaingate.yml'),
  path.join(REPO, 'examples', 'vulnerable', '.chaingate.yml'),
  fixture('hostile', 'config', 'strict.chaingate.yml'),
  fixture('hostile', 'config', 'billion-laughs-exceptions.yml'),
  fixture('hostile', 'config', 'alias-amplified-exceptions-10KB.yml'),
  fixture('hostile', 'weaken', 'vex-bypass', 'vex.json'),
  fixture('hostile', 'weaken', 'vex-bypass', '.chaingate.yml'),
  fixture('hostile', 'weaken', 'fake-tool-repo', '.chaingate.yml'),
].map((f) => fs.readFileSync(f, 'utf8'));

const INSERTS = ['\n', ' ', '&a ', '*a', '[', ']', '{', '}', ':', '- ', '"', "'", '#', '\t', '\ufeff', '\u0000', '!!', '|', '%YAML 1.1\n', '---\n', '<<: *a\n', '\\u'];
const mutated = fc
  .record({ seed: fc.integer({ min: 0, max: SEEDS.length - 1 }), edits: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('insert', 'delete', 'duplicate'), text: fc.constantFrom(...INSERTS), len: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 6 }) })
  .map(({ seed, edits }) => {
    let t = SEEDS[seed];
    for (const e of edits) {
      const at = t.length === 0 ? 0 : e.at % t.length;
      if (e.op === 'insert') t = t.slice(0, at) + e.text + t.slice(at);
      else if (e.op === 'delete') t = t.slice(0, at) + t.slice(at + e.len);
      else t = t.slice(0, at) + t.slice(at, at + e.len).repeat(50) + t.slice(at);
    }
    return t;
  });

describe('config loader fuzz (seeded, bounded)', () => {
  // Large inputs get fewer runs: each is up to ~100 KB, read three times.
  it.each([
    ['deep nesting', deep, RUNS / 5],
    ['alias bombs', aliasBomb, RUNS],
    ['alias amplification', amplified, RUNS / 5],
    ['random block documents', blockDoc, RUNS],
    ['random JSON', jsonDoc, RUNS],
    ['mutations of real config files', mutated, RUNS],
  ] as [string, fc.Arbitrary<string>, number][])('%s: read, or exit-2 error at file:line, in bounded time', (_, arb, runs) => {
    fc.assert(
      fc.property(arb, (text) => check(text)),
      { seed: SEED, numRuns: Math.ceil(runs) },
    );
  });

  it('the shapes at their limits: 1 MiB, 32 KiB through the library, 64 levels, 100 aliases', () => {
    check(`# ${'x'.repeat(1024 * 1024)}\n`);
    check(`exceptions: [${'"a", '.repeat(6_500)}"a"]\n`);
    check(`exceptions: ${'['.repeat(64)}${']'.repeat(64)}\n`);
    check(`exceptions: ${'['.repeat(65)}${']'.repeat(65)}\n`);
    check(`x: &x [a]\nexceptions:\n${'  - *x\n'.repeat(101)}`);
    check(`x: &x [a]\nexceptions:\n${'  - *x\n'.repeat(100)}`);
    check('');
    check('\ufeff');
  });
});
