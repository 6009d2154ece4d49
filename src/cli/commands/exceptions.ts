// `chaingate exceptions add ID ...`: append an accepted risk to the exceptions file, checked
// against the policy the gate will apply (its max-days per severity, its max-active).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, UsageError } from '../../errors';
import { EXIT, type Command, type CommandIO } from '../types';
import { parseCommandLine } from '../args';

const USAGE = `chaingate exceptions add ID [options]

Appends an exception to the exceptions file, keeping its comments and layout. ID is an advisory
id (or any alias), a rule or check id. The entry expires after the policy's limit for the
severity of what it suppresses (exceptions.max-days, else sla, else 7/30/90/180 days for
critical/high/medium/low); what the policy would reject is refused here, exit 2.

  --reason TEXT          why the risk is accepted (required)
  --package PURL         only this package, e.g. pkg:npm/minimist@1.2.5 (no version: any)
  --path GLOB            only findings under this path (repeatable)
  --kind KIND            vulnerability, code, secret, misconfiguration, license or signature
  --owner X              who answers for it, e.g. @web-team
  --ticket T             tracking ticket
  --days N               expire N days from today (at most the policy allows)
  --severity S           critical, high, medium or low: which limit applies (default: the
                         finding's in --result, else critical, the shortest)
  --result FILE          a chaingate-result.json to read the finding's severity from
                         (default: chaingate-out/chaingate-result.json when present)
  --config FILE          policy file (default: .chaingate.yml when present)
  --file FILE            exceptions file (default: exceptions.file of the policy)

Exit codes: 0 added, 2 invalid usage, or refused by the policy.`;

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
type AddSeverity = (typeof SEVERITIES)[number];

/** The severity of the finding the result file lists under this id (or alias), and package. */
function severityFromResult(file: string, id: string, purl: string | undefined): AddSeverity | undefined {
  let result: { findings?: { id: string; aliases?: string[]; severity: string; package?: { purl?: string } }[] };
  try {
    result = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const want = id.toLowerCase();
  const worst = (result.findings ?? [])
    .filter((f) => [f.id, ...(f.aliases ?? [])].some((x) => x.toLowerCase() === want))
    .filter((f) => purl === undefined || f.package?.purl === undefined || f.package.purl.startsWith(purl))
    .map((f) => SEVERITIES.indexOf(f.severity as AddSeverity))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b)[0];
  return worst === undefined ? undefined : SEVERITIES[worst];
}

async function add(argv: string[], io: CommandIO): Promise<number> {
  const parsed = parseCommandLine(argv, {
        reason: { type: 'string' },
        package: { type: 'string' },
        path: { type: 'string', multiple: true },
        kind: { type: 'string' },
        owner: { type: 'string' },
        ticket: { type: 'string' },
        days: { type: 'string' },
        severity: { type: 'string' },
        result: { type: 'string' },
        config: { type: 'string' },
        file: { type: 'string' },
      }, USAGE);
  const { values: v, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`exceptions add takes one ID${positionals.length ? `, got: ${positionals.join(' ')}` : ''}\n\n${USAGE}`);
  if (v.reason === undefined || v.reason.trim() === '') throw new UsageError('--reason is required: say why the risk is accepted');
  if (v.severity !== undefined && !(SEVERITIES as readonly string[]).includes(v.severity)) throw new UsageError(`--severity must be one of ${SEVERITIES.join(', ')}, got "${v.severity}"`);
  let days: number | undefined;
  if (v.days !== undefined) {
    days = Number(v.days);
    if (!/^\d+$/.test(v.days) || days < 1) throw new UsageError(`--days must be a whole number of days, at least 1, got "${v.days}"`);
  }
  const [{ defaultPolicy, loadPolicyFile }, { appendException, exceptionFor }, { KINDS }] = await Promise.all([import('../../config/load'), import('../../config/exceptions-edit'), import('../../core/finding')]);
  if (v.kind !== undefined && !(KINDS as readonly string[]).includes(v.kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, got "${v.kind}"`);

  const configPath = path.resolve(io.cwd, v.config ?? '.chaingate.yml');
  const hasPolicy = v.config !== undefined || fs.existsSync(configPath);
  const policy = hasPolicy ? loadPolicyFile(configPath).value : defaultPolicy();
  const file = v.file !== undefined ? path.resolve(io.cwd, v.file) : path.resolve(hasPolicy ? path.dirname(configPath) : io.cwd, policy.exceptions.file);
  const id = positionals[0];
  const resultFile = path.resolve(io.cwd, v.result ?? path.join('chaingate-out', 'chaingate-result.json'));
  if (v.result !== undefined && !fs.existsSync(resultFile)) throw new UsageError(`--result ${v.result}: file not found`);
  const severity = (v.severity as AddSeverity | undefined) ?? severityFromResult(resultFile, id, v.package) ?? 'critical';

  const now = io.now();
  const { entry, days: ran } = exceptionFor(
    { id, package: v.package, paths: v.path, kind: v.kind as never, reason: v.reason, owner: v.owner, ticket: v.ticket, days, severity },
    policy,
    now,
  );
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`cannot read the exceptions file: ${(e as Error).message}`, file);
  }
  const out = appendException(text, file, entry, policy, now);
  fs.writeFileSync(file, out);
  io.stdout(`added exception ${entry.id} to ${path.relative(io.cwd, file) || file}, expires ${entry.expires} (${ran} days, for a ${severity} finding)\n`);
  return EXIT.PASS;
}

export const command: Command = {
  name: 'exceptions',
  summary: 'add an accepted risk to the exceptions file, checked against the policy',
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'add') return add(rest, io);
    throw new UsageError(`${sub === undefined ? 'exceptions needs a subcommand' : `unknown subcommand "${sub}"`}\n\n${USAGE}`);
  },
};
