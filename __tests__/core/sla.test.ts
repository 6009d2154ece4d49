import { checkExceptionLimits } from '../../src/core/exceptions';
import { addDays, DEFAULT_SLA_DAYS, daysSince, exceptionDays, largestDays, overdueFindings, slaDays, slaSeverity } from '../../src/core/sla';

const NOW = new Date('2026-12-05T15:00:00Z');
const MAP = { critical: 7, high: 30, medium: 90, low: 180 };

describe('SLA settings', () => {
  it('reads one number for every severity or a map per severity; info counts as low, unknown as ranked', () => {
    expect(slaDays(30, 'critical')).toBe(30);
    expect(slaDays(undefined, 'critical')).toBeUndefined();
    expect(slaDays(MAP, 'critical')).toBe(7);
    expect(slaDays(MAP, 'info')).toBe(180);
    expect(slaDays(MAP, 'unknown')).toBe(90);
    expect(slaDays(MAP, 'unknown', 'high')).toBe(30);
    expect(slaDays({ high: 10 }, 'low')).toBeUndefined();
    expect(slaSeverity('unknown', 'info')).toBe('low');
  });

  it('the largest days of a setting bound an exception before its findings are known', () => {
    expect(largestDays(MAP)).toBe(180);
    expect(largestDays(12)).toBe(12);
    expect(largestDays({})).toBeUndefined();
    expect(largestDays(undefined)).toBeUndefined();
  });

  it('a new exception runs for the shorter of max-days and the SLA, else the default SLA', () => {
    expect(exceptionDays({ maxDays: 60, sla: MAP }, 'high')).toBe(30);
    expect(exceptionDays({ maxDays: { critical: 3 }, sla: undefined }, 'critical')).toBe(3);
    expect(exceptionDays({ maxDays: undefined, sla: undefined }, 'medium')).toBe(DEFAULT_SLA_DAYS.medium);
    expect(exceptionDays({ maxDays: { critical: 3 }, sla: undefined }, 'unknown', 'low')).toBe(180);
  });

  it('counts calendar days in UTC', () => {
    expect(addDays(NOW, 30)).toBe('2027-01-04');
    expect(daysSince('2026-11-05', NOW)).toBe(30);
    expect(daysSince('2026-12-04T23:59:00Z', NOW)).toBe(1);
  });
});

describe('overdueFindings', () => {
  const findings = [
    { fingerprint: 'a', severity: 'critical' as const },
    { fingerprint: 'b', severity: 'low' as const },
    { fingerprint: 'c', severity: 'high' as const },
    { fingerprint: 'd', severity: 'high' as const },
  ];
  it('reports findings open longer than their SLA, from when a baseline first saw them', () => {
    const seen = new Map([
      ['a', '2026-11-20'],
      ['b', '2026-11-01'],
      ['c', 'not a date'],
    ]);
    expect(overdueFindings(findings, seen, MAP, NOW)).toEqual([{ fingerprint: 'a', firstSeen: '2026-11-20', daysOpen: 15, slaDays: 7 }]);
    expect(overdueFindings(findings, seen, { high: 1 }, NOW)).toEqual([]);
    expect(overdueFindings(findings, undefined, MAP, NOW)).toEqual([]);
    expect(overdueFindings(findings, seen, undefined, NOW)).toEqual([]);
    expect(overdueFindings(findings, new Map([['d', '2026-01-01T00:00:00Z']]), 30, NOW)).toEqual([{ fingerprint: 'd', firstSeen: '2026-01-01T00:00:00Z', daysOpen: 338, slaDays: 30 }]);
  });
});

describe('checkExceptionLimits with a per-severity max-days', () => {
  it('holds every entry to the longest SLA before the findings are known', () => {
    const src = { source: 'x.yml', lines: [3, 9], entries: [{ id: 'A', reason: 'r', expires: '2027-03-01' }, { id: 'B', reason: 'r', expires: '2027-07-01' }] };
    const problems = checkExceptionLimits(src, MAP, NOW);
    expect(problems.map((p) => [p.index, p.line])).toEqual([[1, 9]]);
    expect(problems[0].message).toContain("exceptions.max-days 180 (its longest, for any severity)");
    expect(checkExceptionLimits(src, 100, NOW)[0].message).toContain('exceptions.max-days 100; pick');
  });
});
