import type { Finding } from '../core/finding';

/**
 * A parser turns one tool's raw output (the file's text) into findings. Pure: it never reads
 * files. It throws `FormatError` (from ./util) when the text is not the format it expects, so
 * that a truncated or wrong-format report is never read as "no findings".
 */
export type Parser = (text: string) => Finding[];

export const REPORT_TOOLS = [
  'trivy',
  'semgrep',
  'npm-audit',
  'yarn-audit',
  'pnpm-audit',
  'pip-audit',
  'osv-scanner',
  'grype',
  'sarif',
  'chaingate',
] as const;
export type ReportTool = (typeof REPORT_TOOLS)[number];
