// Which parser reads which `--report TOOL=PATH`. Pure.
import type { Finding } from '../core/finding';
import { parseChaingate } from './chaingate';
import { parseGrype } from './grype';
import { parseNpmAudit } from './npm-audit';
import { parseOsvScanner } from './osv-scanner';
import { parsePipAudit } from './pip-audit';
import { parsePnpmAudit } from './pnpm-audit';
import { isSarif, parseSarif } from './sarif';
import { parseSemgrep } from './semgrep';
import { parseTrivy } from './trivy';
import type { Parser, ReportTool } from './types';
import { decodeText } from './util';
import { parseYarnAudit } from './yarn-audit';

export const PARSERS: Record<ReportTool, Parser> = {
  trivy: parseTrivy,
  semgrep: parseSemgrep,
  'npm-audit': parseNpmAudit,
  'yarn-audit': parseYarnAudit,
  'pnpm-audit': parsePnpmAudit,
  'pip-audit': parsePipAudit,
  'osv-scanner': parseOsvScanner,
  grype: parseGrype,
  sarif: parseSarif,
  chaingate: parseChaingate,
};

/** Trivy and Semgrep also write SARIF; a report in that format goes to the SARIF parser. */
function looksLikeSarif(head: string, text: () => string): boolean {
  if (!/"runs"\s*:/.test(head) && !/sarif/i.test(head)) return false;
  try {
    return isSarif(JSON.parse(text()));
  } catch {
    return false;
  }
}

/**
 * The findings of a report, given as its text or as the file's bytes. The bytes of a Trivy
 * report go to its parser as they are (it decodes a large one a batch at a time); any other
 * report is decoded first.
 */
export function parseReport(tool: ReportTool, report: string | Buffer): Finding[] {
  let text = typeof report === 'string' ? report : undefined;
  const whole = (): string => (text ??= decodeText(report as Buffer));
  if (tool === 'trivy' || tool === 'semgrep') {
    const head = typeof report === 'string' ? report.slice(0, 4096) : report.toString('latin1', 0, 4096);
    if (looksLikeSarif(head, whole)) return parseSarif(whole());
  }
  return tool === 'trivy' ? parseTrivy(text ?? report) : PARSERS[tool](whole());
}
