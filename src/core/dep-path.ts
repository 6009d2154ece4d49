// How a vulnerable package got into the project: the shortest chain of dependencies from what
// the manifest declares down to it, read from the lockfile graph (the one the SBOM is built
// from). A developer fixes a transitive package by upgrading its parent, so the chain says what
// to touch: `minimist 1.2.5 ← mkdirp 0.5.5 ← package.json`. Pure.
import type { Lockfile, LockPackage } from '../lockfiles/types';
import { packageKey, type PackageRef } from './finding';

export interface DependencyPath {
  /** The lockfile the chain was read from, as the gate names it (relative to the project). */
  lockfile: string;
  /** The manifest beside the lockfile that declares the top of the chain. */
  manifest: string;
  /** From the vulnerable package up to the dependency the manifest declares. */
  chain: { name: string; version: string }[];
  /** Declared by the manifest itself: its own version is the one to change. */
  direct: boolean;
}

const MANIFEST_OF: Record<string, string> = {
  'package-lock': 'package.json',
  'npm-shrinkwrap': 'package.json',
  'yarn-classic': 'package.json',
  'yarn-berry': 'package.json',
  pnpm: 'package.json',
  poetry: 'pyproject.toml',
  gomod: 'go.mod',
};

function manifestFor(lock: Lockfile): string {
  const slash = lock.path.replace(/\\/g, '/').lastIndexOf('/');
  const dir = slash < 0 ? '' : lock.path.slice(0, slash + 1);
  // requirements*.txt and an SBOM are their own manifest.
  return dir + (MANIFEST_OF[lock.kind] ?? lock.path.slice(slash + 1));
}

function keyOf(ecosystem: string | undefined, name: string, version: string | undefined): string {
  return `${packageKey({ ecosystem, name, fixedVersions: [] })}@${version ?? ''}`;
}

interface Graph {
  lock: Lockfile;
  byKey: Map<string, LockPackage>;
  byPurl: Map<string, LockPackage>;
  parents?: Map<string, LockPackage[]>;
  roots: Set<string>;
}

function graph(lock: Lockfile): Graph {
  const byKey = new Map<string, LockPackage>();
  const byPurl = new Map<string, LockPackage>();
  for (const p of lock.packages) {
    byKey.set(keyOf(p.ecosystem, p.name, p.version), p);
    byPurl.set(p.purl, p);
  }
  const roots = new Set(lock.rootDependencies ?? lock.packages.filter((p) => p.direct).map((p) => p.purl));
  return { lock, byKey, byPurl, roots };
}

function parentsOf(g: Graph): Map<string, LockPackage[]> {
  if (g.parents) return g.parents;
  const parents = new Map<string, LockPackage[]>();
  for (const p of g.lock.packages)
    for (const d of p.dependencies) {
      const list = parents.get(d);
      if (list) list.push(p);
      else parents.set(d, [p]);
    }
  return (g.parents = parents);
}

/** Breadth-first up the reverse edges: the shortest chain to a package the manifest declares. */
function chainUp(g: Graph, start: LockPackage): LockPackage[] | undefined {
  if (g.roots.has(start.purl)) return [start];
  const parents = parentsOf(g);
  const via = new Map<string, LockPackage | null>([[start.purl, null]]);
  let frontier = [start];
  while (frontier.length > 0) {
    const next: LockPackage[] = [];
    for (const p of frontier)
      for (const up of parents.get(p.purl) ?? []) {
        if (via.has(up.purl)) continue;
        via.set(up.purl, p);
        if (g.roots.has(up.purl)) {
          const chain = [up];
          for (let at = via.get(up.purl); at; at = via.get(at.purl)) chain.unshift(at);
          return chain;
        }
        next.push(up);
      }
    frontier = next;
  }
  return undefined;
}

/**
 * A lookup from a finding's package (and the file a tool named) to its dependency chain. The
 * lockfile the finding names is tried first, then every other in order; graphs are indexed once
 * (at the first lookup) and their reverse edges only when a transitive package is asked for.
 */
export function dependencyPathIndex(lockfiles: readonly Lockfile[]): (pkg: PackageRef, file?: string) => DependencyPath | undefined {
  // Indexed on the first question: a run without a vulnerable package asks none.
  let graphs: Graph[] | undefined;
  return (pkg, file) => {
    graphs ??= lockfiles.map(graph);
    const key = keyOf(pkg.ecosystem, pkg.name, pkg.version);
    const norm = file?.replace(/\\/g, '/').replace(/^\.\//, '');
    const ordered = norm === undefined ? graphs : [...graphs.filter((g) => g.lock.path === norm), ...graphs.filter((g) => g.lock.path !== norm)];
    for (const g of ordered) {
      const start = (pkg.purl !== undefined ? g.byPurl.get(pkg.purl) : undefined) ?? g.byKey.get(key);
      if (!start) continue;
      const chain = chainUp(g, start);
      if (!chain) continue;
      return {
        lockfile: g.lock.path,
        manifest: manifestFor(g.lock),
        chain: chain.map((p) => ({ name: p.name, version: p.version })),
        direct: chain.length === 1,
      };
    }
    return undefined;
  };
}

/** `minimist 1.2.5 ← mkdirp 0.5.5 ← package.json`: plain text, for any renderer to escape. */
export function formatDependencyPath(p: DependencyPath): string {
  return [...p.chain.map((c) => `${c.name} ${c.version}`), p.manifest].join(' ← ');
}
