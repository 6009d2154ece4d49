// The command table loads each command on use, and the bundle keeps that lazy: `chaingate sbom`
// must not initialize zod, Sigstore or undici (start-up time and memory, bench/sbom.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from '../../src/cli/commands';
import { main } from '../../src/cli/main';
import type { CommandIO } from '../../src/cli/types';
import { runTool } from '../../src/process/run-tool';
import { REPO, tmpDir } from '../helpers/paths';

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

// Which bundled modules a run of dist/cli.js initializes: esbuild wraps each module in an
// __esm/__commonJS initializer; a copy of the bundle records every first call, per package.
function instrumentedCli(): string {
  let s = fs.readFileSync(path.join(REPO, 'dist', 'cli.js'), 'utf8');
  const esm = 'var __esm = (fn, res, err) => function __init() {\n';
  const cjs = 'var __commonJS = (cb, mod) => function __require() {\n';
  expect(s).toContain(esm);
  expect(s).toContain(cjs);
  const record = `globalThis.__inits = new Set(); process.on('exit', () => require('fs').writeSync(2, 'INITIALIZED ' + JSON.stringify([...globalThis.__inits]) + '\\n'));\n`;
  const pkg = (v: string) => `{ const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(__getOwnPropNames(${v})[0]); globalThis.__inits.add(m ? m[1] : 'src'); }`;
  s = s.replace(esm, `${record}${esm}  if (fn) ${pkg('fn')}\n`).replace(cjs, `${cjs}  if (!mod) ${pkg('cb')}\n`);
  const file = path.join(tmpDir('chaingate-lazy-'), 'cli.js');
  fs.writeFileSync(file, s);
  return file;
}

async function initialized(cli: string, args: string[]): Promise<string[]> {
  const r = await runTool(process.execPath, [cli, ...args], { cwd: REPO, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }, timeoutMs: 60_000 });
  expect(r.exitCode).toBe(0);
  const line = /^INITIALIZED (.*)$/m.exec(r.stderr);
  expect(line).not.toBeNull();
  return JSON.parse((line as RegExpExecArray)[1]) as string[];
}

describe('dist/cli.js', () => {
  const HEAVY = ['zod', 'yaml', 'undici', '@sigstore/verify', '@actions/core', 'xmlbuilder2', 'ajv'];
  let cli: string;
  beforeAll(() => {
    cli = instrumentedCli();
  });

  it('sbom --help and --help initialize no library', async () => {
    expect(await initialized(cli, ['sbom', '--help'])).toEqual(['src']);
    expect(await initialized(cli, ['--help'])).toEqual(['src']);
  });

  it('sbom initializes the CycloneDX library and packageurl-js, none of the heavy ones', async () => {
    const out = path.join(tmpDir('chaingate-lazy-'), 'sbom.cdx.json');
    const libs = await initialized(cli, ['sbom', path.join(REPO, 'examples', 'vulnerable'), '--output', out]);
    expect(libs).toEqual(expect.arrayContaining(['@cyclonedx/cyclonedx-library', 'packageurl-js']));
    for (const h of HEAVY) expect(libs).not.toContain(h);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).bomFormat).toBe('CycloneDX');
  });

  it('scan --help does load the scan command (the table is not just skipping everything)', async () => {
    expect(await initialized(cli, ['scan', '--help'])).toEqual(expect.arrayContaining(['zod', 'yaml']));
  });

  it('has no bundled copy of the CycloneDX library optional XML writer or validators', () => {
    const s = fs.readFileSync(path.join(REPO, 'dist', 'cli.js'), 'utf8');
    expect(s).not.toMatch(/^\/\/ node_modules\/(xmlbuilder2|ajv|libxmljs2)\//m);
  });
});
