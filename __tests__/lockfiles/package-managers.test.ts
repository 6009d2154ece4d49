// Our SBOM's components and dependency edges against the package managers' own reading of the
// same public lockfiles (in place, under ../shared/fixtures/lockfiles-public).
import * as path from 'node:path';
import { writeSbom } from '../../src/sbom';
import { diff, edgesOutside, npmLsGraph, sbomGraph } from '../helpers/package-managers';
import type { Cdx } from '../sbom/helpers';

const PUBLIC = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'lockfiles-public');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

async function ours(dir: string): Promise<Cdx> {
  const r = await writeSbom(dir, { output: '-', env: EPOCH });
  return JSON.parse(r.text as string) as Cdx;
}

describe('npm: the same graph as `npm ls --package-lock-only --all`', () => {
  it.each(['nodegoat', 'dvna', 'npm-appium', 'npm-theia', 'npm-overleaf', 'npm-overleaf-2025'])(
    '%s',
    async (name) => {
      const dir = path.join(PUBLIC, name);
      const npm = npmLsGraph(dir);
      const g = sbomGraph(await ours(dir));
      expect(diff(g.components, npm.components)).toEqual({ missing: [], extra: [] });
      expect(diff(edgesOutside(g.edges, npm.unverifiable), edgesOutside(npm.edges, npm.unverifiable))).toEqual({ missing: [], extra: [] });
    },
    120_000,
  );
});
