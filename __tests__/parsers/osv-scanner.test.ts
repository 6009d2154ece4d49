import * as fs from 'node:fs';
import { parseOsvScanner } from '../../src/parsers/osv-scanner';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const FIXTURES = fs.readdirSync(fixture('osv-scanner')).sort();

describe('parseOsvScanner golden', () => {
  it('covers every osv-scanner fixture', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(4);
  });

  it.each(FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseOsvScanner(readFixture('osv-scanner', name)));
  });
});
