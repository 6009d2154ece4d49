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
    expect(r.stderr).toContain('tools.trivy.path is inside the repository being scanned');
    expect(r.stderr).not.toMatch(/arbitrary code/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('the same in block style, for every tool, and in verify', async () => {
    const dir = tmpDir('chaingate-weaken-');
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'cosign'), '#!/bin/sh\necho ran >&2\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, '.chaingate.yml'), 'version: 1\ntools:\n  semgrep:\n    path: /usr/local/bin/semgrep\n  cosign:\n    path: bin/cosign\n');
    const r = await cli(['scan', dir, '--scanners', 'none', '--output-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, '.chaingate.yml')}:6: tools.cosign.path is inside the repository being scanned`);
    const saved = process.cwd();
    process.chdir(dir);
    try {
      const v = await cli(['verify', '--image', 'registry.invalid/app@sha256:' + 'a'.repeat(64), '--config', '.chaingate.yml']);
      expect(v.code).toBe(2);
      expect(v.stderr).toContain('tools.cosign.path is inside the repository being scanned');
      expect(v.stderr).not.toContain('ran');
    } finally {
      process.chdir(saved);
    }
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

  describe('a VEX document under max-active: 0 cannot suppress the findings (vex-bypass)', () => {
    const axios = `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`;
    const vexFile = fixture('hostile', 'weaken', 'vex-bypass', 'vex.json');

    it('as given: its statements are older than max-days 1, so they suppress nothing and are listed as expired', async () => {
      const out = path.join(tmpDir('chaingate-weaken-'), 'out');
      const r = await cli(['scan', fixture('hostile', 'weaken', 'vex-bypass'), '--scanners', 'none', '--report', axios, '--output-dir', out]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/4 VEX statements older than exceptions\.max-days \([1-4] still matching findings\)/);
      const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
      expect(result.findings.filter((f: { vex?: unknown }) => f.vex)).toEqual([]);
      expect(result.exceptions.vex).toHaveLength(4);
      expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toContain('### VEX statements (4)');
    });

    it('without max-days: each statement counts toward max-active 0, and the gate fails', async () => {
      const dir = tmpDir('chaingate-weaken-');
      fs.writeFileSync(path.join(dir, '.chaingate.yml'), `exceptions:\n  max-active: 0\n  vex: [${JSON.stringify(vexFile)}]\n`);
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', axios, '--output-dir', path.join(dir, 'out')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('4 active exceptions (4 VEX statements among them), more than exceptions.max-active 0');
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'chaingate-result.json'), 'utf8'));
      expect(result.exceptions.active).toBe(4);
    });

    it('under max-days a statement without a timestamp is a configuration error at its line', async () => {
      const dir = tmpDir('chaingate-weaken-');
      const doc = { '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'GHSA-cph5-m8f7-6c5x' }, products: ['pkg:npm/axios'], status: 'not_affected' }] };
      fs.writeFileSync(path.join(dir, 'vex.json'), JSON.stringify(doc, null, 2));
      fs.writeFileSync(path.join(dir, '.chaingate.yml'), 'exceptions:\n  max-days: 30\n  vex: [vex.json]\n');
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', axios, '--output-dir', path.join(dir, 'out')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${path.join(dir, 'vex.json')}:4: VEX statement 1 has no timestamp (nor has its document), so exceptions.max-days cannot be applied to it`);
    });
  });
});
