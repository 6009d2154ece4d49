// Step outputs of `chaingate sign` / `verify` in a workflow: the runner's multi-line form with a
// random delimiter, so a value with a line break (a file named by the pull request) cannot add an
// output; an unwritable GITHUB_OUTPUT is a warning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setStepOutputs, warnTo } from '../../src/sign/cli-support';
import { tmpDir } from '../helpers/paths';

/** Reads GITHUB_OUTPUT the way the runner does: name<<DELIM, lines, DELIM; or name=value. */
function runnerRead(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const end = lines.indexOf(m[2], i + 1);
      out[m[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
  }
  return out;
}

describe('setStepOutputs', () => {
  it('keeps a value with line breaks one output', () => {
    const file = path.join(tmpDir(), 'github_output');
    fs.writeFileSync(file, '');
    const bundle = 'dist/x\nverified=true\ndigest=sha256:evil.sigstore.json';
    setStepOutputs({ GITHUB_OUTPUT: file }, { bundle, 'blob-sha256': 'ab' }, () => undefined);
    expect(runnerRead(fs.readFileSync(file, 'utf8'))).toEqual({ bundle, 'blob-sha256': 'ab' });
    const delimiters = [...fs.readFileSync(file, 'utf8').matchAll(/<<(ghadelimiter_[0-9a-f-]{36})$/gm)].map((m) => m[1]);
    expect(new Set(delimiters).size).toBe(1);
  });

  it('warns instead of failing when GITHUB_OUTPUT cannot be written, and does nothing without it', () => {
    const warnings: string[] = [];
    setStepOutputs({ GITHUB_OUTPUT: tmpDir() }, { verified: 'true' }, (m) => warnings.push(m));
    expect(warnings).toEqual(['could not write the step outputs (GITHUB_OUTPUT): EISDIR']);
    setStepOutputs({}, { verified: 'true' }, () => warnings.push('x'));
    expect(warnings).toHaveLength(1);
    let stderr = '';
    warnTo({ stderr: (t) => (stderr += t) })('a\n::warning::b');
    expect(stderr).toBe('chaingate: warning: a%0A::warning::b\n');
  });
});
