// The evaluated findings of a shard merge, told to the SARIF thread (sarif-thread.ts) by what
// they add to the shards' findings, which that thread parses itself from the same bytes.
//
// Cloning 100,000 evaluated findings to another thread costs about as much as rendering their
// log (0.3 s to serialize, 0.7 s to deserialize, measured): the thread gets instead, per finding,
// the index of the shard finding it is (when provably so: every field it took from it is the very
// value, see sameBase) and the fields evaluation gave it; any other finding is sent whole.
import type { Finding } from '../core/finding';
import type { EvaluatedFinding } from '../core/result';

export interface FindingDelta {
  /** Per finding: its shard finding's index (all shards' findings in order), or -1: in `whole`. */
  source: Int32Array;
  blocking: Uint8Array;
  /** Rationales and projects, each once: `rationale` and `project` index it (-1: no project). */
  texts: string[];
  rationale: Int32Array;
  project: Int32Array;
  /** Text hashes the gate added after the shards were read (addTextHashes). */
  textHashes: [number, string][];
  /** Exceptions, VEX and baseline marks, where a finding has any. */
  marks: [number, Pick<EvaluatedFinding, 'exception' | 'vex' | 'baseline' | 'newlyDisclosed'>][];
  whole: [number, EvaluatedFinding][];
}

/** Whether `e` holds the very values of shard finding `r` (as the gate holds it) in every field it did not get from evaluation. */
function sameBase(e: EvaluatedFinding, r: Finding): boolean {
  return (
    e.fingerprint === r.fingerprint &&
    e.id === r.id &&
    e.tools === r.tools &&
    e.kind === r.kind &&
    e.severity === r.severity &&
    e.aliases === r.aliases &&
    e.title === r.title &&
    e.description === r.description &&
    e.package === r.package &&
    e.location === r.location &&
    e.cvssScore === r.cvssScore &&
    e.cwes === r.cwes &&
    e.url === r.url &&
    e.textHash === r.textHash
  );
}

/** The shard findings both threads hold, by fingerprint (-1 where two share one: sent whole). */
export class ShardFindings {
  readonly all: Finding[] = [];
  private readonly byFingerprint = new Map<string, number>();
  /** Which findings had a text hash as read: the others may get one from the gate later. */
  private readonly hashed: boolean[] = [];

  add(findings: readonly Finding[]): void {
    for (const f of findings) {
      const i = this.all.push(f) - 1;
      this.hashed.push(f.textHash !== undefined);
      this.byFingerprint.set(f.fingerprint, this.byFingerprint.has(f.fingerprint) ? -1 : i);
    }
  }

  delta(findings: readonly EvaluatedFinding[]): FindingDelta {
    const n = findings.length;
    const d: FindingDelta = { source: new Int32Array(n), blocking: new Uint8Array(n), texts: [], rationale: new Int32Array(n), project: new Int32Array(n), textHashes: [], marks: [], whole: [] };
    const textIndex = new Map<string, number>();
    const text = (s: string): number => {
      let i = textIndex.get(s);
      if (i === undefined) textIndex.set(s, (i = d.texts.push(s) - 1));
      return i;
    };
    for (let i = 0; i < n; i++) {
      const e = findings[i];
      const at = this.byFingerprint.get(e.fingerprint) ?? -1;
      if (at < 0 || !sameBase(e, this.all[at])) {
        d.source[i] = -1;
        d.whole.push([i, e]);
        continue;
      }
      d.source[i] = at;
      d.blocking[i] = e.blocking ? 1 : 0;
      d.rationale[i] = text(e.rationale);
      d.project[i] = e.project === undefined ? -1 : text(e.project);
      if (!this.hashed[at] && e.textHash !== undefined) d.textHashes.push([i, e.textHash]);
      if (e.exception !== undefined || e.vex !== undefined || e.baseline !== undefined || e.newlyDisclosed !== undefined) {
        d.marks.push([i, { exception: e.exception, vex: e.vex, baseline: e.baseline, newlyDisclosed: e.newlyDisclosed }]);
      }
    }
    return d;
  }
}

/** The evaluated findings again, from `all` (the shards' findings as this thread parsed them). */
export function applyDelta(d: FindingDelta, all: readonly Finding[]): EvaluatedFinding[] {
  const out: EvaluatedFinding[] = new Array(d.source.length);
  for (let i = 0; i < out.length; i++) {
    const at = d.source[i];
    if (at < 0) continue;
    const r = all[at];
    // One literal in evaluate's field order, as evaluate makes them.
    out[i] = {
      tools: r.tools,
      kind: r.kind,
      severity: r.severity,
      id: r.id,
      aliases: r.aliases,
      title: r.title,
      description: r.description,
      package: r.package,
      location: r.location,
      cvssScore: r.cvssScore,
      cwes: r.cwes,
      url: r.url,
      textHash: r.textHash,
      project: d.project[i] < 0 ? undefined : d.texts[d.project[i]],
      fingerprint: r.fingerprint,
      blocking: d.blocking[i] === 1,
      rationale: d.texts[d.rationale[i]],
      exception: undefined,
      vex: undefined,
      baseline: undefined,
      newlyDisclosed: undefined,
    };
  }
  for (const [i, h] of d.textHashes) out[i].textHash = h;
  for (const [i, m] of d.marks) Object.assign(out[i], m);
  for (const [i, e] of d.whole) out[i] = e;
  return out;
}
