// zizmor adapter: `zizmor --offline --format json .` over the project's GitHub Actions workflows
// and action.yml files. argv and interpretation are pure; run() is the shell.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../core/finding';
import { ToolError } from '../errors';
import { parseZizmor } from '../parsers/zizmor';
import { FormatError } from '../parsers/util';
import { firstErrorLine, runTool, type RunResult } from '../process/run-tool';
import { readText } from '../read-text';
import type { Invocation, ScanContext, Scanner, ScannerOutcome } from './types';

export const ZIZMOR = 'zizmor';

/**
 * zizmor's exit codes (1.32): 0 no findings, 10 + the worst severity (11 informational ... 14
 * high) with findings; 1 an error (a file it could not load, ...), 2 bad arguments, 3 no input
 * (no workflow or action found).
 */
function findingsExit(code: number | null): boolean {
  return code === 0 || (code !== null && code >= 10 && code <= 14);
}

export function zizmorArgv(ctx: ScanContext): Invocation {
  return {
    command: ctx.toolPath(ZIZMOR),
    args: [
      // No network: no online audits, no remote repositories, no GitHub token used.
      '--offline',
      // The PR's own zizmor.yml and `# zizmor: ignore[...]` comments must not silence the gate:
      // accepted risks go through the exceptions file, with a reason and an expiry.
      '--no-config',
      '--no-ignores',
      // A workflow zizmor cannot load is an error, not a warning and a shorter scan.
      '--strict-collection',
      '--no-progress',
      '--color=never',
      '--format=json',
      '.',
    ],
    outputFile: path.join(ctx.workDir, 'zizmor.json'),
    cwd: ctx.dir,
    env: { ...ctx.env, NO_COLOR: '1' },
  };
}

/** zizmor's own `error:` / `fatal:` lines say more than its backtrace. */
function said(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim());
  const picked = lines.find((l) => /^error:/.test(l)) ?? lines.find((l) => /^failed to /.test(l)) ?? firstErrorLine(stderr);
  return picked ? `: ${picked.length > 500 ? `${picked.slice(0, 500)}…` : picked}` : ' and printed no error message';
}

/** Fails closed: only exit 0 or 10-14 with a well-formed report counts as a scan. */
export function interpretZizmor(inv: Invocation, result: RunResult, outputText: string): Finding[] {
  if (result.spawnError !== undefined) {
    throw new ToolError(ZIZMOR, `${ZIZMOR} could not be started (${result.spawnError}); install it with scripts/install-tools.sh zizmor or set CHAINGATE_ZIZMOR_PATH`);
  }
  if (result.timedOut) throw new ToolError(ZIZMOR, `${ZIZMOR} timed out and was stopped`);
  if (result.signal) throw new ToolError(ZIZMOR, `${ZIZMOR} was killed by ${result.signal}${said(result.stderr)}`);
  if (result.exitCode === 3) {
    throw new ToolError(ZIZMOR, `${ZIZMOR} found no workflow or action.yml to audit in the project; remove zizmor from scanners if it has none`);
  }
  if (!findingsExit(result.exitCode)) throw new ToolError(ZIZMOR, `${ZIZMOR} exited with code ${result.exitCode}${said(result.stderr)}`);
  let findings: Finding[];
  try {
    findings = parseZizmor(outputText);
  } catch (e) {
    if (e instanceof FormatError) throw new ToolError(ZIZMOR, `${ZIZMOR} exited with code ${result.exitCode} but its report ${inv.outputFile} is unusable: ${e.message}`);
    throw e;
  }
  // Exit 10-14 means findings: an empty list then is a report that lost them.
  if (result.exitCode !== 0 && findings.length === 0) {
    throw new ToolError(ZIZMOR, `${ZIZMOR} exited with code ${result.exitCode} (findings) but its report lists none`);
  }
  if (result.exitCode === 0 && findings.length > 0) {
    throw new ToolError(ZIZMOR, `${ZIZMOR} exited with code 0 (no findings) but its report lists ${findings.length}`);
  }
  return findings;
}

function readOutput(file: string): string {
  try {
    return readText(file);
  } catch {
    return '';
  }
}

export async function runZizmor(ctx: ScanContext): Promise<ScannerOutcome> {
  const inv = zizmorArgv(ctx);
  // A report left from an earlier run must never be read as this run's.
  fs.rmSync(inv.outputFile, { force: true });
  ctx.log(`${ZIZMOR} ${inv.args.join(' ')}`);
  const result = await runTool(inv.command, inv.args, { cwd: inv.cwd, env: inv.env, timeoutMs: ctx.timeoutMs, stdoutFile: inv.outputFile });
  return { findings: interpretZizmor(inv, result, readOutput(inv.outputFile)), rawOutputs: [inv.outputFile], notes: [] };
}

export function createZizmorScanner(): Scanner {
  return { name: ZIZMOR, run: runZizmor };
}
