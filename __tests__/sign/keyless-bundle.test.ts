// Real public-good keyless bundles, verified fully offline against the public-good trusted root.
import * as fs from 'node:fs';
import { fixture, readFixture } from '../helpers/paths';
import { identityMatches, loadTrustedRoot, verifyKeylessBundle } from '../../src/sign/keyless-bundle';

const GHA_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const GHA_ISSUER = 'https://token.actions.githubusercontent.com';
const root = loadTrustedRoot(JSON.parse(readFixture('sigstore', 'trusted_root.public-good.json')));
const artifact = fs.readFileSync(fixture('sigstore', 'conformance-a.txt'));
const bundle = (name: string): unknown => JSON.parse(readFixture('sigstore', name));

const HASHEDREKORD = ['conformance-happy-path-v0.1-hashedrekord-gha.sigstore.json', 'conformance-happy-path-v0.3-hashedrekord-gha.sigstore.json'];

describe.each(HASHEDREKORD)('keyless blob bundle %s', (name) => {
  it('verifies for the right identity and issuer', () => {
    const r = verifyKeylessBundle(bundle(name), artifact, root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(r).toEqual({ ok: true, identity: GHA_IDENTITY, issuer: GHA_ISSUER });
  });

  it('verifies for an anchored identity regex', () => {
    const r = verifyKeylessBundle(bundle(name), artifact, root, {
      identity: '^https://github\\.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/',
      issuer: GHA_ISSUER,
    });
    expect(r.ok).toBe(true);
  });

  it('fails with identity-mismatch for another identity', () => {
    const r = verifyKeylessBundle(bundle(name), artifact, root, {
      identity: GHA_IDENTITY.replace('refs/heads/main', 'refs/heads/evil'),
      issuer: GHA_ISSUER,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.reason).toBe('identity-mismatch');
      expect(r.failure.message).toContain(GHA_IDENTITY);
    }
  });

  it('fails with issuer-mismatch for another issuer', () => {
    const r = verifyKeylessBundle(bundle(name), artifact, root, { identity: GHA_IDENTITY, issuer: 'https://accounts.google.com' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toBe('issuer-mismatch');
  });

  it('fails with artifact-mismatch for a modified artifact', () => {
    const modified = Buffer.concat([artifact, Buffer.from('x')]);
    const r = verifyKeylessBundle(bundle(name), modified, root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.reason).toBe('artifact-mismatch');
  });
});

describe('keyless DSSE attestation bundle', () => {
  const name = 'conformance-happy-path-v0.3-dsse-intoto-gha.sigstore.json';

  it('verifies, and its statement names the artifact', () => {
    const r = verifyKeylessBundle(bundle(name), artifact, root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(r).toEqual({ ok: true, identity: GHA_IDENTITY, issuer: GHA_ISSUER, predicateType: 'https://slsa.dev/provenance/v1' });
  });

  it('fails when the artifact is not a subject', () => {
    const r = verifyKeylessBundle(bundle(name), Buffer.from('other'), root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(!r.ok && r.failure.reason).toBe('artifact-mismatch');
  });

  it('verifies an email identity from another issuer (sigstore-js bundle v0.2)', () => {
    const r = verifyKeylessBundle(bundle('sigstore-js-bundleV02-dsse-npm-attestation-email.sigstore.json'), undefined, root, {
      identity: 'brian@dehamer.com',
      issuer: 'https://github.com/login/oauth',
    });
    expect(r.ok).toBe(true);
    const wrong = verifyKeylessBundle(bundle('sigstore-js-bundleV02-dsse-npm-attestation-email.sigstore.json'), undefined, root, {
      identity: 'brian@dehamer.com',
      issuer: GHA_ISSUER,
    });
    expect(!wrong.ok && wrong.failure.reason).toBe('issuer-mismatch');
  });

  it('fails when the DSSE payload was tampered with', () => {
    const b = bundle(name) as { dsseEnvelope: { payload: string } };
    const stmt = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8'));
    stmt.predicate = { tampered: true };
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(stmt)).toString('base64');
    const r = verifyKeylessBundle(b, artifact, root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(r.ok).toBe(false);
  });
});

describe('when the trusted root does not know the signer', () => {
  it('fails as untrusted', () => {
    const empty = loadTrustedRoot({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
    const r = verifyKeylessBundle(bundle(HASHEDREKORD[1]), artifact, empty, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(!r.ok && r.failure.reason).toBe('untrusted-signature');
  });
});

describe('when the bundle is not a bundle', () => {
  it('fails as invalid-bundle', () => {
    const r = verifyKeylessBundle({ hello: 'world' }, artifact, root, { identity: GHA_IDENTITY, issuer: GHA_ISSUER });
    expect(!r.ok && r.failure.reason).toBe('invalid-bundle');
  });
});

describe('identityMatches', () => {
  it('compares plain identities exactly', () => {
    expect(identityMatches('a@b.c', 'a@b.c')).toBe(true);
    expect(identityMatches('a@b.c', 'xa@b.c')).toBe(false);
    expect(identityMatches('a@b.c', 'a@bxc')).toBe(false);
  });
  it('treats anchored identities as regular expressions', () => {
    expect(identityMatches('^a@b\\.c$', 'a@b.c')).toBe(true);
    expect(identityMatches('^https://github\\.com/org/', 'https://github.com/org/repo')).toBe(true);
    expect(identityMatches('^https://github\\.com/org/', 'https://github.com/other/repo')).toBe(false);
    expect(identityMatches('^([$', 'x')).toBe(false);
  });
});
