// The published shape of chaingate-result.json. schemas/chaingate-result.schema.json is generated
// from GateResultSchema (scripts/gen-result-schema.mjs) and a test checks the two agree, and that
// rendered results validate against it.
import { z } from 'zod';
import { KINDS, SEVERITIES } from '../core/finding';
import { ExceptionSchema } from '../config/schema';
import type { GateResult } from '../core/result';

const count = z.number().int().min(0);

export const SeverityCountsSchema = z.strictObject({
  critical: count,
  high: count,
  medium: count,
  low: count,
  info: count,
  unknown: count,
});

export const SeveritySchema = z.enum(SEVERITIES);

export const PackageRefSchema = z.strictObject({
  purl: z.string().optional(),
  ecosystem: z.string().optional(),
  name: z.string(),
  version: z.string().optional(),
  fixedVersions: z.array(z.string()),
  /** The nearest fixed version above the installed one, in the ecosystem's version order. */
  fixedIn: z.string().optional(),
});

export const LocationSchema = z.strictObject({
  path: z.string(),
  startLine: z.number().int().optional(),
  endLine: z.number().int().optional(),
});

export const FindingExceptionSchema = z.strictObject({
  source: z.string(),
  index: z.number().int().min(0),
  id: z.string(),
  reason: z.string(),
  expires: z.string(),
  owner: z.string().optional(),
  ticket: z.string().optional(),
});

export const VexSuppressionSchema = z.strictObject({
  source: z.string(),
  vulnerability: z.string(),
  status: z.enum(['not_affected', 'fixed']),
  justification: z.string().optional(),
  statement: z.string().optional(),
});

export const EvaluatedFindingSchema = z.strictObject({
  id: z.string(),
  aliases: z.array(z.string()),
  kind: z.enum(KINDS),
  severity: SeveritySchema,
  blocking: z.boolean(),
  rationale: z.string(),
  title: z.string(),
  description: z.string().optional(),
  tools: z.array(z.string()).min(1),
  package: PackageRefSchema.optional(),
  location: LocationSchema.optional(),
  cvssScore: z.number().optional(),
  cwes: z.array(z.string()).optional(),
  url: z.string().optional(),
  exception: FindingExceptionSchema.optional(),
  vex: VexSuppressionSchema.optional(),
  textHash: z.string().optional(),
  baseline: z.enum(['new', 'existing']).optional(),
  newlyDisclosed: z.boolean().optional(),
  project: z.string().optional(),
  fingerprint: z.string(),
});

export const AppliedExceptionSchema = z.strictObject({
  index: z.number().int().min(0),
  source: z.string(),
  entry: ExceptionSchema,
  matched: z.array(z.string()),
  daysLeft: z.number().int(),
});

export const ScannerStatusSchema = z.strictObject({
  name: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  durationMs: z.number().min(0),
  findings: count,
  error: z.string().optional(),
  outputs: z.array(z.string()).optional(),
  notes: z.array(z.string()).optional(),
});

export const BaselineRecordSchema = z.strictObject({
  source: z.enum(['ref', 'file']),
  ref: z.string().optional(),
  commit: z.string().optional(),
  file: z.string().optional(),
  sha256: z.string().optional(),
  block: z.enum(['new', 'all']),
  trustedPolicy: z.enum(['head', 'baseline']),
  changedFiles: z.array(z.string()).optional(),
  newlyDisclosed: count,
  notes: z.array(z.string()),
});

const dependencyRef = { ecosystem: z.string(), name: z.string(), version: z.string(), purl: z.string() };

export const DependencyChangeSchema = z.strictObject({
  lockfile: z.string(),
  added: z.array(z.strictObject({ ...dependencyRef, findings: z.array(z.string()) })),
  removed: z.array(z.strictObject(dependencyRef)),
  changed: z.array(
    z.strictObject({ ecosystem: z.string(), name: z.string(), from: z.string(), to: z.string(), purl: z.string(), findings: z.array(z.string()) }),
  ),
});

export const PolicyChangeSchema = z.strictObject({
  file: z.string(),
  what: z.enum(['policy', 'exceptions', 'vex']),
  change: z.enum(['added', 'removed', 'modified']),
  details: z.array(z.string()),
});

const fileDigest = z.strictObject({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const GateResultSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    tool: z.strictObject({ name: z.literal('chaingate'), version: z.string() }),
    generatedAt: z.string(),
    verdict: z.enum(['pass', 'fail', 'incomplete']),
    mode: z.enum(['enforce', 'warn']),
    reasons: z.array(z.string()),
    summary: SeverityCountsSchema.extend({ blocking: count, suppressed: count, total: count, new: count.optional(), existing: count.optional() }),
    byKind: z.record(z.string(), SeverityCountsSchema),
    findings: z.array(EvaluatedFindingSchema).readonly(),
    exceptions: z.strictObject({
      applied: z.array(AppliedExceptionSchema),
      expired: z.array(AppliedExceptionSchema),
      unused: z.array(AppliedExceptionSchema),
      expiringSoon: z.array(AppliedExceptionSchema),
      active: count,
      maxActive: count.optional(),
      vex: z
        .array(
          z.strictObject({
            source: z.string(),
            index: count,
            vulnerability: z.string(),
            status: z.enum(['not_affected', 'fixed']),
            justification: z.string().optional(),
            expires: z.string().optional(),
            daysLeft: z.number().int().optional(),
            expired: z.boolean(),
            matched: z.array(z.string()),
          }),
        )
        .optional(),
    }),
    scanners: z.array(ScannerStatusSchema),
    inputs: z.strictObject({
      policy: fileDigest.optional(),
      exceptions: fileDigest.optional(),
      vex: z.array(fileDigest),
      projectPolicies: z.array(fileDigest).optional(),
    }),
    baseline: BaselineRecordSchema.optional(),
    dependencyChanges: z.array(DependencyChangeSchema).optional(),
    policyChanges: z.array(PolicyChangeSchema).optional(),
    commit: z.string().optional(),
    project: z.string().optional(),
    projects: z.array(z.string()).optional(),
    shard: z.strictObject({ name: z.string(), plan: z.string() }).optional(),
    components: z.array(z.strictObject({ purl: z.string(), name: z.string(), version: z.string().optional(), project: z.string().optional() })).max(100_000).optional(),
  })
  .meta({
    title: 'chaingate result',
    description: 'chaingate-result.json: the verdict of the chaingate supply-chain gate, every finding with whether it blocks, and the exceptions and scanners behind it.',
  });

// Compile-time guard: the schema and the GateResult interface must describe the same data.
// If either side changes alone, `tsc` fails here.
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const SCHEMA_MATCHES_GATE_RESULT: Mutual<z.infer<typeof GateResultSchema>, GateResult> = true;

/** The JSON Schema published as schemas/chaingate-result.schema.json. */
export function gateResultJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(GateResultSchema, {
    target: 'draft-7',
    // The findings list is readonly for the code that holds a result (it is frozen), which zod
    // would publish as readOnly: a JSON Schema word for "set by the server", not meant here.
    override: (ctx) => {
      delete ctx.jsonSchema.readOnly;
    },
  }) as Record<string, unknown>;
}
