// Fuzzing the lockfile readers written by hand (berry-lock.ts, lockfile-yaml.ts, the yarn 1 line
// reader) and the parsers after them: real lockfiles, mutated line-wise and byte-wise. Seeded
// and bounded (fast-check), so a run is reproducible and short.
//
// What every case asserts: parsing gives a lockfile or a LockfileError whose message starts with
// the file's name (the CLI prints it and exits 2 or 3), never another exception (a TypeError or
// RangeError would be a stack trace). For the YAML kinds, the fast reader and the YAML reading
// agree: a berry lockfile parsed with its reader gives what the YAML reading of the same text
// gives (forced by a comment line with a tab, which both readers leave to js-yaml).
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { LockfileError } from '../../src/errors';
import { parseLockfile } from '../../src/lockfiles';
import type { Lockfile } from '../../src/lockfiles/types';

const SEED = Number(process.env.CHAINGATE_FUZZ_SEED ?? 20261205);
const RUNS = Number(process.env.CHAINGATE_FUZZ_RUNS ?? 60);
const FIX = path.join(__dirname, '..', 'lockfiles', 'fixtures');

const FILES = [
  ['berry', 'yarn.lock'],
  ['yarn1', 'yarn.lock'],
  ['pnpm9', 'pnpm-lock.yaml'],
  ['pnpm6', 'pnpm-lock.yaml'],
  ['npm-v2', 'package-lock.json'],
] as const;

/** A lockfile, or the LockfileError's message; anything else fails the test. */
function outcome(text: string, file: string): Lockfile | string {
  try {
    return parseLockfile({ path: file, text });
  } catch (e) {
    if (!(e instanceof LockfileError)) throw e;
    expect(e.message.startsWith(`${file}:`)).toBe(true);
    return e.message;
  }
}

/** The same text read by the YAML reading (js-yaml), not the fast readers: a tab in a comment. */
const viaYaml = (text: string) => `# \t\n${text}`;

const HOSTILE = ['__proto__', 'constructor', '"', "'", '\\', ':', ': ', ' #', '- ', '{', '[', '&a', '*a', '!!str', '|', '>', '%', '...', '---', '\u00a0', '\u2028', '\r', '0x1F', '.inf', '1e3', '~', 'null', 'true'];

describe.each(FILES)('lockfile %s/%s, mutated', (dir, base) => {
  const text = fs.readFileSync(path.join(FIX, dir, base), 'utf8');
  const lines = text.split('\n');
  const yaml = base !== 'package-lock.json';
  /** The mutated text parses to a lockfile or a LockfileError, the same either way for the YAML kinds. */
  const check = (l: string[]) => {
    const mutated = l.join('\n');
    const got = outcome(mutated, base);
    if (yaml && typeof got !== 'string') expect(got).toEqual(outcome(viaYaml(mutated), base));
  };

  it('a line deleted, duplicated, re-indented or cut: a lockfile or a LockfileError', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.integer({ min: 0, max: 3 }), fc.nat(40), (at, op, n) => {
        const l = [...lines];
        if (op === 0) l.splice(at, 1);
        else if (op === 1) l.splice(at, 0, l[at]);
        else if (op === 2) l[at] = ' '.repeat(n % 7) + l[at].trimStart();
        else l[at] = l[at].slice(0, n % (l[at].length + 1));
        check(l);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a hostile string put into a line: a lockfile or a LockfileError', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(200), fc.constantFrom(...HOSTILE), (at, col, s) => {
        const l = [...lines];
        const c = col % (l[at].length + 1);
        l[at] = l[at].slice(0, c) + s + l[at].slice(c);
        check(l);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('the text truncated anywhere: a lockfile or a LockfileError', () => {
    fc.assert(
      fc.property(fc.nat(text.length), (cut) => {
        outcome(text.slice(0, cut), base);
      }),
      { seed: SEED, numRuns: RUNS / 2 },
    );
  });
});
