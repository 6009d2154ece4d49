// What the installed npm really prints when its audit cannot run, read by the parser: an
// unreachable registry and a missing lockfile must fail, never read as "no findings".
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { parseNpmAudit } from '../../src/parsers/npm-audit';
import { FormatError } from '../../src/parsers/util';
import { tmpDir } from '../helpers/paths';

/** A local port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const LOCK = {
  name: 'audit-probe',
  version: '1.0.0',
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': { name: 'audit-probe', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' } },
    'node_modules/left-pad': { version: '1.3.0', integrity: 'sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQ9m1pH7b+tgKpVcN6FB2rHsXDFRTG/ACQv8yDAnHS1Ym2ag==' },
  },
};

describe('parseNpmAudit on real npm failures', () => {
  let dir: string;
  let registry: string;
  beforeAll(async () => {
    dir = tmpDir('chaingate-npm-audit-');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'audit-probe', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' } }));
    fs.writeFileSync(path.join(dir, 'empty.npmrc'), '');
    registry = `http://ci-user:s3cr3t-pw@127.0.0.1:${await closedPort()}/`;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function audit(): Promise<{ exitCode: number | null; stdout: string }> {
    const r = await runTool('npm', ['audit', '--json', '--registry', registry, '--fetch-retries=0'], {
      cwd: dir,
      // Our own empty config, so the user's npmrc (tokens, another registry) plays no part.
      env: { ...process.env, npm_config_userconfig: path.join(dir, 'empty.npmrc'), npm_config_cache: path.join(dir, 'cache'), npm_config_update_notifier: 'false' },
      timeoutMs: 60_000,
    });
    return { exitCode: r.exitCode, stdout: r.stdout };
  }

  it('an unreachable audit endpoint is a FormatError naming the reason, without the password', async () => {
    fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(LOCK));
    const { exitCode, stdout } = await audit();
    expect(exitCode).not.toBe(0);
    expect(() => parseNpmAudit(stdout)).toThrow(FormatError);
    expect(() => parseNpmAudit(stdout)).toThrow(/the audit did not run \(.*ECONNREFUSED.*\); this is not a clean result/);
    let message = '';
    try {
      parseNpmAudit(stdout);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('s3cr3t-pw');
    expect(message).toContain('http://***@127.0.0.1:');
  });

  it('a missing lockfile is ENOLOCK with the hint to create one', async () => {
    fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
    const { stdout } = await audit();
    expect(() => parseNpmAudit(stdout)).toThrow(/\(ENOLOCK: This command requires an existing lockfile\..*create one/s);
  });
});
