// What the sign and verify commands share: argv parsing into UsageErrors, GitHub step outputs,
// and reading the gate's result file.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { parseCommandLine } from '../cli/args';
import { z } from 'zod';
import type { GateResult } from '../core/result';
import type { CommandIO } from '../cli/types';
import { ConfigError, UsageError } from '../errors';
import { escapeData } from '../log-text';
import { describeIssue } from '../parsers/util';

export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  const parsed = parseCommandLine(argv, options, usage);
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument '${parsed.positionals[0]}'. This command does not take positional arguments\n\n${usage}`);
  return parsed.values;
}

/** Sets a step output when running in GitHub Actions (values here never hold newlines or secrets). */
export function warnTo(io: Pick<CommandIO, 'stderr'>): (message: string) => void {
  return (m) => io.stderr(`chaingate: warning: ${escapeData(m)}\n`);
}

/**
 * Step outputs for the CLI run in a workflow, in the runner's multi-line form with a random
 * delimiter (what the toolkit writes): a value holding a line break, such as the path of a file
 * named by the pull request, cannot add an output of its own. Best effort: the runner's file
 * failing is a warning, the verdict still decides the exit code.
 */
export function setStepOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>, warn: (message: string) => void): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = Object.entries(outputs)
    .map(([k, v]) => `${k}<<${delimiter}\n${v}\n${delimiter}\n`)
    .join('');
  try {
    fs.appendFileSync(file, text);
  } catch (e) {
    warn(`could not write the step outputs (GITHUB_OUTPUT): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const ResultFileSchema = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('chaingate'), version: z.string() }),
  verdict: z.enum(['pass', 'fail', 'incomplete']),
  mode: z.enum(['enforce', 'warn']),
  reasons: z.array(z.string()),
  summary: z.record(z.string(), z.number()),
  scanners: z.array(z.looseObject({ name: z.string(), status: z.string() })),
  exceptions: z.looseObject({ active: z.number(), applied: z.array(z.unknown()), expired: z.array(z.unknown()) }),
  inputs: z.looseObject({
    policy: z.looseObject({ path: z.string(), sha256: z.string() }).optional(),
    exceptions: z.looseObject({ path: z.string(), sha256: z.string() }).optional(),
    vex: z.array(z.looseObject({ path: z.string(), sha256: z.string() })),
  }),
});

export function readGateResult(file: string): GateResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the gate result: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (chaingate scan writes chaingate-out/chaingate-result.json)`, file);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ConfigError('the gate result is not JSON; is the file truncated?', file);
  }
  const r = ResultFileSchema.safeParse(data);
  if (!r.success) {
    throw new ConfigError(`not a chaingate result: ${describeIssue(ResultFileSchema, r.error.issues[0])}`, file);
  }
  return r.data as unknown as GateResult;
}
