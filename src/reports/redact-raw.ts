// The raw tool reports kept in the output folder (raw/<scanner>/) end up in build artifacts.
// Trivy masks the secret it found, but not the lines around it (Code.Lines), where a neighbouring
// secret of another kind sits unmasked, and not the code it quotes for a misconfiguration (an
// `ENV API_TOKEN=...` line). Semgrep quotes the matched source (extra.lines), the values bound
// to metavariables, the code along a dataflow trace and, in a parse error, the code it stopped at. None of that is needed to read the
// findings: chaingate's own reports never carry it. This removes it from the reports we keep,
// leaving positions, rule ids and everything else. Pure: mutates the parsed report it is given.

export const REDACTED = '[redacted by chaingate]';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Code to hide: a non-empty string not already hidden. */
const isCode = (v: unknown): v is string => typeof v === 'string' && v !== '' && v !== REDACTED;

/** Replaces o[key] when it holds code; counts what it replaced. */
function blank(o: Obj, key: string): number {
  if (!isCode(o[key])) return 0;
  o[key] = REDACTED;
  return 1;
}

/** Code.Lines[].Content/Highlighted of a Trivy secret or misconfiguration. */
function redactCode(code: unknown): number {
  let n = 0;
  for (const line of list(isObj(code) ? code.Lines : undefined)) {
    if (isObj(line)) n += blank(line, 'Content') + blank(line, 'Highlighted');
  }
  return n;
}

/** A Trivy JSON report: returns how many fields were redacted (0: nothing to rewrite). */
export function redactTrivyReport(report: unknown): number {
  let n = 0;
  for (const r of list(isObj(report) ? report.Results : undefined)) {
    if (!isObj(r)) continue;
    for (const s of list(r.Secrets)) {
      if (!isObj(s)) continue;
      n += blank(s, 'Match') + redactCode(s.Code);
    }
    for (const m of list(r.Misconfigurations)) {
      if (isObj(m) && isObj(m.CauseMetadata)) n += redactCode(m.CauseMetadata.Code);
    }
  }
  return n;
}

/** Strings of a dataflow trace that are code: `content` fields and the text of a location tuple. */
function redactTrace(v: unknown): number {
  let n = 0;
  if (Array.isArray(v)) {
    // ["CliLoc", [location, "code"]]: the tag comes first, the code after its location.
    for (let i = 1; i < v.length; i++) {
      if (isCode(v[i])) {
        v[i] = REDACTED;
        n++;
      } else n += redactTrace(v[i]);
    }
    if (typeof v[0] !== 'string') n += redactTrace(v[0]);
  } else if (isObj(v)) {
    n += blank(v, 'content');
    for (const [k, x] of Object.entries(v)) if (k !== 'content') n += redactTrace(x);
  }
  return n;
}

/** A Semgrep JSON report: returns how many fields were redacted. */
export function redactSemgrepReport(report: unknown): number {
  let n = 0;
  for (const r of list(isObj(report) ? report.results : undefined)) {
    const extra = isObj(r) ? r.extra : undefined;
    if (!isObj(extra)) continue;
    // Semgrep without a login prints "requires login" instead of the code: nothing to hide there.
    if (extra.lines !== 'requires login') n += blank(extra, 'lines');
    if (isObj(extra.metavars)) for (const mv of Object.values(extra.metavars)) if (isObj(mv)) n += blank(mv, 'abstract_content');
    n += redactTrace(extra.dataflow_trace);
  }
  // A parse error quotes the code it stopped at: "Syntax error at line a.js:2:\n `<code>` was unexpected".
  for (const e of list(isObj(report) ? report.errors : undefined)) {
    if (!isObj(e) || typeof e.message !== 'string') continue;
    const message = e.message.replace(/`[^`]*`/g, `\`${REDACTED}\``);
    if (message !== e.message) {
      e.message = message;
      n++;
    }
  }
  return n;
}
