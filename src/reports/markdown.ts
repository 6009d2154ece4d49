// Markdown building blocks for the job summary. Tool-provided text (titles, paths, errors) is
// attacker-controllable: a dependency can publish an advisory title with `|`, `<script>` or
// newlines. Everything that did not come from us goes through `md()`. Pure.

const MAX_CELL_CHARS = 300;

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * One line of inert Markdown text: whitespace and control characters collapse to spaces (a
 * newline would end a table row), bidi overrides are dropped (they can disguise text), HTML is
 * entity-escaped, and the characters that start emphasis, code, links, table cells, math or
 * issue references are backslash-escaped, as is a leading list or heading marker. Long text is
 * cut at `max`. Dots and dashes inside the text stay as they are, so paths and versions read well.
 */
export function md(text: string, max = MAX_CELL_CHARS): string {
  let t = text
    .replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  if (t.length > max) {
    t = t.slice(0, max - 1);
    // Never leave half of a surrogate pair behind.
    if (/[\ud800-\udbff]$/.test(t)) t = t.slice(0, -1);
    t += '…';
  }
  // Backslashes first: the entities written next contain `#`, which must stay unescaped.
  return t
    .replace(/[\\`*_[\]()#|~$]/g, '\\$&')
    // A list marker counts only when a space or the end follows it: "4.17.21" stays as is.
    .replace(/^[-+](?= |$)/, '\\$&')
    .replace(/^(\d{1,9})([.)])(?= |$)/, '$1\\$2')
    .replace(/^=+$/, '\\$&')
    .replace(/[&<>"']/g, (c) => HTML_ENTITIES[c])
    .replace(EMAIL_AT, '<span>@</span>');
}

/**
 * An `@` between what GFM takes for an email's local part and a domain with a dot. GFM's extended email autolink makes
 * `minimist@1.2.5` or `.pnpm/pyyaml@5.3.1/` a mailto: link, and it looks for them after the text
 * is parsed: a backslash escape or `&#64;` is text by then and does not stop it. An inline HTML
 * element does, since it splits the text the `@` sits in from the local part before it.
 */
const EMAIL_AT = /(?<=[A-Za-z0-9.+_-])@(?=(?:[A-Za-z0-9-]|\\_)+\.(?:[A-Za-z0-9-]|\\_))/g;

export function table(header: string[], rows: string[]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows];
}

export function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)} min ${total % 60} s`;
}

export function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
