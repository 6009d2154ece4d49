// Real public-good keyless bundles, verified fully offline against the public-good trusted root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, readFixture, tmpDir, toolBin } from '../helpers/paths';
import { runTool } from '../../src/process/run-tool';
import { cosignVerifyBlobArgv } from '../../src/sign/argv';
import { classifyVerifyFailure } from '../../src/sign/classify';
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

// The same bundles through the pinned cosign (sigstore-go inside), offline with --trusted-root:
// checks our verify-blob argv and that cosign's own wording maps to the same reasons.
describe('cosign verify-blob on the public keyless bundles', () => {
  const trustedRoot = fixture('sigstore', 'trusted_root.public-good.json');
  const bundleFile = fixture('sigstore', HASHEDREKORD[1]);
  const env = { PATH: process.env.PATH, HOME: tmpDir() };
  const cosign = (identity: string, issuer: string, file = fixture('sigstore', 'conformance-a.txt')) =>
    runTool(toolBin('cosign'), cosignVerifyBlobArgv(file, bundleFile, { by: { identity, issuer }, trustedRoot }), { env, timeoutMs: 60_000 });

  it('verifies the right identity and issuer', async () => {
    const r = await cosign(GHA_IDENTITY, GHA_ISSUER);
    expect(r.stderr).toContain('Verified OK');
    expect(r.exitCode).toBe(0);
  });

  it('fails a wrong identity as identity-mismatch', async () => {
    const r = await cosign(GHA_IDENTITY.replace('main', 'evil'), GHA_ISSUER);
    expect(r.exitCode).not.toBe(0);
    expect(classifyVerifyFailure(r.stderr, 'bundle').reason).toBe('identity-mismatch');
  });

  it('fails a wrong issuer as issuer-mismatch', async () => {
    const r = await cosign(GHA_IDENTITY, 'https://accounts.google.com');
    expect(r.exitCode).not.toBe(0);
    expect(classifyVerifyFailure(r.stderr, 'bundle').reason).toBe('issuer-mismatch');
  });

  it('fails a modified artifact', async () => {
    const dir = tmpDir();
    const modified = path.join(dir, 'a.txt');
    fs.writeFileSync(modified, Buffer.concat([artifact, Buffer.from('!')]));
    const r = await cosign(GHA_IDENTITY, GHA_ISSUER, modified);
    expect(r.exitCode).not.toBe(0);
    expect(classifyVerifyFailure(r.stderr, 'bundle').reason).not.toBe('error');
  });
});
