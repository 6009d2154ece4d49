import { plainCell, renderTerminalTable } from '../../src/reports/terminal';
import { evaluated, gateResult, many } from './build';

describe('renderTerminalTable', () => {
  it('prints nothing when nothing blocks', () => {
    expect(renderTerminalTable(gateResult({ findings: [evaluated({ tool: 't', kind: 'code', severity: 'low', id: 'r', title: 't' })] }), { summaryFile: 's.md' })).toBe('');
  });

  it('shows the first 20 blocking findings, then how many more and where', () => {
    const r = gateResult({ findings: many(200) });
    const text = renderTerminalTable(r, { summaryFile: 'out/summary.md' });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 2 + 20 + 1);
    expect(lines.at(-1)).toBe(`${r.summary.blocking - 20} more in out/summary.md`);
  });

  it('says what to do about a blocking license: no version fixes it', () => {
    const lic = evaluated({ tool: 'licenses', kind: 'license', severity: 'high', id: 'chaingate.license.denied', title: 't', package: { name: 'gpl', version: '1.0.0', fixedVersions: [] } }, { blocking: true });
    expect(renderTerminalTable(gateResult({ findings: [lic] }), { summaryFile: 's.md' })).toMatch(/^high +license +chaingate\.license\.denied +gpl 1\.0\.0 +replace it or add an exception$/m);
  });

  it('keeps tool text from steering the terminal, and cuts long cells', () => {
    const hostile = evaluated({ tool: 't', kind: 'vulnerability', severity: 'high', id: 'X\u001b[31mRED\u001b]0;title\u0007\u009b2J', title: 't', package: { name: 'p\u202eq\r\nr', fixedVersions: [] } }, { blocking: true });
    const noWhere = evaluated({ tool: 't', kind: 'signature', severity: 'critical', id: 'image-unsigned', title: 't' }, { blocking: true });
    const bare = evaluated({ tool: 't', kind: 'vulnerability', severity: 'high', id: 'Y', title: 't', package: { name: 'n', fixedVersions: ['2.0', '1.0'] }, location: { path: 'a'.repeat(80) } }, { blocking: true });
    const secret = evaluated({ tool: 't', kind: 'secret', severity: 'critical', id: 'key', title: 't', location: { path: 'k.ini', startLine: 2 } }, { blocking: true });
    const text = renderTerminalTable(gateResult({ findings: [noWhere, secret, hostile, bare] }), { summaryFile: 's.md' });
    expect(text).toMatch(/^critical +secret +key +k\.ini:2 +rotate it, then remove it from history$/m);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(text).toContain('X [31mRED ]0;title 2J');
    expect(text).toMatch(/^critical +signature +image-unsigned +- +-$/m);
    expect(text).toMatch(/ pq r +no fix yet$/m);
    expect(text).toContain(`n in ${'a'.repeat(42)}…  1.0`);
    expect(plainCell('é'.repeat(10), 5)).toBe('éééé…');
  });
});
