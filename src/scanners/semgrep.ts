// Semgrep adapter: `semgrep scan --json` over the project with chaingate's own ruleset (rules/)
// or the configured rule files/packs. argv building and interpretation are pure; run() is the
// shell (finding the ruleset, running, reading the report).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeFingerprint, type Finding } from '../core/finding';
import { ToolError } from '../errors';
import { parseSemgrep, semgrepErrors, type SemgrepError } from '../parsers/semgrep';
import { FormatError } from '../parsers/util';
import { firstErrorLine, runTool, type RunResult } from '../process/run-tool';
import type { Invocation, ScanContext, Scanner, ScannerOutcome, ToolAdapter } from './types';
import { readText } from '../read-text';
import { redactSemgrepReport } from '../reports/redact-raw';
import { redactRawReport } from './raw-output';
import { absoluteConfigs } from './semgrep-config';

export { absoluteConfigs };

export const SEMGREP = 'semgrep';

export interface SemgrepOptions {
  /** Rule files, folders or registry packs; empty: chaingate's own ruleset. */
  config: string[];
  /**
   * Skip Semgrep's rule pre-validation (`--x-rule-validation=none`): for chaingate's own
   * ruleset, which its tests validate. It is most of Semgrep's start-up (17 of 18 s on one file
   * on a loaded runner), and an invalid rule still fails the scan, with a terser message.
   */
  trustedRules?: boolean;
}

/**
 * Exit codes of the pinned Semgrep (semgrep/error.py in 1.185.0). Without `--error`, findings do
 * not change the exit code: 0 means the scan ran, whatever it found.
 */
const EXIT_MEANINGS: Record<number, string> = {
  1: 'findings (only with --error)',
  2: 'fatal error',
  3: 'a target file could not be parsed',
  4: 'a rule could not be parsed',
  5: 'a rule file is not valid YAML',
  7: 'the rule configuration was not found',
  8: 'a rule names an unknown language',
  13: 'invalid API token',
};

/**
 * Where chaingate's ruleset may be, nearest first: beside the bundle's folder (dist/cli.js ->
 * rules/) or two levels up from a source module (src/scanners/semgrep.ts -> rules/).
 */
export function rulesDirCandidates(moduleDir: string): string[] {
  return [path.resolve(moduleDir, '..', 'rules'), path.resolve(moduleDir, '..', '..', 'rules')];
}

export function resolveRulesDir(moduleDir: string = __dirname, isDir: (p: string) => boolean = isDirectory): string {
  const candidates = rulesDirCandidates(moduleDir);
  const found = candidates.find(isDir);
  if (found === undefined) {
    throw new ToolError(
      SEMGREP,
      `chaingate's Semgrep rules were not found (looked in ${candidates.join(' and ')}); reinstall chaingate, or list rule files under semgrep.config in .chaingate.yml`,
    );
  }
  return found;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function semgrepOutputFile(ctx: ScanContext): string {
  return path.join(ctx.workDir, 'semgrep.json');
}

/** `config` must be non-empty and already resolved (see resolveRulesDir / absoluteConfigs). */
export function semgrepArgv(ctx: ScanContext, opts: SemgrepOptions): Invocation[] {
  if (opts.config.length === 0) throw new ToolError(SEMGREP, 'semgrep: no rule configuration given');
  return [
    {
      command: ctx.toolPath(SEMGREP),
      args: [
        'scan',
        '--json',
        // A gate in CI must not phone home or nag about upgrades.
        '--metrics=off',
        '--disable-version-check',
        // A `nosemgrep` comment exempts a finding with no reason and no expiry, decided by whoever
        // edits the file; in a gate, exceptions go through chaingate's exceptions file instead.
        '--disable-nosem',
        ...(opts.trustedRules ? ['--x-rule-validation=none'] : []),
        ...opts.config.flatMap((c) => ['--config', c]),
        // Run from the project with "." (or the files to scan, each relative one starting with
        // "./" so that a file named like an option is read as a file) so report paths are
        // relative to it.
        ...(ctx.targets ? ctx.targets.map((t) => (path.isAbsolute(t) ? t : `./${t}`)) : ['.']),
      ],
      outputFile: semgrepOutputFile(ctx),
      cwd: ctx.dir,
      env: { ...ctx.env, SEMGREP_SEND_METRICS: 'off', SEMGREP_ENABLE_VERSION_CHECK: '0' },
    },
  ];
}

/** Semgrep prints tracebacks and a progress table: prefer its own error line, trimmed. */
export function semgrepErrorLine(stderr: string): string | undefined {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const picked =
    lines.find((l) => /^\[?(error|fatal)\b/i.test(l)) ??
    [...lines].reverse().find((l) => /(Error|Exception):\s/.test(l)) ??
    firstErrorLine(stderr);
  if (picked === undefined) return undefined;
  return picked.length > 500 ? `${picked.slice(0, 500)}…` : picked;
}

export function formatDuration(ms: number): string {
  if (ms >= 60_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function binaryName(inv: Invocation): string {
  return inv.command === SEMGREP ? SEMGREP : `${SEMGREP} (${inv.command})`;
}

function describeErrors(errors: SemgrepError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.type}${e.ruleId ? ` in rule ${e.ruleId}` : ''}${e.path ? ` (${e.path})` : ''}: ${e.message.split('\n')[0]}`);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return shown.join('; ') + more;
}

function readErrors(text: string): SemgrepError[] | undefined {
  try {
    return semgrepErrors(text);
  } catch (e) {
    if (e instanceof FormatError) return undefined;
    throw e;
  }
}

/**
 * Semgrep names the rules of a local config after its path relative to the working directory
 * (`home.ci.rules.javascript.chaingate.js.ssrf`); our own rules are known by their own ids.
 */
export function ownRuleId(id: string): string {
  const m = /\.(chaingate\.[a-z0-9]+\.[\w-]+)$/.exec(id);
  return m ? m[1] : id;
}

function withOwnIds(findings: Finding[]): Finding[] {
  return findings.map((f) => {
    const id = ownRuleId(f.id);
    if (id === f.id) return f;
    const renamed = { ...f, id };
    return { ...renamed, fingerprint: computeFingerprint(renamed) };
  });
}

export interface SemgrepInterpretation {
  findings: Finding[];
  notes: string[];
}

/**
 * Fails closed: a run that could not start, was stopped, exited with an error code, printed no
 * usable JSON, or reported a fatal error (a rule that did not load, a timeout on a file...)
 * throws a ToolError; only files Semgrep could not parse are notes.
 */
export function interpretSemgrep(inv: Invocation, result: RunResult, outputText: string): SemgrepInterpretation {
  const bin = binaryName(inv);
  const said = () => {
    const line = semgrepErrorLine(result.stderr);
    return line ? `: ${line}` : ' and printed no error message';
  };
  if (result.spawnError !== undefined) {
    throw new ToolError(
      SEMGREP,
      `${bin} could not be started (${result.spawnError}); install it with scripts/install-tools.sh or set tools.semgrep.path in .chaingate.yml`,
    );
  }
  if (result.timedOut) {
    throw new ToolError(SEMGREP, `${SEMGREP} timed out after ${formatDuration(result.durationMs)} and was stopped; raise timeout-minutes or exclude large generated files with .semgrepignore`);
  }
  if (result.signal) throw new ToolError(SEMGREP, `${bin} was killed by ${result.signal}${said()}`);
  const errors = readErrors(outputText);
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    const meaning = EXIT_MEANINGS[result.exitCode ?? -1];
    const fatal = errors?.filter((e) => e.fatal) ?? [];
    const detail = fatal.length > 0 ? `: ${describeErrors(fatal)}` : said();
    throw new ToolError(SEMGREP, `${bin} exited with code ${result.exitCode}${meaning ? ` (${meaning})` : ''}${detail}`);
  }
  let findings: Finding[];
  try {
    findings = parseSemgrep(outputText);
  } catch (e) {
    if (e instanceof FormatError) {
      throw new ToolError(SEMGREP, `${bin} exited with code ${result.exitCode} but its report ${inv.outputFile} is unusable: ${e.message}${said()}`);
    }
    throw e;
  }
  const all = errors ?? [];
  const fatal = all.filter((e) => e.fatal);
  if (fatal.length > 0) {
    throw new ToolError(SEMGREP, `${bin} reported ${fatal.length === 1 ? 'an error' : `${fatal.length} errors`}, so its results are incomplete: ${describeErrors(fatal)}`);
  }
  const notes: string[] = [];
  const skipped = all.filter((e) => !e.fatal);
  if (skipped.length > 0) {
    const files = [...new Set(skipped.map((e) => e.path).filter((p): p is string => p !== undefined))];
    notes.push(
      files.length > 0
        ? `semgrep could not fully parse ${files.length} file(s), the rest of each was scanned: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`
        : `semgrep warnings: ${describeErrors(skipped)}`,
    );
  }
  const scanned = scannedFiles(outputText);
  // Said in the summary, so a clean result says what it covers.
  if (scanned !== undefined) notes.push(`scanned ${scanned} file${scanned === 1 ? '' : 's'}`);
  return { findings: withOwnIds(findings), notes };
}

/** How many files Semgrep's JSON says it scanned (`paths.scanned`), where it says. */
function scannedFiles(outputText: string): number | undefined {
  try {
    const scanned = (JSON.parse(outputText) as { paths?: { scanned?: unknown } }).paths?.scanned;
    return Array.isArray(scanned) ? scanned.length : undefined;
  } catch {
    return undefined;
  }
}

export const semgrepAdapter: ToolAdapter<SemgrepOptions> = {
  name: SEMGREP,
  argv: semgrepArgv,
  interpret: (inv, result, text) => interpretSemgrep(inv, result, text).findings,
};

function readOutput(file: string): string {
  try {
    return readText(file);
  } catch {
    return '';
  }
}

/**
 * How many rules chaingate's own ruleset holds (every `- id:` of its rule files, leaving out the
 * `.test.yml` rule tests), so a pass says what it was checked against. Semgrep's JSON has no count.
 */
export function countOwnRules(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.ya?ml$/.test(e.name) || /\.test\.ya?ml$/.test(e.name)) continue;
    n += (readText(path.join(e.parentPath, e.name)).match(/^\s*-\s*id:/gm) ?? []).length;
  }
  return n;
}

export async function runSemgrep(ctx: ScanContext, opts: SemgrepOptions, rulesDir: () => string = resolveRulesDir): Promise<ScannerOutcome> {
  if (ctx.targets !== undefined && ctx.targets.length === 0) return { findings: [], rawOutputs: [], notes: ['no changed file to scan'] };
  const own = opts.config.length === 0;
  const config = own ? [rulesDir()] : absoluteConfigs(opts.config, ctx.dir);
  const [inv] = semgrepArgv(ctx, { config, trustedRules: own });
  // A report left from an earlier run must never be read as this run's.
  fs.rmSync(inv.outputFile, { force: true });
  ctx.log(`${SEMGREP} ${inv.args.join(' ')}`);
  const result = await runTool(inv.command, inv.args, { cwd: inv.cwd, env: inv.env, timeoutMs: ctx.timeoutMs, stdoutFile: inv.outputFile });
  const output = readOutput(inv.outputFile);
  try {
    const { findings, notes } = interpretSemgrep(inv, result, output);
    notes.push(own ? `chaingate's ruleset: ${countOwnRules(config[0])} rules` : `rules from semgrep.config: ${opts.config.length} entr${opts.config.length === 1 ? 'y' : 'ies'}`);
    return { findings, rawOutputs: [inv.outputFile], notes };
  } finally {
    // Also when the run failed: the report stays in raw/ without the code it quotes.
    redactRawReport(inv.outputFile, output, ['"lines"', '"abstract_content"', '"dataflow_trace"', '"errors"'], redactSemgrepReport);
  }
}

export function createSemgrepScanner(opts: SemgrepOptions): Scanner {
  return { name: SEMGREP, run: (ctx) => runSemgrep(ctx, opts) };
}
