// Typed errors: a user's mistake (configuration or a report we cannot read) carries a clear,
// complete message and is shown as is; anything else is a bug and is reported as one.

export type ErrorCode =
  | 'CONFIG_INVALID' // policy / exceptions / VEX file wrong: exit 2
  | 'USAGE' // CLI usage wrong: exit 2
  | 'REPORT_INVALID' // a tool report is missing, truncated or of the wrong format: exit 3
  | 'LOCKFILE_INVALID' // a lockfile we cannot read: exit 2
  | 'TOOL_FAILED' // a scanner binary crashed, timed out or printed garbage
  | 'SIGN_FAILED'
  | 'VERIFY_FAILED';

export class ChaingateError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ChaingateError';
  }
}

/** Formats `file:line:col: message` the way compilers do, so editors and CI link to it. */
export function where(file?: string, line?: number, column?: number): string {
  if (!file) return '';
  if (line === undefined) return `${file}: `;
  return column === undefined ? `${file}:${line}: ` : `${file}:${line}:${column}: `;
}

export class ConfigError extends ChaingateError {
  constructor(message: string, file?: string, line?: number, column?: number, code: ErrorCode = 'CONFIG_INVALID') {
    super(code, `${where(file, line, column)}${message}`, file, line, column);
    this.name = 'ConfigError';
  }
}

export class UsageError extends ChaingateError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

export class ReportError extends ChaingateError {
  constructor(message: string, file?: string, line?: number) {
    super('REPORT_INVALID', `${where(file, line)}${message}`, file, line);
    this.name = 'ReportError';
  }
}

export class LockfileError extends ChaingateError {
  constructor(message: string, file?: string, line?: number, column?: number) {
    super('LOCKFILE_INVALID', `${where(file, line, column)}${message}`, file, line, column);
    this.name = 'LockfileError';
  }
}

export class ToolError extends ChaingateError {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super('TOOL_FAILED', message);
    this.name = 'ToolError';
  }
}

export function isUserError(e: unknown): e is ChaingateError {
  return e instanceof ChaingateError;
}

/**
 * What is printed for an error that is a bug: its type and where it was thrown, not its message,
 * which can hold text of the file being read (a YAML alias name, a JSON snippet) and so a secret.
 */
export function describeInternalError(e: unknown): string {
  if (!(e instanceof Error)) return `a thrown ${e === null ? 'null' : typeof e}`;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [e.name, ...frames].join('\n');
}
