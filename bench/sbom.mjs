#!/usr/bin/env node
// SBOM benchmark: `chaingate sbom` vs `cyclonedx-npm --package-lock-only` vs `trivy fs --format
// cyclonedx`, on the real 1,800-entry lockfile, side by side in one run. Wall time (median of
// RUNS) and peak RSS (GNU time's maximum resident set size of the largest process; cyclonedx-npm
// runs `npm ls` as a child, so its figure is the larger of the two, not their sum).
// `node -e 0` is measured too: Node's own start-up, the floor under any Node CLI; and
// bench/sbom-floor.mjs, the same lockfile written as CycloneDX-shaped JSON without the library.
//   node bench/sbom.mjs [RUNS] [OTHER_CLI.js...]        (RUNS default 5)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(REPO, 'bench', '.work');
const RUNS = Number(process.argv[2] ?? 5);
const FIXTURE = path.join(REPO, '__tests__', 'lockfiles', 'fixtures', 'npm-large');
const TOOLS = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');

fs.mkdirSync(WORK, { recursive: true });
const project = path.join(WORK, 'npm-large');
fs.rmSync(project, { recursive: true, force: true });
fs.mkdirSync(project);
for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(FIXTURE, f), path.join(project, f));

/** The CLIs to measure: dist/cli.js as built, and any other build given on the command line
 * (e.g. a previous commit's dist/cli.js, to compare before and after side by side). */
function chaingateClis() {
  const out = [{ argv: [process.execPath, path.join(REPO, 'dist', 'cli.js'), 'sbom'], label: 'dist/cli.js' }];
  for (const other of process.argv.slice(3)) out.push({ argv: [process.execPath, path.resolve(other), 'sbom'], label: path.relative(REPO, path.resolve(other)) });
  return out;
}

function timed(argv, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const lines = r.stderr.trim().split('\n');
  const [wall, rssKb, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${lines.slice(-5).join('\n')}`);
  return { wall, rssMb: rssKb / 1024, cpu: user + sys };
}

function purls(file) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const s = new Set();
  const walk = (l) => {
    for (const c of l ?? []) {
      if (c.purl) s.add(c.purl.replace(/\?.*$/, ''));
      walk(c.components);
    }
  };
  walk(doc.components);
  return s;
}

const clis = chaingateClis();
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', npm_config_offline: 'true' };
const contenders = [
  { name: 'node -e 0 (Node start-up floor)', argv: () => [process.execPath, '-e', '0'] },
  ...clis.map((cli, i) => ({ name: `chaingate sbom (${cli.label})`, out: path.join(WORK, `chaingate-${i}.cdx.json`), argv: (o) => [...cli.argv, project, '--output', o] })),
  {
    // Sizes the CycloneDX library's share: the same lockfile to CycloneDX-shaped JSON by hand.
    name: 'floor: plain Node, no CycloneDX library (bench/sbom-floor.mjs)',
    out: path.join(WORK, 'floor.cdx.json'),
    argv: (o) => [process.execPath, path.join(REPO, 'bench', 'sbom-floor.mjs'), project, o],
  },
  {
    name: 'cyclonedx-npm --package-lock-only',
    out: path.join(WORK, 'cyclonedx-npm.cdx.json'),
    argv: (o) => [process.execPath, path.join(REPO, 'node_modules', '@cyclonedx', 'cyclonedx-npm', 'bin', 'cyclonedx-npm-cli.js'), '--package-lock-only', '--ignore-npm-errors', '--output-file', o],
  },
  {
    name: 'trivy fs --format cyclonedx',
    out: path.join(WORK, 'trivy.cdx.json'),
    bin: path.join(TOOLS, 'trivy'),
    argv: (o) => [path.join(TOOLS, 'trivy'), 'fs', '--format', 'cyclonedx', '--output', o, '--cache-dir', path.join(WORK, 'trivy-cache'), '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--skip-version-check', '--disable-telemetry', '--no-progress', '--quiet', '--include-dev-deps', project],
  },
];

const results = [];
for (const c of contenders) {
  if (c.bin && !fs.existsSync(c.bin)) {
    results.push({ name: c.name, missing: `not installed at ${c.bin}` });
    continue;
  }
  results.push({ name: c.name, c, walls: [], cpus: [], rss: 0 });
}
// Interleaved runs, so load from other processes on the machine hits every contender alike.
for (let i = 0; i < RUNS; i++) {
  for (const r of results) {
    if (r.missing) continue;
    const t = timed(r.c.argv(r.c.out), { cwd: project, env });
    r.walls.push(t.wall);
    r.cpus.push(t.cpu);
    r.rss = Math.max(r.rss, t.rssMb);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = results.find((r) => r.name.startsWith('cyclonedx-npm'));
const ref = purls(base.c.out);
const rows = [['tool', 'median wall s', 'min wall s', 'median CPU s', 'peak RSS MB', 'components', 'same set as cyclonedx-npm']];
for (const r of results) {
  if (r.missing) {
    rows.push([r.name, '-', '-', '-', '-', '-', r.missing]);
    continue;
  }
  if (!r.c.out) {
    rows.push([r.name, median(r.walls).toFixed(2), Math.min(...r.walls).toFixed(2), median(r.cpus).toFixed(2), r.rss.toFixed(0), '-', '-']);
    continue;
  }
  const set = purls(r.c.out);
  const missing = [...ref].filter((x) => !set.has(x)).length;
  const extra = [...set].filter((x) => !ref.has(x)).length;
  rows.push([r.name, median(r.walls).toFixed(2), Math.min(...r.walls).toFixed(2), median(r.cpus).toFixed(2), r.rss.toFixed(0), String(set.size), missing || extra ? `no (${missing} missing, ${extra} extra)` : 'yes']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join('  '));
console.log(`\n${RUNS} runs each, interleaved; lockfile: ${Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8')).packages).length - 1} entries`);
const trivy = results.find((r) => r.name.startsWith('trivy'));
for (const ours of results.filter((r) => r.name.startsWith('chaingate'))) {
  console.log(`${ours.name} vs cyclonedx-npm: ${(median(base.walls) / median(ours.walls)).toFixed(1)}x faster, ${((100 * ours.rss) / base.rss).toFixed(0)}% of its memory`);
  if (!trivy.missing) console.log(`${ours.name} vs trivy: ${(median(trivy.walls) / median(ours.walls)).toFixed(2)}x as fast, ${((100 * ours.rss) / trivy.rss).toFixed(0)}% of its memory`);
}
