// `--expect-shards FILE`: the matrix `chaingate plan` printed, read by the gate that merges the
// shards so it knows which results to expect (a shard that never uploaded one is otherwise
// invisible: a glob just matches one file fewer).
import { z } from 'zod';
import { ConfigError } from '../errors';
import { FormatError, parseJson, validate } from '../parsers/util';
import { readText } from '../read-text';

const PlanSchema = z.looseObject({
  include: z
    .array(z.looseObject({ name: z.string().min(1), args: z.array(z.string()), projects: z.array(z.string()).optional() }))
    .min(1)
    .max(256),
});
export type ShardPlan = z.infer<typeof PlanSchema>;

const flag = (args: readonly string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

export function readShardPlan(file: string): ShardPlan {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    throw new ConfigError(`--expect-shards: cannot read the plan (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  let plan: ShardPlan;
  try {
    plan = validate(PlanSchema, parseJson(text, 'shard plan'), 'shard plan');
  } catch (e) {
    if (e instanceof FormatError) throw new ConfigError(e.message, file, e.line);
    throw e;
  }
  const id = flag(plan.include[0].args, '--plan-id');
  const names = new Set<string>();
  for (const [i, e] of plan.include.entries()) {
    if (flag(e.args, '--shard') !== e.name || flag(e.args, '--plan-id') === undefined) {
      throw new ConfigError(`--expect-shards: include[${i}] (${e.name.slice(0, 100)}) has no --shard ${e.name.slice(0, 100)} --plan-id ID in its args: print the plan with this chaingate's plan command`, file);
    }
    if (flag(e.args, '--plan-id') !== id) throw new ConfigError(`--expect-shards: include[${i}] is of plan ${flag(e.args, '--plan-id')}, include[0] of ${id}: one plan per file`, file);
    if (names.has(e.name)) throw new ConfigError(`--expect-shards: shard ${e.name.slice(0, 100)} is listed twice`, file);
    names.add(e.name);
  }
  return plan;
}
