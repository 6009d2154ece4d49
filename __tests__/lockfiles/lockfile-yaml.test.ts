// The lockfile YAML reader gives exactly js-yaml's value (core schema) on every pnpm and berry
// lockfile we have, and declines (undefined: js-yaml reads it) whatever is outside its subset.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseLockfileYaml } from '../../src/lockfiles/lockfile-yaml';
import { parseYamlDocuments } from '../../src/lockfiles/util';
import { FIXTURES } from '../helpers/paths';

const SHARED = path.join(FIXTURES);
const OURS = path.join(__dirname, 'fixtures');

function yamlLockfiles(): string[] {
  const out: string[] = [];
  for (const base of [path.join(SHARED, 'lockfiles-public'), path.join(SHARED, 'sbom-repro'), OURS]) {
    for (const d of fs.readdirSync(base)) {
      for (const f of ['pnpm-lock.yaml', 'yarn.lock']) {
        const file = path.join(base, d, f);
        if (fs.existsSync(file) && (f === 'pnpm-lock.yaml' || /^__metadata:/m.test(fs.readFileSync(file, 'utf8')))) out.push(file);
      }
    }
  }
  return out;
}

describe('parseLockfileYaml', () => {
  const files = yamlLockfiles();
  it('covers the public pnpm (5.x, 6.0, 9.0, pnpm 11) and berry (4, 6, 8, 10) lockfiles', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  it.each(files.map((f) => [path.relative(SHARED, f), f]))('%s: the same value as js-yaml', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const ours = parseLockfileYaml(text);
    expect(ours).toBeDefined();
    expect(ours).toStrictEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }));
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a __proto__ key', '__proto__: {polluted: true}\n'],
    ['a merge key', 'b: 1\n<<: {a: 1}\n'],
    ['a hex number', 'a: 0x10\n'],
    ['a leading-zero number', 'a: 010\n'],
    ['an exponent', 'a: 1e3\n'],
    ['infinity', 'a: .inf\n'],
    ['a nested flow collection', 'a: {b: {c: d}}\n'],
    ['a mapping in a sequence', 'a:\n  - b: c\n'],
    ['a tab indent', 'a:\n\tb: c\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['an unknown escape', 'a: "\\x41"\n'],
    ['a tab after a value', 'a: b\t\n'],
    ['a tab inside a quoted value', 'a: "b\tc"\n'],
    ['a value ending in a colon', 'a: b:\n'],
  ])('declines %s, and parseYamlDocuments still reads it as js-yaml does', (_what, text) => {
    expect(parseLockfileYaml(text)).toBeUndefined();
    let expected: unknown;
    try {
      expected = loadAll(text, undefined, { schema: CORE_SCHEMA });
    } catch {
      expect(() => parseYamlDocuments(text, 'pnpm-lock.yaml', 'fix')).toThrow(/pnpm-lock\.yaml:\d+:\d+: not valid YAML/);
      return;
    }
    expect(parseYamlDocuments(text, 'pnpm-lock.yaml', 'fix')).toStrictEqual(expected);
  });

  it.each([
    ['an alias with no anchor', 'lockfileVersion: 1\npackages: *CANARY\n', /refers to no anchor/],
    ['an unknown verbatim tag', 'lockfileVersion: !<CANARY> 1\n', /tag/],
    ['a malformed tag name', 'lockfileVersion: !CANARY\\x 1\n', /tag|YAML/],
    ['an undeclared tag handle', 'lockfileVersion: !CANARY!x 1\n', /tag/],
  ])('names the kind of YAML problem, not the text of the lockfile: %s', (_, text, kind) => {
    const canary = 'ghp_Canary0123456789';
    let message = '';
    try {
      parseYamlDocuments(text.replace('CANARY', canary), 'pnpm-lock.yaml', 'fix');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^pnpm-lock\.yaml:\d+:\d+: not valid YAML \(/);
    expect(message).toMatch(kind);
    expect(message).not.toContain('Canary');
  });

  it.each([
    ['an empty document between separators', '---\n# c\n---\na: 1\n'],
    ['a document that is only a comment after one with content', 'a: 1\n---\n# nothing\n'],
  ])('reads %s as js-yaml does', (_what, text) => {
    expect(parseLockfileYaml(text)).toStrictEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }));
  });

  it('reads the scalars of the core schema the way js-yaml does', () => {
    const text = "a: ~\nb: null\nc: true\nd: False\ne: 12\nf: -3\ng: 1.5\nh: 5.3\ni: 1.2.3\nj: '9.0'\nk: \"x \\\"y\\\" \\\\ z\"\nl: 'it''s'\nm: [x64, 'arm']\nn: {}\no:\np: a # comment\nq: 0.0.0-use.local\nr: 10c0\n";
    expect(parseLockfileYaml(text)).toStrictEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }));
  });

  it('keeps every value within its own line (scalars, escapes and comments on the lines around it)', () => {
    const text = [
      'a: {x: 1, y: "z"}   ',
      'b: [ ]',
      "c: 'x' # c",
      'd: "\\""  ',
      'e: x #c',
      'f: "y\\\\"',
      'g: z # w',
      "h: [a, 'b''c', \"d\\\"e\", 1.5]",
      'i:',
      'j: k',
      "l: ''",
      'm: "a\\nb\\tc\\/"',
      '"n\\"k": {"q": \'r\'}',
      'o:',
      '  - "p # not a comment"',
      '  - q',
      '',
    ].join('\n');
    expect(parseLockfileYaml(text)).toStrictEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }));
  });

  it('reads quotes, escapes, flow collections and comments the way js-yaml does', () => {
    const text = [
      '"q\\"k": "a \\"b\\" c\\\\"',
      "'s''k': 'it''s' # note",
      '"k2":    "v2"   ',
      'f: {integrity: sha512-AB+/cd==, "q": \'x, y\', n: 1}',
      's: [ a , "b,c" ,d ]',
      'e: { }',
      'h: "x" #c',
      'n:',
      '  - one',
      '  - "two"',
      '  -  3 ',
      "u: 'a: b'",
      '',
    ].join('\r\n');
    expect(parseLockfileYaml(text)).toStrictEqual(loadAll(text, undefined, { schema: CORE_SCHEMA }));
  });
});
