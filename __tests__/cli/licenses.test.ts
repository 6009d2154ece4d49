// `chaingate scan` with a `licenses:` policy, end to end in process on package-lock v3 files:
// a real one (appium's, from the shared fixtures, read in place) and a small one written here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

const readJson = (p: string) => JSON.parse(fs.readFileSync(p, 'utf8'));

/** A project whose package-lock v3 locks three packages with the given licenses (undefined: none recorded). */
function project(policy: string, exceptions?: string): string {
  const d = tmpDir('chaingate-licenses-');
  const entry = (name: string, license?: string) => ({ version: '1.0.0', resolved: `https://example.invalid/${name}-1.0.0.tgz`, ...(license ? { license } : {}) });
  const lock = {
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'app', version: '1.0.0', dependencies: { dual: '^1.0.0', strong: '^1.0.0', bare: '^1.0.0' } },
      'node_modules/dual': entry('dual', 'MIT OR GPL-3.0-only'),
      'node_modules/strong': entry('strong', 'MIT AND GPL-3.0-only'),
      'node_modules/bare': entry('bare'),
    },
  };
  fs.writeFileSync(path.join(d, 'package-lock.json'), JSON.stringify(lock, null, 2));
  fs.writeFileSync(path.join(d, '.chaingate.yml'), policy);
  if (exceptions) fs.writeFileSync(path.join(d, '.chaingate-exceptions.yml'), exceptions);
  return d;
}

async function scan(dir: string) {
  const out = path.join(dir, 'out');
  const r = await cli(['scan', dir, '--scanners', 'none', '--output-dir', out]);
  return { ...r, result: fs.existsSync(path.join(out, 'chaingate-result.json')) ? readJson(path.join(out, 'chaingate-result.json')) : undefined };
}

const blockingIds = (result: { findings: { id: string; blocking: boolean; package?: { purl?: string } }[] }) =>
  result.findings.filter((f) => f.blocking).map((f) => `${f.id} ${f.package?.purl}`);

describe('chaingate scan with a license policy', () => {
  it('fails (exit 1) on a denied license in an AND, and passes the OR that offers MIT', async () => {
    const r = await scan(project('licenses:\n  deny: [GPL-3.0-only]\n  unknown: allow\n'));
    expect(r.code).toBe(1);
    expect(blockingIds(r.result)).toEqual(['chaingate.license.denied pkg:npm/strong@1.0.0']);
    expect(r.result.scanners).toEqual([expect.objectContaining({ name: 'licenses', status: 'ok', notes: ['3 packages of package-lock.json checked'] })]);
  });

  it('passes (exit 0) with an allow list when every package has an allowed alternative', async () => {
    const r = await scan(project('licenses:\n  allow: [MIT, GPL-3.0-only]\n'));
    expect(r.code).toBe(0);
    // The package without a license is reported, not blocking (unknown: warn).
    expect(r.result.findings.map((f: { id: string; blocking: boolean }) => [f.id, f.blocking])).toEqual([['chaingate.license.unknown', false]]);
  });

  it('fails (exit 1) on a missing license with unknown: block', async () => {
    const r = await scan(project('licenses:\n  allow: [MIT, GPL-3.0-only]\n  unknown: block\n'));
    expect(r.code).toBe(1);
    expect(blockingIds(r.result)).toEqual(['chaingate.license.unknown pkg:npm/bare@1.0.0']);
  });

  it('passes (exit 0) when an exception names the package', async () => {
    const r = await scan(
      project(
        'licenses:\n  deny: [GPL-3.0-only]\n  unknown: allow\n',
        'exceptions:\n  - id: chaingate.license.denied\n    package: pkg:npm/strong\n    kind: license\n    reason: linked only in the test harness, never shipped\n    expires: 2027-01-31\n',
      ),
    );
    expect(r.code).toBe(0);
    expect(r.result.summary.suppressed).toBe(1);
  });

  it('refuses (exit 2) an allow or deny entry that is not an SPDX id, naming the file and line', async () => {
    const dir = project('licenses:\n  allow:\n    - MIT\n    - mit-license\n');
    const r = await scan(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, '.chaingate.yml')}:4`);
    expect(r.stderr).toContain('"mit-license" is not an SPDX license id');
  });

  it('is incomplete (exit 3) when a lockfile cannot be read', async () => {
    const dir = project('licenses:\n  deny: [GPL-3.0-only]\n');
    fs.writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion": 3, "packages": ');
    const r = await scan(dir);
    expect(r.code).toBe(3);
    expect(r.result.scanners).toEqual([expect.objectContaining({ name: 'licenses', status: 'failed', error: expect.stringContaining('package-lock.json') })]);
  });

  it('judges a CycloneDX SBOM given with --sbom instead of the lockfiles, and is incomplete when it cannot be read', async () => {
    const dir = project('licenses:\n  allow: [MIT]\n  unknown: block\n');
    const sbom = path.join(dir, 'bom.cdx.json');
    const component = (name: string, licenses: unknown[]) => ({ type: 'library', name, version: '2.0.0', purl: `pkg:npm/${name}@2.0.0`, licenses });
    fs.writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [component('ok', [{ license: { id: 'MIT' } }]), component('either', [{ expression: 'MIT OR GPL-3.0-only' }]), component('both', [{ expression: 'MIT AND GPL-3.0-only' }])],
      }),
    );
    const out = path.join(dir, 'out');
    const r = await cli(['scan', dir, '--scanners', 'none', '--sbom', sbom, '--output-dir', out]);
    expect(r.code).toBe(1);
    // Only the SBOM's packages: the lockfile's bare package (no license, unknown: block) is not read.
    expect(blockingIds(readJson(path.join(out, 'chaingate-result.json')))).toEqual(['chaingate.license.not-allowed pkg:npm/both@2.0.0']);
    const missing = await cli(['scan', dir, '--scanners', 'none', '--sbom', path.join(dir, 'nope.json'), '--output-dir', out]);
    expect(missing.code).toBe(3);
    expect(readJson(path.join(out, 'chaingate-result.json')).scanners[0]).toMatchObject({ name: 'licenses', status: 'failed', error: expect.stringContaining('nope.json: cannot read the SBOM (ENOENT)') });
  });

  it('judges the real appium package-lock v3: LGPL denied, an OR with a denied CC0 passes', async () => {
    const dir = fixture('lockfiles-public', 'npm-appium');
    const out = path.join(tmpDir('chaingate-licenses-'), 'out');
    const policy = path.join(path.dirname(out), 'policy.yml');
    fs.writeFileSync(policy, 'licenses:\n  deny: [LGPL-3.0-or-later, CC0-1.0]\n  unknown: allow\n');
    const r = await cli(['scan', dir, '--config', policy, '--scanners', 'none', '--output-dir', out]);
    expect(r.code).toBe(1);
    const result = readJson(path.join(out, 'chaingate-result.json'));
    const denied = result.findings.filter((f: { id: string }) => f.id === 'chaingate.license.denied');
    // 10 entries say LGPL-3.0-or-later, 3 "Apache-2.0 AND LGPL-3.0-or-later", 2 (spdx-license-ids)
    // CC0-1.0 alone: denied. The 19 "(MIT OR CC0-1.0)" offer MIT and pass.
    expect(denied.every((f: { blocking: boolean }) => f.blocking)).toBe(true);
    const licenses = new Set(denied.map((f: { title: string }) => /^License (\S+) of /.exec(f.title)?.[1]));
    expect([...licenses].sort()).toEqual(['CC0-1.0', 'LGPL-3.0-or-later']);
    expect(denied.find((f: { package: { name: string } }) => f.package.name === 'spdx-license-ids')).toBeDefined();
    expect(result.findings.some((f: { description?: string }) => f.description?.includes(' OR '))).toBe(false);
    expect(denied.some((f: { description?: string }) => f.description === 'License expression: Apache-2.0 AND LGPL-3.0-or-later')).toBe(true);
  });
});
