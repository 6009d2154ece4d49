// Range rules the real fixtures do not exercise: limit events, GIT ranges, events out of order,
// explicit version lists in PyPI spelling.
import { inRange, matchAffected } from '../../src/osv/ranges';
import { compareSemver, comparePypi } from '../../src/osv/versions';

describe('OSV range evaluation', () => {
  it('limit caps the whole range (exclusive), "*" means no cap', () => {
    const r = { type: 'SEMVER' as const, events: [{ introduced: '1.0.0' }, { limit: '2.0.0' }] };
    expect(inRange('1.5.0', r, compareSemver)).toBe(true);
    expect(inRange('2.0.0', r, compareSemver)).toBe(false);
    expect(inRange('0.9.0', r, compareSemver)).toBe(false);
    expect(inRange('9.0.0', { ...r, events: [{ introduced: '1.0.0' }, { limit: '*' }] }, compareSemver)).toBe(true);
  });

  it('never matches GIT ranges: they name commits, not versions', () => {
    expect(inRange('1.0.0', { type: 'GIT', repo: 'https://example.invalid/x.git', events: [{ introduced: '0' }] }, compareSemver)).toBe(false);
  });

  it('sorts events before walking them', () => {
    const r = { type: 'ECOSYSTEM' as const, events: [{ fixed: '1.2.0' }, { introduced: '2.0.0' }, { introduced: '0' }, { fixed: '2.1.0' }] };
    expect(['0.1.0', '1.1.9', '1.2.0', '1.9.9', '2.0.0', '2.0.5', '2.1.0'].map((v) => inRange(v, r, compareSemver))).toEqual([true, true, false, false, true, true, false]);
  });

  it('compares explicit versions by the ecosystem order (PyPI 2.0 == 2.0.0)', () => {
    const affected = { package: { ecosystem: 'PyPI', name: 'x' }, versions: ['2.0', '2.1rc1'] };
    expect(matchAffected('2.0.0', affected, 'PyPI').affected).toBe(true);
    expect(matchAffected('2.1.0rc1', affected, 'PyPI').affected).toBe(true);
    expect(matchAffected('2.1', affected, 'PyPI').affected).toBe(false);
    expect(comparePypi('2.1rc1', '2.1.0rc1')).toBe(0);
  });

  it('reports only fixed versions later than the installed one', () => {
    const affected = { package: { ecosystem: 'Go', name: 'stdlib' }, ranges: [{ type: 'SEMVER' as const, events: [{ introduced: '0' }, { fixed: '1.20.10' }, { introduced: '1.21.0-0' }, { fixed: '1.21.3' }] }] };
    expect(matchAffected('v1.21.1', affected, 'Go')).toEqual({ affected: true, fixed: ['1.21.3'] });
  });
});
