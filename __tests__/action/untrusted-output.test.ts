// The action's log is read by the runner: a line of it that starts with `::` is a workflow
// command. Text from the pull request (folder names, policy values, tool output) must never become
// one, inputs with control characters are refused, and the runner's own files (outputs, job
// summary) are best effort: the verdict alone decides the exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionLogger, runAction } from '../../src/action/main';
import { fixture, tmpDir } from '../helpers/paths';

/** Lines the runner would run as commands (after its TrimStart), and V1 `##[` commands. */
function commands(log: string): string[] {
  return log.split(/\r\n|\r|\n/).filter((l) => /^\s*::/u.test(l) || l.includes('##['));
}

/** Captures what the action prints (the runner reads it) and restores env and exit code. */
function captureStdout(): { text: () => string } {
  const saved = { ...process.env };
  let stdout = '';
  let write: jest.SpyInstance;
  beforeEach(() => {
    stdout = '';
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  return { text: () => stdout };
}

describe('action output is never a workflow command it did not mean', () => {
  const out = captureStdout();
  let d: string;
  beforeEach(() => {
    d = tmpDir('chaingate-action-untrusted-');
    fs.writeFileSync(path.join(d, 'github_output'), '');
    fs.writeFileSync(path.join(d, 'step_summary'), '');
    process.env.GITHUB_OUTPUT = path.join(d, 'github_output');
    process.env.GITHUB_STEP_SUMMARY = path.join(d, 'step_summary');
  });
  const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });

  it('escapes log lines and group lines from the logger', () => {
    const log = actionLogger();
    log.info('scanning x\n::add-mask::pwned\r::warning::pwned');
    log.group('trivy-fs\n::warning::title', ['args a\n  ::set-output name=verdict::pass', '##[warning]pwned', '\u00a0::stop-commands::tok']);
    log.warning('w\n::error::pwned');
    expect(commands(out.text()).filter((l) => !/^::(group|endgroup|warning)::/.test(l))).toEqual([]);
    expect(out.text()).toContain('scanning x%0A::add-mask::pwned%0D::warning::pwned');
    expect(out.text()).toContain('%0A  ::set-output name=verdict::pass');
    expect(out.text()).toContain('::warning::w%0A::error::pwned\n');
    expect(out.text()).toContain('##%5Bwarning]pwned');
    expect(out.text()).toContain('\u00a0%3A%3Astop-commands::tok');
  });

  it('a policy value from the pull request logged with the scanner command stays text', async () => {
    const proj = path.join(d, 'proj');
    fs.mkdirSync(proj);
    fs.writeFileSync(path.join(proj, '.chaingate.yml'), 'scanners: [trivy-fs]\nskip-dirs:\n  - "x\\n::add-mask::pwned\\n::warning file=a.js::pwned"\n');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: proj,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(d, 'out'),
        // Fault injection: a "trivy" that fails at once; its command line has been logged by then.
        CHAINGATE_TRIVY_PATH: '/bin/false',
      }),
    );
    expect(code).toBe(3);
    expect(out.text()).toContain('x%0A::add-mask::pwned%0A::warning file=a.js::pwned');
    expect(commands(out.text()).filter((l) => /pwned/.test(l) && !/^::error::/.test(l))).toEqual([]);
  });

  it.each([
    ['output-dir', '$D/out\n::warning::pwned'],
    ['verify-image', 'registry.example/app:1\n::add-mask::pwned'],
    ['working-directory', '.\r::warning::pwned'],
    ['config', 'a\u0000b'],
    ['image', 'app\u001b[31m'],
    ['sign-key', 'k\u2028::warning::pwned'],
    ['reports', 'trivy=a.json\ntrivy=b\r::warning::pwned.json'],
    ['vex', 'a.json\n\u0007b.json'],
  ])('refuses input %s with a control character, exit 2, naming the input', async (name, value) => {
    const code = await runAction(env({ [`CHAINGATE_INPUT_${name.toUpperCase().replace(/-/g, '_')}`]: value.replace('$D', d), CHAINGATE_INPUT_SCANNERS: 'none' }));
    expect(code).toBe(2);
    expect(out.text()).toMatch(new RegExp(`^::error::chaingate: input ${name} contains a control character \\(U\\+[0-9A-F]{4}\\)`, 'm'));
    expect(commands(out.text()).filter((l) => !l.startsWith('::error::'))).toEqual([]);
    expect(out.text()).not.toMatch(/pwned/);
  });

  it('list inputs keep their line breaks, CRLF included', async () => {
    const proj = path.join(d, 'proj');
    fs.mkdirSync(proj);
    const report = fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: proj,
        CHAINGATE_INPUT_SCANNERS: 'none\r\n',
        CHAINGATE_INPUT_REPORTS: `npm-audit=${report}\r\nnpm-audit=${report}\r\n`,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(d, 'out'),
      }),
    );
    expect(code).toBe(0);
  });
});

describe('the runner files are best effort: the verdict decides the exit code', () => {
  const out = captureStdout();

  const passing = (d: string) => {
    const proj = path.join(d, 'proj');
    fs.mkdirSync(proj);
    return {
      ...process.env,
      CHAINGATE_INPUT_WORKING_DIRECTORY: proj,
      CHAINGATE_INPUT_SCANNERS: 'none',
      CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json')}`,
      CHAINGATE_INPUT_OUTPUT_DIR: path.join(d, 'out'),
    };
  };

  it('an unwritable GITHUB_STEP_SUMMARY is a warning and a pass stays exit 0', async () => {
    const d = tmpDir('chaingate-action-summary-');
    fs.writeFileSync(path.join(d, 'github_output'), '');
    process.env.GITHUB_OUTPUT = path.join(d, 'github_output');
    // A directory where the summary file should be: appending to it fails (EISDIR), as root too.
    fs.mkdirSync(path.join(d, 'summary-is-a-dir'));
    process.env.GITHUB_STEP_SUMMARY = path.join(d, 'summary-is-a-dir');
    const code = await runAction(passing(d));
    expect(code).toBe(0);
    expect(process.exitCode).toBeUndefined();
    expect(out.text()).toMatch(/^::warning::chaingate: could not write the job summary \(GITHUB_STEP_SUMMARY\): EISDIR$/m);
    expect(fs.readFileSync(path.join(d, 'github_output'), 'utf8')).toMatch(/^verdict<<ghadelimiter_[\w-]+\npass\n/m);
  });

  it('an unwritable GITHUB_OUTPUT is one warning and a pass stays exit 0', async () => {
    const d = tmpDir('chaingate-action-output-');
    process.env.GITHUB_OUTPUT = path.join(d, 'missing', 'github_output');
    process.env.GITHUB_STEP_SUMMARY = path.join(d, 'step_summary');
    const code = await runAction(passing(d));
    expect(code).toBe(0);
    expect(out.text().match(/could not write the step outputs \(GITHUB_OUTPUT\)/g)).toHaveLength(1);
    expect(fs.readFileSync(path.join(d, 'step_summary'), 'utf8')).toMatch(/pass/i);
  });

  it('a failing verdict keeps exit 1 when the summary cannot be written', async () => {
    const d = tmpDir('chaingate-action-summary-');
    fs.mkdirSync(path.join(d, 'summary-is-a-dir'));
    process.env.GITHUB_STEP_SUMMARY = path.join(d, 'summary-is-a-dir');
    delete process.env.GITHUB_OUTPUT;
    const code = await runAction({ ...passing(d), CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}` });
    expect(code).toBe(1);
  });

  it('an output directory that cannot be made is a configuration error naming it, not a crash', async () => {
    const d = tmpDir('chaingate-action-outdir-');
    fs.writeFileSync(path.join(d, 'file'), '');
    delete process.env.GITHUB_OUTPUT;
    delete process.env.GITHUB_STEP_SUMMARY;
    const code = await runAction({ ...passing(d), CHAINGATE_INPUT_OUTPUT_DIR: path.join(d, 'file', 'out') });
    expect(code).toBe(2);
    expect(out.text()).toMatch(/^::error::chaingate: .*file\/out: cannot write to the output directory \(ENOTDIR\); check output-dir$/m);
    expect(out.text()).not.toMatch(/internal error/);
  });
});

describe('action.yml writes to the runner files only what the runner gave it', () => {
  it('every step that writes GITHUB_ENV or GITHUB_OUTPUT takes its values from runner contexts or commands, never inputs or event data', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof import('yaml');
    const action = parse(fs.readFileSync(path.join(__dirname, '..', '..', 'action.yml'), 'utf8'));
    const writers = (action.runs.steps as { run?: string; env?: Record<string, string> }[]).filter((s) => s.run && /GITHUB_(ENV|OUTPUT|PATH|STATE)/.test(s.run));
    expect(writers.length).toBeGreaterThan(0);
    for (const s of writers) {
      for (const v of Object.values(s.env ?? {})) expect(v).toMatch(/^\$\{\{\s*runner\.[\w.]+\s*\}\}[\w/.-]*$/);
      expect(s.run).not.toMatch(/\$\{\{/);
      // One line each, KEY=value: a value from the runner has no line break to smuggle a second.
      for (const line of s.run!.split('\n').filter((l) => /GITHUB_(ENV|OUTPUT)/.test(l))) expect(line).toMatch(/^echo "[a-zA-Z_]+=\$([A-Z_]+|\(date [^)]*\))" >> "\$GITHUB_(ENV|OUTPUT)"$/);
    }
  });
});
