import { comparePep440, parsePep440 } from '../../src/osv/pep440';
import { compareGeneric, comparePypi, compareSemver, ecosystemComparator } from '../../src/osv/versions';

// The ordering example from PEP 440 ("Summary of permitted suffixes and relative ordering"),
// extended with epochs and local versions.
const ORDERED = [
  '1.dev0',
  '1.0.dev456',
  '1.0a1',
  '1.0a2.dev456',
  '1.0a12.dev456',
  '1.0a12',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0rc1.dev456',
  '1.0rc1',
  '1.0',
  '1.0+abc.5',
  '1.0+abc.7',
  '1.0+5',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.0.15',
  '1.1.dev1',
  '2!0.1',
];

describe('PEP 440 ordering', () => {
  it('sorts the PEP’s own example list in order', () => {
    const shuffled = [...ORDERED].reverse();
    expect(shuffled.sort((a, b) => comparePep440(a, b) as number)).toEqual(ORDERED);
  });

  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0', '1', 0],
    ['1.0.0a1', '1.0a1', 0],
    ['1.0-alpha1', '1.0a1', 0],
    ['1.0c1', '1.0rc1', 0],
    ['1.0-1', '1.0.post1', 0],
    ['1.0.post', '1.0.post0', 0],
    ['v1.0', '1.0', 0],
    ['1.0.DEV1', '1.0.dev1', 0],
    ['5.4b2', '5.4', -1],
    ['1.10', '1.9', 1],
    ['1!1.0', '2.0', 1],
  ])('%s vs %s = %s', (a, b, r) => expect(comparePep440(a, b)).toBe(r));

  it('parses the parts', () => {
    expect(parsePep440('1!2.3.4rc5.post6.dev7+ubuntu.1')).toEqual({ epoch: 1, release: [2, 3, 4], pre: [2, 5], post: 6, dev: 7, local: ['ubuntu', 1] });
  });

  it('refuses what is not PEP 440, and PyPI ordering falls back to the generic one', () => {
    expect(parsePep440('1.0-foo-bar')).toBeUndefined();
    expect(comparePep440('not a version', '1.0')).toBeUndefined();
    expect(comparePypi('2.0.x1', '2.0.x2')).toBe(-1);
  });
});

describe('other orderings', () => {
  it('semver: prereleases before the release, leading v, build metadata ignored', () => {
    expect(compareSemver('1.0.0-beta', '1.0.0')).toBe(-1);
    expect(compareSemver('1.0.0-alpha.10', '1.0.0-alpha.9')).toBe(1);
    expect(compareSemver('v1.2.3', '1.2.3')).toBe(0);
    expect(compareSemver('1.2.3+build.5', '1.2.3')).toBe(0);
    expect(compareSemver('v0.0.0-20220101000000-abcdef123456', '0.0.1')).toBe(-1);
  });

  it('generic: numbers by value, ~ before everything', () => {
    expect(compareGeneric('1.10', '1.9')).toBe(1);
    expect(compareGeneric('1.0~rc1', '1.0')).toBe(-1);
    expect(compareGeneric('1.0', '1.0.1')).toBe(-1);
    expect(compareGeneric('1.0-rc1', '1.0.1')).toBe(-1);
    expect(compareGeneric('2.4.7-r1', '2.4.7-r0')).toBe(1);
    expect(compareGeneric('12345678901234567890', '12345678901234567891')).toBe(-1);
  });

  it('chooses by ecosystem', () => {
    expect(ecosystemComparator('npm')).toBe(compareSemver);
    expect(ecosystemComparator('Go')).toBe(compareSemver);
    expect(ecosystemComparator('PyPI')).toBe(comparePypi);
    expect(ecosystemComparator('Debian:12')).toBe(compareGeneric);
  });
});
