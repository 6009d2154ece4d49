import {
  cosignAttestArgv,
  cosignSignArgv,
  cosignSignBlobArgv,
  cosignVerifyArgv,
  cosignVerifyAttestationArgv,
  cosignVerifyBlobArgv,
  craneDigestArgv,
  craneListArgv,
  isIdentityRegex,
} from '../../src/sign/argv';
import { resolveSigningKey, parseKeyRef, keyArg } from '../../src/sign/key-mode';
import { UsageError } from '../../src/errors';

const IMG = '127.0.0.1:5000/app@sha256:' + 'a'.repeat(64);
const PEM = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';

describe('signing argv', () => {
  it('signs keyless with --yes, no --key and the transparency log on', () => {
    expect(cosignSignArgv(IMG, { key: { kind: 'keyless' } })).toEqual(['sign', '--yes', IMG]);
    // Even when asked for offline: keyless without Rekor would be unverifiable.
    expect(cosignSignArgv(IMG, { key: { kind: 'keyless' }, tlog: false })).toEqual(['sign', '--yes', IMG]);
  });

  it('signs with a key file offline by default', () => {
    expect(cosignSignArgv(IMG, { key: { kind: 'file', path: '/k/cosign.key' } })).toEqual(['sign', '--yes', '--key', '/k/cosign.key', '--tlog-upload=false', IMG]);
  });

  it('names an env key as env://VAR, so the key itself never is on the command line', () => {
    const args = cosignSignArgv(IMG, { key: { kind: 'env', variable: 'COSIGN_PRIVATE_KEY' }, insecureRegistry: true });
    expect(args).toEqual(['sign', '--yes', '--key', 'env://COSIGN_PRIVATE_KEY', '--tlog-upload=false', '--allow-insecure-registry', '--allow-http-registry', IMG]);
  });

  it('passes KMS URIs through and can upload to the log on request', () => {
    expect(cosignSignArgv(IMG, { key: { kind: 'kms', uri: 'awskms:///alias/release' }, tlog: true })).toEqual(['sign', '--yes', '--key', 'awskms:///alias/release', IMG]);
  });

  it('attests an SBOM and a VSA with their types', () => {
    expect(cosignAttestArgv(IMG, 'cyclonedx', 'sbom.json', { key: { kind: 'file', path: 'k' } })).toEqual([
      'attest', '--yes', '--key', 'k', '--tlog-upload=false', '--type', 'cyclonedx', '--predicate', 'sbom.json', IMG,
    ]);
    expect(cosignAttestArgv(IMG, 'https://slsa.dev/verification_summary/v1', 'vsa.json', { key: { kind: 'keyless' } })).toEqual([
      'attest', '--yes', '--type', 'https://slsa.dev/verification_summary/v1', '--predicate', 'vsa.json', IMG,
    ]);
  });

  it('signs a blob into a Sigstore bundle', () => {
    expect(cosignSignBlobArgv('a.tgz', 'a.tgz.sigstore.json', { key: { kind: 'keyless' } })).toEqual([
      'sign-blob', '--yes', '--new-bundle-format', '--bundle', 'a.tgz.sigstore.json', 'a.tgz',
    ]);
  });
});

describe('verifying argv', () => {
  it('verifies with a key, offline unless --tlog', () => {
    expect(cosignVerifyArgv(IMG, { by: { key: 'cosign.pub' }, insecureRegistry: true })).toEqual([
      'verify', '--key', 'cosign.pub', '--insecure-ignore-tlog=true', '--output', 'json', '--allow-insecure-registry', '--allow-http-registry', IMG,
    ]);
    expect(cosignVerifyArgv(IMG, { by: { key: 'cosign.pub' }, tlog: true })).toEqual(['verify', '--key', 'cosign.pub', '--output', 'json', IMG]);
  });

  it('verifies keyless with an exact identity or a regex, and the issuer', () => {
    const exact = { identity: 'https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' };
    expect(cosignVerifyArgv(IMG, { by: exact })).toEqual(['verify', '--certificate-identity', exact.identity, '--certificate-oidc-issuer', exact.issuer, '--output', 'json', IMG]);
    const re = { identity: '^https://github\\.com/o/r/', issuer: exact.issuer };
    expect(cosignVerifyAttestationArgv(IMG, 'cyclonedx', { by: re, trustedRoot: '/r.json' })).toEqual([
      'verify-attestation', '--certificate-identity-regexp', re.identity, '--certificate-oidc-issuer', exact.issuer, '--trusted-root', '/r.json', '--type', 'cyclonedx', '--output', 'json', IMG,
    ]);
  });

  it('verifies a blob bundle', () => {
    expect(cosignVerifyBlobArgv('f', 'f.sigstore.json', { by: { key: 'p' }, trustedRoot: 'root.json' })).toEqual([
      'verify-blob', '--key', 'p', '--insecure-ignore-tlog=true', '--trusted-root', 'root.json', '--new-bundle-format', '--bundle', 'f.sigstore.json', 'f',
    ]);
  });

  it('resolves and lists with crane, --insecure for HTTP registries', () => {
    expect(craneDigestArgv('h/r:t', { insecureRegistry: true })).toEqual(['digest', '--insecure', 'h/r:t']);
    expect(craneDigestArgv('h/r:t', {})).toEqual(['digest', 'h/r:t']);
    expect(craneListArgv('h/r', { insecureRegistry: true })).toEqual(['ls', '--insecure', 'h/r']);
  });

  it('tells regex identities from exact ones by their anchors', () => {
    expect(isIdentityRegex('^x')).toBe(true);
    expect(isIdentityRegex('x$')).toBe(true);
    expect(isIdentityRegex('user@example.com')).toBe(false);
  });
});

describe('key modes', () => {
  const GHA = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };

  it('is keyless in GitHub Actions with an OIDC token and no key', () => {
    expect(resolveSigningKey({}, GHA)).toEqual({ kind: 'keyless' });
  });

  it('prefers COSIGN_PRIVATE_KEY from the env over keyless', () => {
    expect(resolveSigningKey({}, { ...GHA, COSIGN_PRIVATE_KEY: PEM })).toEqual({ kind: 'env', variable: 'COSIGN_PRIVATE_KEY' });
  });

  it('uses --key when given: a file, env:// or a KMS URI', () => {
    expect(resolveSigningKey({ key: 'cosign.key' }, GHA)).toEqual({ kind: 'file', path: 'cosign.key' });
    expect(resolveSigningKey({ key: 'env://MY_KEY' }, { MY_KEY: PEM })).toEqual({ kind: 'env', variable: 'MY_KEY' });
    for (const uri of ['awskms:///arn:aws:kms:eu-west-1:1:key/x', 'gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', 'azurekms://vault.vault.azure.net/k', 'hashivault://release']) {
      expect(keyArg(resolveSigningKey({ key: uri }, {}))).toBe(uri);
    }
  });

  it('refuses key material on the command line without echoing it', () => {
    let err: unknown;
    try {
      resolveSigningKey({ key: PEM }, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/never put a key on a command line/);
    expect((err as Error).message).not.toContain('abc');
  });

  it('explains how to get a key when there is none', () => {
    expect(() => resolveSigningKey({}, {})).toThrow(/id-token: write/);
    expect(() => resolveSigningKey({ key: 'env://MISSING' }, {})).toThrow(/MISSING is not set/);
    expect(() => resolveSigningKey({ key: 'k8s://ns/secret' }, {})).toThrow(/unsupported key scheme k8s:\/\//);
    expect(() => resolveSigningKey({ key: 'k', keyless: true }, {})).toThrow(/exclude each other/);
    expect(() => parseKeyRef(' ', {})).toThrow(/empty/);
    expect(resolveSigningKey({ keyless: true }, {})).toEqual({ kind: 'keyless' });
  });
});
