// --expect-shards: the plan file the gate reads, and what it refuses (exit 2, naming the file).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planShards } from '../../src/core/plan';
import { readShardPlan } from '../../src/gate/shard-plan';
import { tmpDir } from '../helpers/paths';

const write = (text: string): string => {
  const f = path.join(tmpDir('chaingate-shard-plan-'), 'plan.json');
  fs.writeFileSync(f, text);
  return f;
};
const plan = planShards([{ path: 'a', files: 2, packages: 0 }, { path: 'b', files: 1, packages: 0 }]);

describe('readShardPlan', () => {
  it('reads the matrix chaingate plan printed', () => {
    expect(readShardPlan(write(JSON.stringify(plan)))).toEqual(plan);
  });

  it.each([
    ['an entry without its stamp', { include: [{ name: 'a', args: ['a'] }] }, /include\[0\] \(a\) has no --shard a --plan-id ID/],
    ['a stamp of another name', { include: [{ name: 'a', args: ['--shard', 'b', '--plan-id', 'x'] }] }, /include\[0\] \(a\) has no --shard a/],
    ['two plans in one', { include: [plan.include[0], { ...plan.include[1], args: [...plan.include[1].args.slice(0, -1), 'other'] }] }, /include\[1\] is of plan other, include\[0\] of [0-9a-f]{16}: one plan per file/],
    ['a shard listed twice', { include: [plan.include[0], plan.include[0]] }, /shard a is listed twice/],
    ['no shard', { include: [] }, /shard plan: unexpected format/],
  ])('refuses %s', (_what, value, message) => {
    const f = write(JSON.stringify(value));
    expect(() => readShardPlan(f)).toThrow(message);
    expect(() => readShardPlan(f)).toThrow(f);
  });

  it('refuses an empty, truncated or missing file, at its line', () => {
    expect(() => readShardPlan(write(''))).toThrow(/shard plan: the report is empty/);
    expect(() => readShardPlan(write('{\n"include": ['))).toThrow(/plan\.json:2: shard plan: not valid JSON/);
    expect(() => readShardPlan('/nonexistent/plan.json')).toThrow(/--expect-shards: cannot read the plan \(ENOENT\)/);
  });
});
