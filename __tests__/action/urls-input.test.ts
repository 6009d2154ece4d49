// The action's `urls` input: one URL per line for the headers scanner, which it adds unless the
// `scanners` input is set; set without headers, the two contradict and the run stops (exit 2).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { optionsFromInputs } from '../../src/action/main';
import { ConfigError } from '../../src/errors';
import { INSTALLABLE } from '../../src/tools/plan';
import { planFromEnv } from '../../src/tools/plan-main';
import { tmpDir } from '../helpers/paths';

const log = { info: () => undefined, warning: () => undefined, group: () => undefined };
const opts = (env: NodeJS.ProcessEnv) => optionsFromInputs(env, () => new Date('2026-12-01T00:00:00Z'), log);

describe('urls input', () => {
  it('reads one URL per line', () => {
    expect(opts({ CHAINGATE_INPUT_URLS: 'https://a.example.test/\n  https://b.example.test/x?y=1  \n' }).urls).toEqual(['https://a.example.test/', 'https://b.example.test/x?y=1']);
    expect(opts({}).urls).toBeUndefined();
  });
  it('needs headers among the scanners input when both are set', () => {
    expect(opts({ CHAINGATE_INPUT_URLS: 'https://a.example.test/', CHAINGATE_INPUT_SCANNERS: 'semgrep,headers' }).scanners).toEqual(['semgrep', 'headers']);
    expect(() => opts({ CHAINGATE_INPUT_URLS: 'https://a.example.test/', CHAINGATE_INPUT_SCANNERS: 'semgrep' })).toThrow(new ConfigError('input urls needs the headers scanner: add headers to the scanners input'));
  });
});

describe('urls input in the tools plan', () => {
  it('reaches the plan step: a policy listing headers plans no tool with it, and a refused one plans all', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, '.chaingate.yml'), 'scanners: [headers]\n');
    const lines: string[] = [];
    expect(planFromEnv({ CHAINGATE_INPUT_WORKING_DIRECTORY: dir, CHAINGATE_INPUT_URLS: 'https://a.example.test/' }, (l) => lines.push(l))).toEqual([]);
    expect(lines).toEqual([]);
    // Without the input the gate will refuse the policy (exit 2, naming it): the plan installs everything.
    expect(planFromEnv({ CHAINGATE_INPUT_WORKING_DIRECTORY: dir }, (l) => lines.push(l))).toEqual([...INSTALLABLE]);
    expect(lines[0]).toContain('scanner headers needs at least one URL');
  });
});
