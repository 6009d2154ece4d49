// The action: action.yml's shape (inputs through env, pinned actions, no defaults over the
// config file) and the entry's behavior (outputs, job summary, setFailed) on real reports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { input, optionsFromInputs, runAction } from '../../src/action/main';
import { fixture, REPO, tmpDir } from '../helpers/paths';

const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8'));

describe('action.yml', () => {
  const steps: { uses?: string; run?: string; env?: Record<string, string>; id?: string }[] = action.runs.steps;

  it('is a composite action', () => {
    expect(action.runs.using).toBe('composite');
  });
  it('has kebab-case inputs without defaults (the config file is the source of truth)', () => {
    for (const [name, spec] of Object.entries<Record<string, unknown>>(action.inputs)) {
      expect(name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(spec).not.toHaveProperty('default');
    }
    for (const i of ['config', 'exceptions', 'reports', 'mode', 'output-dir', 'working-directory']) expect(action.inputs).toHaveProperty(i);
  });
  it('declares the outputs', () => {
    for (const o of ['verdict', 'blocking', 'critical', 'high', 'medium', 'low', 'result-file', 'sarif-file']) {
      expect(action.outputs[o].value).toBe(`\${{ steps.gate.outputs.${o} }}`);
    }
  });
  it('never interpolates an input into a run script', () => {
    for (const s of steps.filter((x) => x.run)) expect(s.run).not.toMatch(/\$\{\{\s*inputs\./);
  });
  it('maps every input the entry reads through env', () => {
    const gate = steps.find((s) => s.id === 'gate')!;
    for (const name of Object.keys(action.inputs).filter((n) => n !== 'install-tools')) {
      const envName = `CHAINGATE_INPUT_${name.toUpperCase().replace(/-/g, '_')}`;
      expect(gate.env?.[envName]).toBe(`\${{ inputs.${name} }}`);
    }
  });
  it('pins every third-party action by full commit SHA', () => {
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    for (const wf of fs.readdirSync(path.join(REPO, '.github', 'workflows'))) {
      const text = fs.readFileSync(path.join(REPO, '.github', 'workflows', wf), 'utf8');
      for (const m of text.matchAll(/uses:\s*(\S+)/g)) {
        if (m[1].startsWith('./')) continue;
        expect(m[1]).toMatch(/@[0-9a-f]{40}$/);
      }
      expect(text).toMatch(/^permissions:\n {2}contents: read$/m);
    }
  });
});

describe('action entry', () => {
  const saved = { ...process.env };
  let outFile: string;
  let summaryFile: string;
  beforeEach(() => {
    const d = tmpDir('chaingate-action-');
    outFile = path.join(d, 'github_output');
    summaryFile = path.join(d, 'step_summary');
    fs.writeFileSync(outFile, '');
    fs.writeFileSync(summaryFile, '');
    process.env.GITHUB_OUTPUT = outFile;
    process.env.GITHUB_STEP_SUMMARY = summaryFile;
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.env = { ...saved };
    process.exitCode = undefined;
  });
  const outputs = () => {
    const text = fs.readFileSync(outFile, 'utf8');
    const o: Record<string, string> = {};
    for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) o[m[1]] = m[3];
    return o;
  };
  const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });

  it('reads inputs from CHAINGATE_INPUT_* and treats blanks as unset', () => {
    expect(input({ CHAINGATE_INPUT_OUTPUT_DIR: ' out ' }, 'output-dir')).toBe('out');
    expect(input({ CHAINGATE_INPUT_OUTPUT_DIR: '  ' }, 'output-dir')).toBeUndefined();
    const o = optionsFromInputs(
      { CHAINGATE_INPUT_REPORTS: 'trivy=a.json\nsemgrep=b.json\n', CHAINGATE_INPUT_SCANNERS: 'none', CHAINGATE_INPUT_SBOM: 'true', CHAINGATE_INPUT_VEX: 'a.json\nb.json' },
      () => new Date(),
      { info: () => undefined, warning: () => undefined, group: () => undefined },
    );
    expect(o.reports).toEqual([{ tool: 'trivy', path: 'a.json' }, { tool: 'semgrep', path: 'b.json' }]);
    expect(o.scanners).toEqual([]);
    expect(o.sbom).toBe(true);
    expect(o.vexFiles).toEqual(['a.json', 'b.json']);
    expect(o.configFile).toBeUndefined();
    expect(o.mode).toBe('enforce');
    expect(o.baseline).toBeUndefined();
  });

  it('passes baseline and trusted-policy to the gate, refusing an unknown trusted-policy', () => {
    const log = { info: () => undefined, warning: () => undefined, group: () => undefined };
    const o = optionsFromInputs({ CHAINGATE_INPUT_BASELINE: ' 0123abcd ', CHAINGATE_INPUT_TRUSTED_POLICY: 'baseline' }, () => new Date(), log);
    expect([o.baseline, o.trustedPolicy]).toEqual(['0123abcd', 'baseline']);
    expect(() => optionsFromInputs({ CHAINGATE_INPUT_TRUSTED_POLICY: 'pr' }, () => new Date(), log)).toThrow(/input trusted-policy must be head or baseline/);
  });

  it('sets outputs, writes the job summary and fails the step on a blocking finding', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: dir,
        CHAINGATE_INPUT_SCANNERS: 'none',
        CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(dir, 'out'),
      }),
    );
    expect(code).toBe(1);
    expect(process.exitCode).toBe(1);
    const o = outputs();
    expect(o.verdict).toBe('fail');
    expect(Number(o.blocking)).toBeGreaterThan(0);
    expect(o['result-file']).toBe(path.join(dir, 'out', 'chaingate-result.json'));
    expect(fs.existsSync(o['sarif-file'])).toBe(true);
    expect(fs.readFileSync(summaryFile, 'utf8')).toMatch(/fail/i);
  });

  it('warn mode does not fail the step', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    const code = await runAction(
      env({
        CHAINGATE_INPUT_WORKING_DIRECTORY: dir,
        CHAINGATE_INPUT_SCANNERS: 'none',
        CHAINGATE_INPUT_MODE: 'warn',
        CHAINGATE_INPUT_REPORTS: `npm-audit=${fixture('npm-audit', 'npm7-v2-axios-follow-redirects-transitive.json')}`,
        CHAINGATE_INPUT_OUTPUT_DIR: path.join(dir, 'out'),
      }),
    );
    expect(code).toBe(0);
    expect(process.exitCode).toBeUndefined();
    expect(outputs().verdict).toBe('fail');
  });

  it('a configuration mistake fails the step with the message, exit 2', async () => {
    const dir = tmpDir('chaingate-action-proj-');
    fs.writeFileSync(path.join(dir, '.chaingate.yml'), 'fail-on:\n  code: severe\n');
    const code = await runAction(env({ CHAINGATE_INPUT_WORKING_DIRECTORY: dir, CHAINGATE_INPUT_SCANNERS: 'none' }));
    expect(code).toBe(2);
    expect(process.exitCode).toBe(1);
  });

  it.each([
    ['mode', 'loud', /input mode must be enforce or warn/],
    ['reports', 'nessus=x', /input reports: "nessus=x" is not TOOL=PATH/],
    ['scanners', 'zap', /input scanners: unknown scanner "zap"/],
    ['sbom', 'maybe', /input sbom must be true or false/],
  ])('rejects input %s=%s', async (name, value, message) => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await runAction(env({ [`CHAINGATE_INPUT_${name.toUpperCase()}`]: value, CHAINGATE_INPUT_SCANNERS: name === 'scanners' ? value : 'none' }));
      expect(code).toBe(2);
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(message);
    } finally {
      write.mockRestore();
    }
  });
});
