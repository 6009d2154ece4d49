#!/usr/bin/env node
// Scan benchmark (issue "Run the real tools"): on examples/vulnerable, the whole gate against
// the same tools run one after another, in one run. Goals: gate wall time <= 1.2 x the slowest
// single tool alone, and chaingate's own time outside the tools <= 300 ms.
//
//   npm run build && node bench/scan.mjs [--runs 3]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const tools = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
const work = path.join(repo, 'bench', '.work', 'scan');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const project = path.join(repo, 'examples', 'vulnerable');
const cache = path.join(work, 'trivy-cache');
const osv = path.join(work, 'osv');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}
// Offline data: the fixture Trivy DB and the OSV folder from the committed advisories.
sh('go', ['build', '-o', path.join(work, 'trivy-db-fixture'), '.'], { cwd: path.join(repo, 'tools', 'trivy-db-fixture') });
sh(path.join(work, 'trivy-db-fixture'), ['-input', path.join(repo, '__tests__', 'trivy-db', 'advisories.json'), '-cache-dir', cache]);
sh(process.execPath, [path.join(repo, 'scripts', 'osv-from-advisories.mjs'), osv]);

function timed(cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const r = sh(cmd, args, opts);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: r.status, stdout: r.stdout, stderr: r.stderr };
}
function best(fn) {
  let b;
  for (let i = 0; i < RUNS; i++) {
    const m = fn();
    if (!b || m.ms < b.ms) b = m;
  }
  return b;
}

const trivyOffline = ['--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--offline-scan', '--skip-version-check', '--disable-telemetry', '--cache-dir', cache];
const semgrep = best(() =>
  timed(path.join(tools, 'semgrep'), ['scan', '--json', '--metrics=off', '--disable-version-check', '--quiet', '--config', path.join(repo, 'rules'), '--output', path.join(work, 'semgrep.json'), project]),
);
const trivy = best(() =>
  timed(path.join(tools, 'trivy'), ['fs', '--format', 'json', '--output', path.join(work, 'trivy.json'), '--scanners', 'vuln,secret,misconfig', ...trivyOffline, project]),
);

let lastResult;
const gate = best(() => {
  const out = path.join(work, 'out');
  const m = timed(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'scan', project, '--offline', '--osv-db', osv, '--output-dir', out], {
    env: { ...process.env, CHAINGATE_TRIVY_CACHE_DIR: cache },
  });
  lastResult = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  m.scanners = lastResult.scanners;
  return m;
});

const slowest = Math.max(semgrep.ms, trivy.ms);
const sequential = semgrep.ms + trivy.ms;
const longestScanner = Math.max(...gate.scanners.map((s) => s.durationMs));
const own = gate.ms - longestScanner;
console.log(`\nscan benchmark on examples/vulnerable, best of ${RUNS}, ${os.cpus().length} cores (exit codes: semgrep ${semgrep.status}, trivy ${trivy.status}, chaingate ${gate.status})\n`);
console.log('| run | wall (ms) |');
console.log('|---|---|');
console.log(`| semgrep alone (chaingate rules) | ${semgrep.ms.toFixed(0)} |`);
console.log(`| trivy fs alone (vuln, secret, misconfig) | ${trivy.ms.toFixed(0)} |`);
console.log(`| the tools one after another | ${sequential.toFixed(0)} |`);
console.log(`| chaingate scan (semgrep + trivy-fs + audit, concurrent, policy, reports) | ${gate.ms.toFixed(0)} |`);
for (const s of gate.scanners) console.log(`|   inside: ${s.name} (${s.status}, ${s.findings} findings) | ${s.durationMs} |`);
console.log(`\ngate / slowest tool: ${(gate.ms / slowest).toFixed(2)} (goal <= 1.20): ${gate.ms <= 1.2 * slowest ? 'MET' : 'NOT MET'}`);
console.log(`chaingate's own time outside the tools (gate wall - longest scanner): ${own.toFixed(0)} ms (goal <= 300): ${own <= 300 ? 'MET' : 'NOT MET'}`);
console.log(`verdict: ${lastResult.verdict}, ${lastResult.summary.total} findings, ${lastResult.summary.blocking} blocking`);
