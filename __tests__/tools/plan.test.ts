// The plan step: which pinned tools a run installs, from the policy and the action's inputs,
// tested on the function and on the step's own script (action.yml's run line, with its env).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { defaultPolicy } from '../../src/config/load';
import type { PolicyInput } from '../../src/config/schema';
import { planFromEnv } from '../../src/tools/plan-main';
import { toolCacheKey, toolsToInstall } from '../../src/tools/plan';
import { REPO, tmpDir } from '../helpers/paths';

const policy = (over: PolicyInput = {}) => defaultPolicy((r) => ({ ...r, ...over }));
const plan = (over: PolicyInput, extra: Partial<Parameters<typeof toolsToInstall>[0]> = {}) =>
  toolsToInstall({ policy: policy(over), reports: [], signBlobs: [], env: {}, ...extra });

const project = (config: string) => {
  const d = tmpDir('chaingate-plan-');
  fs.writeFileSync(path.join(d, '.chaingate.yml'), config);
  return d;
};

describe('toolsToInstall', () => {
  it('installs nothing for scanners: [audit] without signing', () => {
    expect(plan({ scanners: ['audit'] })).toEqual([]);
  });
  it('installs only semgrep for the semgrep scanner', () => {
    expect(plan({ scanners: ['semgrep'] })).toEqual(['semgrep']);
    expect(plan({ scanners: ['semgrep', 'audit'] })).toEqual(['semgrep']);
  });
  it('installs trivy for either trivy scanner, and the default policy needs semgrep and trivy', () => {
    expect(plan({ scanners: ['trivy-fs'] })).toEqual(['trivy']);
    expect(plan({ scanners: ['trivy-image'], trivy: { image: 'x:1' } })).toEqual(['trivy']);
    expect(plan({})).toEqual(['semgrep', 'trivy']);
  });
  it('installs zizmor only for the zizmor scanner', () => {
    expect(plan({ scanners: ['zizmor'] })).toEqual(['zizmor']);
    expect(plan({ scanners: ['semgrep', 'zizmor'], tools: { zizmor: { path: '/opt/zizmor' } } })).toEqual(['semgrep']);
  });
  it('adds cosign and crane only when an image is signed or verified, cosign alone for blobs', () => {
    expect(plan({ scanners: ['audit'] }, { signImage: 'r/x:1' })).toEqual(['cosign', 'crane']);
    expect(plan({ scanners: ['audit'] }, { verifyImage: 'r/x:1' })).toEqual(['cosign', 'crane']);
    expect(plan({ scanners: ['audit'], verify: { image: 'r/x:1', keys: ['k.pub'] } })).toEqual(['cosign', 'crane']);
    expect(plan({ scanners: ['audit'] }, { signBlobs: ['dist/app.tgz'] })).toEqual(['cosign']);
  });
  it('skips a scanner whose report is ingested, and a tool the user points at', () => {
    expect(plan({ scanners: ['semgrep', 'trivy-fs'] }, { reports: ['trivy'] })).toEqual(['semgrep']);
    expect(plan({ scanners: ['semgrep', 'trivy-fs'], tools: { semgrep: { path: '/opt/semgrep' } } })).toEqual(['trivy']);
    expect(plan({ scanners: ['semgrep', 'trivy-fs'] }, { env: { CHAINGATE_TRIVY_PATH: '/opt/trivy' } })).toEqual(['semgrep']);
  });
});

describe('toolCacheKey', () => {
  it('changes with the pinned versions, the runner and the tool set', () => {
    const k = toolCacheKey(['{"trivy":"0.74.0"}', 'lock'], 'Linux', 'X64', ['trivy']);
    expect(k).toMatch(/^chaingate-tools-Linux-X64-[0-9a-f]{20}-trivy$/);
    expect(toolCacheKey(['{"trivy":"0.75.0"}', 'lock'], 'Linux', 'X64', ['trivy'])).not.toBe(k);
    expect(toolCacheKey(['{"trivy":"0.74.0"}', 'lock'], 'Linux', 'ARM64', ['trivy'])).not.toBe(k);
    expect(toolCacheKey(['{"trivy":"0.74.0"}', 'lock'], 'Linux', 'X64', ['semgrep', 'trivy'])).not.toBe(k);
    expect(toolCacheKey([], 'macOS', 'ARM64', [])).toMatch(/-none$/);
  });
});

describe('planFromEnv (the inputs and the policy file, as the gate reads them)', () => {
  const log: string[] = [];
  const run = (env: Record<string, string>) => planFromEnv(env, (l) => log.push(l));

  it('reads scanners from the policy file, and the scanners input overrides it', () => {
    const d = project('scanners: [audit]\n');
    expect(run({ CHAINGATE_INPUT_WORKING_DIRECTORY: d })).toEqual([]);
    expect(run({ CHAINGATE_INPUT_WORKING_DIRECTORY: d, CHAINGATE_INPUT_SCANNERS: 'semgrep' })).toEqual(['semgrep']);
  });
  it('counts signing inputs and report inputs', () => {
    const d = project('scanners: [semgrep, trivy-fs]\n');
    const env = { CHAINGATE_INPUT_WORKING_DIRECTORY: d, CHAINGATE_INPUT_REPORTS: 'semgrep=x.json', CHAINGATE_INPUT_SIGN_BLOBS: 'a.tgz\nb.tgz' };
    expect(run(env)).toEqual(['trivy', 'cosign']);
  });
  it('plans every tool when the configuration is broken, and says so', () => {
    const d = project('scanners: [zap]\n');
    expect(run({ CHAINGATE_INPUT_WORKING_DIRECTORY: d })).toEqual(['semgrep', 'trivy', 'cosign', 'crane', 'zizmor']);
    expect(log.at(-1)).toMatch(/could not plan the tools .*installing all of them/);
  });
});

describe("action.yml's plan step", () => {
  const action = parse(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8'));
  const steps: { id?: string; name?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }[] =
    action.runs.steps;
  const planStep = steps.find((s) => s.id === 'plan')!;

  it('runs before anything is installed and keys the cache on its output, not hashFiles', () => {
    const order = steps.map((s) => s.id ?? s.name);
    expect(order.indexOf('plan')).toBeLessThan(order.indexOf('Install pinned tools'));
    const cache = steps.find((s) => s.name === 'Cache chaingate tools')!;
    expect(cache.with?.key).toBe('${{ steps.plan.outputs.cache-key }}');
    expect(JSON.stringify(action)).not.toMatch(/hashFiles/);
    for (const s of steps.filter((x) => /Install pinned tools|Use the installed tools|Cache chaingate tools|Set up Go/.test(x.name ?? ''))) {
      expect(s.if).toMatch(/steps\.plan\.outputs\.tools != ''/);
    }
  });
  it('passes the inputs the plan reads, each as the gate step does', () => {
    const gate = steps.find((s) => s.id === 'gate')!;
    for (const [k, v] of Object.entries(planStep.env ?? {})) expect(gate.env?.[k]).toBe(v);
    for (const k of ['SCANNERS', 'CONFIG', 'WORKING_DIRECTORY', 'REPORTS', 'VERIFY_IMAGE', 'SIGN_IMAGE', 'SIGN_BLOBS']) {
      expect(planStep.env).toHaveProperty(`CHAINGATE_INPUT_${k}`);
    }
  });

  // The step's own script, run as the runner runs it, against the bundle (npm run build).
  const dist = path.join(REPO, 'dist', 'plan-tools.js');
  (fs.existsSync(dist) ? it : it.skip)('prints the plan as step outputs: nothing for [audit], only semgrep for [semgrep]', () => {
    const step = (config: string) => {
      const out = path.join(tmpDir('chaingate-plan-out-'), 'output');
      fs.writeFileSync(out, '');
      const r = spawnSync('bash', ['-e', '-c', planStep.run!], {
        env: { PATH: process.env.PATH, GITHUB_ACTION_PATH: REPO, GITHUB_OUTPUT: out, RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', CHAINGATE_INPUT_WORKING_DIRECTORY: project(config) },
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      const text = fs.readFileSync(out, 'utf8');
      const get = (name: string) => new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, 'm').exec(text)?.[2];
      return { tools: get('tools'), key: get('cache-key') };
    };
    expect(step('scanners: [audit]\n')).toEqual({ tools: '', key: expect.stringMatching(/^chaingate-tools-Linux-X64-[0-9a-f]{20}-none$/) });
    expect(step('scanners: [semgrep]\n').tools).toBe('semgrep');
  });
});
