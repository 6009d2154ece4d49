// A report through everything chaingate does with it, in-process and without files: parse, merge,
// evaluate under a policy, render the result JSON, the SARIF log and the summary. A report the
// parser rejects is a failed scanner, as the gate's ingestReport makes it.
import { defaultPolicy } from '../../src/config/load';
import type { Policy } from '../../src/config/schema';
import { mergeFindings, type Finding } from '../../src/core/finding';
import { evaluate } from '../../src/core/policy';
import type { GateResult, ScannerStatus } from '../../src/core/result';
import { parseReport } from '../../src/parsers';
import type { ReportTool } from '../../src/parsers/types';
import { FormatError } from '../../src/parsers/util';
import { renderResultJson } from '../../src/reports/result-json';
import { renderSarifJson } from '../../src/reports/sarif';
import { renderSummary } from '../../src/reports/summary';

export interface Ingested {
  result: GateResult;
  findings: Finding[];
  /** The parser's message when it rejected the report. */
  error?: string;
  rendered: { json: string; sarif: string; summary: string };
}

export function ingest(tool: ReportTool, report: string | Buffer, policy: Policy = defaultPolicy()): Ingested {
  const name = `report:${tool}`;
  let findings: Finding[] = [];
  let status: ScannerStatus;
  let error: string | undefined;
  try {
    findings = parseReport(tool, report);
    status = { name, status: 'ok', durationMs: 0, findings: findings.length };
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    error = e.message;
    status = { name, status: 'failed', durationMs: 0, findings: 0, error: e.message };
  }
  const result = evaluate({
    findings: mergeFindings(findings),
    policy,
    exceptions: [],
    vex: [],
    scanners: [status],
    now: new Date('2026-12-01T00:00:00Z'),
    mode: 'enforce',
    inputs: { vex: [] },
    version: '0.0.0-test',
  });
  const rendered = {
    json: renderResultJson(result),
    sarif: renderSarifJson(result, { toolVersion: '0.0.0-test', root: '/p', completedTools: [tool] }),
    summary: renderSummary(result, { resultFile: 'chaingate-result.json', sarifFile: 'chaingate.sarif' }),
  };
  return { result, findings, error, rendered };
}
