// The berry line reader gives exactly the entries the YAML reading (js-yaml, core schema) gives
// on every berry lockfile we have, and declines (undefined: the YAML reading decides) whatever is
// outside its subset, so parseYarnLock's result and messages do not depend on which one read it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { readBerryLockfile, type BerryLockfile } from '../../src/lockfiles/berry-lock';
import { berryFromYaml, parseYarnLock } from '../../src/lockfiles/yarn';
import { FIXTURES } from '../helpers/paths';

const OURS = path.join(__dirname, 'fixtures');

function berryLockfiles(): string[] {
  const out: string[] = [];
  for (const base of [path.join(FIXTURES, 'lockfiles-public'), path.join(FIXTURES, 'sbom-repro'), OURS]) {
    for (const d of fs.readdirSync(base)) {
      const file = path.join(base, d, 'yarn.lock');
      if (fs.existsSync(file) && /^__metadata:/m.test(fs.readFileSync(file, 'utf8'))) out.push(file);
    }
  }
  return out;
}

const viaYaml = (text: string): BerryLockfile => berryFromYaml(load(text, { schema: CORE_SCHEMA }), 'yarn.lock');
const withoutLines = (l: BerryLockfile | undefined) => l && { ...l, entries: l.entries.map(({ line: _line, ...e }) => e) };

describe('readBerryLockfile', () => {
  const files = berryLockfiles();
  it('covers the public berry lockfiles (versions 4, 6, 8, 10)', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [path.relative(FIXTURES, f), f]))('%s: the same entries as the YAML reading', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const ours = readBerryLockfile(text);
    expect(ours).toBeDefined();
    expect(withoutLines(ours)).toStrictEqual(viaYaml(text));
    // Lines point at the entry's key.
    const lines = text.split('\n');
    for (const e of (ours as BerryLockfile).entries.slice(0, 50)) expect(lines[(e.line as number) - 1]).toMatch(/^"?[^ ].*:$/);
  });

  const entry = '"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n';
  const head = '__metadata:\n  version: 8\n\n';
  it.each([
    ['a duplicate entry', `${head}${entry}${entry}`],
    ['a duplicate field', `${head}${entry}  version: 1.0.1\n`],
    ['a duplicate dependency', `${head}${entry}  dependencies:\n    b: "npm:1"\n    b: "npm:2"\n`],
    ['a duplicate key in a nested mapping', `${head}${entry}  dependenciesMeta:\n    b:\n      optional: true\n      optional: false\n`],
    ['an entry that is null', `${head}"a@npm:^1":\n"b@npm:^1":\n  version: 1.0.0\n`],
    ['an entry that is a scalar', `${head}"a@npm:^1": 1\n`],
    ['a flow mapping', `${head}${entry}  dependencies: {}\n`],
    ['a sequence', `${head}${entry}  bin:\n    - x\n`],
    ['a mapping as a dependency range', `${head}${entry}  dependencies:\n    b:\n      c: d\n`],
    ['a key shaped like an array index', `${head}"1@npm:1":\n  version: 1.0.0\n`],
    ['a dependency shaped like an array index', `${head}${entry}  dependencies:\n    "0": "npm:1"\n`],
    ['an odd indentation', `${head}${entry}   checksum: x\n`],
    ['a deeper nesting', `${head}${entry}  a:\n    b:\n      c:\n        d: e\n`],
    ['a tab', `${head}${entry}  checksum:\tx\n`],
    ['a second document', `${head}${entry}---\n${entry}`],
    ['an anchor', `${head}${entry}  checksum: &x y\n`],
    ['a block scalar', `${head}${entry}  checksum: |\n    x\n`],
    ['a multi-line scalar', `${head}${entry}  checksum: x\n    y\n`],
    ['a mapping under __metadata', `__metadata:\n  version:\n    x: 1\n`],
    ['a __proto__ key', `${head}__proto__:\n  version: 1\n`],
    ['a quoted __proto__ key', `${head}"__proto__":\n  version: 1\n`],
    ['a mapping in a value nothing uses', `${head}${entry}  checksum: a: b\n`],
    ['a value nothing uses ending in a colon', `${head}${entry}  linkType: hard:\n`],
    ['a version ending in a colon', `${head}"a@npm:^1":\n  version: 1.2.3:\n`],
    ['a range ending in a colon', `${head}${entry}  dependencies:\n    b: 1.2.3:\n`],
    ['an unterminated quote', `${head}${entry}  checksum: "abc\n`],
  ])('declines %s', (_what, text) => {
    expect(readBerryLockfile(text)).toBeUndefined();
  });

  it.each([
    ['a number as a version', `${head}"a@npm:^1":\n  version: 2\n  resolution: "a@npm:2"\n`],
    ['a number as a range', `${head}${entry}  dependencies:\n    b: 1.10\n    c: ~\n    d: true\n`],
    ['versions and ranges that look like numbers or hold comments', `${head}"a@npm:^1":\n  version: 1.2.3 # c\n  resolution: "a@npm:1.2.3"\n  dependencies:\n    b: 1.2\n    c: 1.2.3\n    d: 1.2.3-rc.1\n    e: 1\n    f: 2.0.0 #x\n`],
    ['comments, blank lines, CRLF and trailing spaces', `# c\r\n${head}${entry}  # note\r\n\r\n  dependencies:   \r\n    b: "npm:1" # x\r\n`],
    ['a mapping under version', `${head}"a@npm:^1":\n  version:\n    x: y\n  resolution: "a@npm:2"\n`],
    ['fields with no value', `${head}"a@npm:^1":\n  version: 1.0.0\n  dependencies:\n  bin:\n    x:\n`],
    ['a quoted key and value with escapes', `${head}"a\\"b@npm:^1":\n  version: "1.0.\\"0"\n  resolution: "a@npm:1.0.0"\n`],
    ['a quoted value and a comment', `${head}${entry}  checksum: "abc" # c\n  dependencies:\n    b: "npm:1" #x\n    c: 'npm:2'\n`],
    ['plain values of every type nothing uses', `${head}${entry}  checksum: 10/abc\n  conditions: os=darwin & cpu=arm64\n  bin:\n    x: ./bin/x.js\n    y: 12\n    z: .inf\n`],
    ['escapes and single quotes', `${head}'a@npm:^1, a@npm:^1.1':\n  version: "1.0.0"\n  resolution: "a@npm:1.0.0"\n  dependencies:\n    "\\"q\\"": 'it''s'\n`],
  ])('reads %s as the YAML reading does', (_what, text) => {
    expect(withoutLines(readBerryLockfile(text))).toStrictEqual(viaYaml(text));
  });

  it.each(['lru@^10.0.1', 'lru@npm:^10.0.1', 'lru'])('takes a `resolutions` rewrite (%s) to a patch as the patched version, not the highest the range accepts', (key) => {
    const lock = [
      head,
      '"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n  dependencies:\n    lru: "npm:^10.0.1"\n  languageName: unknown\n  linkType: soft\n\n',
      '"lru@npm:10.2.0, lru@npm:^10.4.0":\n  version: 10.4.3\n  resolution: "lru@npm:10.4.3"\n\n',
      '"lru@npm:10.2.0":\n  version: 10.2.0\n  resolution: "lru@npm:10.2.0"\n\n',
      '"lru@patch:lru@npm%3A10.2.0#./x.patch::locator=app%40workspace%3A.":\n  version: 10.2.0\n  resolution: "lru@patch:lru@npm%3A10.2.0#./x.patch::version=10.2.0&hash=1&locator=app%40workspace%3A."\n',
    ].join('');
    const manifest = { name: 'app', dependencies: { lru: '^10.0.1' }, devDependencies: {}, optionalDependencies: {}, resolutions: { [key]: 'patch:lru@npm%3A10.2.0#./x.patch' } };
    expect(parseYarnLock(lock, 'yarn.lock', manifest).rootDependencies).toEqual(['pkg:npm/lru@10.2.0']);
  });

  it('refuses a dependency with no entry of its name (a package the audit would not see), naming the line', () => {
    const entry = (k: string, v: string, deps = '') => `"${k}":\n  version: ${v}\n  resolution: "${k.replace(/@npm:.*/, '')}@npm:${v}"\n${deps}\n`;
    const lock = head + entry('a@npm:^1', '1.0.0', '  dependencies:\n    gone: "npm:^2.0.0"\n');
    expect(() => parseYarnLock(lock, 'yarn.lock')).toThrow(/^yarn\.lock:4: entry "a@npm:\^1" depends on "gone@npm:\^2\.0\.0", which has no entry in the lockfile/);
    // With the entry there it resolves; a link: or portal: dependency is a folder, not a package.
    expect(parseYarnLock(lock + entry('gone@npm:^2.0.0', '2.1.0'), 'yarn.lock').packages.find((p) => p.name === 'a')?.dependencies).toEqual(['pkg:npm/gone@2.1.0']);
    const linked = head + entry('a@npm:^1', '1.0.0', '  dependencies:\n    local: "link:../local"\n    here: "portal:./here"\n') + '"here@portal:./here::locator=a%40npm%3A1.0.0":\n  version: 0.0.0-use.local\n  resolution: "here@portal:./here::locator=a%40npm%3A1.0.0"\n';
    expect(parseYarnLock(linked, 'yarn.lock').packages.map((p) => p.name)).toEqual(['a']);
  });

  it('names the line of an entry with no version, however the file was read', () => {
    const text = `${head}"a@npm:^1":\n  resolution: "a@npm:1.0.0"\n`;
    expect(() => parseYarnLock(text, 'yarn.lock')).toThrow(/^yarn\.lock:4: entry "a@npm:\^1" has no version or resolution/);
  });
});
