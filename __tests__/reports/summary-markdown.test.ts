// The job summary parsed as GitHub-flavoured Markdown: hostile text in every tool-provided field
// must come out as the same text, in its own table cell, with no HTML and no links.
import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
import { renderSummary } from '../../src/reports/summary';
import type { GateResult } from '../../src/core/result';
import { applied, evaluated, gateResult, representative, scanner } from './build';

const HOSTILE = [
  'a | b',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'line1\nline2\r\n| injected | row |',
  '**bold** _em_ `code` ~~strike~~',
  '[click](https://evil.example) ![img](https://evil.example/x.png)',
  '- item',
  '1. item',
  '# heading',
  '$x^2$',
  '&lt;already escaped&gt; &amp;',
  'back\\slash\\|',
  '\u202eRTL override',
  '> quote',
  'minimist@1.2.5 .pnpm/PyYAML@5.3.1/x a\\_b@x.io',
];

const OUR_CODE = ['overrides', 'resolutions', 'exceptions:', 'verify:', 'git filter-repo', 'chaingate exceptions add ID --package PURL --reason TEXT'];

// GitHub renders job summaries with HTML allowed (sanitized) and bare URLs linked.
const mdParser = new MarkdownIt({ html: true, linkify: true });

function flatten(tokens: Token[]): Token[] {
  return tokens.flatMap((t) => [t, ...(t.children ? flatten(t.children) : [])]);
}

function hostileResult(text: string): GateResult {
  const f = evaluated(
    { tool: text, kind: 'vulnerability', severity: 'critical', id: text, title: text, package: { name: text, version: text, fixedVersions: [text, '1.0.0'] }, location: { path: text, startLine: 2 } },
    { blocking: true },
  );
  const r = gateResult({ findings: [f] });
  r.reasons = [text];
  r.scanners = [scanner(text, 'failed', 5, 0, { error: text, notes: [text] }), scanner('ok-one', 'ok', 5, 0, { notes: [text] })];
  const ex = applied(0, { id: text, reason: text, owner: text, package: 'pkg:npm/x', paths: [text] }, [f.fingerprint], -3);
  r.exceptions = { applied: [ex], expired: [ex], unused: [ex], expiringSoon: [ex], active: 1 };
  return r;
}

describe('the summary as parsed Markdown', () => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))('keeps %s inert everywhere it appears', (_label, text) => {
    const md = renderSummary(hostileResult(text), { resultFile: 'r.json', sarifFile: 's.sarif' });
    const tokens = flatten(mdParser.parse(md, {}));
    // The only HTML is our own line breaks inside cells.
    // Our own blocks: the fold of the non-blocking findings.
    for (const t of tokens.filter((x) => x.type === 'html_block')) expect(t.content).toMatch(/^(<details>\n<summary>\d+ findings? that do(es)? not block<\/summary>|<\/details>)\n$/);
    // Inline code only from our own advice, never from tool text.
    for (const t of tokens.filter((x) => x.type === 'code_inline')) expect(OUR_CODE).toContain(t.content);
    // The exceptions entries are YAML that reads back the finding's id and package as they are.
    const fences = tokens.filter((t) => t.type === 'fence');
    expect(fences.map((t) => t.info)).toEqual(['yaml']);
    const entry = (parseYaml(`exceptions:\n${fences[0].content}`) as { exceptions: Record<string, unknown>[] }).exceptions[0];
    expect(entry.id).toBe(text);
    expect(entry.kind).toBe('vulnerability');
    // The only HTML is our own: line breaks inside cells, and the span that keeps an `@` from
    // becoming an email link.
    for (const t of tokens.filter((x) => x.type === 'html_inline')) expect(['<br>', '<span>', '</span>']).toContain(t.content);
    for (const t of tokens.filter((x) => x.type === 'link_open')) expect(t.attrGet('href')).not.toMatch(/^mailto:/);
    // No links, images, code, emphasis or quotes come from tool text. A bare URL is shown as
    // the link it is (GitHub does the same), never as hidden link text.
    for (const t of tokens.filter((x) => x.type === 'link_open')) expect(t.markup).toBe('linkify');
    for (const type of ['image', 's_open', 'em_open', 'blockquote_open', 'ordered_list_open']) expect(tokens.filter((t) => t.type === type)).toEqual([]);
    expect(tokens.filter((t) => t.type === 'heading_open').map((t) => t.tag)).toEqual(expect.arrayContaining(['h1']));
    const headings = tokens.filter((t, i) => t.type === 'inline' && tokens[i - 1]?.type === 'heading_open').map((t) => t.content);
    expect(headings.every((h) => /^(❌ chaingate|Findings|Blocking findings|What to do next|Scanners|Exceptions|Expired|Expiring soon|Unused|Applied)/.test(h))).toBe(true);
    // Every table row has exactly as many cells as its header.
    const tables = md.split('\n\n').filter((block) => block.startsWith('| '));
    for (const table of tables) {
      const parsed = flatten(mdParser.parse(table, {}));
      const rows: number[] = [];
      for (const t of parsed) {
        if (t.type === 'tr_open') rows.push(0);
        if (t.type === 'th_open' || t.type === 'td_open') rows[rows.length - 1]++;
      }
      expect(rows.length).toBe(table.split('\n').length - 1);
      expect(new Set(rows).size).toBe(1);
    }
    // In the blocking findings table, each field is one whole cell.
    const blocking = md.slice(md.indexOf('## Blocking findings'), md.indexOf('## What to do next'));
    const cellsOf = flatten(mdParser.parse(blocking, {})).filter((t, i, all) => t.type === 'inline' && all[i - 1]?.type === 'td_open');
    const cellText = cellsOf.map((t) => (t.children ?? []).filter((c) => c.type === 'text').map((c) => c.content).join(''));
    expect(cellText).toHaveLength(6);
    const one = text.replace(/[\u202e]/g, '').replace(/\s+/g, ' ').trim();
    expect(cellText[1]).toBe('vulnerability');
    expect([cellText[2], cellText[5]].map((c) => c.replace(/\\/g, ''))).toEqual([`${one}: ${one}`, one].map((c) => c.replace(/\\/g, '')));
    // The text itself survives, whitespace collapsed and bidi controls dropped. (Backslashes are
    // compared loosely: markdown-it's linkify keeps an escape's backslash inside link text.)
    const loose = (x: string) => x.replace(/\\/g, '');
    const shown = loose(text.replace(/[\u202e]/g, '').replace(/\s+/g, ' ').trim());
    const texts = tokens.filter((t) => t.type === 'inline').map((t) => loose((t.children ?? []).filter((c) => c.type === 'text').map((c) => c.content).join('')));
    expect(texts.some((c) => c.includes(shown))).toBe(true);
  });

  it('parses the representative summary into the expected sections and tables', () => {
    const md = renderSummary(representative(), { resultFile: 'r.json', sarifFile: 's.sarif' });
    const tokens = flatten(mdParser.parse(md, {}));
    const headings = tokens.filter((t, i) => t.type === 'inline' && tokens[i - 1]?.type === 'heading_open').map((t) => t.content);
    expect(headings).toEqual([
      '❌ chaingate: fail',
      'Findings',
      'Blocking findings (3)',
      'What to do next',
      'Scanners',
      'Exceptions',
      'Expired: they suppress nothing any more (1)',
      'Expiring soon (1)',
      'Unused: they match no finding (1)',
      'Applied (1)',
    ]);
    expect(tokens.filter((t) => t.type === 'table_open')).toHaveLength(8);
  });
});
