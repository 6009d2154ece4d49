// The gate's verdict as an in-toto Statement v1 with a SLSA Verification Summary Attestation v1
// predicate, bound to the image digest, so a deploy step can require "this digest passed
// chaingate". Pure: the clock is passed in.
import { z } from 'zod';
import type { GateResult, Summary } from '../core/result';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const CYCLONEDX_PREDICATE_TYPE = 'https://cyclonedx.org/bom';
/** Who made the verification decision: chaingate, not the person running it. */
export const DEFAULT_VERIFIER_ID = 'https://github.com/chaingate/chaingate';

export const DigestSetSchema = z.record(z.string(), z.string());
export type DigestSet = z.infer<typeof DigestSetSchema>;

export const ResourceDescriptorSchema = z.looseObject({
  uri: z.string().optional(),
  name: z.string().optional(),
  digest: DigestSetSchema.optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceDescriptor = z.infer<typeof ResourceDescriptorSchema>;

export const VsaPredicateSchema = z.looseObject({
  verifier: z.looseObject({ id: z.string().min(1), version: z.record(z.string(), z.string()).optional() }),
  timeVerified: z.string().optional(),
  resourceUri: z.string().min(1),
  policy: ResourceDescriptorSchema,
  inputAttestations: z.array(ResourceDescriptorSchema).optional(),
  verificationResult: z.enum(['PASSED', 'FAILED']),
  verifiedLevels: z.array(z.string()),
  dependencyLevels: z.record(z.string(), z.number()).optional(),
  slsaVersion: z.string().optional(),
});
export type VsaPredicate = z.infer<typeof VsaPredicateSchema>;

export const StatementSchema = z.looseObject({
  _type: z.string().min(1),
  subject: z.array(z.looseObject({ name: z.string().optional(), digest: DigestSetSchema })).min(1),
  predicateType: z.string().min(1),
  predicate: z.unknown(),
});
export type Statement = z.infer<typeof StatementSchema>;

/** Our own counts, next to the standard fields (VSA allows extra fields; consumers ignore them). */
export interface ChaingateVsaExtension {
  version: string;
  verdict: GateResult['verdict'];
  mode: GateResult['mode'];
  summary: Summary;
  reasons: string[];
  scanners: { name: string; status: string }[];
  exceptions: { active: number; expired: number; applied: number };
}

export interface VsaInput {
  result: GateResult;
  /** Repository the digest belongs to, e.g. 127.0.0.1:5000/app */
  repository: string;
  /** sha256:<hex> */
  digest: string;
  now: Date;
  verifierId?: string;
  verifiedLevels?: string[];
  /** Attestations the verdict relied on (the SBOM attested alongside, for one). */
  inputAttestations?: ResourceDescriptor[];
}

function sha256Hex(digest: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
  if (!m) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1];
}

/** PASSED only for a clean pass: a failed or incomplete gate never attests PASSED. */
export function verificationResultOf(result: GateResult): 'PASSED' | 'FAILED' {
  return result.verdict === 'pass' ? 'PASSED' : 'FAILED';
}

function policyDescriptor(result: GateResult): ResourceDescriptor {
  const { policy, exceptions, vex } = result.inputs;
  const annotations: Record<string, unknown> = {};
  if (exceptions) annotations.exceptions = { uri: exceptions.path, digest: { sha256: exceptions.sha256 } };
  if (vex.length) annotations.vex = vex.map((v) => ({ uri: v.path, digest: { sha256: v.sha256 } }));
  const d: ResourceDescriptor = policy
    ? { uri: policy.path, digest: { sha256: policy.sha256 } }
    : // No policy file: the built-in defaults of this chaingate version decided.
      { uri: `chaingate:default-policy@${result.tool.version}` };
  if (Object.keys(annotations).length) d.annotations = annotations;
  return d;
}

export function buildVsaPredicate(input: VsaInput): VsaPredicate & { chaingate: ChaingateVsaExtension } {
  const { result } = input;
  const p: VsaPredicate & { chaingate: ChaingateVsaExtension } = {
    verifier: { id: input.verifierId ?? DEFAULT_VERIFIER_ID, version: { chaingate: result.tool.version } },
    timeVerified: input.now.toISOString(),
    resourceUri: `oci://${input.repository}@${input.digest}`,
    policy: policyDescriptor(result),
    verificationResult: verificationResultOf(result),
    verifiedLevels: [...(input.verifiedLevels ?? [])].sort(),
    slsaVersion: '1.0',
    chaingate: {
      version: result.tool.version,
      verdict: result.verdict,
      mode: result.mode,
      summary: { ...result.summary },
      reasons: [...result.reasons],
      scanners: result.scanners.map((s) => ({ name: s.name, status: s.status })),
      exceptions: {
        active: result.exceptions.active,
        expired: result.exceptions.expired.length,
        applied: result.exceptions.applied.length,
      },
    },
  };
  if (input.inputAttestations?.length) p.inputAttestations = input.inputAttestations;
  return p;
}

export function buildVsaStatement(input: VsaInput): Statement & { predicate: ReturnType<typeof buildVsaPredicate> } {
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: input.repository, digest: { sha256: sha256Hex(input.digest) } }],
    predicateType: VSA_PREDICATE_TYPE,
    predicate: buildVsaPredicate(input),
  };
}
