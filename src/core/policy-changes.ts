// What a change does to the gate itself: its policy, exceptions and VEX compared with the
// baseline's. Pure: both sides are given already loaded.
import type { ExceptionEntry, Policy, VexDocument } from '../config/schema';
import type { PolicyChange } from './result';

export interface GateSide {
  /** The policy in effect (defaults filled in), and its file when there is one. */
  policy: Policy;
  policyFile?: string;
  exceptions: { file: string; entries: ExceptionEntry[] }[];
  vex: { file: string; doc: VexDocument }[];
  /** Projects with a policy file of their own: folder → the policy in effect there. */
  projects?: ReadonlyMap<string, Policy>;
}

function show(v: unknown): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

/** Every leaf of a JSON value by dotted path (arrays are leaves: compared whole). */
function leaves(v: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, v);
  return out;
}

export function policyDetails(base: Policy, head: Policy): string[] {
  const a = leaves(base);
  const b = leaves(head);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => show(a.get(k)) !== show(b.get(k))).map((k) => `${k}: ${show(a.get(k))} → ${show(b.get(k))}`);
}

function exceptionKey(e: ExceptionEntry): string {
  return JSON.stringify([e.id, e.package ?? '', e.kind ?? '', [...(e.paths ?? [])].sort()]);
}

function exceptionLabel(e: ExceptionEntry): string {
  return [e.id, e.package, e.kind && `kind ${e.kind}`, e.paths?.length ? `in ${e.paths.join(', ')}` : undefined].filter(Boolean).join(' ');
}

export function exceptionDetails(base: readonly ExceptionEntry[], head: readonly ExceptionEntry[]): string[] {
  const before = new Map(base.map((e) => [exceptionKey(e), e]));
  const after = new Map(head.map((e) => [exceptionKey(e), e]));
  const out: string[] = [];
  for (const [k, e] of after) {
    const was = before.get(k);
    if (!was) {
      out.push(`added exception ${exceptionLabel(e)} until ${e.expires} (${e.reason})`);
      continue;
    }
    const diffs: string[] = [];
    for (const f of ['expires', 'reason', 'owner', 'ticket'] as const) if (was[f] !== e[f]) diffs.push(`${f} ${show(was[f])} → ${show(e[f])}`);
    if (diffs.length) out.push(`${e.expires > was.expires ? 'extended' : 'changed'} exception ${exceptionLabel(e)}: ${diffs.join(', ')}`);
  }
  for (const [k, e] of before) if (!after.has(k)) out.push(`removed exception ${exceptionLabel(e)}`);
  return out;
}

function statementLabel(s: VexDocument['statements'][number]): string {
  const v = typeof s.vulnerability === 'string' ? s.vulnerability : (s.vulnerability.name ?? s.vulnerability['@id'] ?? '?');
  const products = (s.products ?? []).map((p) => (typeof p === 'string' ? p : p['@id']));
  return `${v} ${s.status}${products.length ? ` for ${products.join(', ')}` : ''}${s.justification ? ` (${s.justification})` : ''}`;
}

export function vexDetails(base: VexDocument | undefined, head: VexDocument | undefined): string[] {
  const a = new Map((base ? base.statements : []).map((s) => [JSON.stringify(s), s]));
  const b = new Map((head ? head.statements : []).map((s) => [JSON.stringify(s), s]));
  const out: string[] = [];
  for (const [k, s] of b) if (!a.has(k)) out.push(`added statement: ${statementLabel(s)}`);
  for (const [k, s] of a) if (!b.has(k)) out.push(`removed statement: ${statementLabel(s)}`);
  return out;
}

function change(file: string, what: PolicyChange['what'], was: boolean, is: boolean, details: string[]): PolicyChange[] {
  // Both sides list the file: only a difference is a change.
  if (was && is && details.length === 0) return [];
  return [{ file, what, change: !was ? 'added' : !is ? 'removed' : 'modified', details }];
}

/**
 * What a change does to the projects' own policy files (`projects: [{path, policy}]`), beyond
 * what it does to the monorepo's policy: a project file can lower a threshold as surely as the
 * policy can, so its edits are listed with the policy's, named by project folder.
 */
function projectDetails(base: GateSide, head: GateSide, top: readonly string[]): string[] {
  const seen = new Set(top);
  const folders = [...new Set([...(base.projects?.keys() ?? []), ...(head.projects?.keys() ?? [])])].sort();
  return folders.flatMap((folder) =>
    policyDetails(base.projects?.get(folder) ?? base.policy, head.projects?.get(folder) ?? head.policy)
      .filter((d) => !seen.has(d))
      .map((d) => `project ${folder || '.'}: ${d}`),
  );
}

/** Every edit the change makes to the gate, policy first. */
export function diffGate(base: GateSide, head: GateSide): PolicyChange[] {
  const out: PolicyChange[] = [];
  const policyFile = head.policyFile ?? base.policyFile;
  const top = policyDetails(base.policy, head.policy);
  const pd = [...top, ...projectDetails(base, head, top)];
  if (policyFile !== undefined) out.push(...change(policyFile, 'policy', base.policyFile !== undefined, head.policyFile !== undefined, pd));
  const exFiles = [...new Set([...base.exceptions.map((e) => e.file), ...head.exceptions.map((e) => e.file)])].sort();
  for (const file of exFiles) {
    const a = base.exceptions.find((e) => e.file === file);
    const b = head.exceptions.find((e) => e.file === file);
    out.push(...change(file, 'exceptions', a !== undefined, b !== undefined, exceptionDetails(a?.entries ?? [], b?.entries ?? [])));
  }
  const vexFiles = [...new Set([...base.vex.map((e) => e.file), ...head.vex.map((e) => e.file)])].sort();
  for (const file of vexFiles) {
    const a = base.vex.find((e) => e.file === file);
    const b = head.vex.find((e) => e.file === file);
    out.push(...change(file, 'vex', a !== undefined, b !== undefined, vexDetails(a?.doc, b?.doc)));
  }
  return out;
}
