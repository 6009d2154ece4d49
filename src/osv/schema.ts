// OSV schema (https://ossf.github.io/osv-schema/): the parts the matcher reads. Unknown fields
// are allowed and ignored, so newer schema versions still load.
import { z } from 'zod';

export const OsvEventSchema = z.looseObject({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});
export type OsvEvent = z.infer<typeof OsvEventSchema>;

export const OsvRangeSchema = z.looseObject({
  type: z.enum(['SEMVER', 'ECOSYSTEM', 'GIT']),
  repo: z.string().optional(),
  events: z.array(OsvEventSchema).min(1),
});
export type OsvRange = z.infer<typeof OsvRangeSchema>;

export const OsvSeveritySchema = z.looseObject({
  type: z.string(),
  score: z.string(),
});
export type OsvSeverity = z.infer<typeof OsvSeveritySchema>;

const databaseSpecific = z.record(z.string(), z.unknown()).nullish();

export const OsvAffectedSchema = z.looseObject({
  package: z
    .looseObject({
      ecosystem: z.string().min(1),
      name: z.string().min(1),
      purl: z.string().optional(),
    })
    .optional(),
  severity: z.array(OsvSeveritySchema).nullish(),
  ranges: z.array(OsvRangeSchema).nullish(),
  versions: z.array(z.string()).nullish(),
  database_specific: databaseSpecific,
  ecosystem_specific: databaseSpecific,
});
export type OsvAffected = z.infer<typeof OsvAffectedSchema>;

export const OsvReferenceSchema = z.looseObject({ type: z.string(), url: z.string() });

export const OsvAdvisorySchema = z.looseObject({
  schema_version: z.string().optional(),
  id: z.string().min(1),
  modified: z.string().optional(),
  published: z.string().optional(),
  withdrawn: z.string().nullish(),
  aliases: z.array(z.string()).nullish(),
  summary: z.string().nullish(),
  details: z.string().nullish(),
  severity: z.array(OsvSeveritySchema).nullish(),
  affected: z.array(OsvAffectedSchema).nullish(),
  references: z.array(OsvReferenceSchema).nullish(),
  database_specific: databaseSpecific,
});
export type OsvAdvisory = z.infer<typeof OsvAdvisorySchema>;

// --- OSV API (v1) ---------------------------------------------------------------------------

export const OsvQuerySchema = z.strictObject({
  package: z.strictObject({ ecosystem: z.string(), name: z.string() }),
  version: z.string(),
  page_token: z.string().optional(),
});
export type OsvQuery = z.infer<typeof OsvQuerySchema>;

export const OsvBatchResponseSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      vulns: z.array(z.looseObject({ id: z.string().min(1), modified: z.string().optional() })).nullish(),
      next_page_token: z.string().nullish(),
    }),
  ),
});
export type OsvBatchResponse = z.infer<typeof OsvBatchResponseSchema>;
