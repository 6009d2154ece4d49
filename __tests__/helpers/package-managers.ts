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

interface PnpmNode {
  from?: string;
  version?: string;
  dependencies?: Record<string, PnpmNode>;
  devDependencies?: Record<string, PnpmNode>;
  optionalDependencies?: Record<string, PnpmNode>;
}

/**
 * `pnpm list --lockfile-only --json --depth Infinity` (the pinned pnpm) in `dir`: the root
 * project's graph. Without the repository's pnpm-workspace.yaml pnpm lists the root importer only;
 * `link:` entries (workspaces) are not packages. A deduped node's children are printed where it
 * first appears, so the union over the tree is the whole graph.
 */
export function pnpmListGraph(dir: string, pnpm: string): Graph {
  const out = execFileSync(pnpm, ['list', '--lockfile-only', '--json', '--depth', 'Infinity'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    // The fixture's packageManager field must not make pnpm fetch another pnpm.
    env: { ...process.env, npm_config_manage_package_manager_versions: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [project] = JSON.parse(out) as PnpmNode[];
  const components = new Set<string>();
  const edges = new Set<string>();
  const walk = (from: string, n: PnpmNode) => {
    for (const section of [n.dependencies, n.devDependencies, n.optionalDependencies]) {
      for (const [key, child] of Object.entries(section ?? {})) {
        if (!child.version || child.version.startsWith('link:')) continue;
        const purl = npmPurl(child.from ?? key, child.version.replace(/\(.*$/, ''));
        components.add(purl);
        edges.add(`${from} -> ${purl}`);
        walk(purl, child);
      }
    }
  };
  walk('root', project);
  return { components, edges };
}

/** The part of a graph the root reaches without going through a workspace (`skip`). */
export function reachableFromRoot(g: Graph, skip: Set<string>): Graph {
  const out = new Map<string, string[]>();
  for (const e of g.edges) {
    const [from, to] = e.split(' -> ');
    if (!skip.has(to)) out.set(from, [...(out.get(from) ?? []), to]);
  }
  const seen = new Set<string>();
  const stack = ['root'];
  while (stack.length) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(out.get(n) ?? []));
  }
  seen.delete('root');
  return { components: seen, edges: new Set([...g.edges].filter((e) => seen.has(e.split(' -> ')[1]) && (e.startsWith('root -> ') || seen.has(e.split(' -> ')[0])))) };
}

/**
 * purls locked more than once in a pnpm 9 lockfile (one snapshot per set of peers). A component is
 * one purl, so its edges are the union over its snapshots, while `pnpm list` shows the snapshot
 * the root reaches: edges that differ from pnpm's may only start at these.
 */
export function pnpmPeerVariants(lockText: string): Set<string> {
  const start = lockText.indexOf('\nsnapshots:\n');
  const count = new Map<string, number>();
  for (const m of lockText.slice(start).matchAll(/^ {2}'?((?:@[^@/\s]+\/)?[^@\s(']+)@([^(\s':]+)[(':]/gm)) {
    const purl = npmPurl(m[1], m[2]);
    count.set(purl, (count.get(purl) ?? 0) + 1);
  }
  return new Set([...count].filter(([, n]) => n > 1).map(([p]) => p));
}

/** Our graph with the edges pnpm does not show left out where they start at a peer variant. */
export function withoutOtherVariants(ours: Graph, theirs: Graph, variants: Set<string>): Graph {
  const kept = new Set([...ours.edges].filter((e) => theirs.edges.has(e) || !variants.has(e.split(' -> ')[0])));
  return reachableFromRoot({ components: ours.components, edges: kept }, new Set());
}

interface YarnInfo {
  value: string;
  children: { Version?: string; Dependencies?: { descriptor: string; locator: string }[] };
}

/**
 * `yarn info --all --recursive --json` (the pinned yarn 4) in `dir`: every package of the
 * project, workspaces included (as `workspace:<folder>`), with each dependency's locator.
 * Caches go to a temporary folder, never `dir`.
 */
export function yarnInfoGraph(dir: string, yarn: string): Graph {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn-info-'));
  let out: string;
  try {
    out = execFileSync(yarn, ['info', '--all', '--recursive', '--json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, YARN_ENABLE_TELEMETRY: '0', YARN_GLOBAL_FOLDER: home, YARN_CACHE_FOLDER: path.join(home, 'cache'), YARN_ENABLE_GLOBAL_CACHE: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const entries = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as YarnInfo);
  const version = new Map(entries.map((e) => [e.value, e.children.Version ?? '']));
  // "name@virtual:<hash>#npm:1.0.0" is a peer-dependent instance of "name@npm:1.0.0".
  const real = (locator: string) => locator.replace(/@virtual:[^#]+#/, '@');
  const nameOf = (locator: string) => locator.slice(0, locator.indexOf('@', 1));
  const node = (locator: string): string | undefined => {
    const l = real(locator);
    if (/@workspace:\.$/.test(l)) return 'root';
    const ws = /@workspace:(.+)$/.exec(l);
    if (ws) return `workspace:${ws[1]}`;
    return npmPurl(nameOf(l), version.get(l) ?? version.get(locator) ?? l.slice(l.lastIndexOf(':') + 1));
  };
  const components = new Set<string>();
  const edges = new Set<string>();
  for (const e of entries) {
    const from = node(e.value);
    if (!from) continue;
    if (from !== 'root') components.add(from);
    for (const d of e.children.Dependencies ?? []) {
      const to = node(d.locator);
      if (to && to !== 'root') edges.add(`${from} -> ${to}`);
    }
  }
  return { components, edges };
}

/**
 * An SBOM graph with each workspace named `workspace:<folder>` (its chaingate:workspace property),
 * as yarn names them. Our root depends on every workspace (as `npm ls` shows them); yarn lists the
 * root's edge to a workspace only when the root's package.json depends on it, and the packages
 * the root reaches. So the root's edges to workspaces that `theirs` lacks are left out, and the
 * graph is what the root reaches then.
 */
export function withWorkspaceNames(doc: Cdx, theirs: Graph): Graph {
  const name = new Map<string, string>();
  for (const c of doc.components as (Cdx['components'][number] & { properties?: { name: string; value: string }[] })[]) {
    const ws = c.properties?.find((p) => p.name === 'chaingate:workspace');
    if (ws && c.purl) name.set(c.purl, `workspace:${ws.value}`);
  }
  const g = sbomGraph(doc);
  const rename = (x: string) => name.get(x) ?? x;
  const edges = new Set(
    [...g.edges]
      .map((e) => e.split(' -> ').map(rename).join(' -> '))
      .filter((e) => !(e.startsWith('root -> workspace:') && !theirs.edges.has(e))),
  );
  return reachableFromRoot({ components: new Set([...g.components].map(rename)), edges }, new Set());
}

interface YarnTree {
  name: string;
  shadow?: boolean;
  children?: YarnTree[];
}

/**
 * `yarn list --json --offline` (the pinned yarn 1): the node_modules tree yarn lays out from the
 * lockfile. Every package in it is a component. A "shadow" child is a dependency (name@range)
 * installed elsewhere: it resolves as Node would, to the nearest copy walking up from the
 * dependant. Those are the edges the tree states; a nested copy is not one (see below), so the
 * edges here are a subset of the real graph. The root's edges are package.json's dependencies.
 */
export function yarnListGraph(dir: string, yarn: string): Graph {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'yarn1-'));
  let out: string;
  try {
    out = execFileSync(yarn, ['list', '--json', '--offline', '--cache-folder', cache], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
  const tree = (JSON.parse(out.split('\n').find((l) => l.includes('"type":"tree"')) as string) as { data: { trees: YarnTree[] } }).data.trees;
  const split = (s: string) => {
    const at = s.indexOf('@', 1);
    return [s.slice(0, at), s.slice(at + 1)];
  };
  const components = new Set<string>();
  const edges = new Set<string>();
  const levelOf = (nodes: YarnTree[]) => new Map(nodes.filter((n) => !n.shadow).map((n) => [split(n.name)[0], n]));
  // yarn prints an alias (string-width-cjs@npm:string-width@^4) by its folder name: the lockfile's
  // entry headers name the real package.
  const alias = new Map<string, string>();
  for (const m of fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8').matchAll(/^"?((?:@[^@/"]+\/)?[^@"]+)@npm:((?:@[^@/"]+\/)?[^@"]+)@/gm)) alias.set(m[1], m[2]);
  const purlOf = (n: YarnTree) => {
    const [name, version] = split(n.name);
    return npmPurl(alias.get(name) ?? name, version);
  };
  const visit = (n: YarnTree, scopes: Map<string, YarnTree>[]) => {
    const purl = purlOf(n);
    components.add(purl);
    const inner = [levelOf(n.children ?? []), ...scopes];
    for (const c of n.children ?? []) {
      const name = split(c.name)[0];
      // A nested (non-shadow) child sits in this folder because something below needs it: the
      // tree does not say whether this package itself does, so it is no edge here.
      const target = c.shadow ? inner.map((s) => s.get(name)).find(Boolean) : undefined;
      if (target) edges.add(`${purl} -> ${purlOf(target)}`);
      if (!c.shadow) visit(c, inner);
    }
  };
  const top = levelOf(tree);
  for (const t of tree) visit(t, [top]);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const name of Object.keys(pkg[section] ?? {})) {
      const t = top.get(name);
      if (t) edges.add(`root -> ${purlOf(t)}`);
    }
  }
  return { components, edges };
}
