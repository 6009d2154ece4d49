import { verifyScannerFailed, verifyScannerStatus } from '../../src/sign/gate-link';
import { failureToFinding } from '../../src/sign/reasons';

const SUBJECT = 'h/app@sha256:' + 'a'.repeat(64);

it('lists a failed verification as a scanner that ran, with its findings and notes', () => {
  const failure = { reason: 'vsa-failed' as const, check: 'attestation vsa', message: 'says FAILED' };
  const s = verifyScannerStatus(
    {
      verified: false,
      subject: SUBJECT,
      checks: [
        { check: 'signature', ok: true, by: 'key release.pub' },
        { check: 'attestation vsa', ok: false, detail: 'says FAILED' },
      ],
      failures: [failure],
      findings: [failureToFinding(failure, SUBJECT)],
    },
    42,
  );
  expect(s).toEqual({
    name: 'cosign-verify',
    status: 'ok',
    durationMs: 42,
    findings: 1,
    notes: [`signature: verified by key release.pub for ${SUBJECT}`, `attestation vsa: FAILED (says FAILED) for ${SUBJECT}`],
  });
});

it('marks a verification that could not run as failed', () => {
  expect(verifyScannerFailed('cosign: not found', 1)).toMatchObject({ status: 'failed', error: 'cosign: not found', findings: 0 });
});
