// Reads what `cosign verify-attestation --output json` printed (one DSSE envelope per line) and
// judges the statements: the subject must be this digest, and the newest chaingate VSA must say
// PASSED. Only called on envelopes cosign has already verified. Pure.
import { parseJson, validate, FormatError } from '../parsers/util';
import { z } from 'zod';
import { StatementSchema, VsaPredicateSchema, VSA_PREDICATE_TYPE, type Statement, type VsaPredicate } from './vsa';
import type { VerifyFailure } from './reasons';

const EnvelopeSchema = z.looseObject({
  payloadType: z.string(),
  payload: z.string().min(1),
});

/** Decodes every envelope line into its statement. Throws FormatError for garbage. */
export function decodeAttestations(stdout: string): Statement[] {
  const out: Statement[] = [];
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  lines.forEach((line, i) => {
    const env = validate(EnvelopeSchema, parseJson(line, `attestation ${i + 1}`), `attestation ${i + 1}`);
    if (env.payloadType !== 'application/vnd.in-toto+json') {
      throw new FormatError(`attestation ${i + 1}: payload type ${env.payloadType} is not an in-toto statement`);
    }
    const text = Buffer.from(env.payload, 'base64').toString('utf8');
    out.push(validate(StatementSchema, parseJson(text, `attestation ${i + 1} payload`), `attestation ${i + 1} payload`));
  });
  return out;
}

export function coversDigest(s: Statement, digest: string): boolean {
  const hex = digest.replace(/^sha256:/, '');
  return s.subject.some((sub) => sub.digest.sha256?.toLowerCase() === hex);
}

export interface AttestationJudgement {
  failure?: VerifyFailure;
  /** The VSA that decided, for the report. */
  vsa?: VsaPredicate;
}

/** Statements of `predicateType` about `digest`; a statement about another digest does not count. */
export function judgeAttestations(
  statements: Statement[],
  predicateType: string,
  digest: string,
  check: string,
  opts: { verifierId?: string } = {},
): AttestationJudgement {
  const relevant = statements.filter((s) => s.predicateType === predicateType);
  const mine = relevant.filter((s) => coversDigest(s, digest));
  if (mine.length === 0) {
    const message = relevant.length
      ? `the ${check.replace(/^attestation /, '')} attestations found are about another digest, not ${digest}`
      : `no ${check.replace(/^attestation /, '')} attestation is attached to ${digest}`;
    return { failure: { reason: 'attestation-missing', check, message } };
  }
  if (predicateType !== VSA_PREDICATE_TYPE) return {};

  const vsas: VsaPredicate[] = [];
  for (const s of mine) {
    try {
      vsas.push(validate(VsaPredicateSchema, s.predicate, 'verification summary'));
    } catch (e) {
      return { failure: { reason: 'attestation-invalid', check, message: (e as Error).message } };
    }
  }
  const trusted = opts.verifierId ? vsas.filter((v) => v.verifier.id === opts.verifierId) : vsas;
  if (trusted.length === 0) {
    return {
      failure: {
        reason: 'attestation-invalid',
        check,
        message: `the verification summaries were made by ${[...new Set(vsas.map((v) => v.verifier.id))].join(', ')}, not ${opts.verifierId}`,
      },
    };
  }
  // The newest verdict counts (a re-run of the gate supersedes); on a tie FAILED wins.
  const newest = [...trusted].sort((a, b) => {
    const t = (b.timeVerified ?? '').localeCompare(a.timeVerified ?? '');
    return t !== 0 ? t : a.verificationResult === 'FAILED' ? -1 : b.verificationResult === 'FAILED' ? 1 : 0;
  })[0];
  if (newest.verificationResult !== 'PASSED') {
    const ext = (newest as Record<string, unknown>).chaingate as { reasons?: string[] } | undefined;
    const why = ext?.reasons?.length ? `: ${ext.reasons.slice(0, 3).join('; ')}` : '';
    return {
      vsa: newest,
      failure: { reason: 'vsa-failed', check, message: `the gate's verification summary for ${digest} says FAILED (${newest.timeVerified ?? 'no time'})${why}` },
    };
  }
  return { vsa: newest };
}
