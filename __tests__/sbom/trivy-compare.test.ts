// yarn and pnpm lockfiles of a real project: our component set against the pinned Trivy's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { writeSbom } from '../../src/sbom';
import { tmpDir, toolBin } from '../helpers/paths';
import { layout, purls, type Cdx } from './helpers';

async function trivyPurls(dir: string, cache: string): Promise<Set<string>> {
  const out = path.join(cache, `${path.basename(dir)}.cdx.json`);
  const r = await runTool(
    toolBin('trivy'),
    ['fs', '--format', 'cyclonedx', '--output', out, '--cache-dir', cache, '--offline-scan', '--skip-db-update', '--skip-java-db-update',
      '--skip-check-update', '--skip-version-check', '--disable-telemetry', '--no-progress', '--quiet', '--include-dev-deps', dir],
    { timeoutMs: 120_000 },
  );
  if (r.exitCode !== 0) throw new Error(`trivy failed: ${r.stderr}`);
  return purls(JSON.parse(fs.readFileSync(out, 'utf8')) as Cdx);
}

describe.each(['yarn1', 'berry', 'pnpm9'])('%s', (fixture) => {
  it('has the packages Trivy finds (Trivy also lists the project itself)', async () => {
    const root = tmpDir();
    layout(root, { [fixture]: fixture });
    const dir = path.join(root, fixture);
    const theirs = await trivyPurls(dir, root);
    const r = await writeSbom(dir, { output: '-', env: { SOURCE_DATE_EPOCH: '1' } });
    const ours = purls(JSON.parse(r.text as string) as Cdx);
    // We describe the project as the metadata component (no purl); Trivy as one more component.
    theirs.delete('pkg:npm/lock-small@1.2.3');
    expect([...theirs].filter((x) => !ours.has(x))).toEqual([]);
    expect([...ours].filter((x) => !theirs.has(x))).toEqual([]);
    expect(ours.size).toBeGreaterThan(140);
  }, 120_000);
});
