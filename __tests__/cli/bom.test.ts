// A UTF-8 byte order mark (Windows editors and tools write one) is not content, in any file
// chaingate reads: config files, reports, lockfiles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLockfile } from '../../src/lockfiles/discover';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

const BOM = '\ufeff';

describe('a UTF-8 BOM', () => {
  const dir = tmpDir('chaingate-bom-');
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('does not hide a report: it is read, not "unexpected token"', async () => {
    const report = write('audit.json', BOM + fs.readFileSync(fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json'), 'utf8'));
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${report}`, '--output-dir', path.join(dir, 'out')]);
    expect(r.stdout).not.toMatch(/Unexpected token/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^chaingate: FAIL/);
  });

  it('does not hide the first pin of a requirements file or break a package-lock', () => {
    const req = readLockfile(write('requirements.txt', `${BOM}Jinja2==3.1.3\nrequests==2.30.0\n`));
    expect(req.packages.map((p) => p.name)).toEqual(['jinja2', 'requests']);
    const lock = readLockfile(write('package-lock.json', BOM + fs.readFileSync(fixture('hostile', 'weaken', 'empty-scanners', 'package-lock.json'), 'utf8')));
    expect(lock.packages.map((p) => p.name)).toContain('lodash');
  });

  it('does not change a config file', async () => {
    write('.chaingate.yml', `${BOM}version: 1\nfail-on:\n  vulnerability: none\n`);
    const report = fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json');
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${report}`, '--output-dir', path.join(dir, 'out2')]);
    expect(r.code).toBe(0);
  });
});
