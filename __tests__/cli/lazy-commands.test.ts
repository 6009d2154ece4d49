// The command table loads each command on use, and the bundle keeps that lazy: `chaingate sbom`
// must not initialize zod, Sigstore or undici (start-up time and memory, bench/sbom.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';
import type { CommandIO } from '../../src/cli/types';
import { runTool } from '../../src/process/run-tool';
import { FIXTURES, REPO, tmpDir } from '../helpers/paths';

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c]))('%s loads the command it lists, with the same summary', async (_name, entry) => {
    const cmd = await entry.load();
    expect(cmd.name).toBe(entry.name);
    expect(cmd.summary).toBe(entry.summary);
    expect(cmd.usage).toMatch(new RegExp(`^chaingate ${entry.name} `));
  });

  it('prints a command usage for <command> --help, exit 0', async () => {
    let stdout = '';
    const io: CommandIO = { stdout: (t) => (stdout += t), stderr: () => undefined, env: {}, cwd: REPO, now: () => new Date(0) };
    expect(await main(['sbom', '--help'], io)).toBe(0);
    expect(stdout).toMatch(/^chaingate sbom \[DIR\] \[options\]/);
    stdout = '';
    expect(await main(['--help'], io)).toBe(0);
    for (const c of COMMANDS) expect(stdout).toContain(`  ${c.name.padEnd(8)} ${c.summary}\n`);
  });
});

// What a run of dist/cli.js loads: which dist/ files (the dispatcher require()s one bundle per
// command) and, inside them, which packages it initializes (esbuild wraps each module in an
// __esm/__commonJS initializer; a copy of every bundle records each first call).
const DIST = path.join(REPO, 'dist');
const CLI_FILES = fs.readdirSync(DIST).filter((f) => /^cli(-.*)?\.js$/.test(f));
const ESM = 'var __esm = (fn, res, err) => function __init() {\n';
const CJS = 'var __commonJS = (cb, mod) => function __require() {\n';

function instrumentedCli(): { cli: string; preload: string } {
  const dir = tmpDir('chaingate-lazy-');
  const pkg = (v: string) => `{ const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(__getOwnPropNames(${v})[0]); globalThis.__inits.add(m ? m[1] : 'src'); }`;
  for (const f of CLI_FILES) {
    const s = fs.readFileSync(path.join(DIST, f), 'utf8');
    if (f === 'cli-sbom.js' || f === 'cli-scan.js') expect(s).toContain(ESM);
    fs.writeFileSync(path.join(dir, f), s.replace(ESM, `${ESM}  if (fn) ${pkg('fn')}\n`).replace(CJS, `${CJS}  if (!mod) ${pkg('cb')}\n`));
  }
  const preload = path.join(dir, 'record.cjs');
  fs.writeFileSync(
    preload,
    `globalThis.__inits = new Set();
process.on('exit', () => {
  const files = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dir)}) && f.endsWith('.js')).map((f) => require('path').basename(f)).sort();
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  require('fs').writeSync(2, 'LOADED ' + JSON.stringify({ files, packages: [...globalThis.__inits].sort(), builtins }) + '\\n');
});
`,
  );
  return { cli: path.join(dir, 'cli.js'), preload };
}

/** The dist/ files a run loaded, the packages it initialized, and Node's own modules it loaded. */
async function loaded(args: string[]): Promise<{ files: string[]; packages: string[]; builtins: string[] }> {
  const { cli, preload } = instrumented;
  const r = await runTool(process.execPath, ['-r', preload, cli, ...args], { cwd: REPO, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }, timeoutMs: 60_000 });
  expect(r.exitCode).toBe(0);
  const line = /^LOADED (.*)$/m.exec(r.stderr);
  expect(line).not.toBeNull();
  const { files, packages, builtins } = JSON.parse((line as RegExpExecArray)[1]);
  return { files, packages, builtins };
}

let instrumented: { cli: string; preload: string };

describe('dist/cli.js', () => {
  const HEAVY = ['zod', 'yaml', 'undici', '@sigstore/verify', '@actions/core', 'xmlbuilder2', 'ajv'];
  beforeAll(() => {
    instrumented = instrumentedCli();
  });

  it('--help and --version load the dispatcher alone', async () => {
    expect(await loaded(['--help'])).toMatchObject({ files: ['cli-errors.js', 'cli.js'], packages: [] });
    expect(await loaded(['--version'])).toMatchObject({ files: ['cli-errors.js', 'cli.js'], packages: [] });
  });

  it('sbom --help loads the sbom bundle and initializes no library', async () => {
    // 'src': the dispatcher's own loader of command bundles (src/cli/code-cache.ts), no package.
    expect(await loaded(['sbom', '--help'])).toMatchObject({ files: ['cli-errors.js', 'cli-sbom.js', 'cli.js'], packages: ['src'] });
  });

  it('sbom of npm and pip lockfiles initializes the CycloneDX library, not packageurl-js (plain purls), none of the heavy ones', async () => {
    const out = path.join(tmpDir('chaingate-lazy-'), 'sbom.cdx.json');
    const r = await loaded(['sbom', path.join(REPO, 'examples', 'vulnerable'), '--output', out]);
    expect(r.files).toEqual(['cli-errors.js', 'cli-sbom.js', 'cli.js']);
    expect(r.packages).toContain('@cyclonedx/cyclonedx-library');
    expect(r.packages).not.toContain('packageurl-js');
    for (const h of HEAVY) expect(r.packages).not.toContain(h);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).bomFormat).toBe('CycloneDX');
  });

  it('sbom of an npm-only project builds its purls without initializing packageurl-js', async () => {
    const dir = tmpDir('chaingate-lazy-npm-');
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(REPO, '__tests__', 'lockfiles', 'fixtures', 'npm-large', f), path.join(dir, f));
    const out = path.join(dir, 'sbom.cdx.json');
    const r = await loaded(['sbom', dir, '--output', out]);
    expect(r.packages).toContain('@cyclonedx/cyclonedx-library');
    expect(r.packages).not.toContain('packageurl-js');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).components.length).toBeGreaterThan(1500);
  });

  it('scan --help loads the scan bundle (the table is not just skipping everything)', async () => {
    const r = await loaded(['scan', '--help']);
    expect(r.files).toEqual(['cli-errors.js', 'cli-scan.js', 'cli.js']);
    expect(r.packages).toEqual(expect.arrayContaining(['semver', 'picomatch']));
  });

  it('a scan of reports with a plain YAML policy initializes neither the yaml library nor Sigstore', async () => {
    const out = tmpDir('chaingate-lazy-scan-');
    const report = path.join(FIXTURES, 'trivy', 'fs-npm-package-lock.json');
    const r = await loaded(['scan', path.join(REPO, 'examples', 'vulnerable'), '--scanners', 'none', '--report', `trivy=${report}`, '--output-dir', out, '--mode', 'warn']);
    expect(r.files).toEqual(['cli-errors.js', 'cli-scan.js', 'cli.js']);
    for (const p of ['yaml', '@sigstore/verify', '@sigstore/bundle', 'undici', '@actions/core', 'xmlbuilder2', '@cyclonedx/cyclonedx-library']) expect(r.packages).not.toContain(p);
    // No tool runs, no baseline, no history, no image to verify: nothing spawns a process.
    expect(r.builtins).not.toContain('child_process');
    expect(JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8')).findings.length).toBeGreaterThan(0);
  });

  it('a scan running only the audit initializes no other scanner: not the cookie parser of headers, not Node\'s HTTP client', async () => {
    const out = tmpDir('chaingate-lazy-scan-');
    const r = await loaded(['scan', path.join(REPO, 'examples', 'vulnerable'), '--scanners', 'audit', '--offline', '--osv-db', path.join(FIXTURES, 'osv-advisories'), '--output-dir', out, '--mode', 'warn']);
    expect(r.files).toEqual(['cli-errors.js', 'cli-scan.js', 'cli.js']);
    for (const p of ['tough-cookie', 'tldts', 'tldts-core']) expect(r.packages).not.toContain(p);
    expect(r.builtins).not.toContain('http');
    expect(r.builtins).not.toContain('tls');
    // Offline: no package manager audit runs; no shard merge, so no SARIF thread.
    expect(r.builtins).not.toContain('child_process');
    expect(r.builtins).not.toContain('worker_threads');
    const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
    expect(result.scanners.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([['audit', 'ok']]);
    expect(result.findings.length).toBeGreaterThan(0);
  });

  it('a usage error thrown in a command bundle is still a ChaingateError to the dispatcher (exit 2, no stack)', async () => {
    const r = await runTool(process.execPath, [path.join(DIST, 'cli.js'), 'sbom', '--no-such-option'], { cwd: REPO, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^chaingate: error: Unknown option '--no-such-option'/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('has no bundled copy of the CycloneDX library optional XML writer or validators, nor of zod locales, and one of src/errors.ts', () => {
    const text = CLI_FILES.map((f) => [f, fs.readFileSync(path.join(DIST, f), 'utf8')] as const);
    for (const [, s] of text) expect(s).not.toMatch(/^\/\/ node_modules\/(xmlbuilder2|ajv|libxmljs2)\//m);
    // zod's locales other than English (z.locales) are left out; English itself is bundled.
    for (const [, s] of text) expect(s).not.toMatch(/^\/\/ node_modules\/zod\/v4\/locales\/(?!en\.js)/m);
    expect(text.some(([, s]) => /^\/\/ node_modules\/zod\/v4\/locales\/en\.js$/m.test(s))).toBe(true);
    expect(text.filter(([, s]) => /^\/\/ src\/errors\.ts$/m.test(s)).map(([f]) => f)).toEqual(['cli-errors.js']);
    // The Actions toolkit and its HTTP client live in one file, required only to mask secrets.
    expect(text.filter(([, s]) => /^\/\/ node_modules\/(@actions\/core|undici)\//m.test(s)).map(([f]) => f)).toEqual(['cli-actions-core.js']);
  });

  it('reads zod as the module z is: no namespace object of its exports, and no copy of what no source uses (fromJSONSchema)', () => {
    const scan = fs.readFileSync(path.join(DIST, 'cli-scan.js'), 'utf8');
    expect(scan).toMatch(/^\/\/ .*node_modules\/zod\/v4\/classic\/schemas\.js$/m);
    expect(scan).not.toMatch(/^\/\/ .*node_modules\/zod\/v4\/classic\/from-json-schema\.js$/m);
    expect(scan).not.toContain('external_exports');
  });

  it('the shared Actions toolkit bundle masks a secret as the toolkit does', async () => {
    const r = await runTool(process.execPath, ['-e', `require(${JSON.stringify(path.join(DIST, 'cli-actions-core.js'))}).setSecret('s3cr3t-value')`], { cwd: REPO, env: process.env, timeoutMs: 30_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('::add-mask::s3cr3t-value');
  });
});
