#!/usr/bin/env node
// History benchmark (issue 20: a history of 5,000 finding keys and 500 runs updates in < 100 ms
// and stays < 1 MB). Builds the history by recording 500 runs, one every 6 hours, of 5,000
// findings (vulnerabilities, code and secret findings) with some churn, through the real code
// (src/core/history.ts and the shell's atomic writer, bundled on the fly with esbuild). Then
// times one more run's whole update as `scan --history` does it: read the file, validate it,
// key and label the findings, record the run, write the file atomically.
//
//   node bench/history.mjs [--keys 5000] [--runs 500] [--reps 20]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const KEYS = arg('keys', 5000);
const RUNS = arg('runs', 500);
const REPS = arg('reps', 20);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-bench-history-'));
const entry = path.join(work, 'entry.ts');
fs.writeFileSync(
  entry,
  [
    `export * from ${JSON.stringify(path.join(repo, 'src/core/history.ts'))};`,
    `export { readHistoryFile, writeHistoryFile } from ${JSON.stringify(path.join(repo, 'src/gate/history-file.ts'))};`,
  ].join('\n'),
);
const bundle = path.join(work, 'history.cjs');
await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'error' });
const h = (await import(pathToFileURL(bundle).href)).default;

const SEV = ['critical', 'high', 'medium', 'low'];
/** Finding `i` as the history sees it; `version` churns a vulnerable package's version. */
function finding(i, version) {
  const severity = SEV[i % 4];
  if (i % 10 < 6) {
    return { kind: 'vulnerability', severity, id: `GHSA-${(i * 7919).toString(36).padStart(4, '0')}-abcd-efgh`, aliases: [`CVE-2024-${10000 + i}`], package: { ecosystem: 'npm', name: `package-${i % 1500}`, version: `1.${version}.0`, fixedVersions: ['9.0.0'] }, location: { path: 'package-lock.json' } };
  }
  const kind = i % 10 < 9 ? 'code' : 'secret';
  return { kind, severity, id: kind === 'code' ? `javascript.lang.security.rule-${i % 40}` : 'generic-api-key', aliases: [], location: { path: `src/module-${i % 700}/file-${i}.js`, startLine: (i * 13) % 400 } };
}
function runFindings(list) {
  const keys = h.historyKeys(list);
  return list.map((f, i) => ({ key: keys[i], severity: f.severity, kind: f.kind, label: h.findingLabel(f), fingerprint: `fp${i}` }));
}

const file = path.join(work, 'history.json');
const start = Date.parse('2025-06-02T00:00:00Z');
let history = h.emptyHistory();
let built = performance.now();
for (let r = 0; r < RUNS; r++) {
  // Churn: each run, a window of 100 findings is absent (fixed) and comes back later.
  const list = [];
  for (let i = 0; i < KEYS; i++) if (Math.floor(i / 100) !== r % (KEYS / 100)) list.push(finding(i, r % 3));
  history = h.updateHistory(history, { now: new Date(start + r * 6 * 3600_000), commit: 'a'.repeat(40), findings: runFindings(list), exceptions: r % 7, complete: true }).history;
}
h.writeHistoryFile(file, history);
built = performance.now() - built;

const next = [];
for (let i = 0; i < KEYS; i++) next.push(finding(i, 1));
const times = [];
const cpu = [];
for (let rep = 0; rep < REPS; rep++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const prev = h.readHistoryFile(file);
  const change = h.updateHistory(prev, { now: new Date(start + (RUNS + rep) * 6 * 3600_000), commit: 'b'.repeat(40), findings: runFindings(next), exceptions: 3, complete: true });
  h.writeHistoryFile(file, change.history);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const size = fs.statSync(file).size;
const final = h.readHistoryFile(file);
console.log(`history: ${Object.keys(final.findings).length} finding keys, ${RUNS + REPS} runs recorded (${final.runs.length} kept as runs, ${final.weeks.length} weekly points)`);
console.log(`  built in ${(built / 1000).toFixed(1)} s`);
console.log(`  one update (read + validate + key ${KEYS} findings + record + atomic write): best ${times[0].toFixed(1)} ms, median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, worst ${times[times.length - 1].toFixed(1)} ms (${REPS} reps; target < 100 ms)`);
console.log(`  CPU time of one update (steadier than wall on a shared machine): best ${cpu[0].toFixed(1)} ms, median ${cpu[Math.floor(cpu.length / 2)].toFixed(1)} ms`);
console.log(`  file size: ${(size / 1024).toFixed(0)} KiB (${size} bytes; target < 1 MB)`);
fs.rmSync(work, { recursive: true, force: true });
if (times[Math.floor(times.length / 2)] >= 100 || size >= 1_000_000) process.exitCode = 1;
