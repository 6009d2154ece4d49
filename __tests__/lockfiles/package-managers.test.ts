// Our SBOM's components and dependency edges against the package managers' own reading of the
// same public lockfiles (in place, under ../shared/fixtures/lockfiles-public).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSbom } from '../../src/sbom';
import { diff, edgesOutside, npmLsGraph, pnpmListGraph, pnpmPeerVariants, reachableFromRoot, sbomGraph, toolPath, withoutOtherVariants, withWorkspaceNames, yarnInfoGraph, yarnListGraph } from '../helpers/package-managers';
import type { Cdx } from '../sbom/helpers';
import { FIXTURES } from '../helpers/paths';

const PUBLIC = path.join(FIXTURES, 'lockfiles-public');
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

const workspaces = (doc: Cdx) =>
  new Set(doc.components.filter((c) => (c as { properties?: { name: string }[] }).properties?.some((p) => p.name === 'chaingate:workspace')).map((c) => c.purl as string));

const pnpm = toolPath('pnpm');
(pnpm ? describe : describe.skip)('pnpm: the same graph as `pnpm list --lockfile-only` (pinned pnpm)', () => {
  // The pinned pnpm 10 reads lockfileVersion 9.0 only: it fails on 5.x, and on 6.0 lists the
  // root's own dependencies without their subtrees.
  it.each(['vuecore', 'pnpm9-vue', 'pnpm9-nodejsorg'])(
    '%s',
    async (name) => {
      const dir = path.join(PUBLIC, name);
      const theirs = pnpmListGraph(dir, pnpm as string);
      const doc = await ours(dir);
      const variants = pnpmPeerVariants(fs.readFileSync(path.join(dir, 'pnpm-lock.yaml'), 'utf8'));
      const g = withoutOtherVariants(reachableFromRoot(sbomGraph(doc), workspaces(doc)), theirs, variants);
      expect(diff(g.edges, theirs.edges)).toEqual({ missing: [], extra: [] });
      expect(diff(g.components, theirs.components)).toEqual({ missing: [], extra: [] });
    },
    120_000,
  );
});

const yarnBerry = toolPath('yarn-berry');
(yarnBerry ? describe : describe.skip)('yarn berry: the same graph as `yarn info --all --recursive` (pinned yarn 4)', () => {
  // yarn 4 does not read the older jest-2021/2022 lockfiles (__metadata 4 and 6) without
  // resolving them again ("doesn't seem to be present in your lockfile").
  it.each(['jest', 'berry-overleaf'])(
    '%s',
    async (name) => {
      const dir = path.join(PUBLIC, name);
      const theirs = yarnInfoGraph(dir, yarnBerry as string);
      const g = withWorkspaceNames(await ours(dir), theirs);
      expect(diff(g.edges, theirs.edges)).toEqual({ missing: [], extra: [] });
      expect(diff(g.components, theirs.components)).toEqual({ missing: [], extra: [] });
    },
    120_000,
  );
});

const yarn1 = toolPath('yarn');
(yarn1 ? describe : describe.skip)('yarn classic: the same graph as `yarn list` (pinned yarn 1)', () => {
  // yarn 1 cannot list gophish's and jest-2020's lockfiles offline (it wants entries their
  // package.json no longer matches, "Couldn't find any versions ... in our cache").
  it.each(['hyper', 'yarn1-webpack'])(
    '%s',
    async (name) => {
      const dir = path.join(PUBLIC, name);
      const theirs = yarnListGraph(dir, yarn1 as string);
      const g = sbomGraph(await ours(dir));
      expect(diff(g.components, theirs.components)).toEqual({ missing: [], extra: [] });
      // yarn's tree states part of the edges (those to hoisted copies): every one is ours.
      expect(theirs.edges.size).toBeGreaterThan(500);
      expect(diff(g.edges, theirs.edges).missing).toEqual([]);
    },
    120_000,
  );
});
