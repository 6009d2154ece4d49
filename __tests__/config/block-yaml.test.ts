import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { readBlockYaml } from '../../src/config/block-yaml';

const repo = path.resolve(__dirname, '..', '..');

/** The yaml library's reading, as load.ts does it; undefined when it reports an error. */
function library(text: string): { value: unknown } | undefined {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  return doc.errors.length > 0 ? undefined : { value: doc.toJS() };
}

/** Whatever the fast reader accepts, the library reads without error as the same value. */
function agrees(text: string): boolean {
  const fast = readBlockYaml(text);
  if (fast === undefined) return true;
  const lib = library(text);
  if (lib === undefined) throw new Error(`the fast reader accepted what the yaml library rejects: ${JSON.stringify(text)}`);
  expect(fast.value).toStrictEqual(lib.value);
  return true;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', '.work', 'coverage'].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

let seed = 3;
const rand = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];

/** Scalars a person might write, many of them YAML's traps (types, indicators, escapes). */
const SCALARS = [
  'CVE-2021-23337', 'pkg:npm/lodash', 'pkg:npm/%40babel/core@7.0.0', 'template() never receives user input', '2027-01-31', '2027-1-31',
  '1', '0', '01', '42', '-1', '+1', '1.5', '1e3', '0x1F', '0o17', '.inf', '.nan', '~', 'null', 'Null', 'NULL', 'true', 'True', 'FALSE',
  'yes', 'No', 'on', 'off', 'y', '@web-team', '`x`', '%x', '!x', '&x', '*x', '|', '>', 'a: b', 'a #b', 'a#b', 'a:b', 'ends:', 'legacy/**',
  '"double"', "'single'", '"a\\nb"', '"\\u00e9t\\u00e9"', '"\\x41"', '"\\ttab"', '"q \\" q"', "'it''s'", 'été', 'a, b', 'a [b]', '{}', '[]',
  '[a, b]', '["x/**", \'y\']', '[a, [b]]', '[a, ]', '{a: 1}', 'https://example.test/x?a=1#frag', '- a', '? x', ' lead', 'trail ', 'x  # two',
  '"a: b"', "'x # y'", '"#"', '', '# only a comment', '~/.cache', '.git', '1.2.3', '123-abc', '-x', ':x', '"\\\\"', '[ ]', '[a,b]', '\u00a0x',
];
const KEYS = ['id', 'package', 'paths', 'reason', 'expires', 'owner', 'ticket', 'fail-on', 'max-active', 'true', 'null', 'a.b', '_k', '1', 'on'];

function document(depth = 0, indent = 0, style = rand(2)): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const used = new Set<string>();
  const n = 1 + rand(4);
  for (let i = 0; i < n; i++) {
    let key = pick(KEYS);
    if (rand(6) > 0) while (used.has(key)) key = pick(KEYS);
    used.add(key);
    const kind = depth < 2 ? rand(5) : 0;
    if (kind <= 2) lines.push(`${pad}${key}: ${pick(SCALARS)}${rand(5) === 0 ? ' # note' : ''}`);
    else if (kind === 3) lines.push(`${pad}${key}:${rand(4) === 0 ? ' # nested' : ''}`, document(depth + 1, indent + 1 + rand(4)));
    else {
      lines.push(`${pad}${key}:`);
      const itemPad = ' '.repeat(style ? indent : indent + 2);
      for (let j = 0; j < 1 + rand(3); j++) {
        if (rand(8) === 0) lines.push(`${itemPad}-`);
        else if (rand(2)) lines.push(`${itemPad}- ${pick(SCALARS)}`);
        else {
          const inner = document(depth + 1, itemPad.length + 2).split('\n');
          lines.push(`${itemPad}- ${inner[0].trimStart()}`, ...inner.slice(1));
        }
      }
    }
    if (rand(8) === 0) lines.push(rand(2) ? '' : `${pad}# a comment`);
  }
  return lines.join('\n');
}

const MUTATIONS = [' ', '  ', '-', ':', '#', '"', "'", '\t', '\n', '[', ']', ',', '{', '}', '\r', '|', '&', '\\', 'x'];
function mutate(text: string): string {
  const at = rand(text.length + 1);
  switch (rand(3)) {
    case 0:
      return text.slice(0, at) + pick(MUTATIONS) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    default:
      return text.slice(0, at) + pick(MUTATIONS) + text.slice(at + 1);
  }
}

describe('readBlockYaml', () => {
  it('reads an exceptions file as the yaml library does, with the line of every item', () => {
    const text = [
      'version: 1',
      '# why each one is here',
      'exceptions:',
      '  - id: CVE-2021-23337 # lodash',
      '    package: pkg:npm/lodash',
      '    paths: ["legacy/**", \'b/*\']',
      '    reason: "template() never receives user input"',
      '    expires: 2027-01-31',
      '    owner: "@web-team"',
      '',
      '  - id: GHSA-xxxx',
      "    reason: 'it''s fine'",
      '    expires: 2027-02-01',
      '',
    ].join('\r\n');
    const fast = readBlockYaml(text);
    expect(fast?.value).toStrictEqual(library(text)?.value);
    const list = (fast?.value as { exceptions: unknown[] }).exceptions;
    expect(fast?.itemLines.get(list)).toEqual([4, 11]);
    expect((list[0] as { paths: string[] }).paths).toEqual(['legacy/**', 'b/*']);
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x'],
    ['a tag', 'a: !!str 1'],
    ['a block scalar', 'a: |\n  text'],
    ['a multi-line plain scalar', 'a: one\n  two'],
    ['a flow mapping', 'a: {b: 1}'],
    ['a nested flow list', 'a: [b, [c]]'],
    ['a duplicate key', 'a: 1\na: 2'],
    ['a tab', 'a:\t1'],
    ['a document marker', '---\na: 1'],
    ['a directive', '%YAML 1.2\n---\na: 1'],
    ['a float', 'a: 1.5'],
    ['a number that is not a plain integer', 'a: 0x1F'],
    ['a key that is not a plain word', '"a": 1'],
    ['a byte order mark', '\ufeffa: 1'],
    ['an empty document', '# nothing\n'],
    ['a bare scalar', 'just text'],
    ['an unterminated quote', 'a: "open'],
    ['an escape YAML has but JSON not', 'a: "\\x41"'],
    ['a lone surrogate escape', 'a: "\\ud800"'],
    ['text after a quoted scalar', 'a: "x" y'],
    ['a deeper line after a value', 'a: 1\n  b: 2'],
    ['a dedent below the document', '  a: 1\nb: 2'],
    ['a list in a list on one line', '- - a'],
    ['a reserved indicator', 'a: @x'],
    ['a key without a space after the colon', 'a:1'],
    ['a trailing comma in a flow list', 'a: [b, ]'],
    ['a comment inside a flow list', 'a: [b, # c\n  d]'],
  ])('leaves %s to the yaml library', (_label, text) => {
    expect(readBlockYaml(text)).toBeUndefined();
  });

  it('reads null, booleans, integers, dates, quoted and plain strings as YAML 1.2 does', () => {
    const text =
      'a:\nb: null\nc: True\nd: FALSE\ne: 0\nf: 120\ng: 2027-01-31\nh: yes\ni: "\\u00e9\\n\\/"\nj: x # c\nk: []\nl: {}\nm:\n- 1\n-\n- x: 1\n  y:\n  - z\n' +
      'n: ~\no: ~/.cache\np: [.git, 1.2.3, 123-abc]\n';
    const fast = readBlockYaml(text);
    expect(fast?.value).toStrictEqual(library(text)?.value);
    expect(fast?.value).toMatchObject({ a: null, c: true, f: 120, g: '2027-01-31', h: 'yes', i: 'é\n/', m: [1, null, { x: 1, y: ['z'] }], n: null, o: '~/.cache', p: ['.git', '1.2.3', '123-abc'] });
  });

  it("agrees with the yaml library on the repository's YAML files", () => {
    const files = yamlFiles(repo);
    expect(files.length).toBeGreaterThan(20);
    let accepted = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      agrees(text);
      if (readBlockYaml(text) !== undefined) accepted++;
    }
    // The examples' policies, the workflows and action.yml are plain block YAML.
    expect(accepted).toBeGreaterThan(3);
  });

  it('agrees with the yaml library on 3,000 generated documents and 21,000 mutations of them', () => {
    let accepted = 0;
    let mutatedAccepted = 0;
    for (let i = 0; i < 3000; i++) {
      const text = document();
      agrees(text);
      if (readBlockYaml(text) !== undefined) accepted++;
      for (let m = 0; m < 7; m++) {
        let t = text;
        for (let k = 0; k <= rand(3); k++) t = mutate(t);
        agrees(t);
        if (readBlockYaml(t) !== undefined) mutatedAccepted++;
      }
    }
    // The generator must exercise the fast path, not only the bail-outs.
    expect(accepted).toBeGreaterThan(300);
    expect(mutatedAccepted).toBeGreaterThan(300);
  });
});
