// One gate run parses each lockfile once: the audit, the license policy and the summary share it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cachedLockfileReader } from '../../src/gate/lockfile-cache';
import { LockfileError } from '../../src/errors';
import { readLockfile, type Lockfile } from '../../src/lockfiles';
import { cli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

function counting(read: (file: string, display: string) => Lockfile = readLockfile) {
  const calls: string[] = [];
  return { calls, read: (file: string, display: string) => (calls.push(display), read(file, display)) };
}

/** A project locking `strong` (GPL-3.0-only) and `weak` (MIT) at 1.0.0, with its package.json. */
function npmProject(): string {
  const d = tmpDir('chaingate-lockcache-');
  const licenses: Record<string, string> = { strong: 'GPL-3.0-only', weak: 'MIT' };
  const dependencies = Object.fromEntries(Object.keys(licenses).map((n) => [n, '^1.0.0']));
  const packages: Record<string, object> = { '': { name: 'app', version: '1.0.0', dependencies } };
  for (const [n, license] of Object.entries(licenses)) packages[`node_modules/${n}`] = { version: '1.0.0', resolved: `https://example.invalid/${n}-1.0.0.tgz`, license };
  fs.writeFileSync(path.join(d, 'package-lock.json'), JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  fs.writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies }));
  return d;
}

describe('cachedLockfileReader', () => {
  it('parses a real lockfile once and hands every caller the same model', () => {
    const c = counting();
    const read = cachedLockfileReader(c.read);
    const file = fixture('lockfiles-public', 'jest', 'yarn.lock');
    const first = read(file, 'yarn.lock');
    expect(first.packages.length).toBeGreaterThan(2000);
    expect(read(file, 'yarn.lock')).toBe(first);
    expect(c.calls).toEqual(['yarn.lock']);
    // Another display name is another lockfile as far as messages go.
    expect(read(file, 'jest/yarn.lock').path).toBe('jest/yarn.lock');
    expect(c.calls).toEqual(['yarn.lock', 'jest/yarn.lock']);
  });

  it('reads a lockfile again once it changed', () => {
    const d = npmProject();
    const c = counting();
    const read = cachedLockfileReader(c.read);
    const file = path.join(d, 'package-lock.json');
    expect(read(file, 'package-lock.json').packages.map((p) => p.name).sort()).toEqual(['strong', 'weak']);
    const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete lock.packages['node_modules/weak'];
    lock.packages[''].dependencies = { strong: '^1.0.0' };
    fs.writeFileSync(file, JSON.stringify(lock));
    expect(read(file, 'package-lock.json').packages.map((p) => p.name)).toEqual(['strong']);
    expect(c.calls).toHaveLength(2);
  });

  it('remembers a lockfile it could not read, and says so each time; a missing one is never cached', () => {
    const d = tmpDir('chaingate-lockcache-');
    const file = path.join(d, 'yarn.lock');
    fs.writeFileSync(file, 'this is: [not a lockfile\n');
    const c = counting();
    const read = cachedLockfileReader(c.read);
    expect(() => read(file, 'yarn.lock')).toThrow(LockfileError);
    expect(() => read(file, 'yarn.lock')).toThrow(LockfileError);
    expect(c.calls).toHaveLength(1);
    const missing = path.join(d, 'package-lock.json');
    expect(() => read(missing, 'package-lock.json')).toThrow(/cannot read the lockfile \(ENOENT\)/);
    expect(() => read(missing, 'package-lock.json')).toThrow(/cannot read the lockfile \(ENOENT\)/);
    expect(c.calls).toHaveLength(3);
  });
});

/** Runs `chaingate scan` in process; counts the reads of the project's package.json (one per lockfile parse). */
async function scanCountingManifestReads(d: string, args: string[]) {
  const out = path.join(tmpDir('chaingate-lockcache-out-'), 'out');
  const manifest = path.join(d, 'package.json');
  // The module object itself: the namespace import's properties cannot be redefined.
  const spy = jest.spyOn(jest.requireActual<typeof fs>('node:fs'), 'readFileSync');
  try {
    const r = await cli(['scan', d, ...args, '--output-dir', out]);
    const manifestReads = spy.mock.calls.filter(([f]) => typeof f === 'string' && path.resolve(f) === manifest).length;
    return { code: r.code, out, manifestReads, summary: fs.readFileSync(path.join(out, 'summary.md'), 'utf8') };
  } finally {
    spy.mockRestore();
  }
}

describe('the lockfiles of a scan', () => {
  it('are read once (with their manifest) for the audit, the license check and the summary', async () => {
    const d = npmProject();
    const osv = tmpDir('chaingate-lockcache-osv-');
    const advisory = { id: 'GHSA-test-strong', modified: '2026-01-01T00:00:00Z', summary: 'strong is weak', affected: [{ package: { ecosystem: 'npm', name: 'strong' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }] };
    fs.writeFileSync(path.join(osv, 'GHSA-test-strong.json'), JSON.stringify(advisory));
    fs.writeFileSync(path.join(d, '.chaingate.yml'), 'licenses:\n  deny: [GPL-3.0-only]\n  unknown: allow\n');
    const r = await scanCountingManifestReads(d, ['--scanners', 'audit', '--offline', '--osv-db', osv]);
    expect(r.code).toBe(1);
    const result = JSON.parse(fs.readFileSync(path.join(r.out, 'chaingate-result.json'), 'utf8'));
    expect(result.findings.map((f: { id: string; package?: { name: string } }) => `${f.id} ${f.package?.name}`).sort()).toEqual(['GHSA-test-strong strong', 'chaingate.license.denied strong']);
    // The summary's dependency chain and scanned lockfiles come from the same read.
    expect(r.summary).toContain('strong 1.0.0 ← package.json');
    expect(r.summary).toContain('package-lock.json');
    expect(r.manifestReads).toBe(1);
  });

  it('are read once with `--write-sbom` too: the SBOM reuses the audit\'s parse', async () => {
    const d = npmProject();
    const osv = tmpDir('chaingate-lockcache-osv-');
    const r = await scanCountingManifestReads(d, ['--scanners', 'audit', '--offline', '--osv-db', osv, '--write-sbom', '--mode', 'warn']);
    expect(r.code).toBe(0);
    const sbom = JSON.parse(fs.readFileSync(path.join(r.out, 'sbom.cdx.json'), 'utf8'));
    expect(sbom.components.map((c: { purl: string }) => c.purl).sort()).toEqual(['pkg:npm/strong@1.0.0', 'pkg:npm/weak@1.0.0']);
    // readManifest in the SBOM writer reads the root package.json for the document's own name: one
    // read more than without --write-sbom, none for a second parse of the lockfile.
    expect(r.manifestReads).toBe(2);
  });

  it('are not read at all when nothing in the run needs them (code findings only)', async () => {
    const report = fixture('semgrep', 'json-1.84.1-low-severity-custom-rule.json');
    const r = await scanCountingManifestReads(npmProject(), ['--scanners', 'none', '--report', `semgrep=${report}`, '--mode', 'warn']);
    expect(r.code).toBe(0);
    expect(r.summary).toContain('semgrep');
    expect(r.manifestReads).toBe(0);
  });
});
