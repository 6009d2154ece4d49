// What `chaingate scan` prints and reads when text comes from the pull request: folder names,
// inputs and report files. No printed line is a workflow command, no message quotes a user's
// file, and a report that is a symbolic link out of the project is refused.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeInternalError } from '../../src/errors';
import { cli as runCli } from '../helpers/cli';
import { fixture, tmpDir } from '../helpers/paths';

const cli = runCli;

/** Lines a GitHub runner would read as workflow commands. */
function commands(log: string): string[] {
  return log.split(/\r\n|\r|\n/).filter((l) => /^\s*::/u.test(l) || l.includes('##['));
}

const HOSTILE = 'x\n::warning::pwned\r::add-mask::pwned\n  ::stop-commands::tok';

describe('chaingate scan prints no workflow command from untrusted text', () => {
  it('a folder name, an output dir and a report path with newlines stay on their lines', async () => {
    const root = tmpDir('chaingate-cli-untrusted-');
    const dir = path.join(root, HOSTILE);
    fs.mkdirSync(dir);
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${path.join(dir, 'missing.json')}`, '--output-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(3);
    expect(commands(r.all)).toEqual([]);
    expect(r.stdout).toContain('x%0A::warning::pwned%0D::add-mask::pwned%0A  ::stop-commands::tok/missing.json: report file not found');
    expect(r.stdout).toMatch(/^ {2}reports: .*x%0A::warning::pwned.*chaingate-result\.json, /m);
  });

  it('an error message carrying a path is one line', async () => {
    const r = await cli(['scan', tmpDir(), '--scanners', 'none', '--config', `/nonexistent/${HOSTILE}.yml`]);
    expect(r.code).toBe(2);
    expect(commands(r.all)).toEqual([]);
    expect(r.stderr).toBe('chaingate: error: /nonexistent/x%0A::warning::pwned%0D::add-mask::pwned%0A  ::stop-commands::tok.yml: policy file not found; create it or point to the right file\n');
  });

  it('a usage error keeps its usage lines, and a line of the bad value that looks like a command is defused', async () => {
    const r = await cli(['scan', '--mode', HOSTILE]);
    expect(r.code).toBe(2);
    expect(commands(r.all)).toEqual([]);
    expect(r.stderr).toContain('\n%3A%3Awarning::pwned%0D::add-mask::pwned\n  %3A%3Astop-commands::tok"');
    const unknown = await cli(['scan', `--${HOSTILE}`]);
    expect(unknown.code).toBe(2);
    expect(commands(unknown.all)).toEqual([]);
    expect(unknown.stderr).toContain('\nExit codes: 0 pass');
  });

  it('an unknown command named with a command line is defused', async () => {
    const r = await cli(['::warning::pwned']);
    expect(r.code).toBe(2);
    expect(commands(r.all)).toEqual([]);
  });
});

describe('a report file that is not a report', () => {
  const token = fixture('hostile', 'reports', 'echo-token-file.txt');
  const canary = fs.readFileSync(token, 'utf8').trim();

  it.each(['trivy', 'semgrep', 'npm-audit', 'yarn-audit', 'pnpm-audit', 'pip-audit', 'osv-scanner', 'sarif', 'grype'])(
    '%s: names file, line and problem and copies none of its text to stdout, stderr or the reports',
    async (tool) => {
      const dir = tmpDir('chaingate-cli-token-');
      const out = path.join(dir, 'out');
      const r = await cli(['scan', dir, '--scanners', 'none', '--report', `${tool}=${token}`, '--output-dir', out]);
      expect(r.code).toBe(3);
      expect(r.stdout).toContain(token);
      for (const text of [r.all, ...fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8'))]) {
        expect(text).not.toContain(canary.slice(0, 8));
      }
    },
  );

  it('a report that is a symbolic link leaving the project is refused, exit 2', async () => {
    const dir = tmpDir('chaingate-cli-link-');
    fs.symlinkSync(token, path.join(dir, 'trivy.json'));
    const r = await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${path.join(dir, 'trivy.json')}`, '--output-dir', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`chaingate: error: ${path.join(dir, 'trivy.json')}: the report is a symbolic link to a file outside the project and the workspace; give the file itself\n`);
    expect(r.all).not.toContain(canary.slice(0, 8));
  });

  it('so is one reached through a linked folder of the workspace, and a link outside both', async () => {
    const ws = tmpDir('chaingate-cli-ws-');
    const dir = path.join(ws, 'app');
    fs.mkdirSync(dir);
    fs.symlinkSync(path.dirname(token), path.join(ws, 'reports'));
    const viaFolder = await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${path.join(ws, 'reports', 'echo-token-file.txt')}`, '--output-dir', path.join(ws, 'out')], { GITHUB_WORKSPACE: ws });
    expect(viaFolder.code).toBe(2);
    const elsewhere = tmpDir('chaingate-cli-elsewhere-');
    fs.symlinkSync(token, path.join(elsewhere, 'r.json'));
    const link = await cli(['scan', dir, '--scanners', 'none', '--report', `trivy=${path.join(elsewhere, 'r.json')}`, '--output-dir', path.join(ws, 'out')]);
    expect(link.code).toBe(2);
  });

  it('links inside the project, and plain files named outside it, are read', async () => {
    const dir = tmpDir('chaingate-cli-link-ok-');
    const real = fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json');
    fs.copyFileSync(real, path.join(dir, 'audit.json'));
    fs.symlinkSync(path.join(dir, 'audit.json'), path.join(dir, 'link.json'));
    const inside = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${path.join(dir, 'link.json')}`, '--output-dir', path.join(dir, 'out')]);
    expect(inside.code).toBe(0);
    const outside = await cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${real}`, '--output-dir', path.join(dir, 'out')]);
    expect(outside.code).toBe(0);
    // The workspace counts as inside: a report written beside the scanned folder.
    const ws = tmpDir('chaingate-cli-ws-ok-');
    fs.mkdirSync(path.join(ws, 'app'));
    fs.copyFileSync(real, path.join(ws, 'audit.json'));
    fs.symlinkSync(path.join(ws, 'audit.json'), path.join(ws, 'app', 'audit.json'));
    const inWorkspace = await cli(['scan', path.join(ws, 'app'), '--scanners', 'none', '--report', `npm-audit=${path.join(ws, 'app', 'audit.json')}`, '--output-dir', path.join(ws, 'out')], { GITHUB_WORKSPACE: ws });
    expect(inWorkspace.code).toBe(0);
  });
});

describe('the output folder is written, never written through', () => {
  const report = fixture('npm-audit', 'npm7-v2-no-vulnerabilities.json');
  const scan = (dir: string, out: string) => cli(['scan', dir, '--scanners', 'none', '--report', `npm-audit=${report}`, '--output-dir', out]);

  it('links planted under our file names are replaced, their targets untouched', async () => {
    const dir = tmpDir('chaingate-cli-out-');
    const victim = path.join(tmpDir('chaingate-cli-victim-'), 'bashrc');
    fs.writeFileSync(victim, 'original\n');
    const out = path.join(dir, 'chaingate-out');
    fs.mkdirSync(path.join(out, 'raw'), { recursive: true });
    for (const name of ['chaingate-result.json', 'chaingate.sarif', 'summary.md']) fs.symlinkSync(victim, path.join(out, name));
    fs.writeFileSync(path.join(out, 'raw', 'stale.json'), '{}');
    fs.writeFileSync(path.join(out, 'mine.txt'), 'kept');
    const r = await scan(dir, out);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe('original\n');
    for (const name of ['chaingate-result.json', 'chaingate.sarif', 'summary.md']) expect(fs.lstatSync(path.join(out, name)).isFile()).toBe(true);
    expect(fs.existsSync(path.join(out, 'raw', 'stale.json'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'mine.txt'), 'utf8')).toBe('kept');
  });

  it('an output folder that links out of the project, directly, through a parent or dangling, is refused, exit 2', async () => {
    const elsewhere = tmpDir('chaingate-cli-elsewhere-');
    for (const make of [
      (dir: string) => (fs.symlinkSync(elsewhere, path.join(dir, 'chaingate-out')), path.join(dir, 'chaingate-out')),
      (dir: string) => (fs.symlinkSync(elsewhere, path.join(dir, 'link')), path.join(dir, 'link', 'a', 'out')),
      (dir: string) => (fs.symlinkSync(path.join(elsewhere, 'missing'), path.join(dir, 'chaingate-out')), path.join(dir, 'chaingate-out')),
    ]) {
      const dir = tmpDir('chaingate-cli-out-link-');
      const out = make(dir);
      const r = await scan(dir, out);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the output directory is a symbolic link to a place outside the project and the workspace; choose another output-dir\n$/);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    }
  });
});

describe('errors quote no text of the files being read', () => {
  it('a pnpm lockfile with an alias to no anchor is a lockfile error naming the file, not a crash quoting the alias', async () => {
    const dir = tmpDir('chaingate-cli-alias-');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x", "version": "1.0.0"}');
    fs.writeFileSync(path.join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\nimporters: *ghp_CanaryAliasTok3n\n");
    const r = await cli(['sbom', dir, '--output', path.join(dir, 'sbom.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pnpm-lock\.yaml:2:\d+: not valid YAML \(an alias refers to no anchor\)/);
    expect(r.all).not.toMatch(/Canary|internal error/);
  });

  it('a bug is reported by its type and stack frames, without its message', () => {
    const e = new ReferenceError('Unresolved alias: ghp_CanaryAliasTok3n');
    const text = describeInternalError(e);
    expect(text).toMatch(/^ReferenceError\n\s+at /);
    expect(text).not.toMatch(/Canary/);
    expect(describeInternalError('ghp_Canary')).toBe('a thrown string');
    expect(describeInternalError(null)).toBe('a thrown null');
    const bare = new TypeError('x');
    bare.stack = undefined;
    expect(describeInternalError(bare)).toBe('TypeError');
  });
});
