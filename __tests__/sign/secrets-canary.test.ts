// Plants a canary password and private key, runs signing and verification as in GitHub Actions,
// and searches everything the run printed, passed on a command line, wrote to disk or pushed to
// the registry for them.
import * as core from '@actions/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { command as sign } from '../../src/cli/commands/sign';
import { command as verify } from '../../src/cli/commands/verify';
import { runTool } from '../../src/process/run-tool';
import { startRegistry, type TestRegistry } from '../helpers/registry';
import { tmpDir, toolBin } from '../helpers/paths';
import { allFiles, pushImage, runCommand, type Captured } from './cli-harness';
import { gateResult } from './gate-result';

jest.setTimeout(240_000);

const PASSWORD = 'canary-pw-Q9x7Zr2L8w';
let reg: TestRegistry;
let work: string;

afterAll(async () => {
  await reg?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every manifest and blob the registry holds for `repo`, as text. */
async function registryContents(repo: string): Promise<string[]> {
  const crane = toolBin('crane');
  const out: string[] = [];
  const tags = (await runTool(crane, ['ls', '--insecure', repo])).stdout.split('\n').filter(Boolean);
  for (const t of tags) {
    const m = await runTool(crane, ['manifest', '--insecure', `${repo}:${t}`]);
    out.push(m.stdout);
    const manifest = JSON.parse(m.stdout) as { layers?: { digest: string }[]; config?: { digest: string } };
    for (const d of [...(manifest.layers ?? []), ...(manifest.config ? [manifest.config] : [])]) {
      out.push((await runTool(crane, ['blob', '--insecure', `${repo}@${d.digest}`])).stdout);
    }
  }
  return out;
}

it('never lets the password or the private key out', async () => {
  work = tmpDir('chaingate-canary-');
  reg = await startRegistry();
  const keyPrefix = path.join(work, 'keys', 'ci');
  fs.mkdirSync(path.dirname(keyPrefix));
  const gen = await runTool(toolBin('cosign'), ['generate-key-pair', '--output-key-prefix', keyPrefix], { env: { PATH: process.env.PATH, HOME: work, COSIGN_PASSWORD: PASSWORD }, timeoutMs: 60_000 });
  expect(gen.exitCode).toBe(0);
  const pem = fs.readFileSync(`${keyPrefix}.key`, 'utf8');
  // The key lives only in the env from here on, as a CI secret would.
  fs.rmSync(`${keyPrefix}.key`);
  const pemBody = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const canaries = [PASSWORD, pem.trim(), ...pemBody];

  const run = path.join(work, 'run');
  fs.mkdirSync(run);
  const githubOutput = path.join(run, 'github-output.txt');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: path.join(work, 'home'),
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: githubOutput,
    COSIGN_PASSWORD: PASSWORD,
    COSIGN_PRIVATE_KEY: pem,
    CHAINGATE_COSIGN_PATH: toolBin('cosign'),
    CHAINGATE_CRANE_PATH: toolBin('crane'),
  };
  fs.mkdirSync(env.HOME as string);
  const masked: string[] = [];
  const maskSpy = jest.spyOn(core, 'setSecret').mockImplementation((v) => void masked.push(v));

  const repo = `${reg.host}/canary`;
  await pushImage(`${repo}:v1`, 'canary image', work);
  fs.writeFileSync(path.join(run, 'result.json'), JSON.stringify(gateResult('pass')));
  fs.writeFileSync(path.join(run, 'sbom.json'), JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] }));
  fs.writeFileSync(path.join(run, 'artifact.bin'), 'artifact');

  const runs: Captured[] = [];
  try {
    // No --key: COSIGN_PRIVATE_KEY from the env is picked up.
    runs.push(await runCommand(sign, ['--image', `${repo}:v1`, '--insecure-registry', '--sbom', 'sbom.json', '--result', 'result.json', '--output-dir', 'out'], env, run));
    runs.push(await runCommand(sign, ['--blob', 'artifact.bin', '--key', 'env://COSIGN_PRIVATE_KEY'], env, run));
    // A wrong password: cosign's failure message must not carry the key either.
    runs.push(await runCommand(sign, ['--blob', 'artifact.bin'], { ...env, COSIGN_PASSWORD: `${PASSWORD}-wrong` }, run));
    runs.push(await runCommand(verify, ['--image', `${repo}:v1`, '--insecure-registry', '--key', `${keyPrefix}.pub`, '--require-attestation', 'vsa', '--output', 'verify.json'], env, run));
  } finally {
    maskSpy.mockRestore();
  }
  expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 0]);
  expect(runs[2].stderr).toMatch(/COSIGN_PASSWORD/);

  // Masked in the Actions log: the password, the whole key and each of its lines.
  for (const c of canaries) expect(masked).toContain(c);

  const haystacks: [string, string][] = [];
  runs.forEach((r, i) => {
    haystacks.push([`run ${i} stdout`, r.stdout], [`run ${i} stderr`, r.stderr]);
    r.argvs.forEach((a) => haystacks.push([`run ${i} argv ${a.join(' ')}`, a.join('\n')]));
    r.toolOutputs.forEach((t, j) => haystacks.push([`run ${i} tool output ${j}`, t]));
  });
  for (const f of allFiles(run)) haystacks.push([f, fs.readFileSync(f, 'latin1')]);
  for (const f of fs.existsSync(env.HOME as string) ? allFiles(env.HOME as string) : []) haystacks.push([f, fs.readFileSync(f, 'latin1')]);
  for (const [i, t] of (await registryContents(repo)).entries()) haystacks.push([`registry object ${i}`, t]);

  expect(allFiles(run)).toEqual(expect.arrayContaining([githubOutput, path.join(run, 'artifact.bin.sigstore.json'), path.join(run, 'verify.json')]));
  expect(haystacks.length).toBeGreaterThan(20);
  const leaks = haystacks.flatMap(([where, text]) => canaries.filter((c) => text.includes(c)).map((c) => `${where} contains ${c.slice(0, 12)}…`));
  expect(leaks).toEqual([]);
  expect(fs.readFileSync(githubOutput, 'utf8')).toMatch(/^digest<<(ghadelimiter_[\w-]+)\nsha256:[a-f0-9]{64}\n\1$/m);
});
