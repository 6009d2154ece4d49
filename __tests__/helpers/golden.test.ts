import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectGolden } from './golden';
import { tmpDir } from './paths';

describe('expectGolden', () => {
  const saved = { update: process.env.UPDATE_GOLDENS, ci: process.env.CI };
  afterEach(() => {
    for (const [k, v] of [['UPDATE_GOLDENS', saved.update], ['CI', saved.ci]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('fails on a missing golden outside CI and writes nothing', () => {
    delete process.env.UPDATE_GOLDENS;
    delete process.env.CI;
    const dir = tmpDir('chaingate-golden-');
    expect(() => expectGolden('new/thing.json', { a: 1 }, dir)).toThrow(/golden new\/thing\.json is missing: run UPDATE_GOLDENS=1/);
    expect(fs.existsSync(path.join(dir, 'new', 'thing.json'))).toBe(false);
  });

  it('writes it with UPDATE_GOLDENS=1, then compares against it', () => {
    process.env.UPDATE_GOLDENS = '1';
    const dir = tmpDir('chaingate-golden-');
    expectGolden('g.json', { a: 1 }, dir);
    expect(fs.readFileSync(path.join(dir, 'g.json'), 'utf8')).toBe('{\n  "a": 1\n}\n');
    delete process.env.UPDATE_GOLDENS;
    expectGolden('g.json', { a: 1 }, dir);
    expect(() => expectGolden('g.json', { a: 2 }, dir)).toThrow();
  });
});
