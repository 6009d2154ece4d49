// Keyless signing runs only on GitHub (it needs the job's OIDC token), so its flow is checked
// here with the process runner replaced: which argv cosign gets, what is masked, what is
// returned, and how identity failures are reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as runToolModule from '../../src/process/run-tool';
import type { RunResult } from '../../src/process/run-tool';
import { runSignImage, runSignBlob } from '../../src/sign/run-sign';
import { runVerifyImage } from '../../src/sign/run-verify';
import { resolveSigningKey } from '../../src/sign/key-mode';
import { tmpDir } from '../helpers/paths';
import { gateResult } from './gate-result';

const DIGEST = 'sha256:' + 'f'.repeat(64);
const GHA = {
  GITHUB_ACTIONS: 'true',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test/req',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-canary',
};
const ID = { identity: 'https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.0.0', issuer: 'https://token.actions.githubusercontent.com' };

function ok(stdout = ''): RunResult {
  return { command: 'x', args: [], exitCode: 0, signal: null, timedOut: false, stdout, stderr: '', durationMs: 1 };
}
function failed(stderr: string): RunResult {
  return { ...ok(), exitCode: 1, stderr };
}

let calls: { command: string; args: string[]; env?: NodeJS.ProcessEnv }[];
function fakeRunner(respond: (command: string, args: string[]) => RunResult) {
  calls = [];
  return jest.spyOn(runToolModule, 'runTool').mockImplementation(async (command, args, opts) => {
    calls.push({ command, args, env: opts?.env });
    return respond(command, args);
  });
}

afterEach(() => jest.restoreAllMocks());

describe('keyless signing in GitHub Actions', () => {
  it('resolves the digest, then signs and attests keyless with the OIDC env and --yes', async () => {
    fakeRunner((cmd) => (cmd === 'crane' ? ok(`${DIGEST}\n`) : ok()));
    const masked: string[] = [];
    const key = resolveSigningKey({}, GHA);
    const work = tmpDir();
    const out = await runSignImage(
      { image: 'ghcr.io/o/app:v1', key, result: { path: 'r.json', value: gateResult('pass') }, workDir: work },
      { tools: { cosign: 'cosign', crane: 'crane' }, env: GHA, now: () => new Date('2026-03-01T00:00:00Z'), log: () => undefined, mask: (v) => masked.push(v) },
    );
    expect(calls.map((c) => [c.command, ...c.args])).toEqual([
      ['crane', 'digest', 'ghcr.io/o/app:v1'],
      ['cosign', 'sign', '--yes', `ghcr.io/o/app@${DIGEST}`],
      ['cosign', 'attest', '--yes', '--type', 'https://slsa.dev/verification_summary/v1', '--predicate', path.join(work, 'chaingate-vsa.predicate.json'), `ghcr.io/o/app@${DIGEST}`],
    ]);
    // cosign finds the token request URL/token in its env (it never goes on argv).
    expect(calls[1].env?.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe('oidc-request-token-canary');
    expect(calls.flatMap((c) => c.args).join(' ')).not.toContain('oidc-request-token-canary');
    expect(masked).toContain('oidc-request-token-canary');
    expect(out).toMatchObject({ digest: DIGEST, image: `ghcr.io/o/app@${DIGEST}`, keyless: true, tlog: true });
    const predicate = JSON.parse(fs.readFileSync(path.join(work, 'chaingate-vsa.predicate.json'), 'utf8'));
    expect(predicate.resourceUri).toBe(`oci://ghcr.io/o/app@${DIGEST}`);
  });

  it('says what is missing when the job has no id-token permission', async () => {
    fakeRunner((cmd) => (cmd === 'crane' ? ok(`${DIGEST}\n`) : failed('Error: signing [ghcr.io/o/app@sha256:f]: getting signer: getting key from Fulcio: retrieving cert: no provider')));
    await expect(
      runSignImage({ image: 'ghcr.io/o/app:v1', key: { kind: 'keyless' }, workDir: tmpDir() }, { tools: { cosign: 'cosign', crane: 'crane' }, env: GHA, now: () => new Date(), log: () => undefined, mask: () => undefined }),
    ).rejects.toThrow(/id-token: write/);
  });

  it('signs a blob keyless into a bundle next to it', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a.tgz');
    fs.writeFileSync(file, 'x');
    fakeRunner((_cmd, args) => {
      fs.writeFileSync(args[args.indexOf('--bundle') + 1], '{}');
      return ok();
    });
    const out = await runSignBlob({ file, key: { kind: 'keyless' } }, { tools: { cosign: 'cosign', crane: 'crane' }, env: GHA, now: () => new Date(), log: () => undefined, mask: () => undefined });
    expect(calls[0].args).toEqual(['sign-blob', '--yes', '--new-bundle-format', '--bundle', `${file}.sigstore.json`, file]);
    expect(out.bundle).toBe(`${file}.sigstore.json`);
  });
});

describe('keyless verification of an image', () => {
  const verifyWith = (stderr: string) => {
    fakeRunner((cmd) => (cmd === 'crane' ? ok(`${DIGEST}\n`) : failed(stderr)));
    return runVerifyImage(
      { image: 'ghcr.io/o/app:v1', keys: [], revokedKeys: [], identity: ID, requireAttestations: [] },
      { tools: { cosign: 'cosign', crane: 'crane' }, env: {}, log: () => undefined, mask: () => undefined, workDir: tmpDir() },
    );
  };

  it('passes --certificate-identity and --certificate-oidc-issuer and reports an identity mismatch', async () => {
    const o = await verifyWith(
      'Error: no matching signatures: none of the expected identities matched what was in the certificate, got subjects [https://github.com/o/r/.github/workflows/release.yml@refs/heads/feature] with issuer https://token.actions.githubusercontent.com',
    );
    expect(calls[1].args).toEqual(['verify', '--certificate-identity', ID.identity, '--certificate-oidc-issuer', ID.issuer, '--output', 'json', `ghcr.io/o/app@${DIGEST}`]);
    expect(o.verified).toBe(false);
    expect(o.failures).toEqual([expect.objectContaining({ reason: 'identity-mismatch' })]);
    expect(o.failures[0].message).toContain('refs/heads/feature');
    expect(o.findings[0]).toMatchObject({ kind: 'signature', id: 'CHAINGATE-SIG-IDENTITY-MISMATCH' });
  });

  it('reports an issuer mismatch', async () => {
    const o = await verifyWith(`Error: none of the expected identities matched what was in the certificate, got subjects [${ID.identity}] with issuer https://gitlab.example.test`);
    expect(o.failures[0].reason).toBe('issuer-mismatch');
  });

  it('treats a cosign that could not run as a tool failure, never as verified', async () => {
    fakeRunner((cmd) => (cmd === 'crane' ? ok(`${DIGEST}\n`) : { ...failed(''), exitCode: null, spawnError: 'cosign: not found' }));
    await expect(
      runVerifyImage({ image: 'ghcr.io/o/app:v1', keys: [], revokedKeys: [], identity: ID, requireAttestations: [] }, { tools: { cosign: 'cosign', crane: 'crane' }, env: {}, log: () => undefined, mask: () => undefined, workDir: tmpDir() }),
    ).rejects.toMatchObject({ code: 'TOOL_FAILED' });
  });
});
