// `chaingate pre-commit FILE...`: the gate on the files a commit stages, for the pre-commit
// framework (.pre-commit-hooks.yaml). The files are copied, with their paths, into a scratch
// folder and only that folder is scanned: the Semgrep ruleset and Trivy's secret scanner, in
// seconds, under the repository's own policy and exceptions.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PolicySchema } from '../../config/schema';
import { UsageError } from '../../errors';
import { defaultDeps } from '../../gate/deps';
import { runGate } from '../../gate/run-gate';
import type { Command } from '../types';
import { cliLogger, printOutcome } from './scan';
import { parseCommandLine } from '../args';

const USAGE = `chaingate pre-commit [options] FILE...

Scans only the given files (pre-commit passes the staged ones) with chaingate's Semgrep ruleset
(or semgrep.config of the policy) and Trivy's secret scanner.

  --config FILE            policy file (default: ./.chaingate.yml when present)
  --exceptions FILE        exceptions file (default: exceptions.file of the policy)
  --output-dir DIR         where reports go (default: a new folder under the system temp folder)

Exit codes: 0 pass, 1 blocked by policy, 2 invalid configuration or usage, 3 incomplete.`;

/**
 * The files to scan, relative to the repository root (the current directory): regular files
 * inside it. A symbolic link is not followed (its target may be outside the repository, and git
 * stores the link, not the target); a deleted file has nothing to scan.
 */
export function stagedFiles(root: string, args: string[]): string[] {
  const out = new Set<string>();
  for (const a of args) {
    const rel = path.relative(root, path.resolve(root, a));
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new UsageError(`pre-commit: ${a} is not a file inside ${root}`);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(root, rel));
    } catch {
      continue;
    }
    if (st.isFile()) out.add(rel);
  }
  return [...out].sort();
}

/**
 * --exceptions, else (no policy file to name one) the repository's default exceptions file: the
 * gate would otherwise look for it among the copies of the staged files.
 */
function exceptionsFile(root: string, given: string | undefined, policyFile: string): string | undefined {
  if (given !== undefined) return path.resolve(root, given);
  const fallback = path.join(root, PolicySchema.parse({}).exceptions.file);
  return !fs.existsSync(policyFile) && fs.existsSync(fallback) ? fallback : undefined;
}

function copyInto(root: string, files: string[], dir: string): void {
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  }
}

export const command: Command = {
  name: 'pre-commit',
  summary: 'scan the files a commit stages with the Semgrep ruleset and Trivy secret scanning (for pre-commit)',
  usage: USAGE,
  async run(argv, io) {
    const parsed = parseCommandLine(argv, { config: { type: 'string' }, exceptions: { type: 'string' }, 'output-dir': { type: 'string' } }, USAGE);
    const { values: v, positionals } = parsed;
    const root = io.cwd;
    const files = stagedFiles(root, positionals);
    if (files.length === 0) {
      io.stdout('chaingate: PASS\n  - no staged file to scan\n');
      return 0;
    }
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-pre-commit-'));
    const staged = path.join(scratch, 'files');
    try {
      copyInto(root, files, staged);
      const policyFile = v.config ?? path.join(root, '.chaingate.yml');
      const out = await runGate(
        {
          dir: staged,
          // The repository's policy, not one among the staged files: paths in it stay relative to it.
          configFile: v.config !== undefined || fs.existsSync(policyFile) ? path.resolve(root, policyFile) : undefined,
          exceptionsFile: exceptionsFile(root, v.exceptions, policyFile),
          vexFiles: [],
          reports: [],
          outputDir: v['output-dir'] ? path.resolve(root, v['output-dir']) : path.join(scratch, 'out'),
          mode: 'enforce',
          scanners: ['semgrep', 'trivy-fs'],
          trivyScanners: ['secret'],
          env: io.env,
          now: io.now,
          log: cliLogger(io),
        },
        defaultDeps(),
      );
      return printOutcome(out, io);
    } finally {
      // The reports stay when asked for; the copies of the staged files never do.
      fs.rmSync(v['output-dir'] ? scratch : staged, { recursive: true, force: true });
    }
  },
};
