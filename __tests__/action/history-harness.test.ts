// action.yml's history steps as a runner runs them (helpers/action-runner.ts, the bundled entry,
// the real OSV matcher): on a schedule with history: true the cache restore and save steps get
// the branch's keys, the gate writes the history where they look, and the save step runs only
// when the gate wrote it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { runActionYml } from '../helpers/action-runner';
import { GitHubApiServer } from '../helpers/github-api-server';
import { REPO, tmpDir } from '../helpers/paths';

let osvDb: string;
let server: GitHubApiServer;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build');
  osvDb = path.join(tmpDir('chaingate-osv-'), 'osv');
  const r = await runTool(process.execPath, [path.join(REPO, 'scripts', 'osv-from-advisories.mjs'), osvDb]);
  expect(r.exitCode).toBe(0);
  server = new GitHubApiServer();
  await server.start();
}, 120_000);
afterAll(() => server.stop());

function workspace(): string {
  const ws = tmpDir('chaingate-ws-');
  fs.mkdirSync(path.join(ws, 'svc'));
  fs.writeFileSync(
    path.join(ws, 'svc', 'package-lock.json'),
    JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', dependencies: { minimist: '1.2.5' } }, 'node_modules/minimist': { version: '1.2.5' } } }),
  );
  return ws;
}

const run = (ws: string, inputs: Record<string, string>) =>
  runActionYml({
    actionDir: REPO,
    inputs: { 'working-directory': 'svc', 'install-tools': 'false', scanners: 'audit', 'osv-db': osvDb, ...inputs },
    eventName: 'schedule',
    payload: { schedule: '17 6 * * 1' },
    workspace: ws,
    github: { token: 'ghs_write', repository: 'octo-org/app', sha: 'd'.repeat(40), ref: 'refs/heads/main', ref_name: 'main', api_url: server.url, server_url: 'https://github.example', run_id: '4242', run_attempt: '2' },
    env: { CHAINGATE_OFFLINE: '1' },
    timeoutMs: 300_000,
  });

describe('action.yml with history: true on a schedule', () => {
  it('restores and saves the branch history under its keys, and the gate writes the file the save step keeps', async () => {
    const r = await run(workspace(), { history: 'true', 'tracking-issue': 'true' });
    expect(r.exitCode).toBe(1);
    const restore = r.steps.find((s) => s.name === 'Restore chaingate history')!;
    const save = r.steps.find((s) => s.name === 'Save chaingate history')!;
    expect(restore.skipped).toMatch(/^uses: actions\/cache\/restore@[0-9a-f]{40} is not run by this harness$/);
    expect(restore.with).toMatchObject({ key: 'chaingate-history-main-svc-4242-2', 'restore-keys': 'chaingate-history-main-svc-' });
    const file = r.steps.find((s) => s.id === 'gate')!.outputs['history-file'];
    expect(path.dirname(file)).toBe(restore.with!.path);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ version: 1, nextRun: 2, runs: [{ n: 1, commit: 'd'.repeat(40) }] });
    // Saved although the gate failed: the save step's if held and only the harness did not run it.
    expect(save.skipped).toMatch(/^uses: actions\/cache\/save@[0-9a-f]{40} is not run by this harness$/);
    expect(save.with).toEqual({ path: restore.with!.path, key: restore.with!.key });
    expect(r.summary).toContain('## History');
    expect(r.outputs['tracking-issue-url']).toBe('https://github.example/octo-org/app/issues/1');
  }, 300_000);

  it('without history: neither cache step runs and nothing is written', async () => {
    const r = await run(workspace(), {});
    for (const name of ['Restore chaingate history', 'Save chaingate history']) expect(r.steps.find((s) => s.name === name)!.skipped).toMatch(/^if: .* is false$/);
    expect(r.steps.find((s) => s.id === 'gate')!.outputs['history-file']).toBeUndefined();
    expect(r.summary).not.toContain('## History');
  }, 300_000);
});
