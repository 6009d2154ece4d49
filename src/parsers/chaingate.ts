// chaingate-result.json of other chaingate runs (the shards of a matrix), read as a tool report.
// Pure.
//
// Only the raw findings come back: each shard's verdict, exceptions and blocking marks are its
// own, and the gate that merges the shards decides again with its one policy and exceptions.
// A shard's finding paths are relative to the folder it scanned (`project`); they come back
// relative to the repository root, so merged shards and one full run fingerprint alike.
//
// The findings are checked by conforms.ts's predicate compiled from the result schema's own
// EvaluatedFindingSchema, the rest of the result by zod: zod's parse copies every one of 100,000
// findings (0.35 s of a 3-shard merge, and the garbage of the copy). Only a finding the predicate
// rejects sends the whole result through zod, for zod's message.
import { computeFingerprint, type Finding } from '../core/finding';
import { EvaluatedFindingSchema, GateResultSchema } from '../reports/result-schema';
import { plainValidator } from './conforms';
import { RESULT_SCHEMA_VERSION } from '../core/result-version';
import type { Parser } from './types';
import type { ResultComponent } from '../core/result';
import { FormatError, parseJson, validate } from './util';

const WHAT = 'chaingate result';

export interface ShardResult {
  findings: Finding[];
  verdict: 'pass' | 'fail' | 'incomplete';
  reasons: string[];
  /** Scanners of the shard that did not finish, with their errors. */
  failed: { name: string; error?: string }[];
  commit?: string;
  project?: string;
  /** The folders it scanned (`--project`), from the repository root. */
  projects?: string[];
  shard?: { name: string; plan: string };
  /** Its SBOM's components, projects from the repository root. */
  components?: ResultComponent[];
}

type GateResultData = ReturnType<typeof GateResultSchema.parse>;
type ResultFinding = GateResultData['findings'][number];

const isFinding = plainValidator(EvaluatedFindingSchema);

/** The result validated as zod would, without zod's copy of valid findings. */
function validResult(raw: object): GateResultData {
  const findings = (raw as { findings?: unknown }).findings;
  if (isFinding && Array.isArray(findings) && findings.every(isFinding)) {
    return { ...validate(GateResultSchema, { ...raw, findings: [] }, WHAT), findings };
  }
  return validate(GateResultSchema, raw, WHAT);
}

function rawFinding(f: ResultFinding, prefix: string): Finding {
  const out: Finding = { tools: f.tools, kind: f.kind, severity: f.severity, id: f.id, aliases: f.aliases, title: f.title, fingerprint: '' };
  if (f.description !== undefined) out.description = f.description;
  const p = f.package;
  if (p) {
    out.package = { name: p.name, fixedVersions: p.fixedVersions };
    if (p.purl !== undefined) out.package.purl = p.purl;
    if (p.ecosystem !== undefined) out.package.ecosystem = p.ecosystem;
    if (p.version !== undefined) out.package.version = p.version;
  }
  const l = f.location;
  if (l) {
    out.location = { path: prefix + l.path };
    if (l.startLine !== undefined) out.location.startLine = l.startLine;
    if (l.endLine !== undefined) out.location.endLine = l.endLine;
  }
  if (f.cvssScore !== undefined) out.cvssScore = f.cvssScore;
  if (f.cwes !== undefined) out.cwes = f.cwes;
  if (f.url !== undefined) out.url = f.url;
  if (f.textHash !== undefined) out.textHash = f.textHash;
  // Recomputed, never taken from the file: the path may have moved to the repository root, and a
  // fingerprint is what exceptions' accounting and code scanning key on.
  out.fingerprint = computeFingerprint(out);
  return out;
}

/** A project folder as a path prefix: forward slashes, no `..`, no absolute path. */
function projectPrefix(project: string | undefined): string {
  if (project === undefined || project === '') return '';
  const parts = project.split('/');
  if (project.startsWith('/') || project.includes('\\') || parts.some((s) => s === '..' || s === '.' || s === '')) {
    throw new FormatError(`${WHAT}: project "${project.slice(0, 200)}" is not a folder inside the repository`);
  }
  return `${project}/`;
}

export function parseChaingateResult(text: string): ShardResult {
  const raw = parseJson(text, WHAT) as { schemaVersion?: unknown; tool?: { name?: unknown } } | null;
  const version = raw?.schemaVersion;
  if (typeof version === 'number' && version > RESULT_SCHEMA_VERSION && raw?.tool?.name === 'chaingate') {
    throw new FormatError(`${WHAT}: written by a newer chaingate (result schema version ${version}; this one reads up to ${RESULT_SCHEMA_VERSION}): run the gate with the shards' version`);
  }
  if (raw?.tool?.name !== 'chaingate') throw new FormatError(`${WHAT}: not a chaingate-result.json (no tool.name "chaingate")`);
  const r = validResult(raw);
  const prefix = projectPrefix(r.project);
  return {
    findings: r.findings.map((f) => rawFinding(f, prefix)),
    verdict: r.verdict,
    reasons: r.reasons,
    failed: r.scanners.filter((s) => s.status === 'failed').map((s) => ({ name: s.name, error: s.error })),
    commit: r.commit,
    project: r.project,
    projects: r.projects,
    shard: r.shard,
    components: r.components,
  };
}

/**
 * Why a shard's result cannot stand for its part of the run: a scanner of it failed, it is
 * incomplete, or it scanned another commit than the gate's (`commit`, when the gate knows it).
 */
export function shardProblems(s: ShardResult, commit: string | undefined): string[] {
  const problems = s.failed.map((f) => `its scanner ${f.name} failed${f.error ? `: ${f.error}` : ''}`);
  if (s.verdict === 'incomplete' && problems.length === 0) problems.push(`it is incomplete${s.reasons.length ? `: ${s.reasons[0]}` : ''}`);
  if (commit !== undefined && s.commit !== commit) problems.push(s.commit === undefined ? `it records no commit (this run is of ${commit})` : `it is of commit ${s.commit}, not ${commit}`);
  return problems;
}

export const parseChaingate: Parser = (text) => parseChaingateResult(text).findings;
