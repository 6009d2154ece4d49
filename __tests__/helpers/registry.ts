// A throwaway OCI registry for tests: Debian's docker-registry (distribution 2.8) on a free
// loopback port, plain HTTP, no auth, storage in a temp dir. Long-running, so it is spawned here
// rather than through runTool (which waits for the process to end).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { tmpDir, toolBin } from './paths';

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:40123 — use as `${host}/repo:tag`. */
  host: string;
  stop(): Promise<void>;
}

const STARTUP_MS = 15_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer ${url} within ${STARTUP_MS} ms: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startRegistry(): Promise<TestRegistry> {
  const bin = toolBin('docker-registry');
  const dir = tmpDir('chaingate-registry-');
  const storage = path.join(dir, 'storage');
  fs.mkdirSync(storage);
  // Another process can grab the port between freePort() and listen; retry a few times.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${storage}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: ${host}`,
        '',
      ].join('\n'),
    );
    const child = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      if (err.length < 64 * 1024) err += b.toString('utf8');
    });
    try {
      await waitReady(`http://${host}/v2/`, child, () => err.trim());
    } catch (e) {
      await stopChild(child);
      if (attempt < 3 && /address already in use/.test(err)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      host,
      async stop() {
        await stopChild(child);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
