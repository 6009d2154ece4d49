// `zizmor --format json` (its v1 JSON): findings about GitHub Actions workflows and action.yml
// files. Pure.
import { z } from 'zod';
import { makeFinding, normalizeSeverity, type Finding } from '../core/finding';
import { validateReport } from './report-fields';
import type { Parser } from './types';
import { parseJson } from './util';

const WHAT = 'zizmor --format json report';
const KIND = 'zizmor JSON output';

const PointSchema = z.looseObject({ row: z.number().int().nonnegative(), column: z.number().int().nonnegative() });

const LocationSchema = z.looseObject({
  symbolic: z.looseObject({
    // Local inputs only: chaingate runs zizmor --offline on the project's own files.
    key: z.looseObject({ Local: z.looseObject({ verbatim_path: z.string().min(1) }) }),
    annotation: z.string(),
    // Primary is where the problem is; Related and Hidden give context.
    kind: z.string(),
  }),
  concrete: z.looseObject({
    location: z.looseObject({ start_point: PointSchema, end_point: PointSchema }),
  }),
});

const FindingSchema = z.looseObject({
  ident: z.string().min(1),
  desc: z.string(),
  url: z.string().optional(),
  determinations: z.looseObject({
    confidence: z.string(),
    severity: z.string(),
  }),
  locations: z.array(LocationSchema).min(1),
  // An inline `# zizmor: ignore[...]`: still listed (with --no-ignores, still counted in the exit
  // code) and kept, since an exemption goes through the exceptions file.
  ignored: z.boolean().optional(),
});
type ZizmorFinding = z.infer<typeof FindingSchema>;

const ReportSchema = z.array(FindingSchema);

/** zizmor rates High/Medium/Low/Informational (and Unknown); the words are the gate's own. */
function severityOf(word: string): Finding['severity'] {
  return normalizeSeverity(word);
}

const IGNORED = ' The workflow asks zizmor to ignore it in a comment; the gate does not (use the exceptions file).';

/** A span that ends at column 0 of a later row ends on the row before (a block's newline). */
function endLine(startRow: number, end: { row: number; column: number }): number {
  return end.column === 0 && end.row > startRow ? end.row : end.row + 1;
}

function toFinding(f: ZizmorFinding): Finding {
  const primary = f.locations.find((l) => l.symbolic.kind === 'Primary') ?? f.locations[0];
  const file = primary.symbolic.key.Local.verbatim_path.replace(/^(\.\/)+/, '');
  const confidence = f.determinations.confidence.toLowerCase();
  const note = primary.symbolic.annotation.trim();
  return makeFinding({
    tool: 'zizmor',
    kind: 'misconfiguration',
    severity: severityOf(f.determinations.severity),
    id: `zizmor.${f.ident}`,
    title: f.desc.trim() || f.ident,
    // zizmor's confidence has no place in the finding model: it is said, not dropped.
    description: `${note ? `${note}. ` : ''}zizmor confidence: ${confidence}.${f.ignored === true ? IGNORED : ''}`,
    location: {
      path: file,
      // zizmor's rows count from 0.
      startLine: primary.concrete.location.start_point.row + 1,
      endLine: endLine(primary.concrete.location.start_point.row, primary.concrete.location.end_point),
    },
    url: f.url && /^https?:\/\//i.test(f.url) ? f.url : undefined,
  });
}

/** Findings of a `zizmor --format json` report: one per zizmor finding, at its primary location. */
export const parseZizmor: Parser = (text) => {
  const report = validateReport(ReportSchema, parseJson(text, WHAT), WHAT, KIND);
  return report.map(toFinding);
};
