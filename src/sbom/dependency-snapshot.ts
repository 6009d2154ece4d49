// Lockfiles -> GitHub dependency submission snapshots (POST /repos/{owner}/{repo}/dependency-graph/snapshots).
// Pure: the run's identity (sha, ref, job) and the clock are passed in.
import type { Lockfile } from '../lockfiles/types';

export interface SnapshotPackage {
  package_url: string;
  relationship: 'direct' | 'indirect';
  scope: 'runtime' | 'development';
  dependencies: string[];
}

export interface SnapshotManifest {
  name: string;
  file: { source_location: string };
  resolved: Record<string, SnapshotPackage>;
}

export interface Snapshot {
  version: number;
  sha: string;
  ref: string;
  job: { correlator: string; id: string; html_url?: string };
  detector: { name: string; version: string; url: string };
  scanned: string;
  manifests: Record<string, SnapshotManifest>;
}

export interface SnapshotRun {
  /** The commit (40 hex digits) and the ref (refs/heads/..., refs/pull/N/merge) the graph is of. */
  sha: string;
  ref: string;
  /** Workflow and job: GitHub keeps the latest snapshot per correlator and detector. */
  correlator: string;
  runId: string;
  htmlUrl?: string;
  toolVersion: string;
  detectorUrl: string;
  scanned: Date;
  /** The lockfiles' folder inside the repository ('' at its root), for source_location. */
  prefix: string;
}

/**
 * One manifest per lockfile. Workspaces are the repository's own code, not packages GitHub could
 * look advisories up for: they are left out, and what they need counts as direct.
 */
export function manifestOf(lock: Lockfile, prefix: string): SnapshotManifest {
  const location = prefix ? `${prefix}/${lock.path}` : lock.path;
  const workspaces = new Set(lock.packages.filter((p) => p.workspace !== undefined).map((p) => p.purl));
  const direct = new Set(lock.rootDependencies ?? []);
  for (const p of lock.packages) if (workspaces.has(p.purl)) for (const d of p.dependencies) direct.add(d);
  const resolved: Record<string, SnapshotPackage> = {};
  for (const p of lock.packages) {
    if (workspaces.has(p.purl)) continue;
    resolved[p.purl] = {
      package_url: p.purl,
      relationship: direct.has(p.purl) || p.direct ? 'direct' : 'indirect',
      scope: p.dev ? 'development' : 'runtime',
      dependencies: p.dependencies.filter((d) => !workspaces.has(d)),
    };
  }
  return { name: location, file: { source_location: location }, resolved };
}

export function snapshotOf(manifests: SnapshotManifest[], run: SnapshotRun, correlatorSuffix = ''): Snapshot {
  return {
    version: 0,
    sha: run.sha,
    ref: run.ref,
    job: { correlator: `${run.correlator}${correlatorSuffix}`, id: run.runId, ...(run.htmlUrl ? { html_url: run.htmlUrl } : {}) },
    detector: { name: 'chaingate', version: run.toolVersion, url: run.detectorUrl },
    scanned: run.scanned.toISOString(),
    manifests: Object.fromEntries(manifests.map((m) => [m.name, m])),
  };
}

/**
 * The snapshots to send: one with every lockfile when it fits in `maxBytes`, else one per
 * lockfile (each with its own correlator, so each stays the latest for its file across runs).
 * A lockfile too large on its own is returned in `tooLarge`, never cut.
 */
export function planSnapshots(locks: Lockfile[], run: SnapshotRun, maxBytes: number): { snapshots: Snapshot[]; tooLarge: string[] } {
  const manifests = locks.map((l) => manifestOf(l, run.prefix));
  const all = snapshotOf(manifests, run);
  if (Buffer.byteLength(JSON.stringify(all)) <= maxBytes) return { snapshots: manifests.length ? [all] : [], tooLarge: [] };
  const snapshots: Snapshot[] = [];
  const tooLarge: string[] = [];
  for (const m of manifests) {
    const one = snapshotOf([m], run, ` ${m.name}`);
    if (Buffer.byteLength(JSON.stringify(one)) <= maxBytes) snapshots.push(one);
    else tooLarge.push(m.name);
  }
  return { snapshots, tooLarge };
}
