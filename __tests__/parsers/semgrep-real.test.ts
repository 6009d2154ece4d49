// The semgrep parser against the output of the pinned real Semgrep, run on small projects of
// our own: what the current release writes (placeholders, error shapes) must read correctly.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { parseSemgrep, semgrepErrors } from '../../src/parsers/semgrep';
import { tmpDir, toolBin } from '../helpers/paths';

const RULES = `rules:
  - id: subprocess-shell-true
    pattern: subprocess.call(..., shell=True)
    message: |
      subprocess.call with shell=True runs a shell.
      Pass a list of arguments instead.
    languages: [python]
    severity: ERROR
    metadata:
      cwe: "CWE-78: Improper Neutralization of Special Elements used in an OS Command"
  - id: hardcoded-aws-key
    patterns:
      - pattern: $NAME = "$VALUE"
      - metavariable-regex:
          metavariable: $VALUE
          regex: AKIA[0-9A-Z]{16}
    message: Hard-coded AWS key $VALUE in $NAME. Rotate it.
    languages: [python]
    severity: CRITICAL
    metadata:
      category: security
      subcategory: [secrets]
  - id: json-debug
    pattern: '"debug": true'
    message: Debug enabled
    languages: [json]
    severity: INFO
`;

const KEY = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

async function semgrep(dir: string, config: string): Promise<string> {
  const out = path.join(dir, 'out.json');
  const r = await runTool(
    toolBin('semgrep'),
    ['scan', '--json', '--metrics=off', '--disable-version-check', '--config', config, '--output', out, 'src'],
    { cwd: dir, env: { ...process.env, SEMGREP_SEND_METRICS: 'off', SEMGREP_ENABLE_VERSION_CHECK: '0' }, timeoutMs: 120_000 },
  );
  if (!fs.existsSync(out)) throw new Error(`semgrep wrote no output (exit ${r.exitCode}): ${r.stderr}`);
  return fs.readFileSync(out, 'utf8');
}

describe('parseSemgrep on the pinned Semgrep', () => {
  let dir: string;
  let good: Promise<string>;
  beforeAll(() => {
    dir = tmpDir('chaingate-semgrep-');
    fs.mkdirSync(path.join(dir, 'src'));
    write(dir, { 'rules.yml': RULES, 'bad-rules.yml': RULES.replace('subprocess.call(..., shell=True)', 'subprocess.call(...') });
    write(path.join(dir, 'src'), {
      'app.py': `import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n\naws_key = "${KEY}"\n`,
      'broken.json': '{\n  "debug": true,\n  "b" += 2\n}\n',
    });
    good = semgrep(dir, 'rules.yml');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads code and secret findings, with the secret kept out', async () => {
    const text = await good;
    const findings = parseSemgrep(text);
    const byId = Object.fromEntries(findings.map((f) => [f.id, f]));
    expect(Object.keys(byId).sort()).toEqual(['hardcoded-aws-key', 'subprocess-shell-true']);
    expect(byId['subprocess-shell-true']).toMatchObject({
      kind: 'code',
      severity: 'high',
      title: 'subprocess.call with shell=True runs a shell.',
      cwes: ['CWE-78'],
      location: { path: 'src/app.py', startLine: 4, endLine: 4 },
    });
    expect(byId['hardcoded-aws-key']).toMatchObject({ kind: 'secret', severity: 'critical', location: { path: 'src/app.py', startLine: 6 } });
    // Semgrep itself interpolates the key into the message; the finding must not carry it.
    expect(text).toContain(`Hard-coded AWS key ${KEY}`);
    expect(JSON.stringify(findings)).not.toContain(KEY);
    expect(byId['hardcoded-aws-key'].title).toBe('Hard-coded AWS key [redacted] in aws_key.');
    expect(JSON.stringify(findings)).not.toContain('requires login');
  });

  it('reports a syntax error in a target file as a non-fatal error', async () => {
    const errors = semgrepErrors(await good);
    expect(errors).toEqual([expect.objectContaining({ type: 'Syntax error', path: 'src/broken.json', fatal: false })]);
  });

  it('reports an invalid rule as a fatal error', async () => {
    const text = await semgrep(dir, 'bad-rules.yml');
    const errors = semgrepErrors(text);
    expect(errors.some((e) => e.fatal && e.level === 'error')).toBe(true);
    expect(errors.find((e) => e.fatal)).toMatchObject({ type: 'Rule parse error', ruleId: 'subprocess-shell-true' });
  });
});
