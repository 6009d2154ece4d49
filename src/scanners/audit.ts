// The dependency audit: (a) the package managers' own audit commands where the lockfile and the
// tool are present and their endpoint answers, and (b) our OSV matcher over every lockfile (or an
// SBOM), with advisories from an offline OSV database or the OSV API. An audit endpoint that does
// not answer is a note, not a failure, because (b) still covers every package; having no advisory
// source at all is a failure: the audit never reports clean without having looked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeFingerprint, type Finding } from '../core/finding';
import { ToolError } from '../errors';
import { discoverLockfiles, findLockfiles, packagesFromCycloneDx, type Lockfile, type LockfileKind, type LockPackage } from '../lockfiles';
import { loadOsvDb } from '../osv/db';
import { findingsForMatchedIds, matchPackages } from '../osv/matcher';
import type { OsvPackage } from '../osv/types';
import { packageIndexKey } from '../osv/versions';
import type { Parser } from '../parsers/types';
import { redactUrlCredentials } from '../parsers/report-fields';
import { FormatError } from '../parsers/util';
// The package managers' audits (their parsers, node:child_process) and the OSV API client are
// imported where a run uses them: an offline audit, the common case in CI benchmarks, never does.
import type { RunResult } from '../process/run-tool';
import type { ScanContext, Scanner, ScannerOutcome } from './types';
import { readText } from '../read-text';

export interface AuditOptions {
  /** audit.osv-db: a folder of OSV JSON files or an OSV zip export (relative to the project). */
  osvDb?: string;
  /** audit.package-managers: also run npm/yarn/pnpm audit and pip-audit. Default true. */
  packageManagers?: boolean;
  /** Audit the packages of this CycloneDX JSON SBOM instead of the project's lockfiles. */
  sbom?: string;
  /** Never call the OSV API (air-gapped runners): an osv-db is then required. */
  offline?: boolean;
  skipDirs?: string[];
  /** OSV API base URL; default CHAINGATE_OSV_API_URL from the scan's environment, then the public API. */
  osvApiUrl?: string;
}

/** Files that declare dependencies: with one of these at the root, a missing lockfile is an error. */
const MANIFESTS = ['package.json', 'pyproject.toml', 'Pipfile', 'setup.py', 'setup.cfg', 'requirements.in'];

/** A monorepo may hold dozens of lockfiles: run their audits a few at a time. */
const PM_AUDIT_CONCURRENCY = 2;

/** Runs jobs at most `n` at a time; results in job order. */
async function runBounded<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}

/** The longest a package manager's audit may take: it is a network round trip, not a scan. */
const PM_AUDIT_TIMEOUT_MS = 5 * 60_000;

interface PmAudit {
  /** The tool name as ctx.toolPath and tools.<tool>.path know it. */
  tool: 'npm' | 'yarn' | 'pnpm' | 'pip-audit';
  label: string;
  /** `osvApi`: the OSV API base URL our matcher uses, so pip-audit asks the same (mirror) endpoint. */
  args: (lockfile: string, osvApi: string) => string[];
  parser: () => Promise<Parser>;
}

const PM_AUDITS: Partial<Record<LockfileKind, PmAudit>> = {
  'package-lock': { tool: 'npm', label: 'npm audit', args: () => ['audit', '--json'], parser: async () => (await import('../parsers/npm-audit')).parseNpmAudit },
  'npm-shrinkwrap': { tool: 'npm', label: 'npm audit', args: () => ['audit', '--json'], parser: async () => (await import('../parsers/npm-audit')).parseNpmAudit },
  'yarn-classic': { tool: 'yarn', label: 'yarn audit', args: () => ['audit', '--json'], parser: async () => (await import('../parsers/yarn-audit')).parseYarnAudit },
  'yarn-berry': { tool: 'yarn', label: 'yarn npm audit', args: () => ['npm', 'audit', '--json', '--all', '--recursive'], parser: async () => (await import('../parsers/yarn-audit')).parseYarnAudit },
  pnpm: { tool: 'pnpm', label: 'pnpm audit', args: () => ['audit', '--json'], parser: async () => (await import('../parsers/pnpm-audit')).parsePnpmAudit },
  // --disable-pip with --no-deps: audit the pins as written, without pip resolving (and
  // installing) anything into a temporary environment. The OSV service at the configured base URL
  // keeps pip-audit on the same (possibly mirrored) endpoint as the matcher.
  requirements: {
    tool: 'pip-audit',
    label: 'pip-audit',
    args: (lock, osvApi) => ['-f', 'json', '-r', path.basename(lock), '--no-deps', '--disable-pip', '--progress-spinner', 'off', '-s', 'osv', '--osv-url', `${osvApi}/v1/query`],
    parser: async () => (await import('../parsers/pip-audit')).parsePipAuditBesideMatcher,
  },
};

/**
 * What the tools print when the advisory service did not answer (network, TLS, proxy, HTTP error
 * status), as opposed to the tool itself breaking. Kept narrow on purpose: a crash must stay a
 * failure, so bare numbers (a traceback's "line 423") never count.
 */
const UNREACHABLE = new RegExp(
  [
    '\\b(ENOAUDIT|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|EPROTO)\\b',
    '\\b(CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT[A-Z_]*|DEPTH_ZERO_SELF_SIGNED_CERT)\\b|certificate verify failed',
    'audit endpoint',
    '(returned an?|status( code)?:?|HTTP|Response Code:?)\\s*\\(?[45]\\d\\d\\b',
    '\\b[45]\\d\\d (Service Unavailable|Bad Gateway|Gateway Time-?out|Not Found|Forbidden|Unauthorized|Method Not Allowed|Too Many Requests|Internal Server Error|Server Error|Client Error)',
    'socket hang up|tunneling socket|\\bConnectionError\\b|\\bProxyError\\b|Max retries exceeded|Name or service not known|Temporary failure in name resolution|getaddrinfo',
  ].join('|'),
  'i',
);

/** Whether a tool's messages say its advisory service could not be reached. */
export function isEndpointFailure(text: string): boolean {
  return UNREACHABLE.test(text);
}

const PIP_AUDIT_REFUSED = /is not pinned to an exact version|invalid requirements input/;

/**
 * An error object instead of a report: npm 7+ prints `{message, error: {summary, detail}}` (npm 6
 * `{error: {code: "ENOAUDIT", ...}}`) when its endpoint fails. Returns the reason, or undefined
 * when the text is a report.
 */
export function auditErrorObject(text: string): string | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const o = data as Record<string, unknown>;
  if (!('error' in o) || 'vulnerabilities' in o || 'advisories' in o) return undefined;
  const err = o.error as Record<string, unknown> | null;
  const parts = [o.message, err?.code, err?.summary, err?.detail].filter((s): s is string => typeof s === 'string' && s.trim() !== '');
  return parts.join(': ') || 'the audit endpoint returned an error';
}

function withLocation(f: Finding, lockfile: string): Finding {
  if (f.location) return f;
  const g = { ...f, location: { path: lockfile } };
  return { ...g, fingerprint: computeFingerprint(g) };
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

interface PmResult {
  findings: Finding[];
  output?: string;
  note?: string;
}

/**
 * Runs one package manager audit for one lockfile. Throws ToolError when the tool itself failed.
 * Registry URLs in what the tools print may carry credentials: notes and errors are redacted.
 */
async function runPmAudit(ctx: ScanContext, lock: Lockfile, pm: PmAudit, osvApi: string): Promise<PmResult> {
  try {
    const r = await runPmAuditRaw(ctx, lock, pm, osvApi);
    return r.note === undefined ? r : { ...r, note: redactUrlCredentials(r.note) };
  } catch (e) {
    if (e instanceof ToolError) throw new ToolError(e.tool, redactUrlCredentials(e.message));
    throw e;
  }
}

async function runPmAuditRaw(ctx: ScanContext, lock: Lockfile, pm: PmAudit, osvApi: string): Promise<PmResult> {
  const lockAbs = path.resolve(ctx.dir, lock.path);
  const bin = ctx.toolPath(pm.tool);
  const outputFile = path.join(ctx.workDir, `${slug(pm.label)}-${slug(lock.path)}.json`);
  const { runTool, firstErrorLine } = await import('../process/run-tool');
  const parse = await pm.parser();
  const toolMessage = (stderr: string) => lastExceptionLine(stderr) ?? firstErrorLine(stderr);
  const r: RunResult = await runTool(bin, pm.args(lockAbs, osvApi), {
    cwd: path.dirname(lockAbs),
    env: ctx.env,
    stdoutFile: outputFile,
    timeoutMs: Math.min(ctx.timeoutMs, PM_AUDIT_TIMEOUT_MS),
  });
  const where = `${pm.label} (${bin}) for ${lock.path}`;
  if (r.spawnError) return { findings: [], note: `${where}: not run, ${r.spawnError}; the OSV matcher covers these packages` };
  if (r.timedOut) return { findings: [], output: outputFile, note: `${where}: no answer within ${Math.round(Math.min(ctx.timeoutMs, PM_AUDIT_TIMEOUT_MS) / 1000)} s; the OSV matcher covers these packages` };
  if (r.signal) throw new ToolError(pm.tool, `${where} was killed by ${r.signal}: ${toolMessage(r.stderr) ?? 'no message'}`);
  const text = readText(outputFile);
  const errorObject = auditErrorObject(text);
  if (errorObject !== undefined) {
    return { findings: [], output: outputFile, note: `${where}: endpoint unavailable (${errorObject.slice(0, 300)}); the OSV matcher covers these packages` };
  }
  try {
    const findings = parse(text).map((f) => withLocation(f, lock.path));
    const notes = pm.tool === 'pip-audit' ? (await import('../parsers/pip-audit')).pipAuditSkipped(text).map((s) => `${s.name}${s.version ? ` ${s.version}` : ''}: ${s.reason}`) : [];
    return { findings, output: outputFile, note: notes.length ? `${where}: not audited by pip-audit (the OSV matcher still checks them): ${notes.join('; ')}` : undefined };
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    const said = toolMessage(r.stderr) ?? e.message;
    // pip-audit refuses a requirements file with unpinned or editable lines as a whole; the
    // lockfile reader reports those lines and the OSV matcher still checks the pinned ones.
    if (pm.tool === 'pip-audit' && text.trim() === '' && PIP_AUDIT_REFUSED.test(r.stderr)) {
      return { findings: [], output: outputFile, note: `${where}: pip-audit refused the file (${said.slice(0, 300)}); the OSV matcher checks its pinned lines` };
    }
    // No report, and the tool says it could not reach its service: an unavailable endpoint.
    if ((text.trim() === '' || /did not (run|complete)/.test(e.message)) && isEndpointFailure(`${r.stderr}\n${e.message}`)) {
      return { findings: [], output: outputFile, note: `${where}: endpoint unavailable (${said.slice(0, 300)}); the OSV matcher covers these packages` };
    }
    throw new ToolError(pm.tool, `${where} failed (exit ${r.exitCode}): ${said}; raw output in ${outputFile}`);
  }
}

/** The tool's own message from a Python traceback: its last line (the exception); else the caller takes the first error line. */
function lastExceptionLine(stderr: string): string | undefined {
  if (/^Traceback \(most recent call last\)/m.test(stderr)) {
    const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines[lines.length - 1];
  }
  return undefined;
}

function toOsvPackages(packages: LockPackage[], where: string): OsvPackage[] {
  // A workspace is the project's own code: its name may be taken on the registry by someone else.
  return packages.filter((p) => p.workspace === undefined).map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version, purl: p.purl, path: where }));
}

async function osvFindings(ctx: ScanContext, opts: AuditOptions, packages: OsvPackage[]): Promise<{ findings: Finding[]; source: string }> {
  if (opts.osvDb) {
    const db = path.resolve(ctx.dir, opts.osvDb);
    const wanted = new Set(packages.map((p) => packageIndexKey(p.ecosystem, p.name)));
    const t = Date.now();
    const { index, files } = loadOsvDb(db, { wanted });
    ctx.log(`osv: ${files} advisory files read from ${opts.osvDb} (${index.count} about these packages) in ${Date.now() - t} ms`);
    return { findings: matchPackages(packages, index), source: `osv-db ${opts.osvDb}` };
  }
  if (opts.offline) throw new ToolError('osv', 'no advisory source: set audit.osv-db or allow network (the OSV API is off in offline mode)');
  // One query per distinct package version; findings per lockfile that holds it.
  const groups = new Map<string, OsvPackage[]>();
  for (const p of packages) {
    const k = `${packageIndexKey(p.ecosystem, p.name)}@${p.version}`;
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  const unique = [...groups.values()].map((g) => g[0]);
  const { queryOsvApi, OsvApiUnreachable, osvApiBaseUrl } = await import('../osv/api');
  const base = osvApiBaseUrl({ baseUrl: opts.osvApiUrl, env: ctx.env });
  let result;
  try {
    result = await queryOsvApi(unique, { baseUrl: base, timeoutMs: Math.min(ctx.timeoutMs, 120_000) });
  } catch (e) {
    if (e instanceof OsvApiUnreachable) throw new ToolError('osv', `no advisory source: set audit.osv-db or allow network (${redactUrlCredentials(e.message)})`);
    if (e instanceof ToolError) throw new ToolError(e.tool, redactUrlCredentials(e.message));
    throw e;
  }
  ctx.log(`osv: ${unique.length} package versions queried at ${redactUrlCredentials(base)} (${result.requests} requests, ${result.advisories.size} advisories)`);
  const findings: Finding[] = [];
  unique.forEach((u, i) => {
    for (const p of groups.get(`${packageIndexKey(u.ecosystem, u.name)}@${u.version}`) ?? []) {
      findings.push(...findingsForMatchedIds(p, result.ids[i], result.advisories));
    }
  });
  return { findings, source: `OSV API ${redactUrlCredentials(base)}` };
}

function readPackages(ctx: ScanContext, opts: AuditOptions): { locks: Lockfile[]; packages: OsvPackage[]; notes: string[] } {
  const notes: string[] = [];
  if (opts.sbom) {
    const file = path.resolve(ctx.dir, opts.sbom);
    const display = path.relative(ctx.dir, file) || path.basename(file);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ToolError('audit', `${display}: cannot read the SBOM (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return { locks: [], packages: toOsvPackages(packagesFromCycloneDx(text, display), display), notes };
  }
  const discover = { ...(opts.skipDirs ? { skipDirs: opts.skipDirs } : {}), ...(ctx.readLockfile ? { read: ctx.readLockfile } : {}) };
  // A project without dependencies has nothing to audit; one whose manifest has no lockfile
  // cannot be audited, and discoverLockfiles' error says how to make one.
  if (findLockfiles(ctx.dir, discover).length === 0 && !MANIFESTS.some((m) => fs.existsSync(path.join(ctx.dir, m)))) {
    notes.push(`no lockfile and no manifest (${MANIFESTS.join(', ')}) in the project: no dependencies to audit`);
    return { locks: [], packages: [], notes };
  }
  const locks = discoverLockfiles(ctx.dir, discover);
  for (const l of locks) for (const w of l.warnings ?? []) notes.push(w.startsWith(`${l.path}:`) ? w : `${l.path}: ${w}`);
  return { locks, packages: locks.flatMap((l) => toOsvPackages(l.packages, l.path)), notes };
}

export function createAuditScanner(opts: AuditOptions = {}): Scanner {
  return {
    name: 'audit',
    async run(ctx: ScanContext): Promise<ScannerOutcome> {
      const { locks, packages, notes } = readPackages(ctx, opts);
      const rawOutputs: string[] = [];
      const findings: Finding[] = [];
      ctx.log(`audit: ${packages.length} packages from ${opts.sbom ?? `${locks.length} lockfile(s)`}`);

      // The package managers' audits and the OSV lookup run side by side.
      const jobs: (() => Promise<PmResult>)[] = [];
      if (opts.packageManagers !== false && opts.offline) {
        if (locks.some((l) => PM_AUDITS[l.kind])) notes.push('package manager audits not run: offline mode (they query their registries)');
      } else if (opts.packageManagers !== false) {
        const osvApi = (await import('../osv/api')).osvApiBaseUrl({ baseUrl: opts.osvApiUrl, env: ctx.env });
        for (const lock of locks) {
          const pm = PM_AUDITS[lock.kind];
          if (pm) jobs.push(() => runPmAudit(ctx, lock, pm, osvApi));
        }
      }
      const osvRun = packages.length ? osvFindings(ctx, opts, packages) : Promise.resolve({ findings: [], source: 'none needed' });
      const [pmResults, osv] = await Promise.all([runBounded(jobs, PM_AUDIT_CONCURRENCY), osvRun]);
      for (const r of pmResults) {
        findings.push(...r.findings);
        if (r.output) rawOutputs.push(r.output);
        if (r.note) notes.push(r.note);
      }
      findings.push(...osv.findings);
      const osvOut = path.join(ctx.workDir, 'osv-findings.json');
      fs.writeFileSync(osvOut, JSON.stringify(osv.findings, null, 2) + '\n');
      rawOutputs.push(osvOut);
      notes.push(`OSV matcher: ${packages.length} packages, ${osv.findings.length} findings, advisories from ${osv.source}`);
      return { findings, rawOutputs, notes };
    },
  };
}
