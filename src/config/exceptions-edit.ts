// Adding an entry to an exceptions file the way a person would: appended to the `exceptions:`
// list with the file's comments and layout kept (the yaml library's Document API edits the parsed
// document in place), and refused when the policy would reject it. Text in, text out: the
// command does the reading and writing.
import { Document, isMap, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { ConfigError } from '../errors';
import { daysUntil } from '../core/exceptions';
import type { Severity } from '../core/finding';
import { addDays, exceptionDays, slaDays } from '../core/sla';
import { parseConfigText } from './load';
import { ExceptionSchema, ExceptionsFileSchema, type ExceptionEntry, type Policy } from './schema';

export interface NewException {
  id: string;
  package?: string;
  paths?: string[];
  kind?: ExceptionEntry['kind'];
  reason: string;
  owner?: string;
  ticket?: string;
  /** Days from today; default: the policy's limit for the severity. */
  days?: number;
  /** Severity of what it suppresses: which SLA applies. */
  severity: Exclude<Severity, 'unknown' | 'info'>;
}

const EMPTY_FILE = '# chaingate exceptions: accepted risks, each with a reason, an owner and an expiry.\nversion: 1\nexceptions: []\n';

/** The entry in the file's key order, and the days it runs. */
export function exceptionFor(add: NewException, policy: Policy, now: Date): { entry: ExceptionEntry; days: number; limit?: number } {
  const limit = slaDays(policy.exceptions['max-days'], add.severity, policy['unknown-severity']);
  const days = add.days ?? exceptionDays({ maxDays: policy.exceptions['max-days'], sla: policy.sla }, add.severity, policy['unknown-severity']);
  if (!Number.isInteger(days) || days < 1) throw new ConfigError(`--days must be a whole number of days, at least 1 (got ${days})`);
  if (limit !== undefined && days > limit) {
    throw new ConfigError(
      `an exception for a ${add.severity} finding may run at most ${limit} days (exceptions.max-days of the policy), not ${days}: fix the finding, or ask for a shorter exception`,
    );
  }
  const raw = { id: add.id, package: add.package, paths: add.paths, kind: add.kind, reason: add.reason, expires: addDays(now, days), owner: add.owner, ticket: add.ticket };
  const parsed = ExceptionSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new ConfigError(`the new exception's ${i.path.map(String).join('.') || 'entry'} ${i.message}`);
  }
  return { entry: parsed.data, days, limit };
}

/**
 * The exceptions file text with `entry` appended. Refuses when the file would hold more active
 * (unexpired) exceptions than `exceptions.max-active`. `text` undefined: a new file.
 */
export function appendException(text: string | undefined, file: string, entry: ExceptionEntry, policy: Policy, now: Date): string {
  const source = text ?? EMPTY_FILE;
  // Validated like the gate reads it: a broken file is reported at its line, not overwritten.
  const current = parseConfigText(source, file, ExceptionsFileSchema, 'exceptions file').value;
  const max = policy.exceptions['max-active'];
  const active = current.exceptions.filter((e) => daysUntil(e.expires, now) >= 0).length;
  if (max !== undefined && active + 1 > max) {
    throw new ConfigError(`${active} active exceptions already, and exceptions.max-active is ${max}: retire one (fix its finding, or remove an expired or unused entry) before adding another`, file);
  }
  return spliceEntry(source, file, entry);
}

/** The entry as block YAML list item lines, its `paths` written inline as people write them. */
function entryLines(entry: ExceptionEntry, indent: string): string {
  const doc = new Document([entry]);
  const item = (doc.contents as YAMLSeq).items[0];
  const paths = isMap(item) ? item.get('paths', true) : undefined;
  if (isSeq(paths)) paths.flow = true;
  return doc
    .toString({ lineWidth: 0 })
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => indent + l + '\n')
    .join('');
}

/**
 * Inserts the entry into the text itself, after the last item of the `exceptions:` list (found
 * through the parsed document's node ranges), so every other byte of the file, comments and
 * spacing included, stays as it was; re-serializing the document would reflow them.
 */
function spliceEntry(source: string, file: string, entry: ExceptionEntry): string {
  const doc = parseDocument(source);
  if (!isMap(doc.contents)) throw new ConfigError('expected a mapping with an exceptions: list', file);
  const list = doc.get('exceptions', true);
  const lineEnd = (at: number) => {
    const nl = source.indexOf('\n', at);
    return nl === -1 ? source.length : nl + 1;
  };
  const withNewline = (t: string) => (t === '' || t.endsWith('\n') ? t : `${t}\n`);
  if (isSeq(list) && !list.flow && list.items.length > 0) {
    const first = list.items[0] as { range?: [number, number, number] };
    const last = list.items[list.items.length - 1] as { range?: [number, number, number] };
    const firstLine = source.slice(source.lastIndexOf('\n', (first.range as [number, number, number])[0] - 1) + 1);
    const indent = (/^(\s*)-/.exec(firstLine) as RegExpExecArray)[1];
    const at = lineEnd((last.range as [number, number, number])[1] - 1);
    return withNewline(source.slice(0, at)) + entryLines(entry, indent) + source.slice(at);
  }
  // No list yet (`exceptions: []`, an empty value, or no key): the list starts with this entry.
  const pair = doc.contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'exceptions');
  const block = `exceptions:\n${entryLines(entry, '  ')}`;
  if (!pair) return withNewline(source) + block;
  const key = (pair.key as { range: [number, number, number] }).range;
  const value = (pair.value as { range?: [number, number, number] } | null)?.range;
  const end = lineEnd(value ? value[1] - 1 : key[1]);
  const lineStart = source.lastIndexOf('\n', key[0] - 1) + 1;
  return source.slice(0, lineStart) + block + source.slice(end);
}
