// The zizmor adapter: the real pinned zizmor on our test workflows (findings equal the parsed
// golden report), a pull request's own zizmor config and ignore comments not honoured, and fault
// injection with fake binaries: every failure is a ToolError naming zizmor, never a clean result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../../src/errors';
import { parseZizmor } from '../../src/parsers/zizmor';
import { createZizmorScanner, zizmorArgv } from '../../src/scanners/zizmor';
import type { ScanContext, ScannerOutcome } from '../../src/scanners/types';
import { REPO, tmpDir, toolBin } from '../helpers/paths';

const PROJECT = path.join(REPO, '__tests__', 'projects', 'zizmor-workflows');
const REAL = path.join(REPO, '__tests__', 'goldens', 'real', 'zizmor-workflows.json');

function context(dir: string, zizmor: string, timeoutMs = 120_000): ScanContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    dir,
    workDir: tmpDir('chaingate-zizmor-'),
    toolPath: (tool) => {
      if (tool !== 'zizmor') throw new Error(`unexpected tool ${tool}`);
      return zizmor;
    },
    timeoutMs,
    env: process.env,
    log: (l) => lines.push(l),
    lines,
  };
}

const run = (ctx: ScanContext): Promise<ScannerOutcome> => createZizmorScanner().run(ctx);
const summary = (o: ScannerOutcome) => o.findings.map((f) => `${f.location?.path}:${f.location?.startLine} ${f.id} ${f.severity}`).sort();

/** A copy of the test workflows, to add files to. */
function copyProject(): string {
  const dir = tmpDir('chaingate-zizmor-project-');
  fs.cpSync(PROJECT, dir, { recursive: true });
  return dir;
}

describe('zizmor adapter with the real zizmor', () => {
  it('finds template injection, pull_request_target, excessive permissions, unpinned uses and cache poisoning, as the golden report says', async () => {
    const ctx = context(PROJECT, toolBin('zizmor'));
    const outcome = await run(ctx);
    // The committed report is what this zizmor prints today: re-record it when zizmor is bumped.
    expect(outcome.findings).toEqual(parseZizmor(fs.readFileSync(REAL, 'utf8')));
    expect(new Set(outcome.findings.map((f) => f.id))).toEqual(
      new Set(['zizmor.template-injection', 'zizmor.dangerous-triggers', 'zizmor.excessive-permissions', 'zizmor.unpinned-uses', 'zizmor.cache-poisoning', 'zizmor.use-trusted-publishing']),
    );
    expect(outcome.rawOutputs).toEqual([path.join(ctx.workDir, 'zizmor.json')]);
    expect(ctx.lines).toEqual(['zizmor --offline --no-config --no-ignores --strict-collection --no-progress --color=never --format=json .']);
  }, 120_000);

  it('ignores the project’s own zizmor.yml and ignore comments: they would silence the gate unnoticed', async () => {
    const dir = copyProject();
    fs.writeFileSync(path.join(dir, 'zizmor.yml'), 'rules:\n  unpinned-uses:\n    disable: true\n  template-injection:\n    disable: true\n');
    // zizmor 1.32 without --no-ignores drops this finding (6 instead of 7).
    const wf = path.join(dir, '.github', 'workflows', 'unpinned-uses.yml');
    const text = fs.readFileSync(wf, 'utf8');
    expect(text).toContain('- uses: example-org/lint-action@v1\n');
    fs.writeFileSync(wf, text.replace('- uses: example-org/lint-action@v1\n', '- uses: example-org/lint-action@v1 # zizmor: ignore[unpinned-uses]\n'));
    const outcome = await run(context(dir, toolBin('zizmor')));
    expect(summary(outcome)).toEqual(summary(await run(context(PROJECT, toolBin('zizmor')))));
    expect(outcome.findings).toHaveLength(7);
  }, 120_000);

  it('a workflow it cannot load makes the run incomplete, not a shorter clean scan', async () => {
    const dir = copyProject();
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'broken.yml'), 'on: push\njobs:\n  a:\n    steps:\n      - run: echo "a: b"\n');
    await expect(run(context(dir, toolBin('zizmor')))).rejects.toThrow(/zizmor exited with code 1: .*broken\.yml/);
  }, 120_000);

  it('a project with no workflow or action is incomplete, not clean', async () => {
    const dir = tmpDir('chaingate-zizmor-empty-');
    fs.writeFileSync(path.join(dir, 'README.md'), 'nothing to audit\n');
    await expect(run(context(dir, toolBin('zizmor')))).rejects.toThrow(/found no workflow or action\.yml/);
  }, 120_000);

  it('a clean workflow is clean', async () => {
    const dir = tmpDir('chaingate-zizmor-clean-');
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.github', 'workflows', 'ci.yml'),
      'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    name: test\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
    );
    const outcome = await run(context(dir, toolBin('zizmor')));
    expect(outcome.findings).toEqual([]);
  }, 120_000);
});

describe('zizmor adapter fault injection (fake binaries)', () => {
  const bin = tmpDir('chaingate-fake-zizmor-');
  const report = fs.readFileSync(REAL, 'utf8');
  const reportFile = path.join(bin, 'report.json');
  fs.writeFileSync(reportFile, report);
  function fake(name: string, script: string): string {
    const p = path.join(bin, name);
    fs.writeFileSync(p, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return p;
  }
  async function failure(zizmor: string, timeoutMs = 30_000): Promise<ToolError> {
    try {
      await run(context(PROJECT, zizmor, timeoutMs));
    } catch (e) {
      expect(e).toBeInstanceOf(ToolError);
      return e as ToolError;
    }
    throw new Error('expected a ToolError');
  }

  it('reads a well-formed report with findings (exit 14) from a fake, so the faults below are what fails', async () => {
    const outcome = await run(context(PROJECT, fake('ok', `cat ${reportFile}\nexit 14`)));
    expect(outcome.findings).toHaveLength(7);
  });

  it('fails closed on a crash, garbage, a cut report, a timeout, a missing binary, and exit codes that contradict the report', async () => {
    expect((await failure(fake('crash', 'echo "error: something broke" >&2\nexit 1'))).message).toMatch(/zizmor exited with code 1: error: something broke/);
    expect((await failure(fake('panic', 'echo "thread main panicked" >&2\nexit 101'))).message).toMatch(/exited with code 101/);
    expect((await failure(fake('garbage', 'echo "not json"\nexit 14'))).message).toMatch(/report .* is unusable/);
    expect((await failure(fake('cut', `head -c 3000 ${reportFile}\nexit 14`))).message).toMatch(/unusable/);
    expect((await failure(fake('empty-14', 'echo "[]"\nexit 14'))).message).toMatch(/exited with code 14 \(findings\) but its report lists none/);
    expect((await failure(fake('silent-0', `cat ${reportFile}\nexit 0`))).message).toMatch(/exited with code 0 \(no findings\) but its report lists 7/);
    expect((await failure(fake('nothing-0', 'exit 0'))).message).toMatch(/unusable/);
    expect((await failure(fake('killed', 'kill -9 $$'))).message).toMatch(/killed by SIGKILL/);
    expect((await failure(fake('hang', 'sleep 30'), 700)).message).toMatch(/timed out/);
    expect((await failure(path.join(bin, 'missing'))).message).toMatch(/could not be started .*install-tools\.sh zizmor/);
  }, 60_000);

  it('builds its argv with offline mode and no project config', () => {
    const inv = zizmorArgv(context(PROJECT, '/opt/zizmor'));
    expect(inv.command).toBe('/opt/zizmor');
    expect(inv.args).toEqual(expect.arrayContaining(['--offline', '--no-config', '--no-ignores', '--strict-collection', '--format=json', '.']));
    expect(inv.cwd).toBe(PROJECT);
  });
});
