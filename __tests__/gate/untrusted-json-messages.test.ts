// JSON files chaingate reads besides reports (a baseline result, a gate result to sign or verify,
// the event payload, which holds the PR's title and body) are refused with a message that quotes
// none of their text: V8's JSON.parse message and zod's unknown-key message both would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEvent } from '../../src/action/pull-request';
import { loadBaselineFile } from '../../src/gate/baseline-file';
import { readGateResult } from '../../src/sign/cli-support';
import { tmpDir } from '../helpers/paths';

const CANARY = 'ghp_CanaryJson0123456789';
const dir = tmpDir('chaingate-json-messages-');

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
}

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

const notJson = `{"schemaVersion": 1,\n  ${CANARY}: true}`;
const unknownKey = `{"${CANARY}": 1}`;

describe('messages about JSON files quote none of their text', () => {
  it.each([
    ['a baseline that is not JSON', () => loadBaselineFile(write('b1.json', notJson)), /b1\.json:2:\d+: the baseline .*not JSON/],
    ['a baseline of the wrong shape', () => loadBaselineFile(write('b2.json', unknownKey)), /b2\.json: the baseline/],
    ['a gate result of the wrong shape', () => readGateResult(write('r.json', unknownKey)), /r\.json: not a chaingate result/],
    [
      'an event payload that is not JSON',
      () => readEvent({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: write('event.json', `{"pull_request": {"title": "x"}, ${CANARY}`) }),
      /event\.json:1:\d+: the event payload is not JSON/,
    ],
  ])('%s', (_, f, where) => {
    const m = messageOf(f);
    expect(m).toMatch(where);
    expect(m).not.toContain('Canary');
  });
});
