#!/usr/bin/env node
// Monorepo sharding (issue 19), through the bundled CLI:
//  1. a synthetic monorepo of 30 projects (npm, pnpm, yarn 1 and berry, Python and Go lockfiles
//     taken from examples/ and __tests__/lockfiles/fixtures, some vulnerable), scanned offline
//     with the audit (OSV advisories of ../shared/fixtures): one full run, against the 3 shards
//     of `chaingate plan --shards 3` (10 projects each) run at once (as 3 runners would), plus
//     the merge with --expect-shards: printed side by side;
//  2. the merge alone of 3 shard results holding 100,000 findings in all (goal: under 2 s),
//     run `--runs N` times (default 1), each with its wall time, CPU time (user + sys) and
//     peak RSS: on a shared machine the wall time follows the load, the CPU time much less.
//   npm run build && node bench/monorepo.mjs [--merge-only] [--runs N]
// --merge-only leaves out part 1.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const OSV_DB = path.resolve(REPO, '..', 'shared', 'fixtures', 'osv-advisories');
const WORK = path.join(REPO, 'bench', '.work', 'monorepo');
const SHA = 'c0ffee0000000000000000000000000000000002';
const MERGE_ONLY = process.argv.includes('--merge-only');
const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Math.max(1, Number(process.argv[runsAt + 1]) || 1) : 1;
// GNU time gives a child's CPU time and peak RSS; without it, wall time only.
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const ex = (...p) => fs.readFileSync(path.join(REPO, 'examples', ...p), 'utf8');
const lock = (...p) => fs.readFileSync(path.join(REPO, '__tests__', 'lockfiles', 'fixtures', ...p), 'utf8');

function write(root, files) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
}

const env = (root) => ({ ...process.env, GITHUB_WORKSPACE: root, GITHUB_SHA: SHA });
const MARK = 'chaingate-bench-time:';
function run(root, args, timed = false) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const argv = [process.execPath, CLI, ...args];
    if (timed && TIME) argv.unshift(TIME, '-f', `${MARK}%U %S %M`);
    const p = spawn(argv[0], argv.slice(1), { cwd: root, env: env(root), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const at = err.lastIndexOf(MARK);
      if (at < 0) return resolve({ code, ms, err });
      const [user, sys, kb] = err.slice(at + MARK.length).trim().split(' ').map(Number);
      resolve({ code, ms, err: err.slice(0, at), cpuMs: (user + sys) * 1000, rssMb: kb / 1024 });
    });
  });
}

async function pool(items, limit, fn) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

fs.rmSync(WORK, { recursive: true, force: true });

if (!MERGE_ONLY) {
  // 1. 30 projects.
  const root = path.join(WORK, 'repo');
  const files = { '.chaingate.yml': 'version: 1\nscanners: [audit]\n' };
  const kinds = [
    ['package.json', ex('vulnerable', 'package.json'), 'package-lock.json', ex('vulnerable', 'package-lock.json')],
    ['package.json', ex('clean', 'package.json'), 'package-lock.json', ex('clean', 'package-lock.json')],
    ['requirements.txt', ex('vulnerable', 'requirements.txt')],
    ['requirements.txt', ex('clean', 'requirements.txt')],
    ['go.mod', 'module example.com/m\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.7\n'],
    ['package.json', lock('pnpm9', 'package.json'), 'pnpm-lock.yaml', lock('pnpm9', 'pnpm-lock.yaml')],
    ['package.json', lock('yarn1', 'package.json'), 'yarn.lock', lock('yarn1', 'yarn.lock')],
    ['package.json', lock('berry', 'package.json'), 'yarn.lock', lock('berry', 'yarn.lock')],
  ];
  for (let i = 0; i < 30; i++) {
    const k = kinds[i % kinds.length];
    for (let j = 0; j < k.length; j += 2) files[`services/p${String(i).padStart(2, '0')}/${k[j]}`] = k[j + 1];
  }
  write(root, files);
  const planText = spawnSync(process.execPath, [CLI, 'plan', root, '--shards', '3'], { env: env(root), encoding: 'utf8' }).stdout;
  const plan = JSON.parse(planText);
  fs.writeFileSync(path.join(WORK, 'plan.json'), planText);
  const full = await run(root, ['scan', '.', '--offline', '--osv-db', OSV_DB, '--mode', 'warn', '--output-dir', path.join(WORK, 'full')]);
  const wallStart = process.hrtime.bigint();
  const shards = await pool(plan.include, 3, (e) => run(root, ['scan', ...e.args, '--offline', '--osv-db', OSV_DB]));
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e6;
  const merge = await run(root, ['scan', '.', '--scanners', 'none', '--report', 'chaingate=chaingate-shards/*/chaingate-result.json', '--expect-shards', path.join(WORK, 'plan.json'), '--mode', 'warn', '--output-dir', path.join(WORK, 'merged')]);
  const bad = [full, ...shards, merge].find((r) => r.code !== 0);
  if (bad) throw new Error(`a run failed (exit ${bad.code}): ${bad.err.slice(0, 2000)}`);
  const sumShards = shards.reduce((n, r) => n + r.ms, 0);
  const read = (d) => JSON.parse(fs.readFileSync(path.join(WORK, d, 'chaingate-result.json'), 'utf8'));
  const same = JSON.stringify(read('full').findings.map((f) => f.fingerprint).sort()) === JSON.stringify(read('merged').findings.map((f) => f.fingerprint).sort());
  const slowest = shards.reduce((m, r) => Math.max(m, r.ms), 0);
  const merged1 = read('merged');
  if (merged1.scanners.some((s) => s.status === 'failed')) throw new Error(`the merge names a shard problem: ${merged1.reasons.join('; ')}`);
  console.log(`30 projects, ${plan.include.length} shards of ${plan.include.map((e) => e.projects.length).join(', ')} projects, run at once on this machine:`);
  console.log(`  full run                           ${(full.ms / 1000).toFixed(2)} s`);
  console.log(`  sharded: slowest shard + merge     ${((slowest + merge.ms) / 1000).toFixed(2)} s (slowest ${(slowest / 1000).toFixed(2)} s, merge ${(merge.ms / 1000).toFixed(2)} s; ${(wall / 1000).toFixed(2)} s wall for the 3 on this 2-core machine, ${(sumShards / 1000).toFixed(2)} s in all)`);
  console.log(`  same findings by fingerprint       ${same}; verdict ${read('full').verdict} / ${merged1.verdict}`);
}

// 2. Merge of 3 shards, 100,000 findings in all. The findings are made from the real result of
// examples/vulnerable (one shard = one project), renamed so none are equal.
const real = JSON.parse(fs.readFileSync(path.join(REPO, '__tests__', 'goldens', 'parsers', 'chaingate', 'vulnerable.chaingate-result.json'), 'utf8'));
const big = path.join(WORK, 'big');
const TOTAL = 100_000;
for (let s = 0; s < 3; s++) {
  const n = Math.floor(TOTAL / 3) + (s < TOTAL % 3 ? 1 : 0);
  const findings = Array.from({ length: n }, (_, i) => {
    const f = real.findings[i % real.findings.length];
    return { ...f, id: `${f.id}-${s}-${i}`, aliases: [], location: f.location && { ...f.location, path: `src/f${i % 5000}/${f.location.path}` } };
  });
  write(big, { [`shards/s${s}/chaingate-result.json`]: JSON.stringify({ ...real, commit: SHA, project: `services/s${s}`, findings }) });
}
const times = [];
for (let r = 0; r < RUNS; r++) {
  const merged = await run(big, ['scan', '.', '--scanners', 'none', '--report', 'chaingate=shards/*/chaingate-result.json', '--mode', 'warn', '--output-dir', path.join(WORK, 'big-out')], true);
  if (merged.code !== 0) throw new Error(`the merge failed (exit ${merged.code}): ${merged.err.slice(0, 2000)}`);
  const total = JSON.parse(fs.readFileSync(path.join(WORK, 'big-out', 'chaingate-result.json'), 'utf8')).findings.length;
  const cpu = merged.cpuMs === undefined ? '' : `, CPU ${(merged.cpuMs / 1000).toFixed(2)} s, peak RSS ${Math.round(merged.rssMb)} MB`;
  console.log(`merge of 3 shards, ${total} findings: ${(merged.ms / 1000).toFixed(2)} s wall${cpu} (goal < 2 s, whole CLI process)`);
  times.push(merged);
}
if (RUNS > 1) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const cpu = TIME ? `, CPU median ${(median(times.map((t) => t.cpuMs)) / 1000).toFixed(2)} s` : '';
  console.log(`  ${RUNS} runs: wall median ${(median(times.map((t) => t.ms)) / 1000).toFixed(2)} s, best ${(Math.min(...times.map((t) => t.ms)) / 1000).toFixed(2)} s${cpu}`);
}
