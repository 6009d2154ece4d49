// OpenVEX: statements `not_affected` or `fixed` suppress a vulnerability for the products they
// name. Pure, indexed by vulnerability id.
import type { VexDocument } from '../config/schema';
import type { Finding } from './finding';
import { parsePurl, purlMatches, type PurlParts } from './purl-key';
import type { VexSuppression } from './result';

export interface VexSource {
  source: string;
  doc: VexDocument;
}

interface CompiledStatement {
  source: string;
  vulnerability: string;
  status: 'not_affected' | 'fixed';
  justification?: string;
  statement?: string;
  /** undefined: the statement names no product we can read, so it applies to every package. */
  products?: PurlParts[];
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

export function indexVex(sources: VexSource[]): Map<string, CompiledStatement[]> {
  const idx = new Map<string, CompiledStatement[]>();
  for (const { source, doc } of sources) {
    for (const s of doc.statements) {
      if (s.status !== 'not_affected' && s.status !== 'fixed') continue;
      const v = s.vulnerability;
      const names = typeof v === 'string' ? [v] : [v.name, v['@id'], ...(v.aliases ?? [])].filter((x): x is string => !!x);
      const compiled: CompiledStatement = {
        source,
        vulnerability: names[0],
        status: s.status,
        justification: s.justification,
        statement: s.impact_statement ?? s.action_statement,
        products: productPurls(s.products),
      };
      for (const n of names) {
        const k = n.toLowerCase();
        const arr = idx.get(k);
        if (arr) arr.push(compiled);
        else idx.set(k, [compiled]);
      }
    }
  }
  return idx;
}

export function matchVex(idx: Map<string, CompiledStatement[]>, f: Finding): VexSuppression | undefined {
  // Called once per finding: nothing to allocate when there is no VEX at all.
  if (f.kind !== 'vulnerability' || idx.size === 0) return undefined;
  for (let i = -1; i < f.aliases.length; i++) {
    for (const s of idx.get((i < 0 ? f.id : f.aliases[i]).toLowerCase()) ?? []) {
      if (s.products && !s.products.some((p) => purlMatches(p, f.package))) continue;
      const sup: VexSuppression = { source: s.source, vulnerability: s.vulnerability, status: s.status };
      if (s.justification) sup.justification = s.justification;
      if (s.statement) sup.statement = s.statement;
      return sup;
    }
  }
  return undefined;
}
