// Runs one chaingate command in-process the way src/cli/main.ts does, capturing everything it
// prints and every tool invocation it makes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChaingateError } from '../../src/errors';
import * as runToolModule from '../../src/process/run-tool';
import type { Command } from '../../src/cli/types';
import { toolBin } from '../helpers/paths';

// Taken before any spy replaces the export, so the recorder can call the real runner.
const runTool = runToolModule.runTool;

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  /** argv of every process spawned through runTool. */
  argvs: string[][];
  /** stdout + stderr of every spawned process. */
  toolOutputs: string[];
}

export function exitFor(e: ChaingateError): number {
  if (e.code === 'TOOL_FAILED' || e.code === 'REPORT_INVALID') return 3;
  if (e.code === 'VERIFY_FAILED' || e.code === 'SIGN_FAILED') return 1;
  return 2;
}

export async function runCommand(cmd: Command, argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const argvs: string[][] = [];
  const toolOutputs: string[] = [];
  const spy = jest.spyOn(runToolModule, 'runTool').mockImplementation(async (command, args, opts) => {
    argvs.push([command, ...args]);
    const r = await runTool(command, args, opts);
    toolOutputs.push(r.stdout, r.stderr);
    return r;
  });
  let code: number;
  try {
    code = await cmd.run(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env,
      cwd,
      now: () => new Date('2026-03-01T12:00:00.000Z'),
    });
  } catch (e) {
    if (!(e instanceof ChaingateError)) throw e;
    stderr += `chaingate: error: ${e.message}\n`;
    code = exitFor(e);
  } finally {
    spy.mockRestore();
  }
  return { code, stdout, stderr, argvs, toolOutputs };
}

/** Pushes a one-file image to host/repo:tag with crane; returns its digest. */
export async function pushImage(ref: string, content: string, work: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(work, 'layer-'));
  fs.writeFileSync(path.join(dir, 'hello.txt'), content);
  const tar = path.join(dir, 'layer.tar');
  const t = await runTool('tar', ['-cf', tar, '-C', dir, 'hello.txt']);
  if (t.exitCode !== 0) throw new Error(`tar: ${t.stderr}`);
  const r = await runTool(toolBin('crane'), ['append', '--oci-empty-base', '-f', tar, '-t', ref, '--insecure']);
  if (r.exitCode !== 0) throw new Error(`crane append: ${r.stderr}`);
  const d = await runTool(toolBin('crane'), ['digest', '--insecure', ref]);
  return d.stdout.trim();
}

/** Every file under dir, recursively. */
export function allFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
