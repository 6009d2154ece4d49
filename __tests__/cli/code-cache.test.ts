// The command bundles load through V8's code cache: the cache may only make a run faster, never
// change what runs (a different or edited bundle, a damaged or unwritable cache). V8 also keeps
// compiled scripts per process, so whether a cache was used is observed in fresh processes.
import { buildSync } from 'esbuild';
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeCacheDir, requireBundle } from '../../src/cli/code-cache';
import { runTool } from '../../src/process/run-tool';
import { FIXTURES, REPO, tmpDir } from '../helpers/paths';

function bundle(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const caches = (env: NodeJS.ProcessEnv) => (fs.existsSync(codeCacheDir(env)) ? fs.readdirSync(codeCacheDir(env)).sort() : []);

let loader: string;
beforeAll(() => {
  loader = path.join(tmpDir('chaingate-cc-loader-'), 'code-cache.js');
  buildSync({ entryPoints: [path.join(REPO, 'src', 'cli', 'code-cache.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: loader, logLevel: 'silent' });
});

/** requireBundle(file) in a new Node process: what the bundle exported and how it was compiled. */
async function fresh(file: string, env: NodeJS.ProcessEnv): Promise<{ exports: unknown; use: string }> {
  const script = `const c = require(${JSON.stringify(loader)}); const e = c.requireBundle(${JSON.stringify(file)}); process.stdout.write(JSON.stringify({ exports: e, use: c.codeCacheUse.get(${JSON.stringify(file)}) }));`;
  const r = await runTool(process.execPath, ['-e', script], { cwd: path.dirname(file), env: { PATH: process.env.PATH, ...env }, timeoutMs: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout);
}

describe('requireBundle', () => {
  it('runs the bundle as require() would: exports, its own require of siblings and builtins, __filename, __dirname', () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    bundle(dir, 'cli-sibling.js', 'exports.answer = 42;');
    const file = bundle(dir, 'cli-a.js', "exports.v = require('./cli-sibling.js').answer + require('node:path').sep.length; exports.f = __filename; exports.d = __dirname; exports.self = module.exports === exports;");
    expect(requireBundle(file, env)).toEqual({ v: 43, f: file, d: dir, self: true });
    // A second load in the same process is the same module object, as with require().
    expect(requireBundle(file, env)).toBe(requireBundle(file, env));
  });

  it('reads a bundle that is not ASCII as UTF-8, cached or not', async () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    const file = bundle(dir, 'cli-u.js', 'exports.s = "\u00e9t\u00e9 \u2014 \u{1f512}"; // caf\u00e9\n');
    expect(await fresh(file, env)).toEqual({ exports: { s: '\u00e9t\u00e9 \u2014 \u{1f512}' }, use: 'compiled' });
    expect(await fresh(file, env)).toEqual({ exports: { s: '\u00e9t\u00e9 \u2014 \u{1f512}' }, use: 'cached' });
  });

  it('an error thrown while the bundle runs reaches the caller, and a later load runs it again', () => {
    const dir = tmpDir('chaingate-cc-');
    const file = bundle(dir, 'cli-e.js', 'exports.n = (exports.n || 0) + 1; throw new Error("broken bundle");');
    expect(() => requireBundle(file, { XDG_CACHE_HOME: path.join(dir, 'cache') })).toThrow('broken bundle');
    expect(() => requireBundle(file, { XDG_CACHE_HOME: path.join(dir, 'cache') })).toThrow('broken bundle');
  });

  it('writes the cache when the process exits, uses it next time, and a rebuilt bundle of the same length never gets the old code', async () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    const file = bundle(dir, 'cli-b.js', 'exports.n = 1; exports.g = (function () { return "one"; })();');
    expect(await fresh(file, env)).toEqual({ exports: { n: 1, g: 'one' }, use: 'compiled' });
    const first = caches(env);
    expect(first).toEqual([expect.stringMatching(/^cli-b-[0-9a-f]{16}\.bin$/)]);
    expect(await fresh(file, env)).toEqual({ exports: { n: 1, g: 'one' }, use: 'cached' });

    // Same length, other content: V8 alone would take the old cache (it checks only the length).
    fs.writeFileSync(file, 'exports.n = 2; exports.g = (function () { return "two"; })();');
    expect(await fresh(file, env)).toEqual({ exports: { n: 2, g: 'two' }, use: 'compiled' });
    // The old bundle's cache is gone: the folder does not grow with rebuilds.
    const second = caches(env);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect(await fresh(file, env)).toEqual({ exports: { n: 2, g: 'two' }, use: 'cached' });
  });

  it('a damaged cache file is refused: the bundle compiles from source and the cache is rewritten', async () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { XDG_CACHE_HOME: path.join(dir, 'cache') };
    const file = bundle(dir, 'cli-c.js', 'exports.ok = [1, 2, 3].map((x) => x * 2);');
    await fresh(file, env);
    const cacheFile = path.join(codeCacheDir(env), caches(env)[0]);
    const garbage = Buffer.alloc(fs.statSync(cacheFile).size, 7);
    fs.writeFileSync(cacheFile, garbage);
    expect(await fresh(file, env)).toEqual({ exports: { ok: [2, 4, 6] }, use: 'rejected' });
    expect(fs.readFileSync(cacheFile).equals(garbage)).toBe(false);
    expect(await fresh(file, env)).toEqual({ exports: { ok: [2, 4, 6] }, use: 'cached' });
  });

  it('an unwritable cache folder changes nothing but the speed', async () => {
    const dir = tmpDir('chaingate-cc-');
    // The cache home is a file: no folder can be made under it.
    const env = { XDG_CACHE_HOME: bundle(dir, 'not-a-dir', '') };
    const file = bundle(dir, 'cli-d.js', 'exports.x = "x";');
    expect(await fresh(file, env)).toEqual({ exports: { x: 'x' }, use: 'compiled' });
    expect(await fresh(file, env)).toEqual({ exports: { x: 'x' }, use: 'compiled' });
  });
});

describe('dist/cli.js with the code cache', () => {
  it('writes one cache for the sbom bundle and gives the same bytes with it', async () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), SOURCE_DATE_EPOCH: '1700000000' };
    const project = path.join(FIXTURES, 'lockfiles-public', 'pnpm9-vue');
    const run = async (out: string) => {
      const r = await runTool(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'sbom', project, '--output', out], { cwd: dir, env, timeoutMs: 60_000 });
      expect(r.exitCode).toBe(0);
      return fs.readFileSync(out, 'utf8');
    };
    const cold = await run(path.join(dir, 'a.json'));
    expect(caches(env)).toEqual([expect.stringMatching(/^cli-sbom-[0-9a-f]{16}\.bin$/)]);
    const cacheFile = path.join(codeCacheDir(env), caches(env)[0]);
    const written = fs.statSync(cacheFile).mtimeMs;
    const warm = await run(path.join(dir, 'b.json'));
    expect(warm).toBe(cold);
    // Used, not refused and rewritten: V8 refuses a cache made under other flags, and the CLI sets
    // one (src/cli.ts) before the bundle loads.
    expect(fs.statSync(cacheFile).mtimeMs).toBe(written);
    expect(JSON.parse(warm).components.length).toBeGreaterThan(500);
  });

  it('the CLI bundles are ASCII, read without a UTF-8 decode', () => {
    const files = fs.readdirSync(path.join(REPO, 'dist')).filter((f) => /^cli.*\.js$/.test(f));
    expect(files).toContain('cli-scan.js');
    for (const f of files) expect([f, isAscii(fs.readFileSync(path.join(REPO, 'dist', f)))]).toEqual([f, true]);
  });

  it('prints nothing but the SBOM on stdout with --output - (the V8 flag the CLI sets says nothing there)', async () => {
    const dir = tmpDir('chaingate-cc-');
    const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache'), SOURCE_DATE_EPOCH: '1700000000' };
    const r = await runTool(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'sbom', path.join(FIXTURES, 'lockfiles-public', 'pygoat'), '--output', '-'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).bomFormat).toBe('CycloneDX');
  });
});
