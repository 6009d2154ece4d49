import { decodeAttestations, judgeAttestations, coversDigest } from '../../src/sign/attestations';
import { buildVsaStatement, CYCLONEDX_PREDICATE_TYPE, VSA_PREDICATE_TYPE, DEFAULT_VERIFIER_ID, type Statement } from '../../src/sign/vsa';
import { FormatError } from '../../src/parsers/util';
import { gateResult } from './gate-result';

const D1 = 'sha256:' + 'd'.repeat(64);
const D2 = 'sha256:' + 'e'.repeat(64);

function envelope(s: unknown): string {
  return JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(s)).toString('base64'), signatures: [{ keyid: '', sig: 'x' }] });
}

function vsa(verdict: 'pass' | 'fail', digest: string, at: string, verifierId?: string): Statement {
  return buildVsaStatement({ result: gateResult(verdict), repository: 'h/app', digest, now: new Date(at), verifierId });
}

describe('decodeAttestations', () => {
  it('decodes one envelope per line', () => {
    const out = decodeAttestations([envelope(vsa('pass', D1, '2026-01-01T00:00:00Z')), '', envelope({ _type: 'x', subject: [{ digest: { sha256: 'd'.repeat(64) } }], predicateType: CYCLONEDX_PREDICATE_TYPE, predicate: {} })].join('\n'));
    expect(out.map((s) => s.predicateType)).toEqual([VSA_PREDICATE_TYPE, CYCLONEDX_PREDICATE_TYPE]);
    expect(coversDigest(out[0], D1)).toBe(true);
    expect(coversDigest(out[0], D2)).toBe(false);
  });
  it('rejects garbage, other payload types and non-statements', () => {
    expect(() => decodeAttestations('not json')).toThrow(FormatError);
    expect(() => decodeAttestations(JSON.stringify({ payloadType: 'text/plain', payload: 'eA==' }))).toThrow(/not an in-toto statement/);
    expect(() => decodeAttestations(envelope({ hello: 1 }))).toThrow(/unexpected format/);
  });
});

describe('judgeAttestations', () => {
  it('passes the newest PASSED VSA for the digest', () => {
    const j = judgeAttestations([vsa('fail', D1, '2026-01-01T00:00:00Z'), vsa('pass', D1, '2026-01-02T00:00:00Z')], VSA_PREDICATE_TYPE, D1, 'attestation vsa', { verifierId: DEFAULT_VERIFIER_ID });
    expect(j.failure).toBeUndefined();
    expect(j.vsa?.verificationResult).toBe('PASSED');
  });
  it('fails when the newest VSA says FAILED, with the gate\'s reasons', () => {
    const j = judgeAttestations([vsa('pass', D1, '2026-01-01T00:00:00Z'), vsa('fail', D1, '2026-01-02T00:00:00Z')], VSA_PREDICATE_TYPE, D1, 'attestation vsa');
    expect(j.failure?.reason).toBe('vsa-failed');
    expect(j.failure?.message).toContain('1 high vulnerability blocks');
  });
  it('lets FAILED win a tie', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(judgeAttestations([vsa('pass', D1, at), vsa('fail', D1, at)], VSA_PREDICATE_TYPE, D1, 'attestation vsa').failure?.reason).toBe('vsa-failed');
    expect(judgeAttestations([vsa('fail', D1, at), vsa('pass', D1, at)], VSA_PREDICATE_TYPE, D1, 'attestation vsa').failure?.reason).toBe('vsa-failed');
  });
  it('does not count a VSA about another digest', () => {
    const j = judgeAttestations([vsa('pass', D2, '2026-01-01T00:00:00Z')], VSA_PREDICATE_TYPE, D1, 'attestation vsa');
    expect(j.failure?.reason).toBe('attestation-missing');
    expect(j.failure?.message).toMatch(/another digest/);
  });
  it('does not count a VSA from another verifier', () => {
    const j = judgeAttestations([vsa('pass', D1, '2026-01-01T00:00:00Z', 'https://evil.test')], VSA_PREDICATE_TYPE, D1, 'attestation vsa', { verifierId: DEFAULT_VERIFIER_ID });
    expect(j.failure?.reason).toBe('attestation-invalid');
  });
  it('rejects a malformed VSA predicate', () => {
    const bad = { ...vsa('pass', D1, '2026-01-01T00:00:00Z'), predicate: { verificationResult: 'MAYBE' } };
    expect(judgeAttestations([bad], VSA_PREDICATE_TYPE, D1, 'attestation vsa').failure?.reason).toBe('attestation-invalid');
  });
  it('accepts any SBOM statement for the digest, and misses one of another type', () => {
    const sbom: Statement = { _type: 'https://in-toto.io/Statement/v0.1', subject: [{ name: 'h/app', digest: { sha256: 'd'.repeat(64) } }], predicateType: CYCLONEDX_PREDICATE_TYPE, predicate: { bomFormat: 'CycloneDX' } };
    expect(judgeAttestations([sbom], CYCLONEDX_PREDICATE_TYPE, D1, 'attestation cyclonedx').failure).toBeUndefined();
    expect(judgeAttestations([sbom], VSA_PREDICATE_TYPE, D1, 'attestation vsa').failure?.message).toMatch(/no vsa attestation is attached/);
  });
});
