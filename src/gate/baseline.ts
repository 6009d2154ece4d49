// Shell: `--baseline REF|FILE` for the gate. Decides what to scan on each side (only what the
// change touches where that is enough), reads dependencies and the gate's own files on both
// sides, and hands the pure core (core/baseline, core/dependency-changes, core/policy-changes)
// the findings to compare.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Policy, ScannerName } from '../config/schema';
import { isDependencyFile, isInfrastructureFile, matchBaseline, normalizeRelPath, packageIdentity, renameMap, type BaselineFinding, type BaselineMark } from '../core/baseline';
import { denyCandidates, denyFindings, diffInventories, type Inventory } from '../core/dependency-changes';
import type { Finding } from '../core/finding';
import { diffGate, type GateSide } from '../core/policy-changes';
import type { BaselineRecord, DependencyChange, PolicyChange, ScannerStatus } from '../core/result';
import { ChaingateError, ConfigError } from '../errors';
import { findLockfiles, readLockfile } from '../lockfiles';
import { loadBaselineFile, type BaselineFile } from './baseline-file';
import { openBaseCheckout, type BaseCheckout } from './baseline-ref';

export type TrustedPolicy = 'head' | 'baseline';

/** What loadInputs (run-gate.ts) returns: the gate's own files, read on one side. */
export interface GateInputs {
  dir: string;
  policy: Policy;
  exceptions: { source: string; entries: GateSide['exceptions'][number]['entries'] }[];
  vex: { source: string; doc: GateSide['vex'][number]['doc'] }[];
  inputs: { policy?: { path: string } };
  projectPolicies?: ReadonlyMap<string, Policy>;
}

export interface ScanJob {
  name: ScannerName;
  side: 'head' | 'base';
  dir: string;
  /** Files to scan instead of the whole folder. */
  targets?: string[];
  /** A narrower policy for this job (Trivy's secret scanner only). */
  policy?: Policy;
  /**
   * A run that scans both sides at once (one start-up instead of two): findings in files under
   * `baseDir` are the baseline's, made relative to it; the others are made relative to
   * `headDir` when given (else to `dir`).
   */
  split?: { baseDir: string; headDir?: string };
}

export interface JobResult {
  job: ScanJob;
  status: ScannerStatus;
  findings: Finding[];
  /** With `split`: the baseline's findings, paths relative to the baseline folder. */
  baseFindings?: Finding[];
}

/** More changed files than this and Semgrep scans everything on both sides (argv length, and no gain). */
const MAX_TARGETS = 1000;

function toSide(g: GateInputs): GateSide {
  return {
    policy: g.policy,
    policyFile: g.inputs.policy?.path,
    exceptions: g.exceptions.map((e) => ({ file: e.source, entries: e.entries })),
    vex: g.vex.map((v) => ({ file: v.source, doc: v.doc })),
    projects: g.projectPolicies,
  };
}

function skipped(p: string, skipDirs: readonly string[]): boolean {
  const segs = p.split('/');
  return skipDirs.some((s) => (s.includes('/') ? p === s.replace(/\/$/, '') || p.startsWith(`${s.replace(/\/$/, '')}/`) : segs.slice(0, -1).includes(s)));
}

function isFile(p: string): boolean {
  try {
    return fs.lstatSync(p).isFile();
  } catch {
    return false;
  }
}

/** Dependencies of every lockfile under `dir`; an unreadable lockfile is reported, not skipped. */
export function readInventories(dir: string, skipDirs: readonly string[]): { inventories: Inventory[]; errors: string[] } {
  const inventories: Inventory[] = [];
  const errors: string[] = [];
  if (!fs.existsSync(dir)) return { inventories, errors };
  for (const file of findLockfiles(dir, { skipDirs })) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    try {
      const lock = readLockfile(file, rel);
      inventories.push({ lockfile: rel, packages: lock.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, purl: p.purl })) });
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
      errors.push(e.message);
    }
  }
  return { inventories, errors };
}

export interface Comparison {
  marks: Map<string, BaselineMark>;
  record: Omit<BaselineRecord, 'block' | 'newlyDisclosed'>;
  dependencyChanges?: DependencyChange[];
  /** deny-packages findings, and lockfiles of the change that could not be read. */
  denied: Finding[];
  lockfileErrors: string[];
}

export interface BaselineSession {
  source: 'ref' | 'file';
  /** The baseline's own policy, exceptions and VEX (REF), to compare with or to apply. */
  baseInputs?: GateInputs;
  policyChanges?: PolicyChange[];
  /** The job that scans `name` on the change's side. */
  headJob(name: ScannerName, dir: string, policy: Policy): ScanJob;
  /** Jobs to run on the baseline's side; they run beside the head jobs. */
  baseJobs(names: ScannerName[], policy: Policy): ScanJob[];
  /** Scanners that ran on part of the project only (their SARIF run must not close alerts). */
  partial: Set<string>;
  compare(head: JobResult[], base: JobResult[], merged: Finding[], policy: Policy, headDir: string): Comparison;
  close(): Promise<void>;
}

export interface OpenOptions {
  spec: string;
  trustedPolicy: TrustedPolicy;
  headDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /**
   * loadInputs for the baseline's folder (throws ConfigError for a broken file there);
   * `toBase` maps a file of the change's repository to the baseline's copy of it (undefined when
   * the baseline has none), and leaves a file outside the repository as it is.
   */
  loadBase(dir: string, toBase: (file: string) => string | undefined): GateInputs;
  head: GateInputs;
}

/** `--baseline` names an existing file: FILE; anything else: a git revision. */
export async function openBaseline(o: OpenOptions): Promise<BaselineSession> {
  const asFile = path.resolve(o.spec);
  if (isFile(asFile)) {
    if (o.trustedPolicy === 'baseline') {
      throw new ChaingateError('USAGE', '--trusted-policy baseline needs --baseline REF: a result file does not hold the policy it ran with');
    }
    return fileSession(loadBaselineFile(asFile), o);
  }
  if (/\.json$/i.test(o.spec)) throw new ConfigError(`the baseline result file was not found; pass an existing chaingate-result.json or a git revision`, asFile);
  const checkout = await openBaseCheckout(o.headDir, o.spec, { env: o.env, log: o.log });
  try {
    // A folder the change adds has nothing at the base: scan an empty one.
    fs.mkdirSync(checkout.dir, { recursive: true });
    return refSession(checkout, o);
  } catch (e) {
    await checkout.remove();
    throw e;
  }
}

function fileSession(b: BaselineFile, o: OpenOptions): BaselineSession {
  return {
    source: 'file',
    partial: new Set(),
    headJob: (name, dir) => ({ name, side: 'head', dir }),
    baseJobs: () => [],
    compare(_head, _base, merged, policy, headDir) {
      const deps = dependencyReview(headDir, undefined, merged, policy);
      return {
        marks: matchBaseline(merged, b.findings, { basePackages: b.packages }),
        record: { source: 'file', file: path.relative(process.cwd(), b.file) || b.file, sha256: b.sha256, trustedPolicy: o.trustedPolicy, notes: deps.notes },
        denied: deps.denied,
        lockfileErrors: deps.headErrors,
      };
    },
    close: async () => undefined,
  };
}

/** Dependency changes (with a base folder) and the deny-packages findings over them. */
export function dependencyReview(headDir: string, baseDir: string | undefined, findings: readonly Finding[], policy: Policy) {
  const head = readInventories(headDir, policy['skip-dirs']);
  const base = baseDir === undefined ? undefined : readInventories(baseDir, policy['skip-dirs']);
  const first = base && diffInventories(base.inventories, head.inventories, findings);
  const denied = denyFindings(policy['deny-packages'], denyCandidates(first, head.inventories));
  // Listed again with the deny-packages findings beside each package's other findings.
  const changes = base && (denied.length ? diffInventories(base.inventories, head.inventories, [...findings, ...denied]) : first);
  const notes = [...head.errors.map((e) => `lockfile not read: ${e}`), ...(base?.errors ?? []).map((e) => `baseline lockfile not read: ${e}`)];
  return { changes, denied, notes, headErrors: head.errors, basePackages: base && new Set(base.inventories.flatMap((i) => i.packages.map(packageIdentity))) };
}

function refSession(c: BaseCheckout, o: OpenOptions): BaselineSession {
  let baseInputs: GateInputs | undefined;
  let policyChanges: PolicyChange[];
  try {
    baseInputs = o.loadBase(c.dir, (file) => {
      let abs = path.resolve(file);
      try {
        abs = fs.realpathSync(abs);
      } catch {
        // A file that does not exist in the change: its baseline copy may still.
      }
      const rel = path.relative(c.repoRoot, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel)) return abs;
      const copy = path.join(c.worktree, rel);
      return fs.existsSync(copy) ? copy : undefined;
    });
    policyChanges = diffGate(toSide(baseInputs), toSide(o.head));
  } catch (e) {
    if (!(e instanceof ChaingateError) || o.trustedPolicy === 'baseline') throw e;
    // The change's own policy applies; that the baseline's could not be read is worth saying.
    policyChanges = [{ file: o.head.inputs.policy?.path ?? '.chaingate.yml', what: 'policy', change: 'modified', details: [`the baseline's policy, exceptions or VEX could not be read: ${e.message}`] }];
  }
  const changed = c.changes.filter((x) => x.status !== 'D');
  const changedHead = new Set(changed.map((x) => normalizeRelPath(x.path)));
  const depsChanged = c.changes.some((x) => isDependencyFile(x.path) || (x.oldPath !== undefined && isDependencyFile(x.oldPath)));
  const iacChanged = c.changes.some((x) => isInfrastructureFile(x.path) || (x.oldPath !== undefined && isInfrastructureFile(x.oldPath)));
  const notes: string[] = [];
  const partial = new Set<string>();
  const reuse = new Set<ScannerName>();
  let sparseDir: string | undefined;

  /**
   * Trivy when no dependency or infrastructure file changed: its vulnerability, misconfiguration
   * and license findings are those of the baseline, so one secret scan of the changed files
   * and their baseline versions (copied side by side) is the whole comparison.
   */
  const trivyChangedFiles = (dir: string, policy: Policy): ScanJob => {
    sparseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-baseline-files-'));
    const copy = (from: string, to: string) => {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    };
    const headFiles = [...changedHead].filter((p) => !skipped(p, policy['skip-dirs']) && isFile(path.join(dir, p)));
    for (const t of headFiles) copy(path.join(dir, t), path.join(sparseDir, 'head', t));
    for (const t of baseTargets(policy['skip-dirs'])) copy(path.join(c.dir, t), path.join(sparseDir, 'base', t));
    fs.mkdirSync(path.join(sparseDir, 'head'), { recursive: true });
    fs.mkdirSync(path.join(sparseDir, 'base'), { recursive: true });
    partial.add('trivy-fs');
    notes.push(
      `trivy-fs: no dependency or infrastructure file changed, so it searched only the ${headFiles.length} changed file(s) and their baseline versions for secrets; its other findings are the baseline's`,
    );
    const secretOnly = { ...policy, trivy: { ...policy.trivy, scanners: policy.trivy.scanners.filter((x) => x === 'secret') } };
    return { name: 'trivy-fs', side: 'head', dir: sparseDir, policy: secretOnly, split: { baseDir: path.join(sparseDir, 'base'), headDir: path.join(sparseDir, 'head') } };
  };

  /** Base paths of the changed files that exist at the base. */
  const baseTargets = (skipDirs: readonly string[]) =>
    changed
      .map((x) => x.oldPath ?? x.path)
      .filter((p) => !skipped(p, skipDirs) && isFile(path.join(c.dir, p)));

  const semgrepScope = (policy: Policy): 'changed' | 'full' => {
    if (changed.length > MAX_TARGETS) return 'full';
    // Rules the change edits: every file may match differently, so scan all of both sides.
    if (policyChanges.some((p) => p.what === 'policy' && p.details.some((d) => d.startsWith('semgrep.')))) return 'full';
    const ruleDirs = policy.semgrep.config.map((r) => path.resolve(o.headDir, r)).filter((r) => r.startsWith(o.headDir + path.sep));
    if (ruleDirs.some((r) => [...changedHead].some((p) => path.join(o.headDir, p).startsWith(r)))) return 'full';
    return 'changed';
  };

  return {
    source: 'ref',
    baseInputs,
    policyChanges,
    partial,
    headJob(name, dir, policy) {
      if (name === 'trivy-fs' && !depsChanged && !iacChanged && policy.trivy.scanners.includes('secret')) return trivyChangedFiles(dir, policy);
      if (name !== 'semgrep' || semgrepScope(policy) === 'full') return { name, side: 'head', dir };
      partial.add(name);
      const targets = [...changedHead].filter((p) => !skipped(p, policy['skip-dirs']) && isFile(path.join(dir, p))).sort();
      const before = baseTargets(policy['skip-dirs']).sort();
      notes.push(`semgrep scanned the ${targets.length} file(s) this change touches and their ${before.length} baseline version(s), in one run; unchanged files were not scanned`);
      // Nothing to scan at the head: nothing to compare either.
      const both = targets.length ? [...targets, ...before.map((t) => path.join(c.dir, t))] : [];
      return { name, side: 'head', dir, targets: both, split: { baseDir: c.dir } };
    },
    baseJobs(names, policy) {
      const jobs: ScanJob[] = [];
      for (const name of names) {
        if (name === 'semgrep') {
          // Scoped to the change, the head job scans the baseline versions too.
          if (semgrepScope(policy) === 'full') jobs.push({ name, side: 'base', dir: c.dir });
        } else if (name === 'trivy-fs') {
          if (depsChanged || iacChanged) {
            jobs.push({ name, side: 'base', dir: c.dir });
            continue;
          }
          // Unchanged dependencies and infrastructure: the head job covers both sides (or,
          // without Trivy's secret scanner, its findings stand for both).
          reuse.add(name);
        } else if (name === 'audit') {
          if (depsChanged) jobs.push({ name, side: 'base', dir: c.dir });
          else {
            reuse.add(name);
            notes.push('audit: no dependency file changed, so its findings stand for both sides');
          }
        }
        // trivy-image scans an image, not the tree: nothing to compare it with (its findings are new).
      }
      return jobs;
    },
    compare(head, base, merged, policy, headDir) {
      const baseFindings: BaselineFinding[] = [...base.flatMap((r) => r.findings), ...head.flatMap((r) => r.baseFindings ?? [])];
      for (const r of head) {
        if (!reuse.has(r.job.name)) continue;
        for (const f of r.findings) if (!f.location || !changedHead.has(normalizeRelPath(f.location.path))) baseFindings.push(f);
      }
      const deps = dependencyReview(headDir, c.dir, merged, policy);
      return {
        marks: matchBaseline(merged, baseFindings, { renames: renameMap(c.changes), basePackages: deps.basePackages }),
        record: {
          source: 'ref',
          ref: c.ref,
          commit: c.commit,
          trustedPolicy: o.trustedPolicy,
          changedFiles: c.changes.map((x) => (x.oldPath ? `${x.oldPath} → ${x.path}` : x.path)).slice(0, MAX_TARGETS),
          notes: [...notes, ...deps.notes],
        },
        dependencyChanges: deps.changes,
        denied: deps.denied,
        lockfileErrors: deps.headErrors,
      };
    },
    async close() {
      if (sparseDir) fs.rmSync(sparseDir, { recursive: true, force: true });
      await c.remove();
    },
  };
}
