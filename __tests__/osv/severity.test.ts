import { cvss3BaseScore, cvss4ApproxScore } from '../../src/osv/cvss';
import { advisorySeverity } from '../../src/osv/severity';
import { normalizeSeverity, severityFromScore } from '../../src/core/finding';
import { allAdvisories, advisoryById } from './advisories';

describe('CVSS v3 base score', () => {
  // Published base scores (NVD / GitHub) for these vectors.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
    ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', 6.1],
    ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N', 8.2],
    ['CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:N', 5.9],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 6.5],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L', 7.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H', 9.1],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', 7.4],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', 5.4],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L', 5.0],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    // Temporal metrics are ignored: the base score stays.
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C', 9.8],
  ])('%s = %s', (v, score) => expect(cvss3BaseScore(v)).toBe(score));

  it.each([
    'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', // missing A
    'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    'CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P',
    'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    '',
  ])('rejects %p', (v) => expect(cvss3BaseScore(v)).toBeUndefined());

  it('approximates v4 vectors in the advisory’s own band', () => {
    expect(severityFromScore(cvss4ApproxScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N'))).toBe('high');
    expect(severityFromScore(cvss4ApproxScore('CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L'))).toBe('medium');
    expect(cvss4ApproxScore('CVSS:4.0/AV:N/AC:L')).toBeUndefined();
    expect(cvss4ApproxScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
  });
});

describe('advisory severity', () => {
  const withBoth = allAdvisories().filter((a) => (a.severity ?? []).some((s) => s.type === 'CVSS_V3') && typeof a.database_specific?.severity === 'string');

  it('the score computed from the vector agrees with the database rating on every real advisory', () => {
    expect(withBoth.length).toBeGreaterThan(15);
    for (const a of withBoth) {
      const s = advisorySeverity(a);
      expect([a.id, s.source, s.severity]).toEqual([a.id, 'cvss-v3', normalizeSeverity(a.database_specific?.severity as string)]);
    }
  });

  it('uses database_specific.severity when severity[] is empty (cookie: LOW, axios: MODERATE)', () => {
    expect(advisorySeverity(advisoryById('GHSA-pxg6-pf52-xh8x'))).toEqual({ severity: 'low', source: 'database-specific' });
    expect(advisorySeverity(advisoryById('GHSA-wf5p-g6vw-rhxx'))).toEqual({ severity: 'medium', source: 'database-specific' });
  });

  it('prefers the v4 database rating over the approximation, and approximates when it is all there is', () => {
    const send = advisoryById('GHSA-m6fv-jmcg-4jfg');
    const v4only = { ...send, severity: send.severity?.filter((s) => s.type === 'CVSS_V4') };
    expect(advisorySeverity(v4only)).toEqual({ severity: 'medium', source: 'database-specific' });
    expect(advisorySeverity({ ...v4only, database_specific: {} })).toEqual({ severity: 'medium', source: 'cvss-v4-approx' });
  });

  it('a per-package vector wins over the advisory’s', () => {
    const a = advisoryById('GHSA-35jh-r3h4-6jhm');
    const affected = { ...a.affected![0], severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] };
    expect(advisorySeverity(a, affected)).toMatchObject({ severity: 'critical', cvssScore: 9.8 });
  });

  it('malicious-package records are critical; Go records without a rating are unknown', () => {
    expect(advisorySeverity(advisoryById('MAL-2025-46969')).severity).toBe('critical');
    expect(advisorySeverity(advisoryById('GO-2022-1059'))).toEqual({ severity: 'unknown', source: 'none' });
  });
});
