import { assignProjects, planId, planShards, REPOSITORY_SHARD, shardCoverage, underProject, type PlanProject } from '../../src/core/plan';
import { computeFingerprint, type Finding } from '../../src/core/finding';

const P = (path: string, files: number, packages: number): PlanProject => ({ path, files, packages });

describe('planShards', () => {
  it('is one scan per project, costliest first, paths relative to DIR, each stamped with its name and the plan id', () => {
    const plan = planShards([P('', 1, 0), P('svc/a b', 5, 100), P('svc/c', 50, 10)], { config: '.chaingate.yml' });
    const unstamped = [
      { name: 'svc-a-b', args: ['svc/a b', '--mode', 'warn', '--output-dir', 'chaingate-shards/svc-a-b', '--config', '.chaingate.yml'] },
      { name: 'svc-c', args: ['svc/c', '--mode', 'warn', '--output-dir', 'chaingate-shards/svc-c', '--config', '.chaingate.yml'] },
      { name: 'root', args: ['.', '--mode', 'warn', '--output-dir', 'chaingate-shards/root', '--config', '.chaingate.yml'] },
    ];
    const id = planId(unstamped);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(plan).toEqual({
      include: unstamped.map((e, i) => ({ ...e, args: [...e.args, '--shard', e.name, '--plan-id', id], projects: [['svc/a b', 'svc/c', ''][i]] })),
    });
    // Another set of projects is another plan.
    expect(planShards([P('svc/c', 50, 10)]).include[0].args.at(-1)).not.toBe(id);
  });

  it('groups projects into fewer shards, largest first into the cheapest shard, one scan of DIR each', () => {
    const plan = planShards([P('a', 10, 0), P('b', 9, 0), P('c', 8, 0), P('d', 3, 0), P('e', 2, 0), P('f', 1, 0)], { shards: 3, config: 'p.yml' }).include;
    // a(10) | b(9) | c(8); d(3) -> c = 11; e(2) -> b = 11; f(1) -> a = 11.
    expect(plan.map((e) => [e.name, e.projects])).toEqual([
      ['shard-1-of-3', ['a', 'f']],
      ['shard-2-of-3', ['b', 'e']],
      ['shard-3-of-3', ['c', 'd']],
    ]);
    expect(plan[0].args.slice(0, 7)).toEqual(['.', '--project=a', '--project=f', '--mode', 'warn', '--output-dir', 'chaingate-shards/shard-1-of-3']);
    expect(plan[0].args).toEqual(expect.arrayContaining(['--config', 'p.yml', '--shard', 'shard-1-of-3']));
    // The root as a project is `--project .`; fewer projects than shards asked leaves no empty shard.
    expect(planShards([P('', 5, 0), P('x', 1, 0), P('-y', 1, 0)], { shards: 2 }).include.map((e) => e.args.slice(0, 3))).toEqual([
      ['.', '--project=.', '--mode'],
      ['.', '--project=-y', '--project=x'],
    ]);
    // A folder named like a flag, alone in its shard, is a path.
    expect(planShards([P('-x', 1, 0)]).include[0].args[0]).toBe('./-x');
  });

  it('orders shards of equal cost by name', () => {
    expect(planShards([P('b', 1, 1), P('a', 1, 1)]).include.map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('splits the costliest project by scanner when more shards are asked for', () => {
    const two = planShards([P('big', 100, 100), P('small', 1, 1)], { shards: 3 }).include;
    expect(two.map((e) => [e.name, e.args.slice(5, -4)])).toEqual([
      ['big--trivy-fs-audit', ['--scanners', 'trivy-fs,audit']],
      ['big--semgrep', ['--scanners', 'semgrep']],
      ['small', []],
    ]);
    const three = planShards([P('big', 100, 100), P('small', 1, 1)], { shards: 4 }).include.map((e) => e.name);
    expect(three).toEqual(['big--trivy-fs', 'big--audit', 'big--semgrep', 'small']);
  });

  it("runs the repository's scanners (workflows, URLs, image) once, in a shard of their own", () => {
    const plan = planShards([P('a', 3, 1), P('b', 2, 1)], { scanners: ['audit', 'headers', 'semgrep', 'zizmor'] }).include;
    expect(plan.map((e) => [e.name, e.projects, e.args.slice(0, e.args.indexOf('--shard'))])).toEqual([
      ['a', ['a'], ['a', '--mode', 'warn', '--output-dir', 'chaingate-shards/a', '--scanners', 'semgrep,audit']],
      ['b', ['b'], ['b', '--mode', 'warn', '--output-dir', 'chaingate-shards/b', '--scanners', 'semgrep,audit']],
      [REPOSITORY_SHARD, [], ['.', '--mode', 'warn', '--output-dir', `chaingate-shards/${REPOSITORY_SHARD}`, '--scanners', 'zizmor,headers']],
    ]);
    // Grouped shards name their scanners too; a policy of repository scanners only is one shard.
    expect(planShards([P('a', 3, 1), P('b', 2, 1), P('c', 1, 1)], { shards: 2, scanners: ['trivy-fs', 'trivy-image'] }).include.map((e) => e.args.slice(e.args.indexOf('--scanners'), e.args.indexOf('--scanners') + 2))).toEqual([
      ['--scanners', 'trivy-fs'],
      ['--scanners', 'trivy-fs'],
      ['--scanners', 'trivy-image'],
    ]);
    expect(planShards([P('a', 3, 1)], { shards: 4, scanners: ['headers'] }).include.map((e) => e.name)).toEqual([REPOSITORY_SHARD]);
  });

  it("splits by the policy's scanners only, and runs none it does not enable", () => {
    expect(planShards([P('big', 100, 100)], { shards: 5, scanners: ['audit', 'semgrep'] }).include.map((e) => e.args.slice(e.args.indexOf('--scanners'), e.args.indexOf('--scanners') + 2).join(' '))).toEqual([
      '--scanners audit',
      '--scanners semgrep',
    ]);
    // Without repository scanners a shard of the whole project runs the policy's own list.
    expect(planShards([P('x', 1, 1)], { scanners: ['audit'] }).include[0].args).not.toContain('--scanners');
  });

  it('gives folders that read alike distinct names (artifacts and output folders)', () => {
    const plan = planShards([P('a b', 1, 0), P('a-b', 1, 0), P('', 1, 0), P('root', 1, 0), P('repository--whole', 1, 0)], { scanners: ['audit', 'headers'] }).include;
    const names = plan.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['a-b', 'a-b-2', 'repository--whole-2', 'root', 'root-2', REPOSITORY_SHARD]);
    for (const e of plan) expect(e.args).toEqual(expect.arrayContaining([`chaingate-shards/${e.name}`, '--shard', e.name]));
  });

  it('stops when nothing is left to split', () => {
    expect(planShards([P('only', 3, 3)], { shards: 10 }).include.map((e) => e.name)).toEqual(['only--trivy-fs', 'only--audit', 'only--semgrep']);
  });
});

describe('shardCoverage', () => {
  const plan = planShards([P('a', 3, 0), P('b', 2, 0), P('c', 1, 0)], { shards: 2 });
  const id = plan.include[0].args.at(-1) as string;
  const stamp = (name: string, p = id) => ({ name, plan: p });

  it('is satisfied by one result of each shard of the plan', () => {
    expect(shardCoverage(plan, [{ file: 'x/1.json', shard: stamp('shard-1-of-2') }, { file: 'x/2.json', shard: stamp('shard-2-of-2') }])).toEqual([]);
  });

  it('names a missing shard with its projects, a duplicated one, one of another plan, of no plan and unknown', () => {
    const problems = shardCoverage(plan, [
      { file: 'd1.json', shard: stamp('shard-1-of-2') },
      { file: 'd2.json', shard: stamp('shard-1-of-2') },
      { file: 'old.json', shard: stamp('shard-2-of-2', '0123456789abcdef') },
      { file: 'bare.json' },
      { file: 'odd.json', shard: stamp('shard-9-of-2') },
    ]);
    expect(problems).toEqual([
      'old.json: shard shard-2-of-2 is of plan 0123456789abcdef, not ' + id + " (another commit's or another plan's shard)",
      `bare.json: not a shard of plan ${id} (its result has no shard stamp: scan it with the plan's args)`,
      `odd.json: shard shard-9-of-2 is not in plan ${id}`,
      `shard shard-1-of-2 (projects a) of plan ${id}: 2 results (d1.json, d2.json); keep one`,
      `shard shard-2-of-2 (projects b, c) of plan ${id}: no readable result (missing, truncated or not of this plan)`,
    ]);
  });

  it('names the root project as . and a plan entry without projects by its name alone', () => {
    const p = { include: [{ name: 'r', args: ['--plan-id', 'x'], projects: [''] }, { name: 's', args: ['--plan-id', 'x'] }] };
    expect(shardCoverage(p, [])).toEqual(['shard r (projects .) of plan x: no readable result (missing, truncated or not of this plan)', 'shard s of plan x: no readable result (missing, truncated or not of this plan)']);
  });
});

describe('underProject', () => {
  const f = (path?: string): Finding => {
    const x: Finding = { tools: ['osv'], kind: 'vulnerability', severity: 'high', id: 'CVE-1', aliases: [], title: 't', fingerprint: '', ...(path ? { location: { path } } : {}) };
    return { ...x, fingerprint: computeFingerprint(x) };
  };

  it('moves paths under the project folder and recomputes fingerprints, as a scan of DIR would', () => {
    const [moved, none] = underProject([f('package-lock.json'), f()], 'svc/a');
    expect(moved.location?.path).toBe('svc/a/package-lock.json');
    expect(moved.fingerprint).toBe(f('svc/a/package-lock.json').fingerprint);
    expect(none).toEqual(f());
    expect(underProject([f('x')], '')[0]).toEqual(f('x'));
  });
});

describe('assignProjects', () => {
  it('marks each finding with the deepest project folder holding it', () => {
    const f = (p?: string) => ({ id: p ?? 'none', ...(p === undefined ? {} : { location: { path: p } }) });
    expect(assignProjects([f('svc/a/x.js'), f('svc/a/nested/y.js'), f('svc/ab/z.js'), f('top.js'), f()], ['svc/a', 'svc/a/nested', 'svc/a', '']).map((x) => (x as { project?: string }).project)).toEqual([
      'svc/a',
      'svc/a/nested',
      undefined,
      undefined,
      undefined,
    ]);
  });
});
