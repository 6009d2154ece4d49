// Shell: reads `--baseline FILE`, the chaingate-result.json of an earlier run, as the findings a
// change is compared with. Only what matching needs is read; anything else about the file is
// checked just enough to refuse what is not a result, or one from a newer chaingate.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { z } from 'zod';
import { packageIdentity, type BaselineFinding } from '../core/baseline';
import { ConfigError } from '../errors';

import { RESULT_SCHEMA_VERSION } from '../core/result-version';
export { RESULT_SCHEMA_VERSION };

const BaselineFindingSchema = z.looseObject({
  kind: z.string(),
  id: z.string(),
  aliases: z.array(z.string()).default([]),
  package: z.looseObject({ ecosystem: z.string().optional(), name: z.string(), version: z.string().optional() }).optional(),
  location: z.looseObject({ path: z.string(), startLine: z.number().optional() }).optional(),
  textHash: z.string().optional(),
});

const ResultFileSchema = z.looseObject({
  schemaVersion: z.number().int(),
  tool: z.looseObject({ name: z.literal('chaingate') }),
  verdict: z.string(),
  findings: z.array(BaselineFindingSchema),
});

export interface BaselineFile {
  file: string;
  sha256: string;
  findings: BaselineFinding[];
  /** Dependencies the baseline shows findings on: they were there, at that version, before. */
  packages: Set<string>;
}

const WHAT = 'is not a chaingate result (chaingate-result.json of an earlier `chaingate scan`)';

export function loadBaselineFile(file: string): BaselineFile {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read the baseline: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new ConfigError(`the baseline ${WHAT}: it is not JSON (${(e as Error).message})`, file);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RESULT_SCHEMA_VERSION && (raw as { tool?: { name?: unknown } }).tool?.name === 'chaingate') {
    throw new ConfigError(
      `the baseline was written by a newer chaingate (result schema version ${version}; this one reads up to ${RESULT_SCHEMA_VERSION}): upgrade chaingate, or make the baseline with this version`,
      file,
    );
  }
  const r = ResultFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const at = i.path.length ? i.path.map(String).join('.') : '(top level)';
    throw new ConfigError(`the baseline ${WHAT}: ${at}: ${i.message}`, file);
  }
  const findings: BaselineFinding[] = r.data.findings;
  const packages = new Set<string>();
  for (const f of findings) if (f.package) packages.add(packageIdentity(f.package));
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), findings, packages };
}
