#!/usr/bin/env node
// The audit's lockfile path against osv-scanner v2.5.0, offline, on the same advisories, side by
// side in one run: jest's yarn berry lockfile and overleaf's package-lock.json (and any other
// folder of ../shared/fixtures/lockfiles-public given). Goal (issue 22): no slower than
// osv-scanner, peak memory lower. The advisories are every OSV record under
// ../shared/fixtures/osv-advisories: a folder for chaingate (--osv-db), the same records as
// <ecosystem>/all.zip for osv-scanner's offline database. A third row, `scan --scanners none`,
// is the same gate without the audit (start-up, config, reports; it reads no lockfile): the
// difference is what the audit costs, its lockfile parse included. The load average is printed
// before and after.
//   npm run build && node bench/audit-osv.mjs [RUNS] [FOLDER...]     (RUNS default 5)
// AUDIT_OSV_FILLER=N adds N generated npm records about packages no lockfile has (shaped like
// the MAL- record among the advisories: a whole-ecosystem export is mostly those) to npm's
// all.zip, and chaingate then reads the same zips (--osv-db on the osv-scalibr folder).
// Findings stay the same; what grows is the load.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(REPO, '..', 'shared', 'fixtures');
const WORK = path.join(REPO, 'bench', '.work', 'audit-osv');
const RUNS = Number(process.argv[2] ?? 5);
const FILLER = Number(process.env.AUDIT_OSV_FILLER ?? 0);
const FOLDERS = process.argv.length > 3 ? process.argv.slice(3) : ['jest', 'npm-overleaf', 'berry-overleaf'];
const TOOLS = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
const OSV_SCANNER = path.join(TOOLS, 'osv-scanner');
if (!fs.existsSync(OSV_SCANNER))
  throw new Error(`osv-scanner is not installed at ${OSV_SCANNER}: GOBIN=${TOOLS} go install github.com/google/osv-scanner/v2/cmd/osv-scanner@v2.5.0`);

fs.rmSync(WORK, { recursive: true, force: true });
const advisories = path.join(WORK, 'advisories');
const dbCache = path.join(WORK, 'osv-scanner-db');
fs.mkdirSync(advisories, { recursive: true });
const byEcosystem = new Map();
for (const f of fs.readdirSync(path.join(SHARED, 'osv-advisories')).filter((f) => f.endsWith('.json'))) {
  const text = fs.readFileSync(path.join(SHARED, 'osv-advisories', f), 'utf8');
  fs.writeFileSync(path.join(advisories, f), text);
  for (const eco of new Set((JSON.parse(text).affected ?? []).map((a) => a.package?.ecosystem).filter(Boolean))) {
    byEcosystem.set(eco, [...(byEcosystem.get(eco) ?? []), f]);
  }
}
// osv-scanner v2's offline database (its OSV-SCALIBR matcher): $OSV_SCALIBR_LOCAL_DB_CACHE_DIRECTORY
// /osv-scalibr/<ecosystem>/all.zip, read with --offline (zipped by Python's zipfile).
for (const [eco, files] of byEcosystem) {
  const dir = path.join(dbCache, 'osv-scalibr', eco);
  fs.mkdirSync(dir, { recursive: true });
  const py = [
    'import sys, json, random, zipfile',
    'z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)',
    'for f in sys.argv[4:]: z.write(sys.argv[2] + "/" + f, f)',
    'n, tmpl = int(sys.argv[3]), None',
    'for f in sys.argv[4:]:',
    '    if f.startswith("MAL-"): tmpl = json.load(open(sys.argv[2] + "/" + f))',
    'random.seed(22)',
    'for i in range(n if tmpl else 0):',
    // Names with a digit and an underscore: no lockfile of the benchmark holds one such.
    '    name = "zz_%d_" % i + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))',
    '    a = dict(tmpl, id="MAL-2099-%d" % i, affected=[dict(tmpl["affected"][0], package={"ecosystem": "npm", "name": name})])',
    '    z.writestr(a["id"] + ".json", json.dumps(a, indent=2))',
    'z.close()',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, path.join(dir, 'all.zip'), advisories, String(eco === 'npm' ? FILLER : 0), ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

function timed(argv, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', ...argv], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  const lines = r.stderr.trim().split('\n');
  const [wall, rssKb, user, sys] = lines[lines.length - 1].split(' ').map(Number);
  return { wall, rssMb: rssKb / 1024, cpu: user + sys, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lockfileOf = (dir) =>
  ['yarn.lock', 'package-lock.json', 'pnpm-lock.yaml', 'poetry.lock', 'go.mod', ...fs.readdirSync(dir).filter((f) => /^requirements.*\.txt$/.test(f))]
    .map((f) => path.join(dir, f))
    .find((f) => fs.existsSync(f));

// Go versions lose their leading v, as osv-scanner writes them.
const pv = (name, version) => `${name}@${String(version).replace(/^v(?=\d)/, '')}`;

/** package@version -> advisory ids, from each tool's report, to check both found the same. */
function chaingateFound(out) {
  const result = JSON.parse(fs.readFileSync(path.join(out, 'chaingate-result.json'), 'utf8'));
  return new Set(result.findings.filter((f) => f.kind === 'vulnerability' && f.package).map((f) => `${pv(f.package.name, f.package.version)} ${f.id}`));
}
function osvFound(stdout) {
  const s = new Set();
  for (const r of JSON.parse(stdout.slice(stdout.indexOf('{'))).results ?? [])
    for (const p of r.packages ?? []) for (const v of p.vulnerabilities ?? []) s.add(`${pv(p.package.name, p.package.version)} ${v.id}`);
  return s;
}

const contenders = [
  {
    name: 'chaingate audit',
    argv: (dir, out) => [process.execPath, path.join(REPO, 'dist', 'cli.js'), 'scan', dir, '--scanners', 'audit', '--offline', '--osv-db', FILLER ? path.join(dbCache, 'osv-scalibr') : advisories, '--output-dir', out, '--mode', 'warn'],
    ok: (r) => r.status === 0,
  },
  {
    name: 'chaingate, no audit',
    argv: (dir, out) => [process.execPath, path.join(REPO, 'dist', 'cli.js'), 'scan', dir, '--scanners', 'none', '--output-dir', out, '--mode', 'warn'],
    ok: (r) => r.status === 0,
    floor: true,
  },
  {
    name: 'osv-scanner v2.5.0',
    argv: (dir) => [OSV_SCANNER, 'scan', 'source', '--offline', '--format', 'json', '-L', lockfileOf(dir)],
    env: { OSV_SCALIBR_LOCAL_DB_CACHE_DIRECTORY: dbCache },
    // 1: vulnerabilities found.
    ok: (r) => r.status === 0 || r.status === 1,
  },
];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [['lockfile', 'tool', 'median wall s', 'median CPU s', 'peak RSS MB', 'findings']];
const verdicts = [];
for (const f of FOLDERS) {
  const dir = path.join(SHARED, 'lockfiles-public', f);
  const res = contenders.map(() => ({ walls: [], cpus: [], rss: 0, found: undefined }));
  for (let i = 0; i < RUNS; i++) {
    contenders.forEach((c, j) => {
      const out = path.join(WORK, `out-${f}-${j}`);
      const r = timed(c.argv(dir, out), c.env);
      if (!c.ok(r)) throw new Error(`${c.name} on ${f} failed (${r.status}): ${r.stderr.split('\n').slice(-5).join(' | ')}`);
      res[j].walls.push(r.wall);
      res[j].cpus.push(r.cpu);
      res[j].rss = Math.max(res[j].rss, r.rssMb);
      res[j].found = c.floor ? new Set() : j === 0 ? chaingateFound(out) : osvFound(r.stdout);
    });
  }
  contenders.forEach((c, j) => rows.push([path.relative(path.join(SHARED, 'lockfiles-public'), lockfileOf(dir)), c.name, median(res[j].walls).toFixed(2), median(res[j].cpus).toFixed(2), res[j].rss.toFixed(0), String(res[j].found.size)]));
  const [ours, floor, theirs] = res;
  const same = ours.found.size === theirs.found.size && [...ours.found].every((x) => theirs.found.has(x));
  verdicts.push(
    `${f}: ${(median(theirs.walls) / median(ours.walls)).toFixed(2)}x osv-scanner's speed (wall), ${(median(theirs.cpus) / median(ours.cpus)).toFixed(2)}x (CPU), ${((100 * ours.rss) / theirs.rss).toFixed(0)}% of its memory; the audit (lockfile parse included) over the gate without it: ${(1000 * (median(ours.cpus) - median(floor.cpus))).toFixed(0)} ms CPU, ${(ours.rss - floor.rss).toFixed(0)} MB; ${same ? 'same findings' : `findings differ: ours only ${[...ours.found].filter((x) => !theirs.found.has(x)).join(', ')}; theirs only ${[...theirs.found].filter((x) => !ours.found.has(x)).join(', ')}`}`,
  );
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((x, i) => x.padEnd(widths[i])).join('  '));
console.log(`\n${RUNS} interleaved runs; ${fs.readdirSync(advisories).length} advisories${FILLER ? ` and ${FILLER} generated npm records, from the zips` : ''} (${[...byEcosystem.keys()].join(', ')}); load average ${loadBefore} before, ${load()} after; > 1x: chaingate faster`);
for (const v of verdicts) console.log(`  ${v}`);
