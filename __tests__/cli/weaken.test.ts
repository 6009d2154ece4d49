// Projects whose own policy tries to switch the gate off (../shared/fixtures/hostile/weaken),
// through the CLI in process: each is refused (exit 2) or incomplete/failing, never a pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

describe('a policy that tries to switch the gate off', () => {
  it('a tool path into the scanned tree is refused before anything runs (fake-tool-repo)', async () => {
    const dir = fixture('hostile', 'weaken', 'fake-tool-repo');
    const out = path.join(tmpDir('chaingate-weaken-'), 'out');
    const r = await cli(['scan', dir, '--output-dir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, '.chaingate.yml')}:4:`);
    expect(r.stderr).toContain('tools.trivy.path "scripts/trivy" is inside the repository being scanned');
    expect(r.stderr).not.toMatch(/arbitrary code/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('scanners: [] without a report is incomplete, saying nothing was scanned (empty-scanners)', async () => {
    const out = path.join(tmpDir('chaingate-weaken-'), 'out');
    const r = await cli(['scan', fixture('hostile', 'weaken', 'empty-scanners'), '--output-dir', out]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^chaingate: INCOMPLETE\n {2}- nothing was scanned: no scanner ran and no report was read/);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.verdict).toBe('incomplete');
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('nothing was scanned');
  });

  it('--scanners none without --report is incomplete too', async () => {
    const dir = tmpDir('chaingate-weaken-');
    const r = await cli(['scan', dir, '--scanners', 'none', '--output-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('nothing was scanned');
  });
});
