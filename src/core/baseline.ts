// Baseline matching: which findings a change introduced and which were there before it. Pure.
//
// Line numbers never take part: lines move whenever anything above a finding changes. A code,
// secret or misconfiguration finding is known by its rule, its file (followed through renames)
// and the hash of its source text, counted so that a second copy of the same flaw is new; a
// vulnerability by its package and any of its advisory ids, so that a version bump still
// vulnerable to the same advisory is not new.
import { packageKey, type Finding } from './finding';

export type BaselineState = 'new' | 'existing';

/** What matching needs of a baseline finding: from a scan of the base or an earlier result. */
export interface BaselineFinding {
  kind: string;
  id: string;
  aliases: readonly string[];
  package?: { ecosystem?: string; name: string; version?: string };
  location?: { path: string; startLine?: number };
  textHash?: string;
}

export interface BaselineMark {
  state: BaselineState;
  /**
   * An advisory the baseline did not list, on a dependency the change did not touch: published
   * since, not the change's doing, so it counts as existing and is listed apart.
   */
  newlyDisclosed?: boolean;
}

export interface MatchContext {
  /** Base path -> head path of the files git saw renamed. */
  renames?: ReadonlyMap<string, string>;
  /** `packageIdentity` of every dependency at the base, where known. */
  basePackages?: ReadonlySet<string>;
}

const LOCATED_KINDS = new Set(['code', 'secret', 'misconfiguration']);

/** Forward slashes, no leading `./`: how both sides' paths are compared. */
export function normalizeRelPath(p: string): string {
  const s = p.includes('\\') ? p.replace(/\\/g, '/') : p;
  return s.startsWith('./') ? s.slice(2) : s;
}

/** A dependency as name and version: how "the change did not touch it" is decided. */
export function packageIdentity(p: { ecosystem?: string; name: string; version?: string }): string {
  return `${packageKey({ ecosystem: p.ecosystem, name: p.name, fixedVersions: [] })}@${p.version ?? ''}`;
}

function vulnKeys(f: BaselineFinding): string[] {
  const p = f.package as NonNullable<BaselineFinding['package']>;
  const pkg = packageKey({ ecosystem: p.ecosystem, name: p.name, fixedVersions: [] });
  return [f.id, ...f.aliases].map((id) => `v\n${pkg}\n${id}`);
}

function locatedKeys(f: BaselineFinding, path: string): string[] {
  const text = f.textHash ?? '';
  const keys = [`${f.kind}\n${f.id}\n${path}\n${text}`];
  // A secret is the same secret whichever tool (and rule) found it.
  if (f.kind === 'secret') keys.push(`secret\n\n${path}\n${text}`);
  return keys;
}

function otherKey(f: BaselineFinding, path: string): string {
  return `${f.kind}\n${f.id}\n${f.package ? packageIdentity(f.package) : ''}\n${path}`;
}

type Kind = 'vuln' | 'located' | 'other';

function kindOf(f: BaselineFinding): Kind {
  if (f.kind === 'vulnerability' && f.package) return 'vuln';
  if (LOCATED_KINDS.has(f.kind) && f.location) return 'located';
  return 'other';
}

/** The keys a finding is known by, its path given (head path for a base finding). */
function keysOf(f: BaselineFinding, path: string): string[] {
  const k = kindOf(f);
  return k === 'vuln' ? vulnKeys(f) : k === 'located' ? locatedKeys(f, path) : [otherKey(f, path)];
}

function pathOf(f: BaselineFinding): string {
  return f.location ? normalizeRelPath(f.location.path) : '';
}

/**
 * Marks every head finding new or existing against the baseline's findings; the result maps
 * each head fingerprint to its mark.
 */
export function matchBaseline(head: readonly Finding[], base: readonly BaselineFinding[], ctx: MatchContext = {}): Map<string, BaselineMark> {
  // Located findings are counted (a copy of a flaw is new); the others only need to be known.
  const counts = new Map<string, number>();
  for (const b of base) {
    const p = pathOf(b);
    for (const key of keysOf(b, ctx.renames?.get(p) ?? p)) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const marks = new Map<string, BaselineMark>();
  // Earlier occurrences match first: the copy further down a file is the new one.
  const ordered = [...head].sort((a, b) => (a.location?.startLine ?? 0) - (b.location?.startLine ?? 0));
  for (const f of ordered) {
    const keys = keysOf(f, pathOf(f));
    let existing = false;
    if (kindOf(f) === 'located') {
      const key = keys.find((k) => (counts.get(k) ?? 0) > 0);
      if (key !== undefined) {
        counts.set(key, (counts.get(key) as number) - 1);
        existing = true;
      }
    } else existing = keys.some((k) => counts.has(k));
    if (existing) marks.set(f.fingerprint, { state: 'existing' });
    else if (kindOf(f) === 'vuln' && ctx.basePackages?.has(packageIdentity(f.package as NonNullable<Finding['package']>))) {
      marks.set(f.fingerprint, { state: 'existing', newlyDisclosed: true });
    } else marks.set(f.fingerprint, { state: 'new' });
  }
  return marks;
}

/** One entry of `git diff --name-status -z -M`: what happened to which file. */
export interface FileChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed. */
  status: string;
  path: string;
  /** The base path of a rename or copy. */
  oldPath?: string;
}

/** Parses `git diff --name-status -z` output (NUL-separated; renames and copies carry two paths). */
export function parseNameStatus(out: string): FileChange[] {
  const parts = out.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < parts.length; ) {
    const code = parts[i++];
    if (code === '') continue;
    const status = code[0];
    if (status === 'R' || status === 'C') {
      changes.push({ status, oldPath: parts[i], path: parts[i + 1] });
      i += 2;
    } else {
      changes.push({ status, path: parts[i] });
      i += 1;
    }
  }
  return changes;
}

/** Base path -> head path of the renamed files. */
export function renameMap(changes: readonly FileChange[]): Map<string, string> {
  return new Map(changes.filter((c) => c.status === 'R').map((c) => [c.oldPath as string, c.path]));
}

const DEPENDENCY_FILES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pyproject.toml',
  'poetry.lock',
  'Pipfile',
  'Pipfile.lock',
  'setup.py',
  'setup.cfg',
  'go.mod',
  'go.sum',
  'Gemfile',
  'Gemfile.lock',
  'Cargo.toml',
  'Cargo.lock',
  'composer.json',
  'composer.lock',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'gradle.lockfile',
  'packages.lock.json',
  'uv.lock',
]);

/** Dependency manifests and lockfiles (requirements*.txt too). */
export function isDependencyFile(p: string): boolean {
  const name = p.slice(p.lastIndexOf('/') + 1);
  return DEPENDENCY_FILES.has(name) || /^requirements.*\.(txt|in)$/.test(name) || /\.(csproj|fsproj|vbproj)$/.test(name);
}

/**
 * Files Trivy reads as infrastructure or image definitions: Dockerfiles, Terraform, and YAML or
 * JSON (Kubernetes, Helm, CloudFormation, ARM), whichever of them a change touches.
 */
export function isInfrastructureFile(p: string): boolean {
  const name = p.slice(p.lastIndexOf('/') + 1);
  return /(^|\.)(Dockerfile|Containerfile)(\.|$)/i.test(name) || /\.(tf|tfvars|hcl|ya?ml|json|tpl)$/i.test(name);
}
