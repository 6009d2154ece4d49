import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerfileInstructionLine, lineIndex, lineTokens, lockfileEntryLine, nameToken } from '../../src/core/anchors';
import { fixture, REPO } from '../helpers/paths';

const lines = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8').split('\n');
const LOCKS = path.join(REPO, '__tests__', 'lockfiles', 'fixtures');

describe('lockfileEntryLine on real lockfiles', () => {
  it('finds the entry of a package at its version, not where a parent declares it', () => {
    const npm = lines(REPO, 'examples', 'vulnerable', 'package-lock.json');
    // Line 10-15 is the root's "dependencies" ("qs": "6.5.2"); the entry is "node_modules/qs".
    expect(lockfileEntryLine('package-lock.json', npm, 'follow-redirects', '1.15.5')).toBe(25);
    expect(npm[lockfileEntryLine('package-lock.json', npm, 'qs', '6.5.2')! - 1]).toContain('"node_modules/qs"');
    expect(lockfileEntryLine('package-lock.json', npm, 'qs', '9.9.9')).toBeUndefined();
    const req = lines(REPO, 'examples', 'vulnerable', 'requirements.txt');
    expect(req[lockfileEntryLine('requirements.txt', req, 'pyyaml', '5.3.1')! - 1]).toBe('PyYAML==5.3.1');
    const yarn = lines(LOCKS, 'yarn1', 'yarn.lock');
    expect(lockfileEntryLine('yarn.lock', yarn, '@types/node', '20.11.0')).toBe(5);
    expect(yarn[lockfileEntryLine('yarn.lock', yarn, 'accepts', '1.3.8')! - 1]).toBe('accepts@~1.3.8:');
    const pnpm = lines(LOCKS, 'pnpm9', 'pnpm-lock.yaml');
    expect(pnpm[lockfileEntryLine('pnpm-lock.yaml', pnpm, 'accepts', '1.3.8')! - 1]).toBe('  accepts@1.3.8:');
    const poetry = lines(fixture('lockfiles-public', 'poetry', 'poetry.lock'));
    expect(lockfileEntryLine('poetry.lock', poetry, 'Certifi', '2026.4.22')).toBe(87);
    const gomod = lines(LOCKS, 'gomod', 'go.mod');
    expect(lockfileEntryLine('go.mod', gomod, 'golang.org/x/text', 'v0.19.0')).toBe(7);
    // Anything else: a line naming the package with the version beside it.
    expect(lockfileEntryLine('Gemfile.lock', ['GEM', '    rack (2.2.3)', '    rails (7.0.0)'], 'rails', '7.0.0')).toBe(3);
    expect(lockfileEntryLine('x.lock', ['a 1', '', 'a', '', '  version 2'], 'a', '2')).toBeUndefined();
  });

  it('searches only the candidate lines an index gives', () => {
    const req = ['flask==2.0.0', 'pyyaml==5.3.1'];
    expect(lockfileEntryLine('requirements.txt', req, 'pyyaml', '5.3.1', [0])).toBeUndefined();
    expect(lockfileEntryLine('requirements.txt', req, 'pyyaml', '5.3.1', [1])).toBe(2);
    expect(lineTokens('    "node_modules/@babel/core": {')).toEqual(['node_modules', 'babel', 'core']);
    expect(nameToken('@babel/core')).toBe('core');
    expect(nameToken('@scoped')).toBe('scoped');
  });
});

describe('lineIndex', () => {
  /** What indexing every line with lineTokens gives: the reference both ways of lineIndex must equal. */
  function reference(text: string): Map<string, number[]> {
    const byToken = new Map<string, number[]>();
    text.split('\n').forEach((l, i) => {
      for (const t of new Set(lineTokens(l))) byToken.set(t, [...(byToken.get(t) ?? []), i]);
    });
    return byToken;
  }

  it.each([
    ['berry-overleaf', 'yarn.lock'],
    // Not ASCII throughout (authors' names): a two-byte string.
    ['npm-overleaf', 'package-lock.json'],
  ])('finds the same lines by searching the bytes as by indexing every line, on the real %s/%s', (folder, file) => {
    const bytes = fs.readFileSync(fixture('lockfiles-public', folder, file));
    const text = bytes.toString('utf8');
    const split = text.split('\n');
    const ref = reference(text);
    const tokens = [...ref.keys()].filter((_, i) => i % 97 === 0);
    // Tokens that are parts of longer ones (core, babel, types), and names not in the file.
    const probes = [...tokens, 'core', 'babel', 'types', 'yaml', 'lodash', 'no-such-package-anywhere', 'b'];
    const searching = lineIndex(bytes, Infinity);
    const indexing = lineIndex(bytes, 0);
    // Three searches, then the index.
    const both = lineIndex(bytes, 3);
    for (const ix of [searching, indexing, both])
      for (const t of probes) {
        const hit = ix.linesWith(t);
        expect([t, hit]).toEqual([t, ref.get(t)]);
        // The lines found, and the next ones (where the version is), are decoded as split gives them.
        for (const i of hit ?? []) for (let j = i; j < Math.min(split.length, i + 8); j++) expect([j, ix.lines[j]]).toEqual([j, split[j]]);
      }
    for (const ix of [searching, indexing, both]) expect(ix.lines).toHaveLength(split.length);
    // Nothing asked yet: the lines are the text's.
    expect(lineIndex(bytes).lines).toEqual(split);
    expect(searching.text).toBe(text);
  });

  it('matches whole tokens only, in any case, at the start and end of the text, and switches to an index after enough searches', () => {
    const text = 'Foo@1:\n  foo-bar foo\nxfoo foo.x\r\nFOO';
    const ix = lineIndex(Buffer.from(text), 2);
    expect(ix.linesWith('foo')).toEqual([0, 1, 3]);
    expect(ix.linesWith('foo-bar')).toEqual([1]);
    expect(ix.linesWith('foo.x')).toEqual([2]);
    expect(ix.linesWith('xfoo')).toEqual([2]);
    expect(ix.linesWith('fo')).toBeUndefined();
    expect(ix.linesWith('foo')).toEqual([0, 1, 3]);
    // Only ASCII letters fold: a Kelvin sign or a long s is no k or s, as in lineTokens.
    const odd = lineIndex(Buffer.from('\u212Aey \u017Ftrong Strong\nKEY-x'), 0);
    expect(lineTokens('\u212Aey \u017Ftrong Strong')).toEqual(['ey', 'trong', 'strong']);
    expect([odd.linesWith('key'), odd.linesWith('ey'), odd.linesWith('strong')]).toEqual([undefined, [0], [0]]);
    const oddSearch = lineIndex(Buffer.from('\u212Aey \u017Ftrong Strong\nKEY-x'), Infinity);
    expect([oddSearch.linesWith('key'), oddSearch.linesWith('ey'), oddSearch.linesWith('strong'), oddSearch.linesWith('key-x')]).toEqual([undefined, [0], [0], [1]]);
    // Asked again (a package at another version): the same answer.
    expect([oddSearch.linesWith('key'), oddSearch.linesWith('strong')]).toEqual([undefined, [0]]);
    // No line holds a token with other characters, nor an empty one.
    expect(ix.linesWith('foo@1')).toBeUndefined();
    expect(ix.linesWith('')).toBeUndefined();
  });
});

describe('dockerfileInstructionLine', () => {
  it('puts a missing-from-the-image check on the final stage FROM, a root user on its last USER', () => {
    const real = fs.readFileSync(path.join(REPO, 'examples', 'vulnerable', 'Dockerfile'), 'utf8');
    expect(dockerfileInstructionLine(real, 'DS-0002')).toBe(2);
    expect(dockerfileInstructionLine(real, 'DS-0026')).toBe(2);
    const multi = ['# syntax=docker/dockerfile:1', 'FROM golang:1.22 AS build', 'USER builder', 'RUN go build \\', '  ./...', '', 'from alpine:3.20', 'RUN apk add \\', '   curl', 'USER root', 'HEALTHCHECK NONE'].join('\n');
    expect(dockerfileInstructionLine(multi, 'DS-0026')).toBe(7);
    expect(dockerfileInstructionLine(multi, 'DS-0002')).toBe(10);
    expect(dockerfileInstructionLine(multi, 'CKV_DOCKER_3')).toBe(10);
    expect(dockerfileInstructionLine('FROM a\nRUN x\n', 'DS-0002')).toBe(1);
    expect(dockerfileInstructionLine('# nothing\n', 'DS-0026')).toBeUndefined();
  });
});
