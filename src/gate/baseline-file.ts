// Shell: reads `--baseline FILE`, the chaingate-result.json of an earlier run, as the findings a
// change is compared with. Only what matching needs is read; anything else about the file is
// checked just enough to refuse what is not a result, or one from a newer chaingate.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { z } from 'zod';
import { packageIdentity, type BaselineFinding } from '../core/baseline';
import { ConfigError } from '../errors';
import { describeJsonError } from '../parsers/json-error';
import { describeIssue } from '../parsers/util';

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
  const text = bytes.toString('utf8');
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text near the error; a baseline can come from the pull request.
    const p = describeJsonError(text, e);
    throw new ConfigError(`the baseline ${WHAT}: it is not JSON (${p.problem})`, file, p.line, p.column);
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
    throw new ConfigError(`the baseline ${WHAT}: ${describeIssue(ResultFileSchema, r.error.issues[0])}`, file);
  }
  const findings: BaselineFinding[] = r.data.findings;
  const packages = new Set<string>();
  for (const f of findings) if (f.package) packages.add(packageIdentity(f.package));
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), findings, packages };
}
