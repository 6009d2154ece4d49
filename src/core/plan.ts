// `chaingate plan`: the matrix of shards for `strategy.matrix` (through `fromJSON`). Pure.
//
// A shard is one `chaingate scan` of one project folder, or of some of its scanners when more
// shards are asked for than there are projects. Shards are listed costliest first, so the jobs
// GitHub starts first are the long ones.
import { compareStrings } from './order';

export interface PlanProject {
  /** Folder relative to the planned DIR, forward slashes, '' for DIR itself. */
  path: string;
  files: number;
  packages: number;
}

export interface PlanEntry {
  name: string;
  /** Arguments of `chaingate scan`, paths relative to the planned DIR. */
  args: string[];
  cost: number;
}

export const PLAN_SCANNERS = ['semgrep', 'trivy-fs', 'audit'] as const;
type PlanScanner = (typeof PLAN_SCANNERS)[number];

/** What a scanner spends its time on: Semgrep reads files, the audit packages, Trivy both. */
function scannerCost(p: PlanProject, s: PlanScanner): number {
  return s === 'semgrep' ? p.files : s === 'audit' ? p.packages : p.files + p.packages;
}

/** A name usable as an artifact name and a folder name: the project path with anything else as `-`. */
function shardName(p: PlanProject, scanners?: readonly PlanScanner[]): string {
  const base = p.path === '' ? 'root' : p.path.replace(/[^A-Za-z0-9._-]+/g, '-');
  return scanners ? `${base}--${scanners.join('-')}` : base;
}

interface Unit {
  project: PlanProject;
  scanners?: PlanScanner[];
  cost: number;
}

/**
 * One shard per project; with `shards` above the number of projects, the costliest projects are
 * split by scanner (into two, then three) until there are that many shards or nothing is left
 * to split. `config` is the policy every shard applies (the gate decides again anyway).
 */
export function planShards(projects: readonly PlanProject[], opts: { shards?: number; config?: string } = {}): { include: { name: string; args: string[] }[] } {
  const units: Unit[] = projects.map((p) => ({ project: p, cost: p.files + p.packages }));
  const want = opts.shards ?? units.length;
  const splits = new Map<PlanProject, number>();
  while (units.length < want) {
    // The costliest unit that can still be split into more scanner groups.
    const candidates = units.filter((u) => (splits.get(u.project) ?? 1) < PLAN_SCANNERS.length && (u.scanners === undefined || u.scanners.length > 1));
    if (candidates.length === 0) break;
    const top = candidates.reduce((a, b) => (b.cost > a.cost ? b : a));
    const parts = (splits.get(top.project) ?? 1) + 1;
    splits.set(top.project, parts);
    const groups: PlanScanner[][] = parts === 2 ? [['semgrep'], ['trivy-fs', 'audit']] : PLAN_SCANNERS.map((s) => [s]);
    for (let i = units.length - 1; i >= 0; i--) if (units[i].project === top.project) units.splice(i, 1);
    for (const g of groups) units.push({ project: top.project, scanners: g, cost: g.reduce((n, s) => n + scannerCost(top.project, s), 0) });
  }
  const entries: PlanEntry[] = units.map((u) => {
    const name = shardName(u.project, u.scanners);
    const args = [u.project.path || '.', '--mode', 'warn', '--output-dir', `chaingate-shards/${name}`];
    if (opts.config !== undefined) args.push('--config', opts.config);
    if (u.scanners) args.push('--scanners', u.scanners.join(','));
    return { name, args, cost: u.cost };
  });
  entries.sort((a, b) => b.cost - a.cost || compareStrings(a.name, b.name));
  return { include: entries.map(({ name, args }) => ({ name, args })) };
}

/**
 * Marks each finding with the deepest project folder its location is in (findings without a
 * location, or outside every project, get none). `projects` are folders from the repository root.
 */
export function assignProjects<T extends { location?: { path: string }; project?: string }>(findings: T[], projects: readonly string[]): T[] {
  const folders = [...new Set(projects)].filter((p) => p !== '').sort((a, b) => b.length - a.length);
  return findings.map((f) => {
    const at = f.location?.path;
    const project = at === undefined ? undefined : folders.find((p) => at.startsWith(`${p}/`));
    return project === undefined ? f : { ...f, project };
  });
}
