// The package managers' own view of a lockfile (npm ls, pnpm list, yarn info), as component and
// edge sets to compare with an SBOM's. Tests read the public lockfiles in place and run the real
// tools on them: nothing here is a golden written by hand.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmPurl } from '../../src/lockfiles/util';
import type { Cdx } from '../sbom/helpers';

/** `from -> to` edges by purl; the project itself is `root`. */
export interface Graph {
  components: Set<string>;
  edges: Set<string>;
}

export const TOOLS_BIN = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');

export function toolPath(name: string): string | undefined {
  const p = path.join(TOOLS_BIN, name);
  return fs.existsSync(p) ? p : undefined;
}

/** The SBOM's graph: every component purl, and every dependsOn edge (metadata component = root). */
export function sbomGraph(doc: Cdx, rootRef = doc.metadata.component['bom-ref']): Graph {
  const refToPurl = new Map<string, string>([[rootRef, 'root']]);
  const components = new Set<string>();
  for (const c of doc.components) {
    if (!c.purl) continue;
    refToPurl.set(c['bom-ref'], c.purl);
    components.add(c.purl);
  }
  const edges = new Set<string>();
  for (const d of doc.dependencies) {
    const from = refToPurl.get(d.ref);
    if (!from) continue;
    for (const t of d.dependsOn ?? []) {
      const to = refToPurl.get(t);
      if (to) edges.add(`${from} -> ${to}`);
    }
  }
  return { components, edges };
}

interface LsNode {
  version?: string;
  resolved?: string;
  missing?: boolean;
  extraneous?: boolean;
  dependencies?: Record<string, LsNode>;
}

/**
 * `npm ls --package-lock-only --all --json` in `dir`. npm prints the tree by folder name, so an
 * alias (`string-width-cjs` installing string-width) is named back from the lockfile's own `name`.
 *
 * npm reads a workspace's dependencies from its package.json on disk, and the fixtures keep only
 * some of them: a workspace without one is absent from `npm ls`, and what only it needs is
 * "extraneous", printed with its folder's children instead of its declared edges. `unverifiable`
 * names those nodes; the comparison leaves out their edges (and the root's edges to them). Any
 * extraneous entry is shown under the folder it sits in, which is not a dependency edge.
 */
export function npmLsGraph(dir: string): Graph & { unverifiable: Set<string> } {
  let out: string;
  try {
    out = execFileSync('npm', ['ls', '--package-lock-only', '--all', '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    // ELSPROBLEMS (exit 1: missing optional dependencies, extraneous entries) still prints the tree.
    out = (e as { stdout: string }).stdout;
  }
  const tree = JSON.parse(out) as LsNode;
  type V1 = Record<string, { version?: string; dependencies?: V1 }>;
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { name?: string; version?: string }>;
    dependencies?: V1;
  };
  const realName = new Map<string, string>();
  const unverifiable = new Set<string>();
  const versionless = new Set<string>();
  const packages = lock.packages ?? {};
  for (const [k, v] of Object.entries(packages)) {
    const folder = k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (k.includes('node_modules/') && v.name && v.name !== folder) realName.set(`${folder}@${v.version}`, v.name);
    const link = v as { link?: boolean; resolved?: string };
    if (link.link && link.resolved && !k.includes('/node_modules/')) {
      const target = packages[link.resolved] ?? {};
      if (!target.version) versionless.add(folder);
      if (!fs.existsSync(path.join(dir, link.resolved, 'package.json'))) unverifiable.add(npmPurl(target.name ?? folder, target.version ?? ''));
    }
  }
  const v1 = (deps: V1 | undefined) => {
    for (const [folder, e] of Object.entries(deps ?? {})) {
      const alias = /^npm:(@?[^@]+)@(.+)$/.exec(e.version ?? '');
      if (alias) realName.set(`${folder}@${alias[2]}`, alias[1]);
      v1(e.dependencies);
    }
  };
  if (!lock.packages) v1(lock.dependencies);
  const components = new Set<string>();
  const edges = new Set<string>();
  const walk = (from: string, deps: Record<string, LsNode> | undefined) => {
    for (const [folder, n] of Object.entries(deps ?? {})) {
      // `{}` is an optional peer dependency nothing installs, or a link to a workspace without a version.
      if (n.missing || (n.version === undefined && !n.resolved && !versionless.has(folder))) continue;
      const purl = npmPurl(realName.get(`${folder}@${n.version}`) ?? folder, n.version ?? '');
      components.add(purl);
      // An extraneous entry is printed under the folder it sits in, not because anything needs it.
      if (n.extraneous) unverifiable.add(purl);
      else edges.add(`${from} -> ${purl}`);
      walk(purl, n.dependencies);
    }
  };
  walk('root', tree.dependencies);
  return { components, edges, unverifiable };
}

/** Edges that do not start at (nor go from the root to) one of `skip`. */
export function edgesOutside(edges: Set<string>, skip: Set<string>): Set<string> {
  return new Set(
    [...edges].filter((e) => {
      const [from, to] = e.split(' -> ');
      return !skip.has(from) && !(from === 'root' && skip.has(to));
    }),
  );
}

/** Edges in one graph and not the other, for readable failures. */
export function diff(ours: Set<string>, theirs: Set<string>): { missing: string[]; extra: string[] } {
  return { missing: [...theirs].filter((e) => !ours.has(e)).sort(), extra: [...ours].filter((e) => !theirs.has(e)).sort() };
}
