import { nearestFix, sortedFixes, versionOrder } from '../../src/core/fix';

describe('nearestFix', () => {
  // What Trivy reports for qs 6.5.2 (CVE-2022-24999): one fix per release line.
  const QS = ['6.10.3', '6.2.4', '6.3.3', '6.4.1', '6.5.3', '6.6.1', '6.7.3', '6.8.3', '6.9.7'];

  it('names the lowest fix above the installed version, in semver order, not string order', () => {
    expect(nearestFix({ ecosystem: 'npm', version: '6.5.2', fixedVersions: QS })).toBe('6.5.3');
    expect(nearestFix({ ecosystem: 'npm', version: '6.9.8', fixedVersions: QS })).toBe('6.10.3');
    expect(sortedFixes({ ecosystem: 'npm', fixedVersions: QS })).toEqual(['6.2.4', '6.3.3', '6.4.1', '6.5.3', '6.6.1', '6.7.3', '6.8.3', '6.9.7', '6.10.3']);
  });

  it('orders PyPI versions by PEP 440 (a release after its release candidates, post after release)', () => {
    expect(nearestFix({ ecosystem: 'pypi', version: '5.3.1', fixedVersions: ['5.4', '5.4b1', '5.3.1.post1'] })).toBe('5.3.1.post1');
    expect(nearestFix({ ecosystem: 'pypi', version: '5.4a1', fixedVersions: ['5.4', '5.4rc1', '5.10'] })).toBe('5.4rc1');
  });

  it('orders Go module versions (leading v) as semver', () => {
    expect(nearestFix({ ecosystem: 'golang', version: 'v0.9.0', fixedVersions: ['v0.17.0', 'v0.10.0', 'v0.2.0'] })).toBe('v0.10.0');
  });

  it('falls back: no installed version → lowest fix; nothing above it → highest; one or no fix as given', () => {
    expect(nearestFix({ ecosystem: 'npm', fixedVersions: ['1.10.0', '1.9.0'] })).toBe('1.9.0');
    expect(nearestFix({ ecosystem: 'npm', version: '2.0.0', fixedVersions: ['1.10.0', '1.9.0'] })).toBe('1.10.0');
    expect(nearestFix({ ecosystem: 'npm', version: '2.0.0', fixedVersions: ['1.0.0'] })).toBe('1.0.0');
    expect(nearestFix({ ecosystem: 'npm', version: '2.0.0', fixedVersions: [] })).toBeUndefined();
    expect(sortedFixes({ fixedVersions: ['1'] })).toEqual(['1']);
  });

  it('uses the generic order for an ecosystem without its own comparator, or none', () => {
    expect(versionOrder(undefined)('1.10', '1.9')).toBe(1);
    expect(nearestFix({ ecosystem: 'deb', version: '1.2-1', fixedVersions: ['1.2-10', '1.2-2'] })).toBe('1.2-2');
  });
});
