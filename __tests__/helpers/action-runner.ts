// Runs a composite action.yml as the GitHub runner does, far enough to test it for real: inputs
// with their defaults, `${{ }}` expressions over the inputs, github, runner, steps, env contexts
// (with the operators and functions action.yml uses), `if:` with success()/failure()/always(),
// `shell: bash` steps with their `env:` and the runner's files (GITHUB_OUTPUT, GITHUB_ENV,
// GITHUB_PATH, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH), and the action's outputs. `uses:` steps
// are not run: the report says which were skipped and what their `with:` evaluated to.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { runTool } from '../../src/process/run-tool';
import { tmpDir } from './paths';

type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

interface Step {
  name?: string;
  id?: string;
  if?: string | boolean;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

export interface StepReport {
  name: string;
  id?: string;
  outcome: 'success' | 'failure' | 'skipped';
  /** Why it was not run: its `if:` was false, or it is a `uses:` step. */
  skipped?: string;
  exitCode?: number;
  with?: Record<string, string>;
  outputs: Record<string, string>;
}

export interface RunnerResult {
  steps: StepReport[];
  outputs: Record<string, string>;
  /** Everything the steps printed to stdout, workflow commands included. */
  stdout: string;
  stderr: string;
  summary: string;
  /** 0 when every step succeeded, else the first failing step's exit code. */
  exitCode: number;
  /** Lines the harness printed about what it did (skipped steps). */
  log: string[];
}

export interface RunnerOptions {
  actionDir: string;
  inputs: Record<string, string>;
  eventName: string;
  payload: Record<string, unknown>;
  workspace: string;
  /** The github context beyond what is derived (token, repository, sha, run_id, server_url, api_url...). */
  github: Record<string, string>;
  /** Job-level environment, as a workflow's `env:` gives it. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

// ---- expressions -------------------------------------------------------------------------

type Token = { t: 'num'; v: number } | { t: 'str'; v: string } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in expression: ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") {
          i++;
          break;
        } else s += src[i++];
      }
      out.push({ t: 'str', v: s });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?(0x[0-9a-f]+|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)/i.exec(src.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('!<>()[].,*'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else throw new Error(`unexpected "${c}" in expression: ${src}`);
    }
  }
  return out;
}

export interface ExprContext {
  contexts: Record<string, Value>;
  /** For success(), failure(): whether an earlier step failed. */
  failed: boolean;
  workspace: string;
}

function truthy(v: Value | undefined): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === '' || (typeof v === 'number' && Number.isNaN(v)));
}

function toNumber(v: Value | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** GitHub's loose equality: strings compare case-insensitively, other mixes as numbers. */
function equal(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === 'object' && a !== null) return a === b;
  if (typeof b === 'object' && b !== null) return false;
  return toNumber(a) === toNumber(b);
}

export function asString(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

function hashFiles(workspace: string, patterns: string[]): string {
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => picomatch(path.isAbsolute(p) ? path.relative(workspace, p) : p, { dot: true }));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(p.slice(1), { dot: true }));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else {
        const rel = path.relative(workspace, full).split(path.sep).join('/');
        if (include.some((m) => m(rel)) && !exclude.some((m) => m(rel))) files.push(full);
      }
    }
  };
  walk(workspace);
  if (files.length === 0) return '';
  // As the runner does: the SHA-256 of the files' SHA-256 digests, in path order.
  const all = crypto.createHash('sha256');
  for (const f of files.sort()) all.update(crypto.createHash('sha256').update(fs.readFileSync(f)).digest());
  return all.digest('hex');
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly ctx: ExprContext,
    private readonly src: string,
  ) {}

  parse(): Value {
    const v = this.or();
    if (this.i < this.tokens.length) throw new Error(`unexpected token in expression: ${this.src}`);
    return v;
  }

  private peek(v: string): boolean {
    const t = this.tokens[this.i];
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.peek(v)) throw new Error(`expected "${v}" in expression: ${this.src}`);
    this.i++;
  }

  private or(): Value {
    let l = this.and();
    while (this.peek('||')) {
      this.i++;
      const r = this.and();
      l = truthy(l) ? l : r;
    }
    return l;
  }

  private and(): Value {
    let l = this.cmp();
    while (this.peek('&&')) {
      this.i++;
      const r = this.cmp();
      l = truthy(l) ? r : l;
    }
    return l;
  }

  private cmp(): Value {
    const l = this.unary();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.peek(op)) {
        this.i++;
        const r = this.unary();
        if (op === '==') return equal(l, r);
        if (op === '!=') return !equal(l, r);
        const [a, b] = typeof l === 'string' && typeof r === 'string' ? [l.toLowerCase(), r.toLowerCase()] : [toNumber(l), toNumber(r)];
        return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
      }
    }
    return l;
  }

  private unary(): Value {
    if (this.peek('!')) {
      this.i++;
      return !truthy(this.unary());
    }
    return this.postfix();
  }

  private postfix(): Value {
    let v = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.i++;
        const t = this.tokens[this.i++];
        if (!t || t.t !== 'id') throw new Error(`expected a property name in expression: ${this.src}`);
        v = this.property(v, t.v);
      } else if (this.peek('[')) {
        this.i++;
        const key = this.or();
        this.expect(']');
        v = this.property(v, asString(key));
      } else return v;
    }
  }

  private property(v: Value, key: string): Value {
    if (v === null || typeof v !== 'object') return null;
    if (Array.isArray(v)) return v[Number(key)] ?? null;
    // Property names are case-insensitive.
    const k = Object.keys(v).find((x) => x.toLowerCase() === key.toLowerCase());
    return k === undefined ? null : v[k];
  }

  private primary(): Value {
    const t = this.tokens[this.i++];
    if (!t) throw new Error(`unexpected end of expression: ${this.src}`);
    if (t.t === 'num' || t.t === 'str') return t.v;
    if (t.t === 'op' && t.v === '(') {
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (t.t !== 'id') throw new Error(`unexpected "${t.v}" in expression: ${this.src}`);
    if (t.v === 'true') return true;
    if (t.v === 'false') return false;
    if (t.v === 'null') return null;
    if (this.peek('(')) {
      this.i++;
      const args: Value[] = [];
      while (!this.peek(')')) {
        args.push(this.or());
        if (!this.peek(')')) this.expect(',');
      }
      this.i++;
      return this.call(t.v.toLowerCase(), args);
    }
    const key = Object.keys(this.ctx.contexts).find((k) => k === t.v);
    if (key === undefined) throw new Error(`unknown context "${t.v}" in expression: ${this.src}`);
    return this.ctx.contexts[key];
  }

  private call(name: string, args: Value[]): Value {
    switch (name) {
      case 'success':
        return !this.ctx.failed;
      case 'failure':
        return this.ctx.failed;
      case 'always':
        return true;
      case 'cancelled':
        return false;
      case 'format': {
        const [fmt, ...rest] = args;
        return asString(fmt)
          .replace(/\{(\d+)\}/g, (_m, n: string) => asString(rest[Number(n)]))
          .replace(/\{\{/g, '{')
          .replace(/\}\}/g, '}');
      }
      case 'contains':
        return Array.isArray(args[0]) ? args[0].some((x) => equal(x, args[1])) : asString(args[0]).toLowerCase().includes(asString(args[1]).toLowerCase());
      case 'startswith':
        return asString(args[0]).toLowerCase().startsWith(asString(args[1]).toLowerCase());
      case 'endswith':
        return asString(args[0]).toLowerCase().endsWith(asString(args[1]).toLowerCase());
      case 'tojson':
        return JSON.stringify(args[0] ?? null, null, 2);
      case 'fromjson':
        return JSON.parse(asString(args[0])) as Value;
      case 'hashfiles':
        return hashFiles(this.ctx.workspace, args.map(asString));
      default:
        throw new Error(`unknown function ${name}()`);
    }
  }
}

export function evaluate(expr: string, ctx: ExprContext): Value {
  return new Parser(tokenize(expr), ctx, expr).parse();
}

/** Replaces every `${{ expr }}` in a string with its value as text. */
export function substitute(text: string, ctx: ExprContext): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = text.indexOf('${{', i);
    if (start === -1) return out + text.slice(i);
    // The closing braces are the first ones outside a string literal: '}}' may sit in one.
    let j = start + 3;
    let inString = false;
    while (j < text.length && (inString || text.slice(j, j + 2) !== '}}')) {
      if (text[j] === "'") inString = !inString;
      j++;
    }
    if (j >= text.length) throw new Error(`unterminated expression: ${text.slice(start)}`);
    out += text.slice(i, start) + asString(evaluate(text.slice(start + 3, j), ctx));
    i = j + 2;
  }
}

/** An `if:` condition: an expression with or without `${{ }}`; none means success(). */
export function condition(cond: string | boolean | undefined, ctx: ExprContext): boolean {
  if (cond === undefined) return !ctx.failed;
  if (typeof cond === 'boolean') return cond;
  const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(cond);
  const expr = m ? m[1] : cond;
  // A condition without a status function runs only after success, as on the runner.
  const withStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expr);
  return (withStatus || !ctx.failed) && truthy(evaluate(expr, ctx));
}

// ---- the runner's files ------------------------------------------------------------------

/** Parses a GITHUB_OUTPUT / GITHUB_ENV file: `name=value` lines and `name<<DELIM` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    const eq = line.indexOf('=');
    if (heredoc && (eq === -1 || eq > line.indexOf('<<'))) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delim) body.push(lines[i++]);
      if (i >= lines.length) throw new Error(`no closing delimiter ${delim} for ${name}`);
      out[name] = body.join('\n');
    } else if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    else throw new Error(`invalid line in a command file: ${line}`);
  }
  return out;
}

// ---- the run -----------------------------------------------------------------------------

export async function runActionYml(opts: RunnerOptions): Promise<RunnerResult> {
  const action = parse(fs.readFileSync(path.join(opts.actionDir, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string; required?: boolean }>;
    outputs?: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  if (action.runs.using !== 'composite') throw new Error(`only composite actions run here, not ${action.runs.using}`);
  const temp = tmpDir('chaingate-runner-');
  const toolCache = path.join(temp, 'tool-cache');
  fs.mkdirSync(toolCache);
  const eventPath = path.join(temp, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(opts.payload, null, 2));
  const envFile = path.join(temp, 'github_env');
  const pathFile = path.join(temp, 'github_path');
  fs.writeFileSync(envFile, '');
  fs.writeFileSync(pathFile, '');

  const github: Record<string, Value> = {
    event_name: opts.eventName,
    event: opts.payload as Value,
    workspace: opts.workspace,
    action_path: opts.actionDir,
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    run_id: '1',
    run_attempt: '1',
    ...opts.github,
  };
  const runner: Record<string, Value> = { os: 'Linux', arch: 'X64', name: 'harness', temp, tool_cache: toolCache, environment: 'github-hosted' };
  const jobEnv: Record<string, string> = { ...(opts.env ?? {}) };
  const ctx: ExprContext = { contexts: { github, runner, env: jobEnv, steps: {}, inputs: {} }, failed: false, workspace: opts.workspace };

  // Inputs: what the workflow's `with:` gave, else the default (expressions allowed there).
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const given = Object.keys(opts.inputs).find((k) => k.toLowerCase() === name.toLowerCase());
    inputs[name] = given !== undefined ? opts.inputs[given] : spec.default !== undefined ? substitute(String(spec.default), ctx) : '';
  }
  for (const k of Object.keys(opts.inputs)) if (!(k in inputs)) throw new Error(`input ${k} is not declared in action.yml`);
  ctx.contexts.inputs = inputs;

  const runnerEnv: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_ACTION_PATH: opts.actionDir,
    GITHUB_ENV: envFile,
    GITHUB_PATH: pathFile,
    GITHUB_REPOSITORY: asString(github.repository),
    GITHUB_SHA: asString(github.sha),
    GITHUB_REF: asString(github.ref),
    GITHUB_SERVER_URL: asString(github.server_url),
    GITHUB_API_URL: asString(github.api_url),
    GITHUB_RUN_ID: asString(github.run_id),
    GITHUB_RUN_ATTEMPT: asString(github.run_attempt),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache,
  };
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'CHAINGATE_TOOLS_DIR']) if (process.env[k] !== undefined) base[k] = process.env[k]!;

  const reports: StepReport[] = [];
  const log: string[] = [];
  let stdout = '';
  let stderr = '';
  let summary = '';
  let exitCode = 0;
  const extraPath: string[] = [];

  for (const [n, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${n + 1}`;
    const report: StepReport = { name, id: step.id, outcome: 'skipped', outputs: {} };
    reports.push(report);
    if (step.id) (ctx.contexts.steps as Record<string, Value>)[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
    if (!condition(step.if, ctx)) {
      report.skipped = `if: ${String(step.if ?? 'success()')} is false`;
      log.push(`skipped "${name}": ${report.skipped}`);
      continue;
    }
    if (step.uses) {
      report.with = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]));
      report.skipped = `uses: ${step.uses} is not run by this harness`;
      log.push(`skipped "${name}": ${report.skipped}`);
      continue;
    }
    if (step.run === undefined) throw new Error(`step "${name}" has neither run nor uses`);
    if (step.shell !== 'bash') throw new Error(`step "${name}": only shell: bash runs here, not ${step.shell}`);
    const outputFile = path.join(temp, `output-${n}`);
    const summaryFile = path.join(temp, `summary-${n}`);
    fs.writeFileSync(outputFile, '');
    fs.writeFileSync(summaryFile, '');
    const script = path.join(temp, `step-${n}.sh`);
    const githubEnv = parseCommandFile(fs.readFileSync(envFile, 'utf8'));
    ctx.contexts.env = { ...jobEnv, ...githubEnv };
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), ctx)]));
    // The step's own env is in the env context of its run script, as on the runner.
    ctx.contexts.env = { ...jobEnv, ...githubEnv, ...stepEnv };
    fs.writeFileSync(script, substitute(step.run, ctx));
    const env: NodeJS.ProcessEnv = {
      ...base,
      ...runnerEnv,
      ...jobEnv,
      ...githubEnv,
      ...stepEnv,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
    };
    if (extraPath.length) env.PATH = [...extraPath, env.PATH].join(path.delimiter);
    const cwd = step['working-directory'] ? path.resolve(opts.workspace, substitute(step['working-directory'], ctx)) : opts.workspace;
    // The runner's command line for shell: bash.
    const r = await runTool('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, timeoutMs: opts.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 });
    stdout += r.stdout;
    stderr += r.stderr;
    summary += fs.readFileSync(summaryFile, 'utf8');
    extraPath.unshift(...fs.readFileSync(pathFile, 'utf8').split('\n').filter(Boolean).reverse());
    fs.writeFileSync(pathFile, '');
    report.exitCode = r.exitCode ?? 1;
    report.outputs = parseCommandFile(fs.readFileSync(outputFile, 'utf8'));
    report.outcome = report.exitCode === 0 ? 'success' : 'failure';
    if (step.id) (ctx.contexts.steps as Record<string, Value>)[step.id] = { outputs: report.outputs, outcome: report.outcome, conclusion: report.outcome };
    if (report.outcome === 'failure' && !step['continue-on-error']) {
      ctx.failed = true;
      if (exitCode === 0) exitCode = report.exitCode;
    }
  }
  ctx.contexts.env = { ...jobEnv, ...parseCommandFile(fs.readFileSync(envFile, 'utf8')) };
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, v]) => [k, substitute(v.value, ctx)]));
  return { steps: reports, outputs, stdout, stderr, summary, exitCode, log };
}
