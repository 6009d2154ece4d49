// The raw reports a scanner leaves in the output folder are kept for people reading them, and
// they travel with it (build artifacts): the code they quote is taken out first (see
// reports/redact-raw.ts). A raw report that cannot be read back to be redacted is removed
// rather than kept as it is.
import * as fs from 'node:fs';
import { decodeText } from '../parsers/util';

export function redactRawReport(file: string, bytes: Buffer | string, markers: string[], redact: (report: unknown) => number): void {
  if (!markers.some((m) => bytes.includes(m))) return;
  try {
    const data: unknown = JSON.parse(typeof bytes === 'string' ? bytes : decodeText(bytes));
    if (redact(data) > 0) fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  } catch {
    fs.rmSync(file, { force: true });
  }
}
