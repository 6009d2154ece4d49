// Raw tool reports kept in the output folder are redacted in place, also after a failed run;
// one that cannot be read back for that is removed, never kept as it is.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REDACTED, redactTrivyReport } from '../../src/reports/redact-raw';
import { redactRawReport } from '../../src/scanners/raw-output';
import { runWithFallback, trivyFsAdapter } from '../../src/scanners/trivy';
import { fixture, readFixture, tmpDir } from '../helpers/paths';

const MARKERS = ['"Lines"', '"Match"'];

describe('redactRawReport', () => {
  it('rewrites a report that quotes code, keeping the rest', () => {
    const file = path.join(tmpDir(), 'trivy-fs.json');
    const text = readFixture('trivy', 'fs-secrets.json');
    fs.writeFileSync(file, text);
    redactRawReport(file, Buffer.from(text), MARKERS, redactTrivyReport);
    const kept = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(JSON.stringify(kept)).toContain(REDACTED);
    expect(kept.Results.length).toBe(JSON.parse(text).Results.length);
  });

  it('leaves a report without quoted code byte for byte', () => {
    const file = path.join(tmpDir(), 'trivy-fs.json');
    const text = readFixture('trivy', 'fs-npm-package-lock.json');
    fs.writeFileSync(file, text);
    redactRawReport(file, text, MARKERS, redactTrivyReport);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    // Markers but nothing to redact: not rewritten either.
    fs.writeFileSync(file, '{"Match": ""}');
    redactRawReport(file, '{"Match": ""}', MARKERS, redactTrivyReport);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"Match": ""}');
  });

  it('removes a report it cannot read back', () => {
    const file = path.join(tmpDir(), 'trivy-fs.json');
    const cut = readFixture('trivy', 'fs-secrets.json').slice(0, 2000);
    fs.writeFileSync(file, cut);
    redactRawReport(file, cut, MARKERS, redactTrivyReport);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('a failed Trivy run', () => {
  it('still leaves its report redacted', async () => {
    const dir = tmpDir();
    const outputFile = path.join(dir, 'trivy-fs.json');
    // Fault injection: a "trivy" that writes a report with secrets and then fails.
    const inv = { command: '/bin/sh', args: ['-c', `cp "${fixture('trivy', 'fs-secrets.json')}" "${outputFile}"; exit 1`], outputFile };
    const ctx = { dir, workDir: dir, toolPath: (t: string) => t, timeoutMs: 60_000, env: {}, log: () => undefined };
    await expect(runWithFallback(ctx, [inv], (i, r, o) => trivyFsAdapter.interpret(i, r, o.toString()))).rejects.toThrow(/exited with code 1/);
    expect(fs.readFileSync(outputFile, 'utf8')).toContain(REDACTED);
  });
});
