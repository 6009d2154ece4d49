// `chaingate scan [DIR] ...`: run the gate and exit with its verdict.
import { ScannerNameSchema, type ScannerName } from '../../config/schema';
import { exitCodeFor } from '../../core/policy';
import { UsageError } from '../../errors';
import { runGate, type GateOptions, type GateOutput, type Logger } from '../../gate/run-gate';
import { defaultDeps } from '../../gate/deps';
import { REPORT_TOOLS, type ReportTool } from '../../parsers/types';
import { renderTerminalTable } from '../../reports/terminal';
import { escapeData } from '../../log-text';
import type { Command, CommandIO } from '../types';
import { parseCommandLine } from '../args';

const USAGE = `chaingate scan [DIR] [options]

  --config FILE            policy file (default: DIR/.chaingate.yml when present)
  --exceptions FILE        exceptions file (default: exceptions.file of the policy)
  --vex FILE               OpenVEX document (repeatable)
  --report TOOL=PATH       ingest an existing report instead of running TOOL (repeatable);
                           TOOL: ${REPORT_TOOLS.join(', ')}
  --scanners LIST|none     comma-separated: semgrep, trivy-fs, trivy-image, audit, zizmor, headers
  --url URL                check this deployed URL's security headers (repeatable); replaces
                           headers.urls of the policy and, without --scanners, adds headers to
                           the policy's scanners
  --image REF              image for trivy-image (registry reference, tarball or OCI layout)
  --insecure-registry      allow a plain-HTTP registry (a local test registry)
  --osv-db DIR             offline OSV advisories (folder of OSV JSON or an OSV zip export)
  --offline                never touch the network (cached Trivy DB, --osv-db advisories)
  --sbom FILE              audit this CycloneDX SBOM instead of lockfiles
  --write-sbom             also write sbom.cdx.json to the output dir
  --output-dir DIR         where reports go (default: chaingate-out)
  --mode enforce|warn      warn reports everything and exits 0
  --baseline REF|FILE      gate what a change introduces: compare with a git revision of the
                           repository (scanned in a temporary worktree) or an earlier
                           chaingate-result.json; findings are then new or existing
  --trusted-policy head|baseline
                           with --baseline REF: apply the change's own policy, exceptions and
                           VEX (head, default) or the baseline's (changes apply once merged)
  --history FILE           read and update a history of findings (first seen, fixed, weekly
                           trend); the summary shows what changed and the SLA's overdue findings
  --project FOLDER         scan only this folder of DIR (repeatable): one shard of several
                           monorepo projects; finding paths stay relative to DIR
  --shard NAME --plan-id ID
                           stamp the result as this shard of a \`chaingate plan\` (its args do)
  --expect-shards FILE     the matrix \`chaingate plan\` printed: each of its shards must come
                           in once through --report chaingate=..., else the gate is incomplete

Paths given as options are relative to the current directory; paths written in the policy
(exceptions.file, exceptions.vex, tools.<tool>.path, ...) are relative to the policy file.

Exit codes: 0 pass, 1 blocked by policy, 2 invalid configuration or usage, 3 incomplete (a scanner
failed, or nothing was scanned).`;

export function parseScanArgs(argv: string[], io: Pick<CommandIO, 'env' | 'now'>, log: Logger): GateOptions {
  const parsed = parseCommandLine(argv, {
        config: { type: 'string' },
        exceptions: { type: 'string' },
        vex: { type: 'string', multiple: true },
        report: { type: 'string', multiple: true },
        scanners: { type: 'string' },
        image: { type: 'string' },
        url: { type: 'string', multiple: true },
        'insecure-registry': { type: 'boolean' },
        'osv-db': { type: 'string' },
        offline: { type: 'boolean' },
        sbom: { type: 'string' },
        'write-sbom': { type: 'boolean' },
        'output-dir': { type: 'string' },
        mode: { type: 'string' },
        baseline: { type: 'string' },
        'trusted-policy': { type: 'string' },
        history: { type: 'string' },
        project: { type: 'string', multiple: true },
        shard: { type: 'string' },
        'plan-id': { type: 'string' },
        'expect-shards': { type: 'string' },
      }, USAGE);
  const { values: v, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`scan takes one directory, got: ${positionals.join(' ')}`);
  const mode = v.mode ?? 'enforce';
  if (mode !== 'enforce' && mode !== 'warn') throw new UsageError(`--mode must be enforce or warn, got "${mode}"`);
  const trusted = v['trusted-policy'];
  if (trusted !== undefined && trusted !== 'head' && trusted !== 'baseline') throw new UsageError(`--trusted-policy must be head or baseline, got "${trusted}"`);
  if (trusted === 'baseline' && v.baseline === undefined) throw new UsageError('--trusted-policy baseline needs --baseline REF');
  if (v.baseline !== undefined && v.baseline.trim() === '') throw new UsageError('--baseline needs a git revision or a chaingate-result.json file');
  if (v.project !== undefined && v.baseline !== undefined) throw new UsageError('--project cannot be combined with --baseline: compare whole folders, or run the baseline in the gate job');
  if ((v.shard === undefined) !== (v['plan-id'] === undefined)) throw new UsageError('--shard and --plan-id go together (as `chaingate plan` writes them)');
  for (const [k, x] of [['--shard', v.shard], ['--plan-id', v['plan-id']]] as const) {
    if (x !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(x)) throw new UsageError(`${k} must be letters, digits, ., _ or - (at most 128), got "${x.slice(0, 200)}"`);
  }
  const reports = (v.report ?? []).map((r) => {
    const eq = r.indexOf('=');
    const tool = r.slice(0, eq);
    if (eq <= 0 || !(REPORT_TOOLS as readonly string[]).includes(tool) || eq === r.length - 1) {
      throw new UsageError(`--report ${r}: expected TOOL=PATH with TOOL one of ${REPORT_TOOLS.join(', ')}`);
    }
    return { tool: tool as ReportTool, path: r.slice(eq + 1) };
  });
  let scanners: ScannerName[] | undefined;
  if (v.scanners !== undefined) {
    const list = v.scanners.split(',').map((s) => s.trim()).filter(Boolean);
    scanners = list.length === 1 && list[0] === 'none' ? [] : list.map((s) => {
      const r = ScannerNameSchema.safeParse(s);
      if (!r.success) throw new UsageError(`--scanners: unknown scanner "${s}"; use ${ScannerNameSchema.options.join(', ')} or none`);
      return r.data;
    });
  }
  const urls = v.url ?? [];
  // A URL asked for and a scanner list without headers contradict each other: say so, do not drop the URL.
  if (urls.length > 0 && scanners !== undefined && !scanners.includes('headers')) throw new UsageError('--url needs the headers scanner: add headers to --scanners');
  return {
    dir: positionals[0] ?? '.',
    urls: urls.length ? urls : undefined,
    configFile: v.config,
    exceptionsFile: v.exceptions,
    vexFiles: v.vex ?? [],
    reports,
    outputDir: v['output-dir'] ?? 'chaingate-out',
    mode,
    scanners,
    image: v.image,
    osvDb: v['osv-db'],
    sbomInput: v.sbom,
    sbom: v['write-sbom'] ? true : undefined,
    insecureRegistry: v['insecure-registry'],
    offline: v.offline,
    baseline: v.baseline,
    trustedPolicy: trusted,
    history: v.history,
    projects: v.project,
    shard: v.shard !== undefined && v['plan-id'] !== undefined ? { name: v.shard, plan: v['plan-id'] } : undefined,
    expectShards: v['expect-shards'],
    env: io.env,
    now: io.now,
    log,
  };
}

export function cliLogger(io: CommandIO): Logger {
  return {
    info: (l) => io.stderr(`${escapeData(l)}\n`),
    warning: (l) => io.stderr(`warning: ${escapeData(l)}\n`),
    group: (title, lines) => io.stderr([`── ${escapeData(title)}`, ...lines.map((l) => `   ${escapeData(l)}`)].join('\n') + '\n'),
  };
}

export const command: Command = {
  name: 'scan',
  summary: 'run the scanners, apply the policy and exceptions, write the reports',
  usage: USAGE,
  async run(argv, io) {
    const log = cliLogger(io);
    const opts = parseScanArgs(argv, io, log);
    return printOutcome(await runGate(opts, defaultDeps()), io);
  },
};

/** The verdict, its reasons and the blocking findings on stdout; the exit code. */
export function printOutcome(out: GateOutput, io: CommandIO): number {
  const r = out.result;
  const s = r.summary;
  io.stdout(
    [
      `chaingate: ${r.verdict.toUpperCase()}${r.mode === 'warn' ? ' (warn mode: not enforced)' : ''}`,
      ...r.reasons.map((x) => `  - ${escapeData(x)}`),
      `  findings: ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low, ${s.info} info, ${s.unknown} unknown; ${s.blocking} blocking, ${s.suppressed} suppressed`,
      ...(s.new !== undefined ? [`  baseline ${escapeData(r.baseline?.ref ?? r.baseline?.file ?? '')}: ${s.new} new, ${s.existing} existing`] : []),
      `  reports: ${[out.resultFile, out.sarifFile, out.summaryFile, ...(out.sbomFile ? [out.sbomFile] : [])].map(escapeData).join(', ')}`,
      '',
    ].join('\n'),
  );
  const blocking = renderTerminalTable(r, { summaryFile: out.summaryFile });
  if (blocking) io.stdout(`\n${blocking}`);
  return exitCodeFor(r);
}
