// The one place printed text is made safe for a GitHub Actions log.
import { escapeData, logLine, safeLogText } from '../src/log-text';

describe('log text', () => {
  it('escapes command data as the toolkit does, so it reads back unchanged', () => {
    expect(escapeData('50% a\r\nb')).toBe('50%25 a%0D%0Ab');
    expect(decodeURIComponent(escapeData('x%0A\n::y'))).toBe('x%0A\n::y');
  });

  it('defuses every line a runner would read as a command, whatever white space leads it', () => {
    for (const lead of ['', ' ', '\t', '\u00a0', '\u2003', '\u3000', '\u0085', '\ufeff']) {
      expect(safeLogText(`ok\n${lead}::add-mask::secret\n`)).toBe(`ok\n${lead}%3A%3Aadd-mask::secret\n`);
    }
    expect(safeLogText('a ##[error]b ##[x')).toBe('a ##%5Berror]b ##%5Bx');
    expect(safeLogText('a\r::warning::b')).toBe('a%0D::warning::b');
    expect(safeLogText('chaingate: PASS\n  - a :: b\n')).toBe('chaingate: PASS\n  - a :: b\n');
  });

  it('keeps a log line one line', () => {
    expect(logLine('::warning::x\ny')).toBe('%3A%3Awarning::x%0Ay');
  });
});
