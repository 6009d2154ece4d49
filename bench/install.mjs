#!/usr/bin/env node
// Install benchmark (issue "Tools on a cold runner in seconds, verified"): from nothing installed
// to the first scan started, for semgrep + trivy, in one run:
//   mirror   scripts/install-tools.sh semgrep trivy with CHAINGATE_TOOLS_MIRROR on 127.0.0.1
//            (trivy's release asset, packed here from the installed binary, checked against a
//            test copy of versions.json) and semgrep's hash-locked wheels from a local folder
//            (pip download --require-hashes of src/tools/semgrep-requirements.txt)
//   warm     the same again on the installed tools (the cache-hit path)
//   source   CHAINGATE_INSTALL_FROM=source for trivy with empty Go module and build caches (the
//            path every cold runner took before), plus the same semgrep install
// "Scan started" is the gate's first scanner process: `chaingate scan` is launched right after
// the install and the clock stops when the trivy or semgrep child appears.
// Goal: mirror < 60 s on this 2-core machine.
//
//   npm run build && node bench/install.mjs [--skip-source]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipSource = process.argv.includes('--skip-source');
const installed = path.join(process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools'), 'bin');
const work = path.join(repo, 'bench', '.work', 'install');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const versions = JSON.parse(fs.readFileSync(path.join(repo, 'src', 'tools', 'versions.json'), 'utf8'));
const platform = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

// The mirror's content (not timed): trivy's release asset and semgrep's wheels.
const assetName = versions.trivy.release.assets[platform].asset;
const stage = path.join(work, 'stage');
fs.mkdirSync(stage);
fs.copyFileSync(path.join(installed, 'trivy'), path.join(stage, 'trivy'));
sh('tar', ['-czf', path.join(work, assetName), '-C', stage, 'trivy']);
const asset = fs.readFileSync(path.join(work, assetName));
versions.trivy.release.assets[platform].sha256 = createHash('sha256').update(asset).digest('hex');
const versionsFile = path.join(work, 'versions.json');
fs.writeFileSync(versionsFile, JSON.stringify(versions));
const wheels = path.join(work, 'wheels');
console.log('preparing the mirror: pip download of the hash-locked semgrep tree');
sh('python3', ['-m', 'pip', 'download', '--quiet', '--require-hashes', '--only-binary=:all:', '-r', path.join(repo, 'src', 'tools', 'semgrep-requirements.txt'), '-d', wheels], {
  env: { ...process.env, PIP_FIND_LINKS: '' },
});

const server = http.createServer((req, res) => {
  if (req.url === `/${assetName}`) res.writeHead(200, { 'content-length': asset.length }).end(asset);
  else res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const mirror = `http://127.0.0.1:${server.address().port}`;

// The fixture Trivy DB, so the scan that starts needs no network.
const cache = path.join(work, 'trivy-cache');
sh('go', ['build', '-o', path.join(work, 'trivy-db-fixture'), '.'], { cwd: path.join(repo, 'tools', 'trivy-db-fixture') });
sh(path.join(work, 'trivy-db-fixture'), ['-input', path.join(repo, '__tests__', 'trivy-db', 'advisories.json'), '-cache-dir', cache]);

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`${cmd} exited ${code}: ${stderr}`))));
  });
}

/** Launches `chaingate scan` and resolves when its first scanner process exists. */
function firstScanStarted(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'scan', path.join(repo, 'examples', 'vulnerable'), '--scanners', 'semgrep,trivy-fs', '--offline', '--output-dir', path.join(work, 'out')], {
      env,
      stdio: 'ignore',
    });
    const poll = setInterval(() => {
      const ps = spawnSync('ps', ['-o', 'args=', '--ppid', String(child.pid)], { encoding: 'utf8' });
      if (/semgrep|trivy/.test(ps.stdout ?? '')) {
        clearInterval(poll);
        child.kill();
        resolve();
      }
    }, 20);
    child.on('close', () => {
      clearInterval(poll);
      reject(new Error('chaingate scan ended before any scanner started'));
    });
  });
}

async function coldToScan(label, extraEnv, toolsDir) {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CHAINGATE_TOOLS_DIR: toolsDir,
    CHAINGATE_VERSIONS_FILE: versionsFile,
    CHAINGATE_TOOLS_MIRROR: mirror,
    CHAINGATE_TRIVY_CACHE_DIR: cache,
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: wheels,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    ...extraEnv,
  };
  const t0 = process.hrtime.bigint();
  await run('bash', [path.join(repo, 'scripts', 'install-tools.sh'), 'semgrep', 'trivy'], env);
  const tInstalled = process.hrtime.bigint();
  await firstScanStarted(env);
  const t1 = process.hrtime.bigint();
  const s = (a, b) => (Number(b - a) / 1e9).toFixed(1);
  console.log(`${label.padEnd(8)} install ${s(t0, tInstalled)} s, first scan started at ${s(t0, t1)} s`);
}

const mirrorDir = path.join(work, 'tools-mirror');
await coldToScan('mirror', { CHAINGATE_INSTALL_FROM: 'release' }, mirrorDir);
await coldToScan('warm', { CHAINGATE_INSTALL_FROM: 'release' }, mirrorDir);
if (!skipSource) {
  const gocache = path.join(work, 'go');
  await coldToScan('source', { CHAINGATE_INSTALL_FROM: 'source', GOMODCACHE: path.join(gocache, 'mod'), GOCACHE: path.join(gocache, 'build') }, path.join(work, 'tools-source'));
}
server.close();
