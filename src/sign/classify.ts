// Turns a failed `cosign verify` / `verify-attestation` / `verify-blob` into one reason. cosign
// says why only in its stderr, so this matches the stable phrases of its errors (pkg/cosign
// errors.go and verify.go); anything unrecognised stays a plain "error" with cosign's own line,
// never a pass. Pure.
import type { RunResult } from '../process/run-tool';
import { firstErrorLine } from '../process/run-tool';
import { identityMatches } from './keyless-bundle';
import type { KeylessIdentity } from './argv';
import type { VerifyFailure } from './reasons';

/** A run that never reached a verdict: the tool could not run or could not reach the registry. */
export interface RunProblem {
  problem: string;
}

const NETWORK = /connection refused|no such host|i\/o timeout|dial tcp|TLS handshake|server gave HTTP response to HTTPS client|x509: certificate/i;
const UNAUTHORIZED = /UNAUTHORIZED|authentication required|DENIED/;

/** Cosign's own error line, without the "Error: " prefix and the log timestamp. */
export function cosignError(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => /^Error:/.test(l)) ?? firstErrorLine(stderr) ?? '';
  return err.replace(/^Error:\s*/, '');
}

/** Problems that mean "could not check", as opposed to "checked and it is not signed". */
export function runProblem(r: RunResult, tool: string, insecureRegistry: boolean): RunProblem | undefined {
  if (r.spawnError) return { problem: `${r.spawnError}: install it with scripts/install-tools.sh or set its path in the policy (tools.${tool}.path)` };
  if (r.timedOut) return { problem: `${tool} timed out after ${Math.round(r.durationMs / 1000)}s` };
  if (r.signal) return { problem: `${tool} was killed by ${r.signal}` };
  if (r.exitCode === 0) return undefined;
  // cosign warns about an unreachable TUF mirror even when it then works offline: judge errors only.
  const errors = r.stderr
    .split(/\r?\n/)
    .filter((l) => !/^\s*WARNING:/.test(l))
    .join('\n');
  if (NETWORK.test(errors)) {
    const http = /server gave HTTP response to HTTPS client/.test(r.stderr) && !insecureRegistry;
    return { problem: `${tool} could not reach the registry: ${cosignError(r.stderr)}${http ? ' (a plain-HTTP registry needs --insecure-registry)' : ''}` };
  }
  if (UNAUTHORIZED.test(errors)) return { problem: `${tool}: the registry refused access: ${cosignError(r.stderr)} (log in to the registry first)` };
  return undefined;
}

function identityFailure(stderr: string, expected: KeylessIdentity | undefined, check: string): VerifyFailure {
  // "none of the expected identities matched what was in the certificate, got subjects [S] with issuer I"
  const m = /got subjects \[([^\]]*)\] with issuer (\S+)/.exec(stderr);
  if (m && expected) {
    const subjects = m[1].split(/,\s*/).filter(Boolean);
    if (subjects.some((s) => identityMatches(expected.identity, s)) && m[2] !== expected.issuer) {
      return { reason: 'issuer-mismatch', check, message: `identity issued by ${m[2]}, expected ${expected.issuer}` };
    }
    return { reason: 'identity-mismatch', check, message: `signed by ${subjects.join(', ') || '(no subject)'} (issuer ${m[2]}), expected ${expected.identity} from ${expected.issuer}` };
  }
  return { reason: 'identity-mismatch', check, message: `the signer's identity is not the expected one: ${cosignError(stderr)}` };
}

const BAD_SIGNATURE = /invalid signature|verification error|failed to verify signature|signature mismatch|key mismatch|crypto\/(ecdsa|rsa|ed25519)/i;

/**
 * The reason a verification that ran to completion failed. `check` names what was verified:
 * "signature", "attestation cyclonedx", "bundle".
 */
export function classifyVerifyFailure(stderr: string, check: string, expected?: KeylessIdentity): VerifyFailure {
  const err = cosignError(stderr);
  if (/none of the expected identities matched/.test(stderr)) return identityFailure(stderr, expected, check);
  // Bundles are checked by sigstore-go inside cosign, which words it differently.
  const san = /expected SAN value "([^"]*)", got "([^"]*)"/.exec(stderr);
  if (san) return { reason: 'identity-mismatch', check, message: `signed by ${san[2]}, expected ${san[1]}` };
  const iss = /expected issuer value "([^"]*)", got "([^"]*)"/.exec(stderr);
  if (iss) return { reason: 'issuer-mismatch', check, message: `identity issued by ${iss[2]}, expected ${iss[1]}` };
  if (/none of the attestations matched the predicate type/.test(stderr)) {
    return { reason: 'attestation-missing', check, message: `no ${check.replace(/^attestation /, '')} attestation: ${err}` };
  }
  const isAttestation = check.startsWith('attestation');
  if (/no signatures found|no signatures associated|no attestations found/i.test(stderr) || (/no matching attestations:\s*$/m.test(stderr) && !BAD_SIGNATURE.test(stderr))) {
    return isAttestation
      ? { reason: 'attestation-missing', check, message: `no ${check.replace(/^attestation /, '')} attestation is attached to this digest` }
      : { reason: 'no-signature', check, message: 'no signature is attached to this digest' };
  }
  if (/no matching (signatures|attestations)/.test(stderr) || BAD_SIGNATURE.test(stderr)) {
    return { reason: 'wrong-key', check, message: `signed, but not by a trusted key (${err})` };
  }
  return { reason: 'error', check, message: err || 'cosign failed without a message' };
}
