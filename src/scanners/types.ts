// One adapter per scanner behind one small interface: build argv, run (through runTool), parse.
import type { Finding } from '../core/finding';
import type { Lockfile } from '../lockfiles/types';
import type { RunResult } from '../process/run-tool';

export interface ScanContext {
  /** Project directory being scanned (absolute). */
  dir: string;
  /** Scratch directory for this scanner's raw outputs (absolute, exists). */
  workDir: string;
  /** Resolved tool binaries (name -> path), from CHAINGATE_<TOOL>_PATH, the policy, or PATH. */
  toolPath: (tool: string) => string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /**
   * Files (relative to `dir`) to scan instead of the whole folder, for adapters that can: a
   * baseline comparison scans only what the change touches.
   */
  targets?: string[];
  /**
   * Reads a lockfile (absolute path, display name) for scanners that parse them; the gate's
   * remembers each, so the audit, the license policy and the summary parse a lockfile once.
   */
  readLockfile?: (file: string, display: string) => Lockfile;
}

export interface Invocation {
  command: string;
  args: string[];
  /** File the adapter wants stdout written to (or the tool writes with --output). */
  outputFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ScannerOutcome {
  findings: Finding[];
  /** Files with the raw outputs kept for the user. */
  rawOutputs: string[];
  /** Non-fatal notes (e.g. "npm audit endpoint unreachable, OSV matcher used"). */
  notes: string[];
}

/** What the orchestrator calls. Tool-based adapters implement it with argv + runTool + interpret. */
export interface Scanner {
  name: string;
  run(ctx: ScanContext): Promise<ScannerOutcome>;
}

export interface ToolAdapter<Opts = unknown> {
  name: string;
  /** Builds one or more invocations from the options; pure. */
  argv(ctx: ScanContext, opts: Opts): Invocation[];
  /**
   * Interprets one finished invocation: exit code, stdout file, stderr. Throws ToolError when
   * the tool failed (crash, timeout, bad exit code, garbage output). Never returns "clean" for a
   * failed run.
   */
  interpret(inv: Invocation, result: RunResult, outputText: string): Finding[];
}
