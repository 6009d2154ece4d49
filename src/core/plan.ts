// `chaingate plan`: the matrix of shards for `strategy.matrix` (through `fromJSON`). Pure.
//
// A shard is one `chaingate scan` of one project folder, of some of its scanners when more
// shards are asked for than there are projects, or of several projects when fewer are. Shards
// are listed costliest first, so the jobs GitHub starts first are the long ones. Every shard is
// stamped with its name and the plan's id, so the gate merging them knows which to expect.
import { createHash } from 'node:crypto';
import { computeFingerprint, type Finding } from './finding';
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
  /** The project folders the shard covers, relative to the planned DIR. */
  projects: string[];
  cost: number;
}

/** One entry of the printed matrix. */
export interface MatrixEntry {
  name: string;
  args: string[];
  projects: string[];
}

export const PLAN_SCANNERS = ['semgrep', 'trivy-fs', 'audit'] as const;
type PlanScanner = (typeof PLAN_SCANNERS)[number];
/**
 * Scanners of the repository as a whole, not of a project folder: an image, deployed URLs, the
 * workflows GitHub reads (only the root's .github/workflows). A plan runs them once, in a shard
 * of their own, not once per shard (nor never, in shards split by scanner).
 */
export const REPOSITORY_SCANNERS = ['zizmor', 'headers', 'trivy-image'] as const;
/** The shard of REPOSITORY_SCANNERS: a name no project shard takes (those are folder paths, `root`, `shard-N-of-M`). */
export const REPOSITORY_SHARD = 'repository--whole';

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
 * Projects into `n` groups of similar cost: the costliest first, each into the cheapest group so
 * far (largest processing time first; ties to the first group, so the plan is deterministic).
 */
function groupProjects(projects: readonly PlanProject[], n: number): { projects: PlanProject[]; cost: number }[] {
  const groups = Array.from({ length: n }, () => ({ projects: [] as PlanProject[], cost: 0 }));
  const sorted = [...projects].sort((a, b) => b.files + b.packages - (a.files + a.packages) || compareStrings(a.path, b.path));
  for (const p of sorted) {
    const g = groups.reduce((a, b) => (b.cost < a.cost ? b : a));
    g.projects.push(p);
    g.cost += p.files + p.packages;
  }
  for (const g of groups) g.projects.sort((a, b) => compareStrings(a.path, b.path));
  return groups.filter((g) => g.projects.length > 0);
}

/** The plan's id: a digest of its shards (names, projects, arguments), stamped into each. */
export function planId(entries: readonly { name: string; args: readonly string[] }[]): string {
  return createHash('sha256').update(JSON.stringify(entries.map((e) => [e.name, e.args]))).digest('hex').slice(0, 16);
}

/**
 * One shard per project; with `shards` above the number of projects, the costliest projects are
 * split by scanner (into two, then three) until there are that many shards or nothing is left
 * to split; with `shards` below it, projects are grouped into that many shards, each one scan of
 * DIR with a `--project` per folder. `config` is the policy every shard applies (the gate
 * decides again anyway).
 */
export function planShards(projects: readonly PlanProject[], opts: { shards?: number; config?: string; scanners?: readonly string[] } = {}): { include: MatrixEntry[] } {
  const scanners = opts.scanners ?? PLAN_SCANNERS;
  const perProject = PLAN_SCANNERS.filter((s) => scanners.includes(s));
  const whole = REPOSITORY_SCANNERS.filter((s) => scanners.includes(s));
  const common = (name: string) => ['--mode', 'warn', '--output-dir', `chaingate-shards/${name}`, ...(opts.config !== undefined ? ['--config', opts.config] : [])];
  // With repository scanners in the policy, a project shard names its scanners (the policy's
  // others), else it would run those too.
  const only = (name: string, list: readonly string[] | undefined) => [...common(name), ...(list ? ['--scanners', list.join(',')] : whole.length ? ['--scanners', perProject.join(',')] : [])];
  // Names are artifact and folder names: two folders that read alike (`a b`, `a-b`; `root` and
  // the root) must not share one, so a repeated name takes -2, -3...
  const used = new Set<string>(whole.length ? [REPOSITORY_SHARD] : []);
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; used.has(n); i++) n = `${name}-${i}`;
    used.add(n);
    return n;
  };
  const entries = perProject.length ? projectEntries(projects, opts.shards ?? projects.length, perProject, only, unique) : [];
  if (whole.length) entries.push({ name: REPOSITORY_SHARD, args: ['.', ...common(REPOSITORY_SHARD), '--scanners', whole.join(',')], projects: [], cost: 0 });
  entries.sort((a, b) => b.cost - a.cost || compareStrings(a.name, b.name));
  const id = planId(entries);
  return { include: entries.map(({ name, args, projects: p }) => ({ name, args: [...args, '--shard', name, '--plan-id', id], projects: p })) };
}

function projectEntries(
  projects: readonly PlanProject[],
  want: number,
  enabled: readonly PlanScanner[],
  args: (name: string, scanners?: readonly PlanScanner[]) => string[],
  unique: (name: string) => string,
): PlanEntry[] {
  let entries: PlanEntry[];
  if (want < projects.length) {
    const groups = groupProjects(projects, want);
    entries = groups.map((g, i) => {
      const name = unique(`shard-${i + 1}-of-${groups.length}`);
      // One word each (--project=PATH): a folder of the pull request named like a flag stays a value.
      return { name, args: ['.', ...g.projects.map((p) => `--project=${p.path || '.'}`), ...args(name)], projects: g.projects.map((p) => p.path), cost: g.cost };
    });
  } else {
    const units: Unit[] = projects.map((p) => ({ project: p, cost: p.files + p.packages }));
    const splits = new Map<PlanProject, number>();
    while (units.length < want) {
      // The costliest unit that can still be split into more scanner groups.
      const candidates = units.filter((u) => (splits.get(u.project) ?? 1) < enabled.length && (u.scanners === undefined || u.scanners.length > 1));
      if (candidates.length === 0) break;
      const top = candidates.reduce((a, b) => (b.cost > a.cost ? b : a));
      const parts = (splits.get(top.project) ?? 1) + 1;
      splits.set(top.project, parts);
      const groups: PlanScanner[][] = parts === 2 ? [enabled.slice(0, 1), enabled.slice(1)] : enabled.map((s) => [s]);
      for (let i = units.length - 1; i >= 0; i--) if (units[i].project === top.project) units.splice(i, 1);
      for (const g of groups) units.push({ project: top.project, scanners: g, cost: g.reduce((n, s) => n + scannerCost(top.project, s), 0) });
    }
    entries = units.map((u) => {
      const name = unique(shardName(u.project, u.scanners));
      // A folder named like a flag (-x) is given as ./-x, a path and not an option.
      const at = u.project.path === '' ? '.' : u.project.path.startsWith('-') ? `./${u.project.path}` : u.project.path;
      return { name, args: [at, ...args(name, u.scanners)], projects: [u.project.path], cost: u.cost };
    });
  }
  return entries;
}

/** What a shard's result says it is: `--shard` and `--plan-id` of its scan. */
export interface ShardStamp {
  name: string;
  plan: string;
}

/**
 * The shards a plan (the matrix `chaingate plan` printed) expects, against the results read:
 * one problem per shard with no result, with more than one, and per result of no shard of the
 * plan. `results` are the readable shard results, with the file each came from.
 */
export function shardCoverage(plan: { include: readonly { name: string; args: readonly string[]; projects?: readonly string[] }[] }, results: readonly { file: string; shard?: ShardStamp }[]): string[] {
  // The reader of the plan file (gate/shard-plan.ts) checked every entry has one, the same.
  const first = plan.include[0].args;
  const id = first[first.indexOf('--plan-id') + 1];
  const problems: string[] = [];
  const byName = new Map<string, string[]>();
  for (const r of results) {
    const s = r.shard;
    const known = s !== undefined && plan.include.some((e) => e.name === s.name);
    if (!s) problems.push(`${r.file}: not a shard of plan ${id} (its result has no shard stamp: scan it with the plan's args)`);
    else if (s.plan !== id) problems.push(`${r.file}: shard ${s.name} is of plan ${s.plan}, not ${id} (another commit's or another plan's shard)`);
    else if (!known) problems.push(`${r.file}: shard ${s.name} is not in plan ${id}`);
    else byName.set(s.name, [...(byName.get(s.name) ?? []), r.file]);
  }
  for (const e of plan.include) {
    const files = byName.get(e.name) ?? [];
    const covers = e.projects?.length ? ` (projects ${e.projects.map((p) => p || '.').join(', ')})` : '';
    if (files.length === 0) problems.push(`shard ${e.name}${covers} of plan ${id}: no readable result (missing, truncated or not of this plan)`);
    else if (files.length > 1) problems.push(`shard ${e.name}${covers} of plan ${id}: ${files.length} results (${files.join(', ')}); keep one`);
  }
  return problems;
}

/**
 * Findings of a scan of the folder `project` (relative to the scanned DIR) with paths from DIR,
 * fingerprints recomputed from them: what one scan of DIR would have reported.
 */
export function underProject(findings: Finding[], project: string): Finding[] {
  if (project === '') return findings;
  return findings.map((f) => {
    if (!f.location) return f;
    const moved = { ...f, location: { ...f.location, path: `${project}/${f.location.path}` } };
    moved.fingerprint = computeFingerprint(moved);
    return moved;
  });
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
