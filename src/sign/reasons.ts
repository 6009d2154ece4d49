// Why a verification failed, one code per cause, and how a failure becomes a finding of kind
// `signature` so it lands in the same result JSON, summary and SARIF as everything else. Pure.
import { makeFinding, type Finding, type Severity } from '../core/finding';

export const VERIFY_REASONS = [
  'no-signature',
  'unsigned-digest',
  'wrong-key',
  'revoked-key',
  'identity-mismatch',
  'issuer-mismatch',
  'attestation-missing',
  'attestation-invalid',
  'vsa-failed',
  'artifact-mismatch',
  'invalid-bundle',
  'untrusted-signature',
  'error',
] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];

export interface VerifyFailure {
  reason: VerifyReason;
  /** One sentence for a person: what failed and, where we know, what to do. */
  message: string;
  /** Which check: "signature", "attestation cyclonedx", "attestation vsa", "bundle". */
  check: string;
}

const TITLES: Record<VerifyReason, string> = {
  'no-signature': 'No signature',
  'unsigned-digest': 'Digest not signed (tag moved after signing)',
  'wrong-key': 'Signed with an untrusted key',
  'revoked-key': 'Signed with a revoked key',
  'identity-mismatch': 'Signer identity mismatch',
  'issuer-mismatch': 'Signer OIDC issuer mismatch',
  'attestation-missing': 'Required attestation missing',
  'attestation-invalid': 'Attestation does not verify',
  'vsa-failed': 'Verification summary says FAILED',
  'artifact-mismatch': 'Artifact does not match its signature',
  'invalid-bundle': 'Invalid Sigstore bundle',
  'untrusted-signature': 'Signature not trusted',
  error: 'Verification failed',
};

export function reasonTitle(r: VerifyReason): string {
  return TITLES[r];
}

/** Rule id in reports and SARIF, stable across versions. */
export function reasonId(r: VerifyReason): string {
  return `CHAINGATE-SIG-${r.toUpperCase()}`;
}

export function failureToFinding(f: VerifyFailure, subject: string, severity: Severity = 'high'): Finding {
  return makeFinding({
    tool: 'cosign',
    kind: 'signature',
    severity,
    id: reasonId(f.reason),
    title: `${reasonTitle(f.reason)}: ${subject}`,
    description: f.message,
    // The image (repository@digest) or blob path stands where a file would: it is the subject.
    location: { path: subject },
  });
}
