import { severityPosition, sortFindings } from '../../src/core/order';
import { SEVERITIES, type Severity } from '../../src/core/finding';

type F = { blocking: boolean; severity: Severity; fingerprint: string };
const f = (blocking: boolean, severity: Severity, fingerprint: string): F => ({ blocking, severity, fingerprint });

describe('sortFindings', () => {
  const ordered = [f(true, 'critical', 'b'), f(true, 'high', 'a'), f(true, 'high', 'c'), f(true, 'unknown', 'a'), f(false, 'critical', 'a'), f(false, 'low', 'z')];

  it('puts blocking first, then the worst severity, then the fingerprint', () => {
    const shuffled = [ordered[4], ordered[2], ordered[5], ordered[0], ordered[3], ordered[1]];
    expect(sortFindings(shuffled)).toEqual(ordered);
    expect(shuffled[0]).toBe(ordered[4]);
  });
  it('sees a list already in order and returns a copy of it', () => {
    const out = sortFindings(ordered);
    expect(out).toEqual(ordered);
    expect(out).not.toBe(ordered);
  });
  it.each([
    ['fingerprints out of order within one bucket', [f(true, 'high', 'b'), f(true, 'high', 'a')]],
    ['a non-blocking finding before a blocking one', [f(false, 'critical', 'a'), f(true, 'low', 'b')]],
    ['a lower severity first', [f(true, 'low', 'a'), f(true, 'high', 'b')]],
  ])('sorts %s', (_label, list) => {
    expect(sortFindings(list)).toEqual([list[1], list[0]]);
  });
  it('returns a frozen list, and trusts only such a list to be in order without checking', () => {
    const out = sortFindings([ordered[1], ordered[0]]);
    expect(Object.isFrozen(out)).toBe(true);
    expect(() => (out as F[]).reverse()).toThrow(TypeError);
    const again = sortFindings(out);
    expect(again).toEqual([ordered[0], ordered[1]]);
    expect(Object.isFrozen(again)).toBe(true);
    // A mutable copy put out of order is sorted, not taken for the frozen list it came from.
    expect(sortFindings([...out].reverse())).toEqual([ordered[0], ordered[1]]);
  });
  it('keeps equal fingerprints in the order they came in, sorted or not', () => {
    const [x, y, z] = [f(true, 'high', 'a'), f(true, 'high', 'a'), f(true, 'high', 'b')];
    expect(sortFindings([z, x, y])).toEqual([x, y, z]);
    const out = sortFindings([z, y, x]);
    expect(out[0]).toBe(y);
    expect(out[1]).toBe(x);
    expect(sortFindings([x, y, z])[1]).toBe(y);
  });
  it('handles empty and one-element lists', () => {
    expect(sortFindings([])).toEqual([]);
    expect(sortFindings([ordered[0]])).toEqual([ordered[0]]);
  });
});

describe('severityPosition', () => {
  it('orders the severities as sortFindings does', () => {
    const list = SEVERITIES.map((s, i) => f(true, s, String(9 - i)));
    expect(sortFindings([...list].reverse())).toEqual(list);
    expect(SEVERITIES.map(severityPosition)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
