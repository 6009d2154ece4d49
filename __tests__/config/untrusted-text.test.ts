// Messages about a policy, exceptions or VEX file name the schema's keys and file:line, never text
// of the file: a pull request writes these files, and their text may be a secret or a workflow command.
import { ConfigError } from '../../src/errors';
import { parseConfigText } from '../../src/config/load';
import { ExceptionsFileSchema, PolicySchema, VexDocumentSchema } from '../../src/config/schema';

const CANARY = 'ghp_Canary0123456789';

function messageOf(text: string, schema: Parameters<typeof parseConfigText>[2] = PolicySchema): ConfigError {
  try {
    parseConfigText(text, 'p.yml', schema, 'policy');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('accepted');
}

type Case = [string, string, Parameters<typeof parseConfigText>[2]];
const P = PolicySchema;
const cases: Case[] = [
  ['unknown top-level key (block)', `${CANARY}: 1\n`, P],
  ['unknown top-level key (flow YAML)', `{${CANARY}: 1}\n`, P],
  ['unknown top-level key (JSON)', `{"${CANARY}": 1}\n`, P],
  ['unknown nested key', `audit:\n  ${CANARY}: true\n`, P],
  ['enum mismatch', `fail-on: ${CANARY}\n`, P],
  ['enum mismatch in JSON', `{"fail-on": "${CANARY}"}`, P],
  ['enum mismatch in a list', `scanners: [semgrep, ${CANARY}]\n`, P],
  ['unknown exception key', `version: 1\nexceptions:\n  - id: CVE-1\n    ${CANARY}: x\n`, ExceptionsFileSchema],
  ['bad VEX status', `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"status": "${CANARY}"}]}`, VexDocumentSchema],
  ['unresolved tag', `fail-on: !${CANARY} high\n`, P],
  ['bad escape', `fail-on: "\\q${CANARY}"\n`, P],
  ['block scalar header', `fail-on: |${CANARY}\n  x\n`, P],
  ['a key of a free-form map in a path', `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"status": "fixed", "products": [{"@id": "x", "identifiers": {"${CANARY}": 1}}]}]}`, VexDocumentSchema],
  ['duplicate key in JSON', `{"${CANARY}": 1,\n "${CANARY}": 2}`, P],
  ['duplicate key', `fail-on: high\nfail-on: ${CANARY}\n`, P],
  ['workflow command in an unknown key', `"a\\n::warning::${CANARY}": 1\n`, P],
];

describe('config messages quote no text of the file', () => {
  it.each(cases)('%s', (_, text, schema) => {
    const e = messageOf(text, schema);
    expect(e.message).toMatch(/^p\.yml:\d+(:\d+)?: /);
    expect(e.message).not.toContain(CANARY);
    expect(e.message).not.toContain('::warning');
  });
});

describe('a YAML alias with no anchor', () => {
  it.each([
    ['as a value', 'version: 1\nfail-on: *nope\n', 2],
    ['whose anchor comes after it', 'scanners:\n  - *later\n  - &later semgrep\n', 2],
  ])('%s is a configuration error at its line, not a crash', (_, text, line) => {
    const e = messageOf(text, P);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(/refers to no anchor/);
    expect(e.message).not.toMatch(/nope|later/);
  });
});

describe('messages still locate and explain', () => {
  it('an unknown key is pointed at, and a schema key in its path is named', () => {
    const e = messageOf(`audit:\n  ${CANARY}: true\n`, P);
    expect(e.message).toBe('p.yml:2:3: invalid policy: audit: unknown key here; check its spelling against the JSON Schema in schemas/');
  });
  it('a YAML syntax problem names its kind', () => {
    expect(messageOf('fail-on: high\nfail-on: low\n', P).message).toBe('p.yml:2:1: policy is not valid YAML/JSON: a key appears twice in one mapping');
  });
});
