#!/usr/bin/env node
// `chaingate sbom` against `trivy fs --format cyclonedx` on every lockfile of the public
// projects in ../shared/fixtures/lockfiles-public (read in place), side by side in one run:
// median wall time, median CPU and peak RSS (GNU time) of RUNS interleaved runs per folder, so
// load from other processes hits both alike. Goal (issue 22): no slower than Trivy on every
// lockfile kind, and less memory. Each folder starts with one untimed run of each.
//   npm run build && node bench/sbom-kinds.mjs [RUNS] [FOLDER...]     (RUNS default 5)
//   CHAINGATE_CLI=<another build's cli.js> node bench/sbom-kinds.mjs ...  (before/after)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PUBLIC = path.resolve(REPO, '..', 'shared', 'fixtures', 'lockfiles-public');
const WORK = path.join(REPO, 'bench', '.work');
const RUNS = Number(process.argv[2] ?? 5);
const TOOLS = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
const TRIVY = path.join(TOOLS, 'trivy');
if (!fs.existsSync(TRIVY)) throw new Error(`trivy is not installed at ${TRIVY}: run scripts/install-tools.sh`);
fs.mkdirSync(WORK, { recursive: true });

const KINDS = [
  ['package-lock.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['poetry.lock', 'poetry'],
  ['requirements.txt', 'requirements'],
  ['go.mod', 'gomod'],
];
function kindOf(dir) {
  if (fs.existsSync(path.join(dir, 'yarn.lock'))) return /^__metadata:/m.test(fs.readFileSync(path.join(dir, 'yarn.lock'), 'utf8')) ? 'yarn-berry' : 'yarn-classic';
  for (const [f, k] of KINDS) if (fs.existsSync(path.join(dir, f))) return k;
  return undefined;
}

function timed(argv) {
  // Wall time from the clock here: GNU time's %e counts hundredths, a tenth of a small run.
  const start = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...argv], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' } });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const lines = r.stderr.trim().split('\n');
  const [rssKb, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  if (r.status !== 0) return { failed: lines.slice(-3).join(' | ') };
  return { wall, rssMb: rssKb / 1024, cpu: user + sys };
}

const folders = process.argv.length > 3 ? process.argv.slice(3) : fs.readdirSync(PUBLIC).filter((d) => fs.statSync(path.join(PUBLIC, d)).isDirectory()).sort();
const contenders = [
  { name: 'chaingate', argv: (dir, out) => [process.execPath, process.env.CHAINGATE_CLI ?? path.join(REPO, 'dist', 'cli.js'), 'sbom', dir, '--output', out] },
  {
    name: 'trivy',
    argv: (dir, out) => [TRIVY, 'fs', '--format', 'cyclonedx', '--output', out, '--cache-dir', path.join(WORK, 'trivy-cache'), '--offline-scan', '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--skip-version-check', '--disable-telemetry', '--no-progress', '--quiet', '--include-dev-deps', dir],
  },
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [['folder', 'kind', 'chaingate wall s', 'trivy wall s', 'ratio (trivy/ours)', 'chaingate CPU s', 'trivy CPU s', 'chaingate RSS MB', 'trivy RSS MB', 'components ours/trivy']];
const components = (file) => (JSON.parse(fs.readFileSync(file, 'utf8')).components ?? []).length;
const byKind = new Map();
for (const f of folders) {
  const dir = path.join(PUBLIC, f);
  const kind = kindOf(dir);
  if (!kind) continue;
  const res = contenders.map(() => ({ walls: [], cpus: [], rss: 0 }));
  let failed;
  // One untimed run of each first: the files in the page cache for both, and chaingate's V8 code
  // cache written (src/cli/code-cache.ts), as on any run after a project's first.
  for (const c of contenders) timed(c.argv(dir, path.join(WORK, `${c.name}-${f}.cdx.json`)));
  for (let i = 0; i < RUNS && !failed; i++) {
    contenders.forEach((c, j) => {
      const t = timed(c.argv(dir, path.join(WORK, `${c.name}-${f}.cdx.json`)));
      if (t.failed) failed = `${c.name}: ${t.failed}`;
      else {
        res[j].walls.push(t.wall);
        res[j].cpus.push(t.cpu);
        res[j].rss = Math.max(res[j].rss, t.rssMb);
      }
    });
  }
  if (failed) {
    // The error's first line names the file and the reason; the rest of the row stays empty.
    rows.push([f, kind, 'failed', '', '', '', '', '', '', '']);
    console.error(`${f}: ${failed.slice(0, 300)}`);
    continue;
  }
  const [ours, trivy] = res.map((r) => ({ wall: median(r.walls), cpu: median(r.cpus), rss: r.rss }));
  const ratio = trivy.wall / ours.wall;
  const counts = contenders.map((c) => components(path.join(WORK, `${c.name}-${f}.cdx.json`)));
  // A folder where Trivy finds no component (pnpm 5.x lockfiles), or fewer than half of ours
  // (vuecore-2023's pnpm 6.0 lockfile: 30 of 772), times its start-up rather than a reading of
  // the lockfile: listed, not counted for the kind.
  if (counts[1] > 0 && counts[1] * 2 >= counts[0]) {
    const k = byKind.get(kind) ?? [];
    k.push({ f, ratio, memory: ours.rss / trivy.rss });
    byKind.set(kind, k);
  }
  rows.push([f, kind, ours.wall.toFixed(3), trivy.wall.toFixed(3), ratio.toFixed(2), ours.cpu.toFixed(2), trivy.cpu.toFixed(2), ours.rss.toFixed(0), trivy.rss.toFixed(0), `${counts[0]}/${counts[1]}`]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join('  '));
console.log(`\n${RUNS} interleaved runs per folder; ratio > 1: chaingate faster. Per kind, the worst folder where Trivy found at least half of our components:`);
for (const [kind, list] of byKind) {
  const worst = list.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  console.log(`  ${kind.padEnd(13)} ${worst.ratio >= 1 ? 'met    ' : 'NOT met'} worst ${worst.f} ${worst.ratio.toFixed(2)}x, memory at most ${Math.max(...list.map((x) => x.memory * 100)).toFixed(0)}% of trivy's`);
}
