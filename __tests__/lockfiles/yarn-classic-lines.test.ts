// yarn.lock v1 lines are taken apart with indexOf when the file is printable ASCII (every real
// one), and trimmed/split by JavaScript's white space and a regex otherwise: both readings give
// the same lockfile, so the fast one is only ever a shortcut.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYarnLock } from '../../src/lockfiles';
import { FIXTURES } from '../helpers/paths';

const OURS = path.join(__dirname, 'fixtures');
// A comment line with a no-break space: the whole file then takes the general reading.
const general = (text: string) => `${text}\n# \u00a0\n`;

function classicLockfiles(): string[] {
  const out: string[] = [];
  for (const base of [path.join(FIXTURES, 'lockfiles-public'), OURS]) {
    for (const d of fs.readdirSync(base)) {
      const file = path.join(base, d, 'yarn.lock');
      if (fs.existsSync(file) && /^# yarn lockfile v1/m.test(fs.readFileSync(file, 'utf8'))) out.push(file);
    }
  }
  return out;
}

describe('yarn.lock v1 lines', () => {
  const files = classicLockfiles();
  it('covers the public yarn 1 lockfiles', () => expect(files.length).toBeGreaterThanOrEqual(5));

  it.each(files.map((f) => [path.basename(path.dirname(f)), f]))('%s: the same lockfile either way', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const fast = parseYarnLock(text, 'yarn.lock');
    expect(fast.packages.length).toBeGreaterThan(10);
    expect(fast).toEqual(parseYarnLock(general(text), 'yarn.lock'));
    expect(parseYarnLock(text.replace(/\n/g, '\r\n'), 'yarn.lock')).toEqual(fast);
  });

  const lock = [
    '# yarn lockfile v1',
    '',
    '"a@^1.0.0", a@~1.0:',
    '  version "1.0.0"',
    '  "quoted key"   "x"',
    '  esc "say \\"hi\\""',
    '  "k\\"q" v',
    '  "odd"tail value',
    '  dependencies:',
    '    b "^2"  ',
    '    "@s/c" "npm:@s/d@^3"',
    '',
    'b@^2:',
    '  version 2.1.0',
    '',
    '"@s/c@npm:@s/d@^3":',
    '  version "3.0.0"',
    '',
  ].join('\n');
  it('reads quoted keys, escapes and padding the same way either way', () => {
    const fast = parseYarnLock(lock, 'yarn.lock');
    expect(fast.packages.map((p) => `${p.purl} ${p.dependencies.join(',')}`)).toEqual(['pkg:npm/%40s/d@3.0.0 ', 'pkg:npm/a@1.0.0 pkg:npm/%40s/d@3.0.0,pkg:npm/b@2.1.0', 'pkg:npm/b@2.1.0 ']);
    expect(parseYarnLock(general(lock), 'yarn.lock')).toEqual(fast);
  });

  it('reads a tab as white space (the general reading)', () => {
    const text = '# yarn lockfile v1\n\na@^1:\n  version\t"1.0.0"\n';
    expect(parseYarnLock(text, 'yarn.lock').packages.map((p) => p.purl)).toEqual(['pkg:npm/a@1.0.0']);
  });

  it.each([
    ['a field without a value', '  version\n'],
    ['an odd indentation', '   version "1.0.0"\n'],
  ])('rejects %s with its line, either way', (_what, bad) => {
    const text = `# yarn lockfile v1\n\na@^1:\n${bad}`;
    for (const t of [text, general(text)]) expect(() => parseYarnLock(t, 'yarn.lock')).toThrow(/^yarn\.lock:4: not a yarn v1 lockfile line/);
  });
});
