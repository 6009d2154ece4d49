// Text chaingate prints lands in a GitHub Actions log, where the runner reads a line that starts
// with `::` (after leading white space) or holds `##[` as a workflow command: an annotation,
// `::add-mask::`, `::stop-commands::`, `::set-output`. Paths, inputs, tool messages and report
// fields come from the pull request, so every line we print passes through here.

/** The toolkit's escaping of command data: a value stays on its one line and reads back unchanged. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

// Any white space the runner's TrimStart (.NET char.IsWhiteSpace) or JavaScript's trimStart drops.
const COMMAND_START = /^([\s\u0085\u180e\u200b]*)::/u;

/**
 * Printable log text: every line a runner would take for a workflow command has its `::`
 * (or `##[`) percent-encoded, so it shows as text. A carriage return, which the runner also
 * reads as a line break, is encoded the same way. Nothing chaingate writes starts with `::`.
 */
export function safeLogText(text: string): string {
  // The common case, and a 60 MB SBOM printed to stdout, has nothing to defuse: left as it is.
  if (!text.includes('::') && !text.includes('##[') && !text.includes('\r')) return text;
  return text
    .replace(/\r/g, '%0D')
    .split('\n')
    .map((line) => line.replace(COMMAND_START, '$1%3A%3A').replace(/##\[/g, '##%5B'))
    .join('\n');
}

/** One line of a log: text it embeds stays on that line, and the line is never a command. */
export function logLine(text: string): string {
  return safeLogText(escapeData(text));
}
