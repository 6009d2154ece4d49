// dist/ bundles the CycloneDX library with its SPDX module replaced by one that builds its tables
// on first use (scripts/lazy-cyclonedx-spdx.mjs): it must answer as the library's own does.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import { REPO, tmpDir } from '../helpers/paths';

type SpdxModule = typeof SPDX;

function bundled(): SpdxModule {
  const out = path.join(tmpDir('chaingate-spdx-'), 'spdx.js');
  // The plugin is an ES module of the build: esbuild runs in a Node process of its own, as in npm run build.
  const script = `import { build } from 'esbuild'; import { lazyCyclonedxSpdx } from './scripts/lazy-cyclonedx-spdx.mjs';
await build({ stdin: { contents: "export * from '@cyclonedx/cyclonedx-library/SPDX';", resolveDir: ${JSON.stringify(REPO)} }, bundle: true, platform: 'node', format: 'cjs', outfile: ${JSON.stringify(out)}, plugins: [lazyCyclonedxSpdx], logLevel: 'silent' });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(out) as SpdxModule;
}

describe('the SPDX module of the bundles', () => {
  const ids: string[] = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', '@cyclonedx', 'cyclonedx-library', 'res', 'schema', 'spdx.SNAPSHOT.schema.json'), 'utf8')).enum;
  let lazy: SpdxModule;
  beforeAll(() => {
    lazy = bundled();
  });

  it('is not the library file itself', () => {
    expect(lazy.isSupportedSpdxId).not.toBe(SPDX.isSupportedSpdxId);
    expect(lazy.isSupportedSpdxId.toString()).toContain('??=');
  });

  it('answers as the library for every id, in any case, and for what is no id', () => {
    expect(ids.length).toBeGreaterThan(500);
    const values: unknown[] = [...ids, ...ids.map((i) => i.toLowerCase()), ...ids.map((i) => i.toUpperCase()), ...ids.map((i) => `${i} `), 'MIT OR Apache-2.0', 'LicenseRef-x', '', ' ', 'mit', undefined, null, 42, {}];
    for (const v of values) {
      expect([v, lazy.isSupportedSpdxId(v as string)]).toEqual([v, SPDX.isSupportedSpdxId(v as string)]);
      expect([v, lazy.fixupSpdxId(v as string)]).toEqual([v, SPDX.fixupSpdxId(v as string)]);
    }
    expect(lazy.fixupSpdxId('apache-2.0')).toBe('Apache-2.0');
  });

  it('takes a name of Object.prototype for no id (the library returned its member)', () => {
    for (const v of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(lazy.fixupSpdxId(v)).toBeUndefined();
      expect(lazy.isSupportedSpdxId(v)).toBe(false);
    }
  });
});
