// CVSS base scores from vectors, so a severity can be given when an advisory carries only a
// vector. Pure.
import { lookupTable } from '../core/lookup';

const AV = lookupTable<number>({ N: 0.85, A: 0.62, L: 0.55, P: 0.2 });
const AC = lookupTable<number>({ L: 0.77, H: 0.44 });
const PR_UNCHANGED = lookupTable<number>({ N: 0.85, L: 0.62, H: 0.27 });
const PR_CHANGED = lookupTable<number>({ N: 0.85, L: 0.68, H: 0.5 });
const UI = lookupTable<number>({ N: 0.85, R: 0.62 });
const CIA = lookupTable<number>({ H: 0.56, L: 0.22, N: 0 });

type V3Metrics = Record<'AV' | 'AC' | 'PR' | 'UI' | 'S' | 'C' | 'I' | 'A', string>;

function metrics(parts: string[]): Map<string, string> | undefined {
  const m = new Map<string, string>();
  for (const p of parts) {
    const [k, v, ...rest] = p.split(':');
    if (!k || v === undefined || rest.length) return undefined;
    // A metric given twice makes the vector invalid per the specification.
    if (m.has(k)) return undefined;
    m.set(k, v);
  }
  return m;
}

/** CVSS v3.1 Roundup: the smallest one-decimal number >= x, robust to float noise. */
function roundUp31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

function roundUp30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

function v3Score(m: V3Metrics, roundUp: (x: number) => number): number | undefined {
  const changed = m.S === 'C';
  if (m.S !== 'U' && m.S !== 'C') return undefined;
  const av = AV[m.AV];
  const ac = AC[m.AC];
  const pr = (changed ? PR_CHANGED : PR_UNCHANGED)[m.PR];
  const ui = UI[m.UI];
  const c = CIA[m.C];
  const i = CIA[m.I];
  const a = CIA[m.A];
  if (av === undefined || ac === undefined || pr === undefined || ui === undefined || c === undefined || i === undefined || a === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}

/**
 * Base score of a CVSS v3.0/v3.1 vector such as `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
 * Temporal and environmental metrics, when present, are ignored: the gate ranks by base score.
 * Returns undefined for anything that is not a complete, valid v3 vector.
 */
export function cvss3BaseScore(vector: string): number | undefined {
  const parts = vector.trim().split('/');
  const head = /^CVSS:3\.([01])$/.exec(parts[0] ?? '');
  if (!head) return undefined;
  const m = metrics(parts.slice(1));
  if (!m) return undefined;
  const base = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'] as const;
  const values: Partial<V3Metrics> = {};
  for (const k of base) {
    const v = m.get(k);
    if (v === undefined) return undefined;
    values[k] = v;
  }
  return v3Score(values as V3Metrics, head[1] === '1' ? roundUp31 : roundUp30);
}

/**
 * An approximate score for a CVSS v4.0 vector, used only when an advisory has neither a v3 vector
 * nor a qualitative severity. The exact v4 score needs the specification's macro-vector lookup
 * table; instead the v4 base metrics are laid onto the v3.1 formula: AT:P counts as AC:H, UI:P/A as
 * UI:R, and each of C/I/A is the worse of the vulnerable- and subsequent-system impact (scope
 * unchanged). On the advisories we checked this lands in the same qualitative band as the
 * advisory's own rating.
 */
export function cvss4ApproxScore(vector: string): number | undefined {
  const parts = vector.trim().split('/');
  if (parts[0] !== 'CVSS:4.0') return undefined;
  const m = metrics(parts.slice(1));
  if (!m) return undefined;
  const need = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];
  if (need.some((k) => !m.has(k))) return undefined;
  const worse = (a: string, b: string): string => (a === 'H' || b === 'H' ? 'H' : a === 'L' || b === 'L' ? 'L' : 'N');
  const ui = m.get('UI') === 'N' ? 'N' : 'R';
  const ac = m.get('AC') === 'H' || m.get('AT') === 'P' ? 'H' : 'L';
  return v3Score(
    {
      AV: m.get('AV') as string,
      AC: ac,
      PR: m.get('PR') as string,
      UI: ui,
      S: 'U',
      C: worse(m.get('VC') as string, m.get('SC') as string),
      I: worse(m.get('VI') as string, m.get('SI') as string),
      A: worse(m.get('VA') as string, m.get('SA') as string),
    },
    roundUp31,
  );
}
