// Which parser reads which `--report TOOL=PATH`. Pure.
import type { Finding } from '../core/finding';
import { parseGrype } from './grype';
import { parseNpmAudit } from './npm-audit';
import { parseOsvScanner } from './osv-scanner';
import { parsePipAudit } from './pip-audit';
import { parsePnpmAudit } from './pnpm-audit';
import { isSarif, parseSarif } from './sarif';
import { parseSemgrep } from './semgrep';
import { parseTrivy } from './trivy';
import type { Parser, ReportTool } from './types';
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
};

/** Trivy and Semgrep also write SARIF; a report in that format goes to the SARIF parser. */
function looksLikeSarif(text: string): boolean {
  const head = text.slice(0, 4096);
  if (!/"runs"\s*:/.test(head) && !/sarif/i.test(head)) return false;
  try {
    return isSarif(JSON.parse(text));
  } catch {
    return false;
  }
}

export function parseReport(tool: ReportTool, text: string): Finding[] {
  if ((tool === 'trivy' || tool === 'semgrep') && looksLikeSarif(text)) return parseSarif(text);
  return PARSERS[tool](text);
}
