// `pnpm audit --json`: the npm 6 shape (`advisories` map with installed versions and paths). Pure.
import { advisoriesOf, NpmAdvisoriesReportSchema, npmAdvisoryFindings, throwIfAuditError } from './npm-advisory';
import { validateReport } from './report-fields';
import type { Parser } from './types';
import { parseJson } from './util';

const WHAT = 'pnpm audit --json report';

export const parsePnpmAudit: Parser = (text) => {
  const data = parseJson(text, WHAT);
  throwIfAuditError(data, WHAT);
  const report = validateReport(NpmAdvisoriesReportSchema, data, WHAT, 'npm 6 / pnpm / yarn 2-3 audit output');
  return npmAdvisoryFindings('pnpm-audit', advisoriesOf(report, WHAT));
};
