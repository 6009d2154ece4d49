// Why text is not JSON, said without quoting it: V8's messages copy the text near the error, and
// a "report" may be a token file or /etc/passwd behind a symlink.
import * as fs from 'node:fs';
import { z } from 'zod';
import { parseReport } from '../../src/parsers';
import { describeJsonError, findJsonProblem } from '../../src/parsers/json-error';
import { parseJson, shapeOf, validate } from '../../src/parsers/util';
import { fixture } from '../helpers/paths';

const at = (text: string) => {
  const p = findJsonProblem(text);
  return p && `${p.line}:${p.column} ${p.problem}`;
};

describe('findJsonProblem', () => {
  it('accepts JSON, any depth and every kind of value', () => {
    for (const ok of ['[1e5, -0.5, 0, true, null, false, "\\u00e9\\n\\"", {}, []]', ' {"a": {"b": [1, {"c": "d"}]}} ', '"x"', '-12.5E+3']) {
      expect(() => JSON.parse(ok)).not.toThrow();
      expect(findJsonProblem(ok)).toBeUndefined();
    }
    expect(findJsonProblem('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined();
  });

  it.each([
    ['ghp_CanaryTok3n', '1:1 unexpected character'],
    ['{"a": 1,}', "1:9 expected a property name in double quotes"],
    ['{"a" 1}', "1:6 expected ':' after a property name"],
    ['[1 2]', "1:4 expected ',' or ']'"],
    ['{"a": 1]', "1:8 expected ',' or '}'"],
    ['{"a": "x\ny"}', '1:9 control character (such as a line break) inside a string'],
    ['"\\q"', '1:2 invalid escape sequence in a string'],
    ['"\\u12G4"', '1:2 invalid escape sequence in a string'],
    ['01', '1:1 malformed number'],
    ['[1.]', '1:2 malformed number'],
    ['-', '1:1 malformed number'],
    ['{"a": [1,\n  2', '2:4 unexpected end of the file (truncated?)'],
    ['{"a": "abc', '1:7 unterminated string'],
    ['[] x', '1:4 unexpected text after the end of the JSON value'],
    ['\ufeff{}', '1:1 unexpected byte order mark (BOM)'],
    ['{a: 1}', '1:2 expected a property name in double quotes'],
    ['[tru]', '1:2 unexpected character'],
    ['[1,]', '1:4 unexpected character'],
    ['{"a": 1, "b": }', '1:15 unexpected character'],
    ['root:*:0:0:System Administrator:/var/root:/bin/sh\n', '1:1 unexpected character'],
  ])('%j: %s', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(at(text)).toBe(expected);
  });

  it('explains a failure of valid syntax without guessing a position', () => {
    expect(describeJsonError('[]', new RangeError('Maximum call stack size exceeded'))).toEqual({ line: 1, column: 1, problem: 'nested too deeply to read' });
    expect(describeJsonError('[]', new SyntaxError('x')).problem).toBe('not readable as JSON');
    expect(describeJsonError('[1,\n x]', new SyntaxError('x'))).toEqual({ line: 2, column: 2, problem: 'unexpected character' });
  });
});

describe('parseJson quotes no content of the file', () => {
  it('names line, column and problem of a token file (the hostile reproducer)', () => {
    const text = fs.readFileSync(fixture('hostile', 'reports', 'echo-token-file.txt'), 'utf8');
    let err: Error & { line?: number } = new Error('did not throw');
    try {
      parseJson(text, 'trivy report');
    } catch (e) {
      err = e as Error & { line?: number };
    }
    expect(err.message).toBe('trivy report: not valid JSON at column 1: unexpected character; is the file truncated or of another format?');
    expect(err.line).toBe(1);
    // V8's own message would have carried the token's first characters.
    expect(() => JSON.parse(text)).toThrow(/ghp_/);
    expect(err.message).not.toMatch(/ghp|Canary/);
  });

  it('points at the line of an error deep in a multi-line file', () => {
    expect(() => parseJson('{\n  "a": 1,\n  "b": secret-value\n}', 'x')).toThrow(/^x: not valid JSON at column 8: unexpected character;/);
    try {
      parseJson('{\n  "a": 1,\n  "b": secret-value\n}', 'x');
    } catch (e) {
      expect((e as { line?: number }).line).toBe(3);
      expect((e as Error).message).not.toMatch(/secret/);
    }
  });
});

describe('format messages quote no key or value of the data', () => {
  const C = 'ghp_CanaryTok3nAbCdEfGhIjKlMnOpQrStUv123';
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };

  it('shows the fields a schema declares and hides keys that come from the data', () => {
    type Node = { name: string; children?: Node[] };
    const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(NodeSchema).optional() }));
    const schema = z.object({ packages: z.record(z.string(), z.object({ version: z.string() })), tree: NodeSchema, strict: z.strictObject({ a: z.number() }).optional() });
    const m = message(() => validate(schema, { packages: { [C]: { version: 1 } }, tree: { name: 'x', children: [{ name: 2 }] } }, 'r'));
    expect(m).toBe('r: unexpected format: packages.*.version: Invalid input: expected string, received number; tree.children.0.name: Invalid input: expected string, received number');
    expect(message(() => validate(schema, { packages: {}, tree: { name: 'x' }, strict: { a: 1, [C]: 1 } }, 'r'))).toBe('r: unexpected format: strict: unknown key');
    expect(message(() => validate(schema, C, 'r'))).toBe('r: unexpected format: (root): Invalid input: expected object, received string');
  });

  it('describes a value by its shape', () => {
    expect([null, [1, 2], {}, { a: 1 }, { a: 1, b: 2 }, 'x', 3, true].map(shapeOf)).toEqual([
      'null',
      'an array of 2 items',
      'an empty object',
      'an object with 1 other key',
      'an object with 2 other keys',
      'a string',
      'a number',
      'a boolean',
    ]);
  });

  it.each([
    ['trivy', `{"${C}": 1}`],
    ['trivy', `"${C}"`],
    ['osv-scanner', `{"${C}": 1}`],
    ['grype', `{"${C}": 1}`],
    ['npm-audit', `{"auditReportVersion": 2, "vulnerabilities": {"${C}": {"severity": "${C}"}}}`],
    ['sarif', `{"version": "${C}", "runs": []}`],
    ['yarn-audit', `{"type": "auditAdvisory", "data": {"${C}": 1}}\n${C}`],
    ['pip-audit', `{"dependencies": [{"${C}": 1}]}`],
  ] as const)('%s: %s', (tool, text) => {
    expect(message(() => parseReport(tool, Buffer.from(text)))).not.toMatch(/Canary/);
  });
});
