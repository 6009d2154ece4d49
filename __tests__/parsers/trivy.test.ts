import * as fs from 'node:fs';
import { parseTrivy } from '../../src/parsers/trivy';
import { FormatError } from '../../src/parsers/util';
import { expectGolden } from '../helpers/golden';
import { fixture, readFixture } from '../helpers/paths';

const JSON_FIXTURES = fs
  .readdirSync(fixture('trivy'))
  .filter((f) => f.endsWith('.json') && !f.endsWith('.cdx.json') && !f.endsWith('.sarif.json'))
  .sort();

describe('parseTrivy golden', () => {
  it('covers every Trivy JSON fixture', () => {
    expect(JSON_FIXTURES.length).toBeGreaterThanOrEqual(13);
  });

  it.each(JSON_FIXTURES)('%s', (name) => {
    expectGolden(`parsers/${name}.findings.json`, parseTrivy(readFixture('trivy', name)));
  });
});
