// The license policy (`licenses: { allow, deny, unknown }`): each locked package's SPDX license
// expression judged against the lists. Pure: the gate reads the lockfiles.
import parse, { type ExpressionNode, type LicenseNode } from 'spdx-expression-parse';
import satisfies from 'spdx-satisfies';
import type { Lockfile } from '../lockfiles/types';
import { makeFinding, type Finding } from './finding';

export interface LicenseRules {
  allow: string[];
  deny: string[];
  unknown: 'allow' | 'warn' | 'block';
}

/** The tool name of the policy's findings: how policy.ts tells them from Trivy's license findings. */
export const LICENSE_TOOL = 'licenses';
export const LICENSE_IDS = {
  denied: 'chaingate.license.denied',
  notAllowed: 'chaingate.license.not-allowed',
  unknown: 'chaingate.license.unknown',
} as const;

export type LicenseJudgement =
  | { status: 'ok' }
  | { status: 'denied'; licenses: string[] }
  | { status: 'not-allowed'; licenses: string[] }
  | { status: 'unknown'; why: string };

// A lockfile is the pull request's: an expression like (A OR B) AND (C OR D) AND ... doubles the
// alternatives with each clause. Past these bounds it counts as unreadable (unknown), not as a hang.
const MAX_EXPRESSION_CHARS = 1_000;
const MAX_ALTERNATIVES = 256;

/** Why `id` cannot stand in an allow or deny list, or undefined: one SPDX id, `X+` or `X WITH Y`. */
export function spdxIdProblem(id: string): string | undefined {
  let node: ExpressionNode;
  try {
    node = parse(id);
  } catch {
    return 'is not an SPDX license id (see https://spdx.org/licenses/; ids are case-sensitive, e.g. MIT, Apache-2.0, GPL-3.0-only)';
  }
  if ('conjunction' in node) return 'is an expression; list each license on its own';
  return undefined;
}

/** A lockfile's license text as quoted in titles and descriptions: the PR's text, kept short. */
function quoted(expr: string): string {
  return expr.length > 200 ? `${expr.slice(0, 200)}…` : expr;
}

function text(n: LicenseNode): string {
  return `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`;
}

/** The expression as alternatives (OR) of licenses that all apply (AND); undefined past the bound. */
function alternatives(node: ExpressionNode): LicenseNode[][] | undefined {
  if (!('conjunction' in node)) return [[node]];
  const left = alternatives(node.left);
  const right = left && alternatives(node.right);
  if (!left || !right) return undefined;
  if (node.conjunction === 'or') return left.length + right.length > MAX_ALTERNATIVES ? undefined : [...left, ...right];
  if (left.length * right.length > MAX_ALTERNATIVES) return undefined;
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

/**
 * Judges one package's license expression. A package may be used under any one alternative of
 * an OR: it passes when one alternative has no denied license and (with an allow list) only
 * allowed ones. Denied when every alternative holds a denied license, not allowed otherwise.
 */
export function judgeLicense(expression: string | undefined, rules: Pick<LicenseRules, 'allow' | 'deny'>): LicenseJudgement {
  const expr = expression?.trim();
  if (!expr) return { status: 'unknown', why: 'no license recorded' };
  if (expr.length > MAX_EXPRESSION_CHARS) return { status: 'unknown', why: `license expression longer than ${MAX_EXPRESSION_CHARS} characters` };
  let alts: LicenseNode[][] | undefined;
  try {
    alts = alternatives(parse(expr));
  } catch {
    return { status: 'unknown', why: `"${quoted(expr)}" is not an SPDX license expression` };
  }
  if (!alts) return { status: 'unknown', why: `"${quoted(expr)}" has more than ${MAX_ALTERNATIVES} alternatives` };
  const denied = new Set<string>();
  const notAllowed = new Set<string>();
  let everyDenied = true;
  for (const alt of alts) {
    const bad = rules.deny.length ? alt.filter((n) => satisfies(text(n), rules.deny)) : [];
    const outside = rules.allow.length ? alt.filter((n) => !satisfies(text(n), rules.allow)) : [];
    if (bad.length === 0 && outside.length === 0) return { status: 'ok' };
    for (const n of bad) denied.add(text(n));
    // What to change is named from the alternatives only the allow list holds back.
    if (bad.length === 0) {
      everyDenied = false;
      for (const n of outside) notAllowed.add(text(n));
    }
  }
  return everyDenied ? { status: 'denied', licenses: [...denied].sort() } : { status: 'not-allowed', licenses: [...notAllowed].sort() };
}

/** The policy's findings over the lockfiles' packages (the project's own workspaces are not judged). */
export function licenseFindings(lockfiles: readonly Lockfile[], rules: LicenseRules): Finding[] {
  const out: Finding[] = [];
  // Many packages share a license: each expression is judged once.
  const judged = new Map<string, LicenseJudgement>();
  for (const lock of lockfiles) {
    for (const p of lock.packages) {
      if (p.workspace !== undefined) continue;
      const expr = p.licenses?.length ? (p.licenses.length === 1 ? p.licenses[0] : p.licenses.map((l) => `(${l})`).join(' AND ')) : undefined;
      const key = expr ?? '';
      let j = judged.get(key);
      if (!j) judged.set(key, (j = judgeLicense(expr, rules)));
      if (j.status === 'ok' || (j.status === 'unknown' && rules.unknown === 'allow')) continue;
      const what = `${p.name}@${p.version}`;
      const [id, title, severity] =
        j.status === 'denied'
          ? [LICENSE_IDS.denied, `License ${j.licenses.join(', ')} of ${what} is denied (licenses.deny)`, 'high' as const]
          : j.status === 'not-allowed'
            ? [LICENSE_IDS.notAllowed, `License ${j.licenses.join(', ')} of ${what} is not in licenses.allow`, 'high' as const]
            : [LICENSE_IDS.unknown, `License of ${what} is unknown: ${j.why} (licenses.unknown: ${rules.unknown})`, 'medium' as const];
      out.push(
        makeFinding({
          tool: LICENSE_TOOL,
          kind: 'license',
          severity,
          id,
          title,
          description: expr ? `License expression: ${quoted(expr)}` : undefined,
          package: { purl: p.purl, ecosystem: p.ecosystem, name: p.name, version: p.version, fixedVersions: [] },
          location: { path: lock.path },
        }),
      );
    }
  }
  return out;
}
