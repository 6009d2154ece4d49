// Secrets in the scanned project never leave it: a project with canary secrets (a GitHub token,
// an AWS key, a private key, a password beside them that no rule detects, a token quoted by a
// Dockerfile misconfiguration) is scanned end to end with the real Semgrep and Trivy, by the
// bundled CLI and by the action entry, and no canary appears in stdout, stderr, any file of the
// output folder (result, SARIF, summary, raw tool reports), GITHUB_OUTPUT or GITHUB_STEP_SUMMARY.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../../src/action/main';
import { runTool } from '../../src/process/run-tool';
import { REDACTED } from '../../src/reports/redact-raw';
import { REPO, tmpDir, toolBin } from '../helpers/paths';

// Built at run time, so this file holds no string a secret scanner would flag.
const ghp = (body: string) => ['ghp', body].join('_');
const CANARIES = {
  githubToken: ghp('CanaryA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6'),
  dockerToken: ghp('CanaryDockerZ9y8X7w6V5u4T3s2R1q0P9o8N7m6'),
  jsToken: ghp('CanaryJsQ1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6'),
  awsKeyId: ['AKIA', 'CANARYQ7ZX3WLM4P'].join(''),
  neighbourPassword: 'CanaryDbPassw0rd-never-detected',
  jsPassword: 'CanaryJsPassw0rd-hardcoded',
  privateKeyLine: 'CanaryPrivKeyLine2yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
  // Semgrep's parse error quotes the code where it stopped.
  unparsable: 'CanaryParseQ1w2E3r4T5y6U7i8O9p0',
};
/** Pieces that identify a canary even when a tool masked part of it. */
const NEEDLES = [...Object.values(CANARIES), 'CanaryA1b2', 'CanaryDocker', 'CanaryJsQ1', 'CANARYQ7ZX', 'CanaryDbPassw0rd', 'CanaryJsPassw0rd', 'CanaryPrivKey', 'CanaryParse'];

function project(): string {
  const dir = tmpDir('chaingate-canary-');
  const files: Record<string, string> = {
    '.chaingate.yml': `scanners: [semgrep, trivy-fs]\ntrivy:\n  scanners: [secret, misconfig]\n  cache-dir: ${JSON.stringify(tmpDir('chaingate-canary-trivy-'))}\n`,
    'config/settings.py': [
      'import os',
      '',
      'DEBUG = False',
      `GITHUB_TOKEN = "${CANARIES.githubToken}"`,
      `AWS_ACCESS_KEY_ID = "${CANARIES.awsKeyId}"`,
      `DB_PASSWORD = "${CANARIES.neighbourPassword}"`,
      '',
    ].join('\n'),
    'config/id_rsa': [
      ['-----BEGIN RSA', 'PRIVATE KEY-----'].join(' '),
      'MIIEowIBAAKCAQEAzCanaryPrivKeyLine1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      CANARIES.privateKeyLine,
      ['-----END RSA', 'PRIVATE KEY-----'].join(' '),
      '',
    ].join('\n'),
    Dockerfile: `FROM alpine:3.19\nENV API_TOKEN=${CANARIES.dockerToken}\nRUN apk add curl\n`,
    'app/broken.js': `const cfg = {\n  "tok": word ${CANARIES.unparsable} ;;; }}}\n`,
    'app/server.js': `const password = "${CANARIES.jsPassword}";\nconst token = '${CANARIES.jsToken}';\nmodule.exports = { password, token };\n`,
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every canary piece found in the texts, as `where: needle`. */
function leaks(texts: Record<string, string>): string[] {
  return Object.entries(texts).flatMap(([where, text]) => NEEDLES.filter((n) => text.includes(n)).map((n) => `${where}: ${n}`));
}

function outputFiles(out: string): Record<string, string> {
  return Object.fromEntries(filesUnder(out).map((f) => [path.relative(out, f), fs.readFileSync(f, 'latin1')]));
}

type F = { kind: string; id: string; location?: { path: string } };

/** The scan found what it should: otherwise "no leak" would prove nothing. */
function expectSecretsFound(out: string) {
  const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  expect(result.verdict).toBe('fail');
  expect(result.scanners.map((s: { name: string; status: string }) => [s.name, s.status]).sort()).toEqual([
    ['semgrep', 'ok'],
    ['trivy-fs', 'ok'],
  ]);
  const findings: F[] = result.findings;
  for (const file of ['config/settings.py', 'config/id_rsa', 'Dockerfile', 'app/server.js']) {
    expect(findings.some((f) => f.kind === 'secret' && f.location?.path === file)).toBe(true);
  }
  expect(findings.some((f) => f.kind === 'misconfiguration' && f.location?.path === 'Dockerfile')).toBe(true);
  // The raw reports are kept, with the code they quoted taken out.
  const raw = fs.readFileSync(path.join(out, 'raw', 'trivy-fs', 'trivy-fs.json'), 'utf8');
  expect(raw).toContain(REDACTED);
  expect(JSON.parse(raw).Results.length).toBeGreaterThan(0);
  // Semgrep stopped at the unparsable file and quoted its code in the error, now redacted.
  expect(fs.readFileSync(path.join(out, 'raw', 'semgrep', 'semgrep.json'), 'utf8')).toContain(REDACTED);
}

const toolEnv = () => ({ CHAINGATE_SEMGREP_PATH: toolBin('semgrep'), CHAINGATE_TRIVY_PATH: toolBin('trivy'), CHAINGATE_OFFLINE: '1' });

describe('canary secrets never reach logs, outputs or reports', () => {
  it('the bundled CLI', async () => {
    const dir = project();
    const out = path.join(tmpDir('chaingate-canary-out-'), 'out');
    const r = await runTool(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'scan', dir, '--offline', '--output-dir', out], {
      env: { ...process.env, ...toolEnv() },
      timeoutMs: 600_000,
    });
    expect(r.exitCode).toBe(1);
    expectSecretsFound(out);
    expect(leaks({ stdout: r.stdout, stderr: r.stderr, ...outputFiles(out) })).toEqual([]);
  }, 600_000);

  it('the action, with its outputs and job summary', async () => {
    const dir = project();
    const d = tmpDir('chaingate-canary-action-');
    const out = path.join(d, 'out');
    const runner = { GITHUB_OUTPUT: path.join(d, 'github_output'), GITHUB_STEP_SUMMARY: path.join(d, 'step_summary') };
    for (const f of Object.values(runner)) fs.writeFileSync(f, '');
    let stdout = '';
    let stderr = '';
    const w1 = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
    const w2 = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
    let code: number;
    // The toolkit's setOutput reads GITHUB_OUTPUT from the process environment.
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = runner.GITHUB_OUTPUT;
    try {
      code = await runAction({ ...process.env, ...toolEnv(), ...runner, CHAINGATE_INPUT_WORKING_DIRECTORY: dir, CHAINGATE_INPUT_OUTPUT_DIR: out });
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
      w1.mockRestore();
      w2.mockRestore();
      process.exitCode = undefined;
    }
    expect(code).toBe(1);
    expectSecretsFound(out);
    expect(fs.readFileSync(runner.GITHUB_OUTPUT, 'utf8')).toMatch(/^verdict<<ghadelimiter_[\w-]+\nfail\n/m);
    expect(fs.readFileSync(runner.GITHUB_STEP_SUMMARY, 'utf8')).toMatch(/secret/i);
    const texts = { stdout, stderr, GITHUB_OUTPUT: fs.readFileSync(runner.GITHUB_OUTPUT, 'utf8'), GITHUB_STEP_SUMMARY: fs.readFileSync(runner.GITHUB_STEP_SUMMARY, 'utf8'), ...outputFiles(out) };
    expect(leaks(texts)).toEqual([]);
  }, 600_000);
});
