// scripts/install-tools.sh's verified download path, against a mirror on 127.0.0.1 serving
// assets packed here from the real pinned binaries (a test copy of versions.json carries their
// hashes): the installed tools run a real scan; a tampered, truncated, missing or endlessly
// redirected asset installs nothing, and the gate then reports the tool missing (incomplete).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { defaultDeps } from '../../src/gate/deps';
import { runGate } from '../../src/gate/run-gate';
import { REPO, tmpDir, toolBin } from '../helpers/paths';
import { writeFixtureDb } from '../helpers/trivy-db';

const SCRIPT = path.join(REPO, 'scripts', 'install-tools.sh');
const VERSIONS = JSON.parse(fs.readFileSync(path.join(REPO, 'src', 'tools', 'versions.json'), 'utf8'));
const PLATFORM = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
const GO_TOOLS = ['trivy', 'cosign', 'crane'] as const;
type GoTool = (typeof GO_TOOLS)[number];
const asset = (t: GoTool): string => VERSIONS[t].release.assets[PLATFORM].asset;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let assets: Record<string, Buffer>;
let versionsFile: string;
let server: http.Server;
let mirrorBase: string;
let requests: string[];
let fakeGoDir: string;

/** Packs the real binary the way its project releases it: a tar.gz holding it, or bare. */
function pack(t: GoTool, dir: string): Buffer {
  const member = VERSIONS[t].release.binary as string | null;
  if (!member) return fs.readFileSync(toolBin(t));
  const stage = tmpDir(`chaingate-pack-${t}-`);
  fs.copyFileSync(toolBin(t), path.join(stage, member));
  const out = path.join(dir, asset(t));
  const r = spawnSync('tar', ['-czf', out, '-C', stage, member]);
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return fs.readFileSync(out);
}

function writeVersions(mutate: (v: typeof VERSIONS) => void = () => undefined): string {
  const v = JSON.parse(JSON.stringify(VERSIONS));
  for (const t of GO_TOOLS) v[t].release.assets[PLATFORM].sha256 = sha256(assets[asset(t)]);
  mutate(v);
  const file = path.join(tmpDir('chaingate-versions-'), 'versions.json');
  fs.writeFileSync(file, JSON.stringify(v));
  return file;
}

beforeAll(async () => {
  const dir = tmpDir('chaingate-assets-');
  assets = {};
  for (const t of GO_TOOLS) assets[asset(t)] = pack(t, dir);
  versionsFile = writeVersions();
  requests = [];
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const [, mode, name] = (req.url ?? '').split('/');
    const body = assets[name];
    if (!body || mode === 'missing') return void res.writeHead(404).end('not found');
    if (mode === 'loop') return void res.writeHead(302, { location: req.url }).end();
    if (mode === 'tampered') {
      const t = Buffer.from(body);
      t[t.length >> 1] ^= 0xff;
      return void res.writeHead(200, { 'content-length': t.length }).end(t);
    }
    if (mode === 'truncated') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirrorBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Fault injection for the source path: a `go` that records what it was asked to build.
  fakeGoDir = tmpDir('chaingate-fake-go-');
  fs.writeFileSync(path.join(fakeGoDir, 'go'), '#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\n', { mode: 0o755 });
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

interface Run {
  code: number | null;
  stderr: string;
  toolsDir: string;
  goCalls: string;
}

/** Runs the installer asynchronously (the mirror answers from this process). */
function install(tools: string[], env: Record<string, string>, toolsDir = tmpDir('chaingate-tools-')): Promise<Run> {
  fs.rmSync(path.join(fakeGoDir, 'calls'), { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, ...tools], {
      env: {
        PATH: `${fakeGoDir}:${process.env.PATH}`,
        HOME: process.env.HOME,
        CHAINGATE_TOOLS_DIR: toolsDir,
        CHAINGATE_VERSIONS_FILE: versionsFile,
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const calls = path.join(fakeGoDir, 'calls');
      resolve({ code, stderr, toolsDir, goCalls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '' });
    });
  });
}

const leftovers = (toolsDir: string) => fs.readdirSync(toolsDir).filter((f) => f.startsWith('.download'));

async function gateWithTrivy(toolsDir: string, cacheDir: string) {
  const out = await runGate(
    {
      dir: path.join(REPO, 'examples', 'vulnerable'),
      vexFiles: [],
      reports: [],
      outputDir: tmpDir('chaingate-install-gate-'),
      mode: 'enforce',
      scanners: ['trivy-fs'],
      offline: true,
      env: { CHAINGATE_TOOLS_DIR: toolsDir, CHAINGATE_TRIVY_CACHE_DIR: cacheDir, PATH: '/usr/bin:/bin', HOME: process.env.HOME },
      now: () => new Date('2026-12-01T00:00:00Z'),
      log: { info: () => undefined, warning: () => undefined, group: () => undefined },
    },
    defaultDeps(),
  );
  return out.result;
}

describe('install-tools.sh from a mirror (the verified download path)', () => {
  let cacheDir: string;
  beforeAll(async () => {
    cacheDir = await writeFixtureDb();
  }, 300_000);

  it('installs trivy, cosign and crane whose hashes match, and the installed trivy runs a real scan', async () => {
    const r = await install([...GO_TOOLS], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good`, CHAINGATE_INSTALL_FROM: 'release' });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.goCalls).toBe('');
    for (const t of GO_TOOLS) expect(r.stderr).toContain(`${t} ${VERSIONS[t].version} installed from ${asset(t)}`);
    const bin = path.join(r.toolsDir, 'bin');
    expect(spawnSync(path.join(bin, 'trivy'), ['--version'], { encoding: 'utf8' }).stdout).toContain(VERSIONS.trivy.version);
    expect(spawnSync(path.join(bin, 'cosign'), ['version'], { encoding: 'utf8' }).stdout).toContain(`v${VERSIONS.cosign.version}`);
    expect(spawnSync(path.join(bin, 'crane'), ['version'], { encoding: 'utf8' }).stdout).toContain(VERSIONS.crane.version);
    expect(leftovers(r.toolsDir)).toEqual([]);

    const result = await gateWithTrivy(r.toolsDir, cacheDir);
    const trivy = result.scanners.find((s) => s.name === 'trivy-fs')!;
    expect(trivy.status).toBe('ok');
    expect(trivy.findings).toBeGreaterThan(0);
    expect(result.verdict).toBe('fail');

    // Idempotent: a second run downloads nothing.
    const before = requests.length;
    const again = await install([...GO_TOOLS], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good` }, r.toolsDir);
    expect(again.code).toBe(0);
    for (const t of GO_TOOLS) expect(again.stderr).toContain(`${t} ${VERSIONS[t].version} already installed`);
    expect(requests.length).toBe(before);
  }, 300_000);

  it('takes an {asset} template for mirrors laid out otherwise', async () => {
    const r = await install(['crane'], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good/{asset}`, CHAINGATE_INSTALL_FROM: 'release' });
    expect(r.code).toBe(0);
    expect(requests.at(-1)).toBe(`/good/${asset('crane')}`);
  });

  it.each([
    ['tampered', /trivy: SHA-256 mismatch for (\S+) from \S+: expected ([0-9a-f]{64}), actual ([0-9a-f]{64}); nothing installed/],
    ['truncated', /trivy: \S+ could not be downloaded; nothing installed/],
    ['missing', /The requested URL returned error: 404[\s\S]*trivy: \S+ could not be downloaded; nothing installed/],
    ['loop', /Maximum \(10\) redirects followed[\s\S]*trivy: \S+ could not be downloaded; nothing installed/],
  ])('a %s asset installs nothing, even in auto mode, and the gate reports trivy missing', async (mode, message) => {
    const toolsDir = tmpDir('chaingate-tools-');
    // A stale binary of another version goes too: a failed install leaves nothing to run.
    fs.mkdirSync(path.join(toolsDir, 'bin'));
    fs.writeFileSync(path.join(toolsDir, 'bin', 'trivy'), '#!/bin/sh\necho "Version: 0.1.0"\n', { mode: 0o755 });
    const r = await install(['trivy'], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/${mode}`, CHAINGATE_INSTALL_FROM: 'auto' }, toolsDir);
    expect(r.code).toBe(1);
    const m = message.exec(r.stderr);
    expect(m).not.toBeNull();
    if (mode === 'tampered') {
      expect(m![1]).toBe(asset('trivy'));
      expect(m![2]).toBe(sha256(assets[asset('trivy')]));
      expect(m![3]).not.toBe(m![2]);
    }
    expect(r.goCalls).toBe('');
    expect(r.stderr).not.toMatch(/building .* from/);
    expect(fs.readdirSync(path.join(toolsDir, 'bin'))).toEqual([]);
    expect(leftovers(toolsDir)).toEqual([]);

    const result = await gateWithTrivy(toolsDir, cacheDir);
    expect(result.verdict).toBe('incomplete');
    const trivy = result.scanners.find((s) => s.name === 'trivy-fs')!;
    expect(trivy.status).not.toBe('ok');
    expect(JSON.stringify(trivy)).toMatch(/could not be started/);
  }, 120_000);
});

describe('install-tools.sh: when the source build is used', () => {
  const closedPort = async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise((r) => s.close(r));
    return `http://127.0.0.1:${port}`;
  };

  it('auto builds from source only when the host cannot be reached at all, saying so', async () => {
    const r = await install(['trivy'], { CHAINGATE_TOOLS_MIRROR: await closedPort(), CHAINGATE_INSTALL_FROM: 'auto' });
    expect(r.stderr).toMatch(/Failed to connect|Couldn't connect/);
    expect(r.stderr).toContain('trivy: the release host cannot be reached at all, so building from source instead');
    expect(r.goCalls).toContain(`${VERSIONS.trivy.module}@v${VERSIONS.trivy.version}`);
  });
  it('release mode never falls back', async () => {
    const r = await install(['trivy'], { CHAINGATE_TOOLS_MIRROR: await closedPort(), CHAINGATE_INSTALL_FROM: 'release' });
    expect(r.code).toBe(1);
    expect(r.goCalls).toBe('');
    expect(fs.readdirSync(path.join(r.toolsDir, 'bin'))).toEqual([]);
  });
  it('source mode builds without downloading', async () => {
    const before = requests.length;
    const r = await install(['cosign'], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good`, CHAINGATE_INSTALL_FROM: 'source' });
    expect(r.goCalls).toContain(`${VERSIONS.cosign.module}@v${VERSIONS.cosign.version}`);
    expect(requests.length).toBe(before);
  });
  it('a platform without a published hash is never downloaded: release refuses, auto builds from source', async () => {
    versionsFile = writeVersions((v) => (v.crane.release.assets[PLATFORM].sha256 = null));
    try {
      const before = requests.length;
      const refused = await install(['crane'], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good`, CHAINGATE_INSTALL_FROM: 'release' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`crane ${VERSIONS.crane.version}: versions.json has no published SHA-256 for ${PLATFORM}`);
      const built = await install(['crane'], { CHAINGATE_TOOLS_MIRROR: `${mirrorBase}/good`, CHAINGATE_INSTALL_FROM: 'auto' });
      expect(built.goCalls).toContain(`${VERSIONS.crane.module}@v${VERSIONS.crane.version}`);
      expect(requests.length).toBe(before);
    } finally {
      versionsFile = writeVersions();
    }
  });
  it('semgrep: a wheel whose hash is not the locked one installs nothing (the same wheel with its hash does)', async () => {
    // Fault injection: a minimal wheel named semgrep, served from a local folder as pip's mirror.
    const wheels = tmpDir('chaingate-wheels-');
    const wheel = path.join(wheels, 'semgrep-9.9.9-py3-none-any.whl');
    const py = String.raw`
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w")
z.writestr("semgrep_probe.py", "def main():\n    print('9.9.9')\n")
z.writestr("semgrep-9.9.9.dist-info/METADATA", "Metadata-Version: 2.1\nName: semgrep\nVersion: 9.9.9\n")
z.writestr("semgrep-9.9.9.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
z.writestr("semgrep-9.9.9.dist-info/entry_points.txt", "[console_scripts]\nsemgrep = semgrep_probe:main\n")
z.writestr("semgrep-9.9.9.dist-info/RECORD", "")
z.close()
`;
    expect(spawnSync('python3', ['-c', py, wheel]).status).toBe(0);
    const lock = (hash: string) => {
      const f = path.join(tmpDir('chaingate-lock-'), 'semgrep-requirements.txt');
      fs.writeFileSync(f, `semgrep==9.9.9 \\\n    --hash=sha256:${hash}\n`);
      return f;
    };
    const pipEnv = { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
    const real = sha256(fs.readFileSync(wheel));
    try {
      versionsFile = writeVersions((v) => Object.assign(v.semgrep, { version: '9.9.9', requirements: lock('0'.repeat(64)) }));
      const bad = await install(['semgrep'], pipEnv);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/DO NOT MATCH THE HASHES/);
      expect(bad.stderr).toMatch(/semgrep: pip install --require-hashes of \S+ failed; nothing installed/);
      expect(fs.readdirSync(path.join(bad.toolsDir, 'bin'))).toEqual([]);
      expect(fs.readdirSync(bad.toolsDir).filter((f) => f.startsWith('semgrep-'))).toEqual([]);

      versionsFile = writeVersions((v) => Object.assign(v.semgrep, { version: '9.9.9', requirements: lock(real) }));
      const good = await install(['semgrep'], pipEnv);
      expect(good.code).toBe(0);
      expect(spawnSync(path.join(good.toolsDir, 'bin', 'semgrep'), [], { encoding: 'utf8' }).stdout.trim()).toBe('9.9.9');
      const again = await install(['semgrep'], pipEnv, good.toolsDir);
      expect(again.stderr).toContain('semgrep 9.9.9 already installed');
    } finally {
      versionsFile = writeVersions();
    }
  }, 120_000);
  it('rejects an unknown CHAINGATE_INSTALL_FROM and a semgrep lock of another version', async () => {
    expect((await install(['trivy'], { CHAINGATE_INSTALL_FROM: 'maybe' })).code).toBe(2);
    versionsFile = writeVersions((v) => (v.semgrep.version = '0.0.1'));
    try {
      const r = await install(['semgrep'], {});
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/does not pin semgrep==0\.0\.1; run scripts\/lock-semgrep\.sh/);
      expect(fs.existsSync(path.join(r.toolsDir, 'bin', 'semgrep'))).toBe(false);
    } finally {
      versionsFile = writeVersions();
    }
  });
});
