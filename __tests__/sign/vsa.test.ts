import { buildVsaStatement, StatementSchema, VsaPredicateSchema, VSA_PREDICATE_TYPE, IN_TOTO_STATEMENT_V1, DEFAULT_VERIFIER_ID } from '../../src/sign/vsa';
import { gateResult } from './gate-result';

const DIGEST = 'sha256:' + 'c'.repeat(64);
const NOW = new Date('2026-03-01T12:34:56.000Z');

describe('VSA statement', () => {
  it('binds a passing verdict to the digest with the policy and exceptions digests', () => {
    const s = buildVsaStatement({ result: gateResult('pass'), repository: '127.0.0.1:5000/app', digest: DIGEST, now: NOW });
    expect(StatementSchema.parse(s)).toBeTruthy();
    expect(s._type).toBe(IN_TOTO_STATEMENT_V1);
    expect(s.predicateType).toBe(VSA_PREDICATE_TYPE);
    expect(s.subject).toEqual([{ name: '127.0.0.1:5000/app', digest: { sha256: 'c'.repeat(64) } }]);
    const p = VsaPredicateSchema.parse(s.predicate);
    expect(p.verificationResult).toBe('PASSED');
    expect(p.verifier.id).toBe(DEFAULT_VERIFIER_ID);
    expect(p.timeVerified).toBe('2026-03-01T12:34:56.000Z');
    expect(p.resourceUri).toBe(`oci://127.0.0.1:5000/app@${DIGEST}`);
    expect(p.policy).toEqual({
      uri: '.chaingate.yml',
      digest: { sha256: '1'.repeat(64) },
      annotations: { exceptions: { uri: '.chaingate-exceptions.yml', digest: { sha256: '2'.repeat(64) } } },
    });
    expect(p.verifiedLevels).toEqual([]);
    expect(p.inputAttestations).toBeUndefined();
    expect(s.predicate.chaingate.summary).toMatchObject({ blocking: 0, low: 2, suppressed: 1, total: 2 });
    expect(s.predicate.chaingate.exceptions).toEqual({ active: 1, expired: 0, applied: 0 });
  });

  it.each(['fail', 'incomplete'] as const)('says FAILED for a %s verdict', (verdict) => {
    const s = buildVsaStatement({ result: gateResult(verdict), repository: 'h/app', digest: DIGEST, now: NOW });
    expect(s.predicate.verificationResult).toBe('FAILED');
    expect(s.predicate.chaingate.reasons).toHaveLength(1);
  });

  it('names the built-in policy when there was no policy file, plus VEX, levels and input attestations', () => {
    const r = gateResult('pass', { inputs: { vex: [{ path: 'vex.json', sha256: '3'.repeat(64) }] } });
    const s = buildVsaStatement({
      result: r,
      repository: 'h/app',
      digest: DIGEST,
      now: NOW,
      verifierId: 'https://example.test/v',
      verifiedLevels: ['SLSA_BUILD_LEVEL_2', 'CHAINGATE_PASSED'],
      inputAttestations: [{ uri: 'sbom.json', digest: { sha256: '4'.repeat(64) } }],
    });
    expect(s.predicate.policy).toEqual({ uri: 'chaingate:default-policy@0.1.0', annotations: { vex: [{ uri: 'vex.json', digest: { sha256: '3'.repeat(64) } }] } });
    expect(s.predicate.verifier.id).toBe('https://example.test/v');
    expect(s.predicate.verifiedLevels).toEqual(['CHAINGATE_PASSED', 'SLSA_BUILD_LEVEL_2']);
    expect(s.predicate.inputAttestations).toEqual([{ uri: 'sbom.json', digest: { sha256: '4'.repeat(64) } }]);
  });

  it('refuses a digest that is not sha256', () => {
    expect(() => buildVsaStatement({ result: gateResult('pass'), repository: 'h/app', digest: 'md5:x', now: NOW })).toThrow(/not a sha256 digest/);
  });
});
