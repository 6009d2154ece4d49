// Offline verification of a keyless Sigstore bundle against a trusted root (no network): the
// certificate chains to Fulcio, the entry is in Rekor, the signature covers the artifact, and the
// signer's identity and issuer are the expected ones. Pure: bytes in, verdict out.
import { createHash } from 'node:crypto';
import type * as BundleLib from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import type * as SpecsLib from '@sigstore/protobuf-specs';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type * as VerifyLib from '@sigstore/verify';
import { isIdentityRegex, type KeylessIdentity } from './argv';
import { StatementSchema } from './vsa';
import type { VerifyFailure } from './reasons';

export interface BundleVerified {
  ok: true;
  identity: string;
  issuer: string;
  /** For DSSE bundles: the in-toto predicate type. */
  predicateType?: string;
}

export type BundleOutcome = BundleVerified | { ok: false; failure: VerifyFailure };

const CHECK = 'bundle';

// The Sigstore libraries are loaded on first use: every `scan` bundles this module (for
// verify-image), and most scans never verify a bundle.
/* eslint-disable @typescript-eslint/no-require-imports */
const bundleLib = () => require('@sigstore/bundle') as typeof BundleLib;
const specsLib = () => require('@sigstore/protobuf-specs') as typeof SpecsLib;
const verifyLib = () => require('@sigstore/verify') as typeof VerifyLib;
/* eslint-enable @typescript-eslint/no-require-imports */

function fail(reason: VerifyFailure['reason'], message: string): BundleOutcome {
  return { ok: false, failure: { reason, message, check: CHECK } };
}

/** Exact identities compare whole; ^...$ ones are regular expressions (cosign's two flags). */
export function identityMatches(expected: string, actual: string): boolean {
  if (!isIdentityRegex(expected)) return expected === actual;
  try {
    return new RegExp(expected).test(actual);
  } catch {
    return false;
  }
}

/** Parses a bundle's JSON, or says why it is not one. */
export function parseBundleJson(json: unknown): Bundle | { error: string } {
  try {
    return bundleLib().bundleFromJSON(json);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

export function loadTrustedRoot(json: unknown): TrustedRoot {
  return specsLib().TrustedRoot.fromJSON(json);
}

function dsseSubjectCovers(bundle: Bundle, artifact: Buffer): { ok: boolean; predicateType?: string; error?: string } {
  if (!bundleLib().isBundleWithDsseEnvelope(bundle)) return { ok: true };
  const env = bundle.content.dsseEnvelope;
  let statement;
  try {
    statement = StatementSchema.parse(JSON.parse(Buffer.from(env.payload).toString('utf8')));
  } catch {
    return { ok: false, error: 'the DSSE payload is not an in-toto statement' };
  }
  const hashes: Record<string, string> = {
    sha256: createHash('sha256').update(artifact).digest('hex'),
    sha512: createHash('sha512').update(artifact).digest('hex'),
  };
  const ok = statement.subject.some((s) => Object.entries(s.digest).some(([alg, v]) => hashes[alg] !== undefined && hashes[alg] === v.toLowerCase()));
  return { ok, predicateType: statement.predicateType };
}

/**
 * Does the bundle sign these bytes? A message signature names the artifact's digest, an
 * attestation names it as a subject. Checked before the signature so a modified artifact is
 * reported as such rather than as a bad signature.
 */
export function artifactCovered(bundle: Bundle, artifact: Buffer): { failure?: VerifyFailure; predicateType?: string } {
  if (bundle.content.$case === 'messageSignature') {
    const md = bundle.content.messageSignature.messageDigest;
    if (md && !Buffer.from(md.digest).equals(createHash('sha256').update(artifact).digest())) {
      return { failure: { reason: 'artifact-mismatch', check: CHECK, message: 'the artifact was modified: its sha256 differs from the digest the bundle signs' } };
    }
    return {};
  }
  const cover = dsseSubjectCovers(bundle, artifact);
  if (cover.error) return { failure: { reason: 'invalid-bundle', check: CHECK, message: cover.error } };
  if (!cover.ok) return { failure: { reason: 'artifact-mismatch', check: CHECK, message: "the artifact's digest is not a subject of the attestation in the bundle" } };
  return { predicateType: cover.predicateType };
}

/**
 * Verifies `bundleJson` for `artifact` (omit for a DSSE attestation checked on its own) and the
 * expected signer. Each failure names its cause: modified artifact, identity, issuer, or trust.
 */
export function verifyKeylessBundle(
  bundleJson: unknown,
  artifact: Buffer | undefined,
  trustedRoot: TrustedRoot,
  expected: KeylessIdentity,
): BundleOutcome {
  const bundle = parseBundleJson(bundleJson);
  if ('error' in bundle) return fail('invalid-bundle', `not a valid Sigstore bundle: ${bundle.error}`);

  let predicateType: string | undefined;
  if (artifact !== undefined) {
    const cover = artifactCovered(bundle, artifact);
    if (cover.failure) return { ok: false, failure: cover.failure };
    predicateType = cover.predicateType;
  }

  const { toSignedEntity, toTrustMaterial, Verifier, VerificationError } = verifyLib();
  const verifier = new Verifier(toTrustMaterial(trustedRoot), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  let signer;
  try {
    const entity = toSignedEntity(bundle, artifact);
    signer = verifier.verify(entity);
  } catch (e) {
    if (e instanceof VerificationError && e.code === 'SIGNATURE_ERROR') {
      return fail(artifact !== undefined ? 'artifact-mismatch' : 'untrusted-signature', `signature does not verify: ${e.message}`);
    }
    const code = e instanceof VerificationError ? `${e.code}: ` : '';
    return fail('untrusted-signature', `the bundle does not verify against the trusted root (${code}${(e as Error).message})`);
  }

  const identity = signer.identity?.subjectAlternativeName ?? '';
  const issuer = signer.identity?.extensions?.issuer ?? '';
  if (!identity) return fail('identity-mismatch', 'the bundle is signed by a key, not a keyless certificate identity');
  if (!identityMatches(expected.identity, identity)) {
    return fail('identity-mismatch', `signed by ${identity}, expected ${expected.identity}`);
  }
  if (issuer !== expected.issuer) {
    return fail('issuer-mismatch', `identity issued by ${issuer || '(none)'}, expected ${expected.issuer}`);
  }
  return { ok: true, identity, issuer, ...(predicateType ? { predicateType } : {}) };
}
