import { parseSarif, parseSarifLog } from '../../src/parsers/sarif';
import { expectGolden } from '../helpers/golden';
import { readFixture } from '../helpers/paths';

const FIXTURES: [string, string][] = [
  ['trivy', 'sarif-image-alpine-310.sarif.json'],
  ['semgrep', 'sarif-1.163.0-custom-rules-requires-login-windows-paths.sarif.json'],
  ['semgrep', 'sarif-dataflow-codeflows-snapshot.sarif.json'],
  ['semgrep', 'sarif-nosemgrep-suppressions-snapshot.sarif.json'],
];

describe('parseSarif golden', () => {
  it.each(FIXTURES)('%s/%s', (dir, name) => {
    expectGolden(`parsers/${name}.findings.json`, parseSarif(readFixture(dir, name)));
  });
});
