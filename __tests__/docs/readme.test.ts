// README.md against the code it documents: every action input and output, every flag each CLI
// command's --help lists, every policy and exceptions key of the zod schemas. Generic on
// purpose: a new input, flag or key without its documentation fails here.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { COMMANDS } from '../../src/cli/commands';
import { ExceptionsFileSchema, PolicySchema } from '../../src/config/schema';
import { REPO } from '../helpers/paths';

const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** The text of a `## heading` section, up to the next heading of level 2. */
function section(heading: string): string {
  const start = README.indexOf(`\n## ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = README.indexOf('\n## ', start + 4);
  return README.slice(start, end === -1 ? undefined : end);
}

/** The fenced code blocks of a text. */
function codeBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Dotted key paths of a JSON Schema's objects (what a user can write in the file). */
function keyPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  const visit = (s: unknown, p: string) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    for (const alt of [...((o.anyOf as unknown[]) ?? []), ...((o.oneOf as unknown[]) ?? [])]) visit(alt, p);
    if (o.items) visit(o.items, p);
    const props = o.properties as Record<string, unknown> | undefined;
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        const kp = p ? `${p}.${k}` : k;
        out.push(kp);
        visit(v, kp);
      }
    }
    // A map keyed by names (per-severity SLAs): its keys are documented as its values' names.
    if (o.propertyNames && typeof o.additionalProperties === 'object') visit(o.additionalProperties, p);
  };
  visit(schema, prefix);
  return [...new Set(out)];
}

function jsonSchema(s: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/**
 * Whether a YAML block documents a dotted key path: each key is found as a key, in a flow
 * mapping or named in a comment (a commented-out key counts), within the lines its parent key's
 * indentation spans.
 */
function mentions(block: string, dotted: string): boolean {
  let lines = block.split('\n');
  for (const key of dotted.split('.')) {
    const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[\\s{,#(\\[])${k}(:|\\b)`);
    const asKey = new RegExp(`^\\s*(#\\s*)?(- )?${k}:`);
    let at = lines.findIndex((l) => asKey.test(l));
    if (at === -1) at = lines.findIndex((l) => re.test(l));
    if (at === -1) return false;
    const indent = /^[\s#]*/.exec(lines[at])![0].length;
    let end = at + 1;
    while (end < lines.length && (lines[end].trim() === '' || /^[\s#]*/.exec(lines[end])![0].length > indent)) end++;
    lines = lines.slice(at, end);
  }
  return true;
}

describe('README.md', () => {
  const action = parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };

  it.each(Object.keys(action.inputs).map((k) => [k]))('documents the action input %s', (name) => {
    expect(section('In a workflow')).toContain(`\`${name}\``);
  });

  it.each(Object.keys(action.outputs).map((k) => [k]))('documents the action output %s', (name) => {
    expect(section('In a workflow')).toContain(`\`${name}\``);
  });

  it.each(COMMANDS.map((c) => [c.name, c]))('shows every flag of `chaingate %s --help` in the CLI synopsis', async (name, entry) => {
    const cmd = await entry.load();
    // The option column of the usage: a line's text before its description (two or more spaces).
    const specs = cmd.usage.split('\n').filter((l) => /^\s+--/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
    const flags = [...new Set(specs.flatMap((x) => x.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? []))];
    expect(flags.length).toBeGreaterThan(0);
    // The synopsis lines of this command: those starting `chaingate NAME`, and their continuations.
    const synopsis = codeBlocks(section('CLI'))[0];
    const lines: string[] = [];
    let mine = false;
    for (const line of synopsis.split('\n')) {
      if (line.startsWith('chaingate ')) mine = line.startsWith(`chaingate ${name} `) || line === `chaingate ${name}`;
      if (mine) lines.push(line);
    }
    expect(lines.length).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(flags.filter((f) => !new RegExp(`${f}(?![a-z-])`).test(text))).toEqual([]);
  });

  it('documents every policy key of the zod schema in the policy block', () => {
    const block = codeBlocks(section('Policy: `.chaingate.yml`'))[0];
    const paths = keyPaths(jsonSchema(PolicySchema));
    expect(paths).toContain('exceptions.max-days');
    expect(paths.filter((p) => !mentions(block, p))).toEqual([]);
  });

  it('documents every exceptions key of the zod schema in the exceptions block', () => {
    const block = codeBlocks(section('Exceptions: `.chaingate-exceptions.yml`'))[0];
    const paths = keyPaths(jsonSchema(ExceptionsFileSchema));
    expect(paths).toContain('exceptions.reason');
    expect(paths.filter((p) => !mentions(block, p))).toEqual([]);
  });

  it('states the default Semgrep ruleset and that nosemgrep comments do not exempt', () => {
    expect(README).toMatch(/JavaScript\/TypeScript and Python/);
    expect(README).toContain('--disable-nosem');
  });
});

describe('the example policies', () => {
  const examples = fs
    .readdirSync(path.join(REPO, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(REPO, 'examples', d.name, '.chaingate.yml')))
    .map((d) => path.join('examples', d.name, '.chaingate.yml'));

  it('exist', () => expect(examples.length).toBeGreaterThan(0));

  it.each(examples.map((e) => [e]))('%s names its JSON Schema and lists every key with its default', (file) => {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8');
    const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(m).not.toBeNull();
    const schemaFile = path.resolve(REPO, path.dirname(file), (m as RegExpExecArray)[1]);
    expect(path.relative(REPO, schemaFile)).toBe(path.join('schemas', 'chaingate-policy.schema.json'));
    // What it sets is exactly the defaults...
    expect(PolicySchema.parse(parseYaml(text))).toEqual(PolicySchema.parse({}));
    // ...and every key is there, set or (for those without a default) in a comment.
    const missing = keyPaths(jsonSchema(PolicySchema)).filter((p) => !mentions(text, p));
    expect(missing).toEqual([]);
  });
});
