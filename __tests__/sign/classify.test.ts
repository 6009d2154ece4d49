// cosign's error texts as cosign 2.6 prints them (pkg/cosign/verify.go, errors.go).
import { classifyVerifyFailure, cosignError, runProblem } from '../../src/sign/classify';
import type { RunResult } from '../../src/process/run-tool';

const ID = { identity: 'https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' };

function run(p: Partial<RunResult>): RunResult {
  return { command: 'cosign', args: [], exitCode: 1, signal: null, timedOut: false, stdout: '', stderr: '', durationMs: 5000, ...p };
}

describe('classifyVerifyFailure', () => {
  it('no signature', () => {
    expect(classifyVerifyFailure('Error: no signatures found\nmain.go:74: error during command execution: no signatures found', 'signature').reason).toBe('no-signature');
  });
  it('wrong key', () => {
    const f = classifyVerifyFailure('Error: no matching signatures: invalid signature when validating ASN.1 encoded signature\n', 'signature');
    expect(f.reason).toBe('wrong-key');
    expect(f.message).toContain('invalid signature when validating ASN.1');
  });
  it('identity mismatch, naming who signed', () => {
    const f = classifyVerifyFailure(
      'Error: no matching signatures: none of the expected identities matched what was in the certificate, got subjects [https://github.com/evil/r/.github/workflows/x.yml@refs/heads/main] with issuer https://token.actions.githubusercontent.com',
      'signature',
      ID,
    );
    expect(f.reason).toBe('identity-mismatch');
    expect(f.message).toContain('evil/r');
  });
  it('issuer mismatch when the subject is right', () => {
    const f = classifyVerifyFailure(
      `Error: no matching signatures: none of the expected identities matched what was in the certificate, got subjects [${ID.identity}] with issuer https://accounts.google.com`,
      'signature',
      ID,
    );
    expect(f.reason).toBe('issuer-mismatch');
  });
  it('identity mismatch without the detail cosign usually gives', () => {
    expect(classifyVerifyFailure('Error: none of the expected identities matched what was in the certificate', 'signature', ID).reason).toBe('identity-mismatch');
  });
  it('attestation of another type only', () => {
    const f = classifyVerifyFailure('Error: none of the attestations matched the predicate type: cyclonedx, found: https://slsa.dev/verification_summary/v1', 'attestation cyclonedx');
    expect(f.reason).toBe('attestation-missing');
  });
  it('no attestations at all', () => {
    expect(classifyVerifyFailure('Error: no matching attestations: \n', 'attestation vsa').reason).toBe('attestation-missing');
    expect(classifyVerifyFailure('Error: no signatures found', 'attestation vsa').reason).toBe('attestation-missing');
  });
  it('attestations signed by another key', () => {
    expect(classifyVerifyFailure('Error: no matching attestations: invalid signature when validating ASN.1 encoded signature', 'attestation vsa').reason).toBe('wrong-key');
  });
  it('anything else stays an error with cosign\'s line', () => {
    const f = classifyVerifyFailure('some noise\nError: something new happened\n', 'signature');
    expect(f).toEqual({ reason: 'error', check: 'signature', message: 'something new happened' });
    expect(classifyVerifyFailure('', 'signature').message).toMatch(/without a message/);
  });
});

describe('runProblem', () => {
  it('is undefined for a completed run', () => {
    expect(runProblem(run({ exitCode: 0 }), 'cosign', false)).toBeUndefined();
    expect(runProblem(run({ stderr: 'Error: no signatures found' }), 'cosign', false)).toBeUndefined();
  });
  it('reports a missing binary, a timeout and a signal', () => {
    expect(runProblem(run({ exitCode: null, spawnError: 'cosign: not found' }), 'cosign', false)?.problem).toMatch(/install-tools/);
    expect(runProblem(run({ exitCode: null, timedOut: true, signal: 'SIGKILL' }), 'cosign', false)?.problem).toMatch(/timed out after 5s/);
    expect(runProblem(run({ exitCode: null, signal: 'SIGSEGV' }), 'cosign', false)?.problem).toMatch(/SIGSEGV/);
  });
  it('reports an unreachable or HTTP registry, with the flag that helps', () => {
    const p = runProblem(run({ stderr: 'Error: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client' }), 'crane', false);
    expect(p?.problem).toMatch(/--insecure-registry/);
    expect(runProblem(run({ stderr: 'Error: dial tcp 127.0.0.1:1: connect: connection refused' }), 'crane', true)?.problem).toMatch(/could not reach/);
    expect(runProblem(run({ stderr: 'Error: GET ...: UNAUTHORIZED: authentication required' }), 'crane', true)?.problem).toMatch(/log in/);
  });
  it('strips the Error: prefix', () => {
    expect(cosignError('2026/01/01 WARNING x\nError: boom\n')).toBe('boom');
  });
});
