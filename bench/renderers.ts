// Timing of the three renderers on 100,000 findings; not a test (no timing assertions on a shared
// machine). Run:
//   npx esbuild bench/renderers.ts --bundle --platform=node --outfile=/tmp/bench-renderers.js && node /tmp/bench-renderers.js [N]
import { gateResult, many } from '../__tests__/reports/build';
import { renderResultJson } from '../src/reports/result-json';
import { renderSarifJson } from '../src/reports/sarif';
import { renderSummary } from '../src/reports/summary';

const n = Number(process.argv[2] ?? 100_000);
const findings = many(n);
// The engine's order: mergeFindings returns findings sorted by fingerprint.
findings.sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
const result = gateResult({ findings });

function best(label: string, fn: () => string): number {
  let wall = Infinity;
  let cpu = Infinity;
  let size = 0;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    size = Buffer.byteLength(fn());
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  console.log(`${label.padEnd(28)} best of 5: ${wall.toFixed(0).padStart(5)} ms wall, ${cpu.toFixed(0).padStart(5)} ms cpu, ${(size / 1e6).toFixed(1)} MB`);
  return cpu;
}

const floor = best('floor: stringify findings', () => JSON.stringify(result.findings, null, 2));
const total =
  best('chaingate-result.json', () => renderResultJson(result)) +
  best('chaingate.sarif', () => renderSarifJson(result, { toolVersion: '0.0.0' })) +
  best('summary.md', () => renderSummary(result, { resultFile: 'chaingate-result.json', sarifFile: 'chaingate.sarif' }));
console.log(`${n} findings: all three reports ${total.toFixed(0)} ms cpu (serializing the findings alone: ${floor.toFixed(0)} ms)`);
