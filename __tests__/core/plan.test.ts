import { assignProjects, planShards, type PlanProject } from '../../src/core/plan';

const P = (path: string, files: number, packages: number): PlanProject => ({ path, files, packages });

describe('planShards', () => {
  it('is one scan per project, costliest first, paths relative to DIR', () => {
    expect(planShards([P('', 1, 0), P('svc/a b', 5, 100), P('svc/c', 50, 10)], { config: '.chaingate.yml' })).toEqual({
      include: [
        { name: 'svc-a-b', args: ['svc/a b', '--mode', 'warn', '--output-dir', 'chaingate-shards/svc-a-b', '--config', '.chaingate.yml'] },
        { name: 'svc-c', args: ['svc/c', '--mode', 'warn', '--output-dir', 'chaingate-shards/svc-c', '--config', '.chaingate.yml'] },
        { name: 'root', args: ['.', '--mode', 'warn', '--output-dir', 'chaingate-shards/root', '--config', '.chaingate.yml'] },
      ],
    });
  });

  it('orders shards of equal cost by name', () => {
    expect(planShards([P('b', 1, 1), P('a', 1, 1)]).include.map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('splits the costliest project by scanner when more shards are asked for', () => {
    const two = planShards([P('big', 100, 100), P('small', 1, 1)], { shards: 3 }).include;
    expect(two.map((e) => [e.name, e.args.slice(5)])).toEqual([
      ['big--trivy-fs-audit', ['--scanners', 'trivy-fs,audit']],
      ['big--semgrep', ['--scanners', 'semgrep']],
      ['small', []],
    ]);
    const three = planShards([P('big', 100, 100), P('small', 1, 1)], { shards: 4 }).include.map((e) => e.name);
    expect(three).toEqual(['big--trivy-fs', 'big--audit', 'big--semgrep', 'small']);
  });

  it('stops when nothing is left to split', () => {
    expect(planShards([P('only', 3, 3)], { shards: 10 }).include.map((e) => e.name)).toEqual(['only--trivy-fs', 'only--audit', 'only--semgrep']);
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
