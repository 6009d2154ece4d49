// What the gate and the action use from signing: one import.
export { runSignImage, runSignBlob, bundlePathFor, type SignImageOutcome, type SignBlobOutcome, type SignEnv } from './run-sign';
export { runVerifyImage, runVerifyBlob, ATTESTATION_TYPES, type AttestationType, type VerifyOutcome, type VerifyEnv } from './run-verify';
export { resolveSigningKey, type SigningKey } from './key-mode';
export { signTools, type SignTools } from './tool-paths';
export { buildVsaStatement, VSA_PREDICATE_TYPE, CYCLONEDX_PREDICATE_TYPE } from './vsa';
export { VERIFY_REASONS, type VerifyReason, type VerifyFailure } from './reasons';
export { verifyScannerStatus, verifyScannerFailed, VERIFY_SCANNER_NAME } from './gate-link';
