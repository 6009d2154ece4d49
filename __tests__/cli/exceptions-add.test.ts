import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadExceptionsFile } from '../../src/config/load';
import { main } from '../../src/cli/main';
import { tmpDir } from '../helpers/paths';

const NOW = new Date('2026-12-05T10:00:00Z');

async function cli(cwd: string, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd, now: () => NOW });
  return { code, stdout, stderr };
}

const EXISTING = `# Accepted risks for the web app. Reviewed monthly by @sec-team.
version: 1
exceptions:
  # lodash: template() is only called with our own strings.
  - id: CVE-2021-23337          # advisory id or alias
    package: pkg:npm/lodash     # any version
    paths: ["legacy/**"]
    reason: "template() never receives user input"
    expires: 2027-01-31
    owner: "@web-team"
    ticket: SEC-123
`;

function project(files: Record<string, string>): string {
  const dir = tmpDir('chaingate-exadd-');
  for (const [f, t] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), t);
  return dir;
}

describe('chaingate exceptions add', () => {
  it('appends an entry keeping the comments and layout, expiring after the severity SLA of the policy', async () => {
    const dir = project({ '.chaingate.yml': 'exceptions:\n  max-days: {critical: 7, high: 30, medium: 90, low: 180}\n', '.chaingate-exceptions.yml': EXISTING });
    const r = await cli(dir, ['exceptions', 'add', 'CVE-2021-44906', '--package', 'pkg:npm/minimist@1.2.5', '--reason', 'only parses our own build flags', '--owner', '@web-team', '--severity', 'high']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('added exception CVE-2021-44906 to .chaingate-exceptions.yml, expires 2027-01-04 (30 days, for a high finding)\n');
    const text = fs.readFileSync(path.join(dir, '.chaingate-exceptions.yml'), 'utf8');
    // Every line of the file as it was, unchanged, then the new entry.
    expect(text.startsWith(EXISTING)).toBe(true);
    expect(text.slice(EXISTING.length)).toBe('  - id: CVE-2021-44906\n    package: pkg:npm/minimist@1.2.5\n    reason: only parses our own build flags\n    expires: 2027-01-04\n    owner: "@web-team"\n');
    // And the gate reads it back.
    const loaded = loadExceptionsFile(path.join(dir, '.chaingate-exceptions.yml'));
    expect(loaded.value.exceptions[1]).toEqual({ id: 'CVE-2021-44906', package: 'pkg:npm/minimist@1.2.5', reason: 'only parses our own build flags', expires: '2027-01-04', owner: '@web-team' });
    expect(loaded.itemLines).toEqual([5, 12]);
  });

  it('creates the file the policy names, with paths, kind and ticket; critical by default', async () => {
    const dir = project({ '.chaingate.yml': 'exceptions:\n  file: security/exceptions.yml\n' });
    fs.mkdirSync(path.join(dir, 'security'));
    const r = await cli(dir, ['exceptions', 'add', 'aws-access-key-id', '--path', 'config/*.ini', '--path', 'test/**', '--kind', 'secret', '--reason', 'revoked key kept as a fixture', '--ticket', 'SEC-9']);
    expect(r.code).toBe(0);
    const loaded = loadExceptionsFile(path.join(dir, 'security', 'exceptions.yml'));
    expect(loaded.value.exceptions).toEqual([{ id: 'aws-access-key-id', paths: ['config/*.ini', 'test/**'], kind: 'secret', reason: 'revoked key kept as a fixture', expires: '2026-12-12', ticket: 'SEC-9' }]);
    expect(fs.readFileSync(path.join(dir, 'security', 'exceptions.yml'), 'utf8')).toContain('    paths: [ config/*.ini, test/** ]\n');
  });

  it('takes the severity from the last result, and the SLA from sla when max-days is unset', async () => {
    const dir = project({ '.chaingate.yml': 'sla: {medium: 45}\n', 'exceptions.yml': 'version: 1\nexceptions: []\n' });
    fs.mkdirSync(path.join(dir, 'chaingate-out'));
    fs.writeFileSync(path.join(dir, 'chaingate-out', 'chaingate-result.json'), JSON.stringify({ findings: [{ id: 'GHSA-1', aliases: ['CVE-2024-1'], severity: 'medium', package: { purl: 'pkg:npm/x@1.0.0' } }, { id: 'other', severity: 'critical' }] }));
    const r = await cli(dir, ['exceptions', 'add', 'cve-2024-1', '--package', 'pkg:npm/x', '--reason', 'r', '--file', 'exceptions.yml']);
    expect(r.stdout).toContain('expires 2027-01-19 (45 days, for a medium finding)');
    expect(fs.readFileSync(path.join(dir, 'exceptions.yml'), 'utf8')).toBe('version: 1\nexceptions:\n  - id: cve-2024-1\n    package: pkg:npm/x\n    reason: r\n    expires: 2027-01-19\n');
  });

  it('refuses what the policy would reject, and leaves the file as it was (exit 2)', async () => {
    const dir = project({ '.chaingate.yml': 'exceptions:\n  max-active: 1\n  max-days: {critical: 7, low: 180}\n', '.chaingate-exceptions.yml': EXISTING });
    const days = await cli(dir, ['exceptions', 'add', 'X', '--reason', 'r', '--days', '30', '--severity', 'critical']);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('an exception for a critical finding may run at most 7 days (exceptions.max-days of the policy), not 30');
    const active = await cli(dir, ['exceptions', 'add', 'X', '--reason', 'r', '--severity', 'low']);
    expect(active.code).toBe(2);
    expect(active.stderr).toContain('1 active exceptions already, and exceptions.max-active is 1');
    const purl = await cli(dir, ['exceptions', 'add', 'X', '--reason', 'r', '--package', 'lodash']);
    expect(purl.stderr).toContain("the new exception's package must be a package URL");
    expect(fs.readFileSync(path.join(dir, '.chaingate-exceptions.yml'), 'utf8')).toBe(EXISTING);
    // An expired entry does not count against max-active.
    const expired = project({ '.chaingate.yml': 'exceptions:\n  max-active: 1\n', '.chaingate-exceptions.yml': EXISTING.replace('2027-01-31', '2026-01-31') });
    expect((await cli(expired, ['exceptions', 'add', 'X', '--reason', 'r'])).code).toBe(0);
  });

  it('reports a broken exceptions file at its line instead of overwriting it', async () => {
    const dir = project({ '.chaingate-exceptions.yml': 'version: 1\nexceptions:\n  - id: A\n    reason: r\n    expires: soon\n' });
    const r = await cli(dir, ['exceptions', 'add', 'X', '--reason', 'r']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.chaingate-exceptions\.yml:5:\d+: invalid exceptions file: exceptions\.0\.expires/);
    const notMap = project({ '.chaingate-exceptions.yml': '[]\n' });
    expect((await cli(notMap, ['exceptions', 'add', 'X', '--reason', 'r'])).code).toBe(2);
  });

  it.each([
    [['exceptions'], /exceptions needs a subcommand/],
    [['exceptions', 'remove', 'X'], /unknown subcommand "remove"/],
    [['exceptions', 'add', '--reason', 'r'], /exceptions add takes one ID/],
    [['exceptions', 'add', 'A', 'B', '--reason', 'r'], /takes one ID, got: A B/],
    [['exceptions', 'add', 'X'], /--reason is required/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--days', '0'], /--days must be a whole number/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--days', '1.5'], /--days must be a whole number/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--severity', 'severe'], /--severity must be one of critical, high, medium, low/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--kind', 'bug'], /--kind must be one of vulnerability/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--result', 'nope.json'], /--result nope.json: file not found/],
    [['exceptions', 'add', 'X', '--reason', 'r', '--bogus'], /Unknown option '--bogus'/],
  ])('usage: %j exits 2', async (args, message) => {
    const r = await cli(project({}), args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });
});

describe('appendException', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { appendException } = require('../../src/config/exceptions-edit') as typeof import('../../src/config/exceptions-edit');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultPolicy } = require('../../src/config/load') as typeof import('../../src/config/load');
  const entry = { id: 'X', reason: 'r', expires: '2027-01-01' };
  const add = (text: string | undefined) => appendException(text, 'e.yml', entry, defaultPolicy(), NOW);

  it('starts the list where there is none, and keeps the rest of the file', () => {
    expect(add('version: 1\n# no list yet\n')).toBe('version: 1\n# no list yet\nexceptions:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n');
    expect(add('version: 1')).toBe('version: 1\nexceptions:\n  - id: X\n    reason: r\n    expires: 2027-01-01\n');
    expect(add('exceptions: [] # none yet\nversion: 1\n')).toBe('exceptions:\n  - id: X\n    reason: r\n    expires: 2027-01-01\nversion: 1\n');
    expect(add(undefined)).toContain('exceptions:\n  - id: X\n');
  });

  it('follows the indentation of the existing items, also at the end of a file without a final newline', () => {
    expect(add('exceptions:\n- id: A\n  reason: r\n  expires: 2027-01-01')).toBe('exceptions:\n- id: A\n  reason: r\n  expires: 2027-01-01\n- id: X\n  reason: r\n  expires: 2027-01-01\n');
  });
});
