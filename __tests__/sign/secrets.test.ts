import { redact, secretValues } from '../../src/sign/secrets';
import { failureToFinding, reasonId, VERIFY_REASONS, reasonTitle } from '../../src/sign/reasons';

describe('secretValues', () => {
  it('collects the password, the env key and each line of a PEM', () => {
    const pem = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAAlineone\nBBBBlinetwo\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
    const v = secretValues({ COSIGN_PASSWORD: 'pw-canary', MY_KEY: pem, PATH: '/bin' }, { kind: 'env', variable: 'MY_KEY' });
    expect(v).toEqual(expect.arrayContaining(['pw-canary', pem, 'AAAAlineone', 'BBBBlinetwo']));
    expect(v).not.toContain('/bin');
    expect(v).not.toContain('-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----');
  });
  it('redacts longest first', () => {
    expect(redact('a secret-long and secret', ['secret', 'secret-long'])).toBe('a *** and ***');
  });
});

describe('signature findings', () => {
  it('turn each reason into a signature finding by cosign, located at the subject', () => {
    const f = failureToFinding({ reason: 'revoked-key', check: 'signature', message: 'signed with a revoked key (old.pub)' }, 'h/app@sha256:' + 'a'.repeat(64));
    expect(f).toMatchObject({ kind: 'signature', tools: ['cosign'], severity: 'high', id: 'CHAINGATE-SIG-REVOKED-KEY', description: 'signed with a revoked key (old.pub)' });
    expect(f.location?.path).toContain('h/app@sha256:');
    expect(f.fingerprint).toMatch(/^[a-f0-9]{32}$/);
  });
  it('have distinct ids and titles', () => {
    expect(new Set(VERIFY_REASONS.map(reasonId)).size).toBe(VERIFY_REASONS.length);
    expect(new Set(VERIFY_REASONS.map(reasonTitle)).size).toBe(VERIFY_REASONS.length);
  });
});
