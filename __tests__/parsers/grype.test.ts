import * as fs from 'node:fs';
import { parseGrype } from '../../src/parsers/grype';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('grype')).filter((f) => f.endsWith('.json')).sort();

describe('parseGrype golden', () => {
  it('covers every grype fixture', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(2);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseGrype(readFixture('grype', name)));
  });
});
