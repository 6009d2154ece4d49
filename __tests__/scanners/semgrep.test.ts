// The Semgrep adapter: the real pinned Semgrep over our sample project (and the shared example
// twins), argv building, and fault injection with fake binaries: every failure is a ToolError
// naming semgrep, never an empty result.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../../src/errors';
import type { RunResult } from '../../src/process/run-tool';
import {
  absoluteConfigs,
  createSemgrepScanner,
  formatDuration,
  interpretSemgrep,
  ownRuleId,
  resolveRulesDir,
  rulesDirCandidates,
  countOwnRules,
  semgrepArgv,
  semgrepErrorLine,
  type SemgrepOptions,
} from '../../src/scanners/semgrep';
import type { Invocation, ScanContext, ScannerOutcome } from '../../src/scanners/types';
import { readFixture, REPO, tmpDir, toolBin } from '../helpers/paths';

const SAMPLE = path.join(REPO, '__tests__', 'projects', 'semgrep-sample');
const RULES = path.join(REPO, 'rules');

function context(dir: string, semgrep: string, timeoutMs = 300_000): ScanContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    dir,
    workDir: tmpDir('chaingate-semgrep-'),
    toolPath: (tool) => {
      if (tool !== 'semgrep') throw new Error(`unexpected tool ${tool}`);
      return semgrep;
    },
    timeoutMs,
    env: process.env,
    log: (l) => lines.push(l),
    lines,
  };
}

function run(ctx: ScanContext, opts: SemgrepOptions = { config: [] }): Promise<ScannerOutcome> {
  return createSemgrepScanner(opts).run(ctx);
}

function summary(outcome: ScannerOutcome): string[] {
  return outcome.findings.map((f) => `${f.location?.path}:${f.location?.startLine} ${f.id} ${f.severity} ${f.kind}`).sort();
}

describe('semgrep adapter with the real Semgrep', () => {
  describe('on the sample project with chaingate’s own ruleset', () => {
    let outcome: ScannerOutcome;
    let ctx: ReturnType<typeof context>;
    beforeAll(async () => {
      ctx = context(SAMPLE, toolBin('semgrep'));
      outcome = await run(ctx);
    }, 300_000);

    it('reports exactly the planted issues, by our rule ids, lines and severities', () => {
      expect(summary(outcome)).toEqual(
        [
          'api/service.py:9 chaingate.python.hardcoded-credential high secret',
          'api/service.py:14 chaingate.python.ssrf high code',
          'api/service.py:19 chaingate.python.yaml-unsafe-load high code',
          'api/service.py:20 chaingate.python.pickle-deserialization high code',
          'api/service.py:25 chaingate.python.flask-debug-enabled medium code',
          'web/app.js:8 chaingate.js.tls-reject-unauthorized-false high code',
          'web/app.js:11 chaingate.js.child-process-exec-non-literal high code',
          'web/app.js:11 chaingate.js.command-injection critical code',
          'web/app.js:15 chaingate.js.express-reflected-xss high code',
          'web/app.js:19 chaingate.js.weak-hash medium code',
        ].sort(),
      );
    });

    it('finds nothing in the fixed twins', () => {
      expect(outcome.findings.filter((f) => /safe\.(js|py)$/.test(f.location?.path ?? ''))).toEqual([]);
    });

    it('carries CWE, reference and message from the rule metadata', () => {
      const ci = outcome.findings.find((f) => f.id === 'chaingate.js.command-injection');
      expect(ci).toMatchObject({ tools: ['semgrep'], cwes: ['CWE-78'], url: expect.stringMatching(/^https:\/\//) });
      expect(ci?.title).toMatch(/^Request data reaches a shell command\./);
      const fingerprints = outcome.findings.map((f) => f.fingerprint);
      expect(new Set(fingerprints).size).toBe(fingerprints.length);
    });

    it('keeps the raw report and logs the command', () => {
      expect(outcome.rawOutputs).toEqual([path.join(ctx.workDir, 'semgrep.json')]);
      expect(JSON.parse(fs.readFileSync(outcome.rawOutputs[0], 'utf8')).results).toHaveLength(10);
      // What it covered, for the summary: a clean result says how much was scanned.
      // ...and against how many rules: chaingate's ruleset, one `- id:` a rule file (rules/*/*.yml).
      const ruleFiles = fs.readdirSync(path.join(REPO, 'rules'), { recursive: true }).filter((f) => /\.yml$/.test(String(f)) && !/\.test\.yml$/.test(String(f)));
      expect(outcome.notes).toEqual([expect.stringMatching(/^scanned [1-9]\d* files?$/), `chaingate's ruleset: ${ruleFiles.length} rules`]);
      // The planted credential's value never reaches the findings or the kept report.
      expect(fs.readFileSync(outcome.rawOutputs[0], 'utf8')).not.toContain('p4ssw0rd-for-the-sample-db');
      expect(JSON.stringify(outcome.findings)).not.toContain('p4ssw0rd-for-the-sample-db');
      expect(ctx.lines).toEqual([expect.stringContaining(`semgrep scan --json --metrics=off --disable-version-check --disable-nosem --x-rule-validation=none --config ${RULES} .`)]);
    });
  });

  it('flags the vulnerable example and passes its clean twin', async () => {
    const vulnerable = await run(context(path.join(REPO, 'examples', 'vulnerable'), toolBin('semgrep')));
    const ids = new Set(vulnerable.findings.map((f) => f.id));
    for (const id of [
      'chaingate.js.command-injection',
      'chaingate.js.eval-non-literal',
      'chaingate.js.sql-string-concat',
      'chaingate.js.path-traversal',
      'chaingate.python.sql-string-format',
      'chaingate.python.subprocess-shell-true',
      'chaingate.python.yaml-unsafe-load',
      'chaingate.python.tls-verify-disabled',
      'chaingate.js.template-injection',
      'chaingate.python.template-injection',
      'chaingate.docker.unpinned-base-image',
    ]) {
      expect([id, ids.has(id)]).toEqual([id, true]);
    }
    const clean = await run(context(path.join(REPO, 'examples', 'clean'), toolBin('semgrep')));
    expect(summary(clean)).toEqual([]);
  }, 300_000);

  it('reports unpinned images and actions as misconfigurations, only in the files each rule is about', async () => {
    const outcome = await run(context(path.join(REPO, '__tests__', 'projects', 'pinning-posture'), toolBin('semgrep')));
    // Not docs/notes.yml (neither Compose nor a workflow), not the workflow's service container
    // as Compose, not the digest-pinned image, SHA-pinned action or local action; each image
    // once: docker:// not also as an action, the one-key container mapping not also as a whole.
    expect(summary(outcome)).toEqual([
      '.github/workflows/ci.yml:11 chaingate.gha.unpinned-uses medium misconfiguration',
      '.github/workflows/ci.yml:15 chaingate.gha.unpinned-image medium misconfiguration',
      '.github/workflows/ci.yml:20 chaingate.gha.unpinned-image medium misconfiguration',
      '.github/workflows/ci.yml:9 chaingate.gha.unpinned-image medium misconfiguration',
      'Dockerfile:1 chaingate.docker.unpinned-base-image medium misconfiguration',
      'Dockerfile:5 chaingate.docker.unpinned-copy-from medium misconfiguration',
      'action.yml:5 chaingate.gha.unpinned-uses medium misconfiguration',
      'chart/values.yaml:1 chaingate.helm.unpinned-image medium misconfiguration',
      'docker-compose.yml:3 chaingate.compose.unpinned-image medium misconfiguration',
      'k8s/deploy.yaml:10 chaingate.k8s.unpinned-image medium misconfiguration',
    ]);
  }, 300_000);

  it('runs a project’s own rule file given relative to the project, and notes unparsable files', async () => {
    const dir = tmpDir('chaingate-semgrep-project-');
    fs.mkdirSync(path.join(dir, 'semgrep'));
    fs.writeFileSync(
      path.join(dir, 'semgrep', 'local.yml'),
      [
        'rules:',
        '  - id: no-print',
        '    message: print() left in',
        '    severity: LOW',
        '    languages: [python]',
        '    pattern: print(...)',
        '  - id: no-console-log',
        '    message: console.log() left in',
        '    severity: INFO',
        '    languages: [javascript]',
        '    pattern: console.log(...)',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'a.py'), 'x = 1\nprint(x)\nprint(x)  # nosemgrep\n');
    // Semgrep parses what it can of a broken file and says so with a warning.
    fs.writeFileSync(path.join(dir, 'broken.js'), 'console.log(1);\nfunction (\n{{{\n');
    const outcome = await run(context(dir, toolBin('semgrep')), { config: ['semgrep/local.yml'] });
    // An inline nosemgrep does not exempt a finding from the gate: the exceptions file does.
    expect(summary(outcome).filter((l) => l.startsWith('a.py'))).toEqual(['a.py:2 semgrep.no-print low code', 'a.py:3 semgrep.no-print low code']);
    expect(outcome.notes).toEqual([expect.stringContaining('broken.js'), expect.stringMatching(/^scanned [1-9]\d* files?$/), 'rules from semgrep.config: 1 entry']);
  }, 300_000);

  it('fails with the rule error when a configured rule is invalid (real Semgrep)', async () => {
    const dir = tmpDir('chaingate-semgrep-badrule-');
    const rule = path.join(dir, 'bad.yml');
    fs.writeFileSync(rule, 'rules:\n  - id: bad\n    message: m\n    severity: HIGH\n    languages: [python]\n    pattern: foo(\n');
    fs.writeFileSync(path.join(dir, 'a.py'), 'foo(1)\n');
    const err = await run(context(dir, toolBin('semgrep')), { config: [rule] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolError);
    expect((err as ToolError).tool).toBe('semgrep');
    expect((err as ToolError).message).toMatch(/^semgrep \(.*\) exited with code \d+ \(.*\): .*(Invalid pattern|Pattern parse error|rule)/is);
  }, 300_000);
});

describe('semgrepArgv and the ruleset location', () => {
  const ctx = { ...context('/work/project', '/opt/tools/semgrep'), workDir: '/tmp/work' };

  it('builds one offline JSON scan of the project with every config', () => {
    expect(semgrepArgv(ctx, { config: ['/opt/chaingate/rules', 'p/default'] })).toEqual([
      {
        command: '/opt/tools/semgrep',
        args: ['scan', '--json', '--metrics=off', '--disable-version-check', '--disable-nosem', '--config', '/opt/chaingate/rules', '--config', 'p/default', '.'],
        outputFile: '/tmp/work/semgrep.json',
        cwd: '/work/project',
        env: expect.objectContaining({ SEMGREP_SEND_METRICS: 'off', SEMGREP_ENABLE_VERSION_CHECK: '0' }),
      },
    ]);
  });

  it('skips rule pre-validation only for trusted rules, and scans given files (relative ones as ./path)', () => {
    const [inv] = semgrepArgv({ ...ctx, targets: ['-rf.js', 'src/a.js', '/tmp/base/src/a.js'] }, { config: ['/opt/chaingate/rules'], trustedRules: true });
    expect(inv.args).toEqual(expect.arrayContaining(['--x-rule-validation=none']));
    expect(inv.args.slice(-3)).toEqual(['./-rf.js', './src/a.js', '/tmp/base/src/a.js']);
    expect(semgrepArgv(ctx, { config: ['p/default'] })[0].args).not.toContain('--x-rule-validation=none');
  });

  it('refuses to build a scan without rules', () => {
    expect(() => semgrepArgv(ctx, { config: [] })).toThrow(ToolError);
  });

  it('makes existing local configs absolute and leaves registry packs and URLs alone', () => {
    const exists = (p: string) => p === '/work/project/p/mine.yml' || p === '/work/project/semgrep';
    expect(absoluteConfigs(['p/mine.yml', 'semgrep', 'p/default', 'https://127.0.0.1/r.yml', '/abs/r.yml'], '/work/project', exists)).toEqual([
      '/work/project/p/mine.yml',
      '/work/project/semgrep',
      'p/default',
      'https://127.0.0.1/r.yml',
      '/abs/r.yml',
    ]);
  });

  it('finds the rules beside the bundle (dist/) or above the source module', () => {
    expect(rulesDirCandidates('/app/dist')).toEqual(['/app/rules', '/rules']);
    expect(resolveRulesDir('/app/dist', (p) => p === '/app/rules')).toBe('/app/rules');
    expect(resolveRulesDir('/repo/src/scanners', (p) => p === '/repo/rules')).toBe('/repo/rules');
    expect(resolveRulesDir()).toBe(RULES);
    // The bundle: dist/cli.js runs with __dirname = dist/.
    expect(resolveRulesDir(path.join(REPO, 'dist'))).toBe(RULES);
    expect(() => resolveRulesDir('/nowhere/dist', () => false)).toThrow(/Semgrep rules were not found \(looked in \/nowhere\/rules and \/rules\)/);
  });

  it('gives our rules their own ids whatever path Semgrep prefixes', () => {
    expect(ownRuleId('home.ci.work.rules.javascript.chaingate.js.ssrf')).toBe('chaingate.js.ssrf');
    expect(ownRuleId('chaingate.python.weak-hash')).toBe('chaingate.python.weak-hash');
    expect(ownRuleId('tmp.x.rules.yaml.chaingate.gha.unpinned-uses')).toBe('chaingate.gha.unpinned-uses');
    expect(ownRuleId('a.rules.dockerfile.chaingate.docker.unpinned-base-image')).toBe('chaingate.docker.unpinned-base-image');
    expect(ownRuleId('semgrep.no-print')).toBe('semgrep.no-print');
    expect(ownRuleId('python.lang.security.audit.eval-detected')).toBe('python.lang.security.audit.eval-detected');
  });

  it('formats durations and picks Semgrep’s own error line', () => {
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(semgrepErrorLine('┌──┐\n│ Scan Status │\n[ERROR] invalid configuration file found (1 configs were invalid)\n')).toBe(
      '[ERROR] invalid configuration file found (1 configs were invalid)',
    );
    expect(semgrepErrorLine('Traceback (most recent call last):\n  File "x"\nrequests.exceptions.ConnectionError: no route\n')).toBe(
      'requests.exceptions.ConnectionError: no route',
    );
    expect(semgrepErrorLine('')).toBeUndefined();
  });
});

describe('interpretSemgrep on recorded reports', () => {
  const inv: Invocation = { command: '/opt/tools/semgrep', args: [], outputFile: '/tmp/work/semgrep.json' };
  const ok = (over: Partial<RunResult> = {}): RunResult => ({
    command: inv.command,
    args: [],
    exitCode: 0,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    durationMs: 1000,
    ...over,
  });

  it('reads a report with warnings as findings plus a note', () => {
    const text = readFixture('semgrep', 'json-errors-warnings-nosem-snapshot.json');
    const r = interpretSemgrep(inv, ok(), text);
    expect(r.findings.length).toBe(JSON.parse(text).results.length);
    expect(r.notes).toEqual([expect.stringContaining('could not fully parse'), 'scanned 1 file']);
    expect(interpretSemgrep(inv, ok(), readFixture('semgrep', 'json-1.97.0-dataflow-trace.json')).notes).toEqual(['scanned 7 files']);
    // A report without the list says nothing about it.
    expect(interpretSemgrep(inv, ok(), readFixture('semgrep', 'json-legacy-no-version-cwe-string.json')).notes).toEqual([]);
  });

  it('accepts exit code 1 (findings with --error) with a good report', () => {
    const text = readFixture('semgrep', 'json-1.97.0-dataflow-trace.json');
    expect(interpretSemgrep(inv, ok({ exitCode: 1 }), text).findings.length).toBeGreaterThan(0);
  });

  it('fails on a fatal error inside an exit-0 report', () => {
    const text = JSON.stringify({
      results: [],
      errors: [{ level: 'error', type: 'Rule parse error', message: 'Invalid rule schema', rule_id: 'x' }],
    });
    expect(() => interpretSemgrep(inv, ok(), text)).toThrow(/semgrep \(\/opt\/tools\/semgrep\) reported an error, so its results are incomplete: Rule parse error in rule x: Invalid rule schema/);
  });

  it('names the exit code’s meaning and the JSON error when Semgrep exits 7', () => {
    const text = JSON.stringify({ results: [], errors: [{ level: 'error', type: 'SemgrepError', message: 'unable to find a config; path `nope.yml` does not exist' }] });
    expect(() => interpretSemgrep(inv, ok({ exitCode: 7 }), text)).toThrow(
      /exited with code 7 \(the rule configuration was not found\): SemgrepError: unable to find a config/,
    );
  });

  it('is killed by a signal: ToolError', () => {
    expect(() => interpretSemgrep(inv, ok({ exitCode: null, signal: 'SIGSEGV', stderr: 'Segmentation fault\n' }), '')).toThrow(
      /semgrep \(\/opt\/tools\/semgrep\) was killed by SIGSEGV: Segmentation fault/,
    );
  });
});

describe('semgrep adapter fault injection (fake binaries)', () => {
  const bin = tmpDir('chaingate-fake-semgrep-');
  function fake(name: string, script: string): string {
    const p = path.join(bin, name);
    fs.writeFileSync(p, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return p;
  }

  async function failure(semgrep: string, timeoutMs?: number): Promise<ToolError> {
    const err = await run(context(SAMPLE, semgrep, timeoutMs)).then(
      (o) => new Error(`expected a ToolError, got ${o.findings.length} findings`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ToolError);
    const te = err as ToolError;
    expect(te.tool).toBe('semgrep');
    expect(te.code).toBe('TOOL_FAILED');
    expect(te.message).toMatch(/semgrep/);
    return te;
  }

  it('exit 2 with an error: ToolError with Semgrep’s error line', async () => {
    const p = fake('exit2', 'echo "Scanning 3 files" >&2\necho "[ERROR] semgrep-core exited with unexpected output" >&2\nexit 2');
    const e = await failure(p);
    expect(e.message).toBe(`semgrep (${p}) exited with code 2 (fatal error): [ERROR] semgrep-core exited with unexpected output`);
  });

  it('a hang: stopped at the timeout, ToolError "semgrep timed out"', async () => {
    const started = Date.now();
    const e = await failure(fake('hang', 'sleep 30'), 700);
    expect(e.message).toMatch(/^semgrep timed out after 0\.\d s and was stopped; raise timeout-minutes/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('truncated JSON on stdout: ToolError, not an empty result', async () => {
    const p = fake('truncated', `printf '{"results": [{"check_id": "chaingate.js.ssrf", "path": "web/app.js", "start": {"li'`);
    const e = await failure(p);
    expect(e.message).toMatch(new RegExp(`^semgrep \\(${p}\\) exited with code 0 but its report .*semgrep\\.json is unusable: .*not valid JSON`));
  });

  it('no output at all: ToolError naming the binary and its first stderr line', async () => {
    const p = fake('silent', 'echo "Fatal Python error: init_import_site: Failed to import the site module" >&2\nexit 0');
    const e = await failure(p);
    expect(e.message).toMatch(new RegExp(`^semgrep \\(${p}\\) exited with code 0 but its report .* is unusable: .*empty.*: Fatal Python error: init_import_site`));
  });

  it('a report that says a rule failed: ToolError', async () => {
    const report = JSON.stringify({ results: [], errors: [{ level: 'error', type: 'Timeout', message: 'rule timed out on web/app.js', path: 'web/app.js' }] });
    const e = await failure(fake('fatal-json', `echo '${report}'`));
    expect(e.message).toMatch(/reported an error, so its results are incomplete: Timeout \(web\/app.js\): rule timed out/);
  });

  it('a missing binary: ToolError saying how to install it', async () => {
    const e = await failure(path.join(bin, 'does-not-exist'));
    expect(e.message).toMatch(/could not be started .*not found.*scripts\/install-tools\.sh or set tools\.semgrep\.path/);
  });

  it('never reads a report left over from an earlier run', async () => {
    const ctx = context(SAMPLE, fake('silent2', 'exit 0'));
    fs.writeFileSync(path.join(ctx.workDir, 'semgrep.json'), JSON.stringify({ results: [], errors: [] }));
    await expect(run(ctx)).rejects.toThrow(ToolError);
  });
});

describe('countOwnRules', () => {
  it('counts every rule id of the rule files, in subfolders, leaving out rule tests', () => {
    const dir = tmpDir('chaingate-rules-');
    fs.mkdirSync(path.join(dir, 'js'));
    fs.writeFileSync(path.join(dir, 'js', 'two.yml'), 'rules:\n  - id: a\n    pattern: x\n  -   id: b\n    pattern: y\n');
    fs.writeFileSync(path.join(dir, 'one.yaml'), 'rules:\n- id: c\n  pattern: z\n');
    fs.writeFileSync(path.join(dir, 'two.test.yml'), 'rules:\n  - id: not-a-rule\n');
    fs.writeFileSync(path.join(dir, 'two.js'), '// - id: not a rule either\n');
    expect(countOwnRules(dir)).toBe(3);
  });
});
