// OpenVEX: statements `not_affected` or `fixed` suppress a vulnerability for the products they
// name. Pure, indexed by vulnerability id.
//
// A statement is an accepted risk like an exception, written by whoever edits the document: it
// counts toward exceptions.max-active and is listed with the exceptions. It has no expiry of its
// own; under exceptions.max-days it holds for max-days days from its timestamp (the statement's,
// else the document's), so a VEX document has to be re-issued as often as exceptions renewed.
import type { VexDocument } from '../config/schema';
import { daysUntil } from './exceptions';
import type { Finding } from './finding';
import { parsePurl, purlMatches, type PurlParts } from './purl-key';
import type { VexStatementUse, VexSuppression } from './result';

export interface VexSource {
  source: string;
  doc: VexDocument;
}

export interface CompiledStatement {
  source: string;
  /** Index of the statement in its document (0-based). */
  index: number;
  /** Its first name, for reports. */
  vulnerability: string;
  /** Every name it goes by: the vulnerability's name, @id and aliases. */
  names: string[];
  status: 'not_affected' | 'fixed';
  justification?: string;
  statement?: string;
  /** undefined: the statement names no product we can read, so it applies to every package. */
  products?: PurlParts[];
  /** The day it stops suppressing (timestamp + max-days), when max-days is set. */
  expires?: string;
  daysLeft?: number;
  expired: boolean;
  /** Fingerprints of the findings it suppressed (or, when expired, would have). */
  matched: string[];
}

function productPurls(products: VexDocument['statements'][number]['products']): PurlParts[] | undefined {
  if (!products || products.length === 0) return undefined;
  const out: PurlParts[] = [];
  for (const p of products) {
    const ids = typeof p === 'string' ? [p] : [p['@id'], p.identifiers?.purl].filter((x): x is string => !!x);
    for (const id of ids) {
      const parsed = parsePurl(id);
      if (parsed) out.push(parsed);
    }
  }
  return out;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The day a statement stops holding under max-days, or why it has no such day. */
function expiryOf(timestamp: string | undefined, maxDays: number, now: Date): { expires: string } | { problem: string } {
  if (timestamp === undefined) return { problem: 'has no timestamp (nor has its document), so exceptions.max-days cannot be applied to it' };
  const t = Date.parse(timestamp);
  // The date as we read it, not the file's text: Date.parse also reads `<anything> 2099-01-01`.
  if (Number.isNaN(t)) return { problem: 'has a timestamp that is not a date' };
  if (t > now.getTime() + DAY_MS) return { problem: `is dated in the future (${new Date(t).toISOString()}), which would stretch exceptions.max-days` };
  return { expires: new Date(t + maxDays * DAY_MS).toISOString().slice(0, 10) };
}

export interface VexProblem {
  source: string;
  index: number;
  message: string;
}

/** Statements that cannot be given an expiry under max-days: configuration errors. */
export function checkVexLimits(sources: VexSource[], maxDays: number | undefined, now: Date): VexProblem[] {
  if (maxDays === undefined) return [];
  const problems: VexProblem[] = [];
  for (const { source, doc } of sources) {
    doc.statements.forEach((s, index) => {
      if (s.status !== 'not_affected' && s.status !== 'fixed') return;
      const e = expiryOf(s.timestamp ?? doc.timestamp, maxDays, now);
      if ('problem' in e) problems.push({ source, index, message: `VEX statement ${index + 1} ${e.problem}` });
    });
  }
  return problems;
}

/** The statements that suppress (not_affected, fixed), with their expiry under max-days. */
export function compileVex(sources: VexSource[], now: Date, maxDays?: number): CompiledStatement[] {
  const out: CompiledStatement[] = [];
  for (const { source, doc } of sources) {
    doc.statements.forEach((s, index) => {
      if (s.status !== 'not_affected' && s.status !== 'fixed') return;
      const v = s.vulnerability;
      const names = typeof v === 'string' ? [v] : [v.name, v['@id'], ...(v.aliases ?? [])].filter((x): x is string => !!x);
      const c: CompiledStatement = {
        source,
        index,
        vulnerability: names[0] ?? '(unnamed)',
        names,
        status: s.status,
        justification: s.justification,
        statement: s.impact_statement ?? s.action_statement,
        products: productPurls(s.products),
        expired: false,
        matched: [],
      };
      if (maxDays !== undefined) {
        // checkVexLimits refused the statements without a usable timestamp before this runs.
        const e = expiryOf(s.timestamp ?? doc.timestamp, maxDays, now) as { expires: string };
        c.expires = e.expires;
        c.daysLeft = daysUntil(e.expires, now);
        c.expired = c.daysLeft < 0;
      }
      out.push(c);
    });
  }
  return out;
}

export function indexVex(statements: CompiledStatement[]): Map<string, CompiledStatement[]> {
  const idx = new Map<string, CompiledStatement[]>();
  for (const c of statements) {
    for (const n of c.names) {
      const k = n.toLowerCase();
      const arr = idx.get(k);
      if (arr) arr.push(c);
      else idx.set(k, [c]);
    }
  }
  return idx;
}

/**
 * The suppression of the first active statement that matches the finding. Every matching
 * statement, expired or not, records the finding (an expired one to say what it would have done).
 */
export function matchVex(idx: Map<string, CompiledStatement[]>, f: Finding): VexSuppression | undefined {
  // Called once per finding: nothing to allocate when there is no VEX at all.
  if (f.kind !== 'vulnerability' || idx.size === 0) return undefined;
  let found: VexSuppression | undefined;
  for (let i = -1; i < f.aliases.length; i++) {
    for (const s of idx.get((i < 0 ? f.id : f.aliases[i]).toLowerCase()) ?? []) {
      if (s.products && !s.products.some((p) => purlMatches(p, f.package))) continue;
      if (s.matched[s.matched.length - 1] !== f.fingerprint) s.matched.push(f.fingerprint);
      if (s.expired || found) continue;
      found = { source: s.source, vulnerability: s.vulnerability, status: s.status };
      if (s.justification) found.justification = s.justification;
      if (s.statement) found.statement = s.statement;
    }
  }
  return found;
}

/** A statement as the result lists it. */
export function statementUse(c: CompiledStatement): VexStatementUse {
  const u: VexStatementUse = { source: c.source, index: c.index, vulnerability: c.vulnerability, status: c.status, expired: c.expired, matched: c.matched };
  if (c.justification) u.justification = c.justification;
  if (c.expires !== undefined) {
    u.expires = c.expires;
    u.daysLeft = c.daysLeft;
  }
  return u;
}
