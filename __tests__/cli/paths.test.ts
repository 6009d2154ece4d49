// One rule for paths: those given as options (--config, --exceptions, --vex, --report) are
// relative to the current directory; those written in a config file to that file's folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('relative paths', () => {
  const top = tmpDir('chaingate-paths-');
  const project = path.join(top, 'project');
  const cwd = path.join(top, 'cwd');
  // A decoy policy in the project under the same name: it must not be the one read.
  write(path.join(project, 'policies', 'strict.yml'), 'fail-on: {vulnerability: info}\n');
  write(path.join(cwd, 'policies', 'strict.yml'), 'fail-on: {vulnerability: none}\nexceptions:\n  file: ../ex/accepted.yml\n');
  write(path.join(cwd, 'ex', 'accepted.yml'), 'exceptions:\n  - id: GHSA-cph5-m8f7-6c5x\n    reason: r\n    expires: 2027-01-31\n');
  write(path.join(cwd, 'other.yml'), 'exceptions:\n  - id: GHSA-4w2v-q235-vp99\n    reason: r\n    expires: 2027-01-31\n');
  fs.copyFileSync(fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json'), path.join(cwd, 'audit.json'));
  const saved = process.cwd();
  beforeEach(() => process.chdir(cwd));
  afterEach(() => process.chdir(saved));

  it('--config, --report and --exceptions are read from the current directory, not from DIR', async () => {
    const out = path.join(top, 'out1');
    const r = await cli(['scan', project, '--config', 'policies/strict.yml', '--scanners', 'none', '--report', 'npm-audit=audit.json', '--output-dir', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.inputs.policy.path).toBe(path.relative(project, path.join(cwd, 'policies', 'strict.yml')));
    // exceptions.file is written in the policy: relative to the policy file.
    expect(result.exceptions.applied.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['GHSA-cph5-m8f7-6c5x']);
    const r2 = await cli(['scan', project, '--config', 'policies/strict.yml', '--exceptions', 'other.yml', '--scanners', 'none', '--report', 'npm-audit=audit.json', '--output-dir', out]);
    expect(r2.code).toBe(0);
    const result2 = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result2.exceptions.applied.map((e: { entry: { id: string } }) => e.entry.id)).toEqual(['GHSA-4w2v-q235-vp99']);
  });

  it('the default policy is DIR/.chaingate.yml', async () => {
    write(path.join(project, '.chaingate.yml'), 'fail-on: {vulnerability: info}\n');
    const r = await cli(['scan', project, '--scanners', 'none', '--report', 'npm-audit=audit.json', '--output-dir', path.join(top, 'out2')]);
    expect(r.code).toBe(1);
    fs.rmSync(path.join(project, '.chaingate.yml'));
  });

  it('the help says so', async () => {
    const r = await cli(['scan', '--help']);
    expect(r.stdout).toContain('Paths given as options are relative to the current directory; paths written in the policy');
  });
});
