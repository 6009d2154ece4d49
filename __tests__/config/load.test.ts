import * as fs from 'node:fs';
import { HistorySchema } from '../../src/core/history';
import * as path from 'node:path';
import { z } from 'zod';
import { defaultPolicy, flowDepthLine, loadExceptionsFile, loadPolicyFile, loadVexFile } from '../../src/config/load';
import { ExceptionsFileSchema, PolicySchema, ProjectPolicySchema } from '../../src/config/schema';
import { ConfigError } from '../../src/errors';
import { REPO, tmpDir } from '../helpers/paths';

const dir = tmpDir();
function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}
function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('policy file', () => {
  it('reads a valid policy and fills defaults', () => {
    const p = write('ok.yml', 'version: 1\nfail-on:\n  vulnerability: critical\nexceptions:\n  max-active: 5\n');
    const l = loadPolicyFile(p);
    expect(l.value['fail-on']).toMatchObject({ vulnerability: 'critical', code: 'high', secret: 'low' });
    expect(l.value.exceptions).toMatchObject({ file: '.chaingate-exceptions.yml', 'max-active': 5, 'warn-within-days': 14 });
    expect(l.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('an empty file is the default policy', () => {
    expect(loadPolicyFile(write('empty.yml', '')).value).toEqual(defaultPolicy());
  });
  it('lays overrides over the file', () => {
    const p = write('ov.yml', 'scanners: [semgrep]\n');
    expect(loadPolicyFile(p, (r) => ({ ...r, scanners: [] })).value.scanners).toEqual([]);
  });
  it('names file, line and column of broken YAML', () => {
    const e = errorOf(() => loadPolicyFile(write('bad.yml', 'fail-on:\n  vulnerability: high\n   code: [\n')));
    expect(e.message).toMatch(/bad\.yml:2:18: policy is not valid YAML\/JSON: /);
    expect(e.line).toBe(2);
  });
  it('points at an unknown key and says how to fix it', () => {
    const e = errorOf(() => loadPolicyFile(write('unknown.yml', 'version: 1\nfail-on:\n  vulnerability: high\n  vulnerabilty: low\n')));
    expect(e.message).toContain('unknown.yml:4:3: invalid policy: fail-on: unknown key here');
    expect(e.message).toContain('JSON Schema');
  });
  it('points at an unknown top-level key', () => {
    const e = errorOf(() => loadPolicyFile(write('unknown-top.yml', 'version: 1\nfailon: {}\n')));
    expect(e.message).toContain('unknown-top.yml:2:1: invalid policy: unknown key here');
  });
  it('points at a wrong type with the allowed values', () => {
    const e = errorOf(() => loadPolicyFile(write('type.yml', 'fail-on:\n  code: severe\n')));
    expect(e.message).toMatch(/type\.yml:2:9: invalid policy: fail-on\.code: Invalid option: expected one of "critical"\|"high"/);
  });
  it('bounds the SARIF results per run by what code scanning accepts', () => {
    expect(loadPolicyFile(write('sarif-default.yml', 'version: 1\n')).value.sarif['max-results-per-run']).toBe(5000);
    const e = errorOf(() => loadPolicyFile(write('sarif.yml', 'sarif:\n  max-results-per-run: 30000\n')));
    expect(e.message).toMatch(/sarif\.yml:2:\d+: .*max-results-per-run.*25000/);
  });
  it('counts further problems', () => {
    const e = errorOf(() => loadPolicyFile(write('many.yml', 'fail-on:\n  code: severe\n  secret: 3\nmode: x\n')));
    expect(e.message).toMatch(/\(and 2 more problems\)$/);
    const e2 = errorOf(() => loadPolicyFile(write('two.yml', 'fail-on:\n  code: severe\n  secret: 3\n')));
    expect(e2.message).toMatch(/\(and 1 more problem\)$/);
  });
  it('rejects duplicate keys', () => {
    const e = errorOf(() => loadPolicyFile(write('dup.yml', 'sbom: true\nsbom: false\n')));
    expect(e.message).toMatch(/dup\.yml:2:1: policy is not valid YAML\/JSON: a key appears twice in one mapping/);
  });
  it('enforces cross-field rules', () => {
    const e = errorOf(() => loadPolicyFile(write('verify.yml', 'verify:\n  identity: me@example.test\n')));
    expect(e.message).toContain('verify.issuer: verify.identity needs verify.issuer too');
  });
  it('reports a bad override without a file position', () => {
    const p = write('o.yml', '');
    const e = errorOf(() => loadPolicyFile(p, (r) => ({ ...r, 'timeout-minutes': -1 })));
    expect(e.message).toMatch(/^invalid option timeout-minutes: /);
    const e2 = errorOf(() => defaultPolicy((r) => ({ ...r, 'timeout-minutes': -1 })));
    expect(e2.message).toMatch(/^invalid option timeout-minutes: /);
  });
  it('says when the file is missing or a directory', () => {
    expect(errorOf(() => loadPolicyFile(path.join(dir, 'nope.yml'))).message).toMatch(/nope\.yml: policy file not found; create it/);
    expect(errorOf(() => loadPolicyFile(dir)).message).toMatch(/policy file is a directory/);
  });
});

describe('messages and encodings', () => {
  it('says what type a present key has instead of "is required"', () => {
    const e = errorOf(() => loadPolicyFile(write('t1.yml', 'exceptions:\n  max-active: "5"\n')));
    expect(e.message).toContain('t1.yml:2:15: invalid policy: exceptions.max-active: expected number, found a string');
    expect(e.message).not.toMatch(/required/);
    const e2 = errorOf(() => loadPolicyFile(write('t2.yml', 'exceptions:\n  max-active:\n')));
    expect(e2.message).toContain('exceptions.max-active: expected number, found an empty value (null)');
    const e3 = errorOf(() => loadPolicyFile(write('t3.json', '{"scanners": {"semgrep": true}}')));
    expect(e3.message).toMatch(/t3\.json:1:\d+: invalid policy: scanners: expected array, found a mapping/);
  });
  it('refuses an alias with no anchor before it at its line, without quoting its name (was a ReferenceError, exit 70)', () => {
    for (const [name, text, line] of [
      ['a1.yml', 'version: 1\nskip-dirs: [*ghp_CanaryAlias, vendor]\n', 2],
      ['a2.yml', 'version: 1\nskip-dirs:\n  - *x\nsemgrep: &x {config: []}\n', 3],
      ['a3.yml', 'exceptions:\n  vex: *v\n', 2],
    ] as const) {
      const e = errorOf(() => loadPolicyFile(write(name, text)));
      expect(e.message).toBe(`${path.join(dir, name)}:${line}: policy is refused: an alias (*name) refers to no anchor (&name) set before it`);
    }
  });
  it('strips a UTF-8 BOM from YAML and JSON files, and still points at the right line', () => {
    expect(loadPolicyFile(write('bom.yml', '\ufeffversion: 1\nfail-on:\n  code: critical\n')).value['fail-on'].code).toBe('critical');
    expect(loadVexFile(write('bom.json', '\ufeff{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}')).value.statements).toEqual([]);
    const e = errorOf(() => loadPolicyFile(write('bom-bad.yml', '\ufeffversion: 1\nfail-on:\n  code: severe\n')));
    expect(e.message).toMatch(/bom-bad\.yml:3:9: invalid policy: fail-on\.code/);
  });
  it('reads JSON with JSON.parse, with the lines of the exceptions, and refuses a duplicate key', () => {
    const l = loadExceptionsFile(write('ex.json', '{"exceptions": [\n {"id": "A", "reason": "r", "expires": "2027-01-01"},\n\n {"id": "B", "reason": "r", "expires": "2027-01-01"}]}'));
    expect(l.itemLines).toEqual([2, 4]);
    const e = errorOf(() => loadPolicyFile(write('dup.json', '{"sbom": true,\n "sb\\u006fm": false}')));
    expect(e.message).toBe(`${path.join(dir, 'dup.json')}:2: policy is not valid: a key appears twice in one object: keys must be unique`);
  });
  it('points at the line of a mistake in a large file without the yaml library', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => `  - id: CVE-${i}\n    reason: r\n    expires: 2027-01-01\n    owner: "@o"\n`);
    entries[700] = '  - id: CVE-700\n    reason: r\n    expires: 2027-01-01\n    owner: 7\n';
    const text = `version: 1\nexceptions:\n${entries.join('')}`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    const e = errorOf(() => loadExceptionsFile(write('big.yml', text)));
    expect(e.message).toBe(`${path.join(dir, 'big.yml')}:${3 + 700 * 4 + 3}: invalid exceptions file: exceptions.700.owner: expected string, found a number`);
    const json = JSON.stringify({ exceptions: Array.from({ length: 1200 }, (_, i) => ({ id: `CVE-${i}`, reason: 'r', expires: '2027-01-01', ...(i === 700 ? { extra: 1 } : {}) })) }, null, 1);
    const e2 = errorOf(() => loadExceptionsFile(write('big.json', json)));
    expect(e2.message).toMatch(/big\.json:\d{4}: invalid exceptions file: exceptions\.700: unknown key here/);
    expect(json.split('\n')[Number(/:(\d+):/.exec(e2.message)![1]) - 1]).toContain('"extra"');
  });
});

describe('exceptions file', () => {
  it('reads entries with their lines', () => {
    const p = write(
      'ex.yml',
      'version: 1\nexceptions:\n  - id: CVE-2021-23337\n    package: pkg:npm/lodash\n    reason: "not reachable"\n    expires: 2027-01-31\n  - id: X\n    reason: r\n    expires: "2027-02-01"\n',
    );
    const l = loadExceptionsFile(p);
    expect(l.value.exceptions.map((e) => e.expires)).toEqual(['2027-01-31', '2027-02-01']);
    expect(l.itemLines).toEqual([3, 7]);
  });
  it('requires a reason and an expiry, at the entry', () => {
    const e = errorOf(() => loadExceptionsFile(write('noreason.yml', 'exceptions:\n  - id: CVE-1\n    expires: 2027-01-01\n')));
    expect(e.message).toMatch(/noreason\.yml:2:5: invalid exceptions file: exceptions\.0\.reason: is required/);
    const e2 = errorOf(() => loadExceptionsFile(write('noexp.yml', 'exceptions:\n  - id: CVE-1\n    reason: because\n')));
    expect(e2.message).toMatch(/exceptions\.0\.expires: is required/);
  });
  it('rejects an impossible date and a bad purl at their line', () => {
    const e = errorOf(() => loadExceptionsFile(write('date.yml', 'exceptions:\n  - id: CVE-1\n    reason: r\n    expires: 2027-02-30\n')));
    expect(e.message).toMatch(/date\.yml:4:14: invalid exceptions file: exceptions\.0\.expires: is not a real calendar date/);
    const e2 = errorOf(() => loadExceptionsFile(write('purl.yml', 'exceptions:\n  - id: CVE-1\n    package: lodash\n    reason: r\n    expires: 2027-01-01\n')));
    expect(e2.message).toMatch(/purl\.yml:3:14: .*must be a package URL/);
  });
  it('rejects a glob with an unbalanced bracket, brace or parenthesis at its line', () => {
    const file = (glob: string) => `exceptions:\n  - id: CVE-1\n    paths:\n      - "src/**"\n      - "${glob}"\n    reason: r\n    expires: 2027-01-01\n`;
    for (const [glob, missing] of [
      ['legacy/[a-', 'closing: "]"'],
      ['src/{a,b', 'closing: "}"'],
      ['lib/a)', 'opening: "("'],
    ]) {
      const e = errorOf(() => loadExceptionsFile(write('glob.yml', file(glob))));
      expect(e.message).toContain(`glob.yml:5:9: invalid exceptions file: exceptions.0.paths.1: is not a glob chaingate can read (Missing ${missing}`);
    }
    for (const glob of ['legacy/[a-z]/*.js', 'src/{a,b}/**', '!(vendor)/**', 'docs/\\\\[draft\\\\]/*']) {
      expect(loadExceptionsFile(write('glob-ok.yml', file(glob))).value.exceptions[0].paths?.[1]).toBeDefined();
    }
  });
  it('an empty exceptions list has no item lines', () => {
    expect(loadExceptionsFile(write('none.yml', 'version: 1\n')).itemLines).toEqual([]);
  });
});

describe('VEX', () => {
  it('reads OpenVEX JSON and rejects a non-OpenVEX document', () => {
    const ok = write(
      'v.json',
      JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ vulnerability: { name: 'CVE-1' }, status: 'not_affected', products: [{ '@id': 'pkg:npm/x' }] }] }),
    );
    expect(loadVexFile(ok).value.statements).toHaveLength(1);
    const bad = write('v2.json', '{"@context": "https://example.test", "statements": []}');
    expect(errorOf(() => loadVexFile(bad)).message).toMatch(/v2\.json:1:\d+: invalid OpenVEX document: @context: is not an OpenVEX context/);
    const trunc = write('v3.json', '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [');
    expect(errorOf(() => loadVexFile(trunc)).message).toMatch(/v3\.json:1:\d+: OpenVEX document is not valid YAML\/JSON/);
  });
});

describe('published JSON Schemas', () => {
  // `npm run schemas` regenerates them (UPDATE_GOLDENS=1 on this test).
  it.each([
    ['chaingate-policy.schema.json', PolicySchema],
    ['chaingate-exceptions.schema.json', ExceptionsFileSchema],
    ['chaingate-history.schema.json', HistorySchema],
    ['chaingate-project-policy.schema.json', ProjectPolicySchema],
  ])('%s matches the zod schema', (name, schema) => {
    const file = path.join(REPO, 'schemas', name);
    const generated = JSON.stringify(z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }), null, 2) + '\n';
    if (process.env.UPDATE_GOLDENS === '1') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, generated);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(generated);
  });
});

describe('flowDepthLine, the bracket count before the yaml library parses', () => {
  it('finds the line where flow brackets nest too deep, ignoring quoted text and comments', () => {
    expect(flowDepthLine(`a: 1\nb: ${'['.repeat(65)}${']'.repeat(65)}\n`, 64)).toBe(2);
    expect(flowDepthLine(`a: ${'['.repeat(64)}${']'.repeat(64)}\n`, 64)).toBeUndefined();
    expect(flowDepthLine(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\nc: "x\\"${'['.repeat(100)}"\n`, 64)).toBeUndefined();
    expect(flowDepthLine(`a: 1 # ${'['.repeat(100)}\n# ${'{'.repeat(100)}`, 64)).toBeUndefined();
    expect(flowDepthLine(`a: x#${'['.repeat(65)}\n`, 64)).toBe(1);
  });

  it('refuses 3,000 nested flow mappings at their line with exit 2, before the library recurses', () => {
    const dir = tmpDir('chaingate-depth-');
    const file = path.join(dir, 'p.yml');
    fs.writeFileSync(file, `version: 1\nfail-on: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`);
    const started = Date.now();
    expect(() => loadPolicyFile(file)).toThrow(/p\.yml:2: .*nested more than 64 levels deep/);
    expect(Date.now() - started).toBeLessThan(200);
  });
});
