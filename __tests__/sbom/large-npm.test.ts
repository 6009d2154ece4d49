// The component set of our SBOM against @cyclonedx/cyclonedx-npm's on a real 1,800-entry lockfile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { writeSbom } from '../../src/sbom';
import { REPO, tmpDir } from '../helpers/paths';
import { expectValidCycloneDx, layout, purls, type Cdx } from './helpers';

const CDX_NPM = path.join(REPO, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js');

/** purl -> purls it depends on, whatever the document's bom-refs are. */
function edges(doc: Cdx): Map<string, Set<string>> {
  const refToPurl = new Map<string, string>();
  const walk = (l: Cdx['components'] | undefined) => {
    for (const c of l ?? []) {
      if (c.purl) refToPurl.set(c['bom-ref'], c.purl);
      walk(c.components);
    }
  };
  walk(doc.components);
  const out = new Map<string, Set<string>>();
  for (const d of doc.dependencies) {
    const from = refToPurl.get(d.ref);
    if (!from) continue;
    const s = out.get(from) ?? new Set<string>();
    for (const r of d.dependsOn ?? []) {
      const p = refToPurl.get(r);
      if (p && p !== from) s.add(p);
    }
    out.set(from, s);
  }
  return out;
}

describe('a real lockfile with 1,800+ entries (npm-large)', () => {
  const dir = tmpDir('chaingate-sbom-large-');
  let ours: Cdx;
  let theirs: Cdx;

  beforeAll(async () => {
    layout(dir, { '.': 'npm-large' });
    const r = await writeSbom(dir, { output: path.join(dir, 'ours.cdx.json'), env: { SOURCE_DATE_EPOCH: '1700000000' } });
    const text = fs.readFileSync(r.file, 'utf8');
    await expectValidCycloneDx(text);
    ours = JSON.parse(text) as Cdx;
    // npm ls (which cyclonedx-npm runs) reads only the lockfile here; offline, so it cannot fetch.
    const run = await runTool(
      process.execPath,
      [CDX_NPM, '--package-lock-only', '--ignore-npm-errors', '--spec-version', '1.6', '--output-file', path.join(dir, 'theirs.cdx.json')],
      { cwd: dir, env: { ...process.env, npm_config_offline: 'true' }, timeoutMs: 180_000 },
    );
    if (run.exitCode !== 0) throw new Error(`cyclonedx-npm failed (${run.exitCode}): ${run.stderr.slice(-2000)}`);
    theirs = JSON.parse(fs.readFileSync(path.join(dir, 'theirs.cdx.json'), 'utf8')) as Cdx;
  }, 240_000);

  it('has more than 1,500 components', () => {
    expect(purls(ours).size).toBeGreaterThan(1500);
  });

  it('has exactly the components (purl with version) cyclonedx-npm finds', () => {
    const a = purls(ours);
    const b = purls(theirs);
    expect([...a].filter((x) => !b.has(x))).toEqual([]);
    expect([...b].filter((x) => !a.has(x))).toEqual([]);
  });

  it('has the dependency edges cyclonedx-npm finds', () => {
    // cyclonedx-npm nests a package once per install path; edges are compared by purl.
    const a = edges(ours);
    const b = edges(theirs);
    const missing: string[] = [];
    for (const [from, tos] of b) for (const to of tos) if (!a.get(from)?.has(to)) missing.push(`${from} -> ${to}`);
    expect(missing).toEqual([]);
    let extra = 0;
    for (const [from, tos] of a) for (const to of tos) if (!b.get(from)?.has(to)) extra++;
    expect(extra).toBe(0);
  });
});
