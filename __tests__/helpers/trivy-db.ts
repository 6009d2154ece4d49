// Builds our Trivy DB fixture writer (tools/trivy-db-fixture, Go) and writes the committed
// advisories into a fresh Trivy cache directory, so tests run the real Trivy fully offline.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTool } from '../../src/process/run-tool';
import { REPO, tmpDir } from './paths';

export const FIXTURE_TOOL_DIR = path.join(REPO, 'tools', 'trivy-db-fixture');
export const ADVISORIES = path.join(REPO, '__tests__', 'trivy-db', 'advisories.json');

/** Flags that keep Trivy from touching the network once the fixture DB is in the cache dir. */
export const OFFLINE_FLAGS = [
  '--skip-db-update',
  '--skip-java-db-update',
  '--skip-check-update',
  '--offline-scan',
  '--skip-version-check',
  '--disable-telemetry',
];

let built: Promise<string> | undefined;

/** `go build`s the writer once per test process; Go's build cache makes repeats cheap. */
export function buildFixtureWriter(): Promise<string> {
  built ??= (async () => {
    const out = path.join(tmpDir('chaingate-trivy-db-fixture-'), 'trivy-db-fixture');
    const r = await runTool('go', ['build', '-o', out, '.'], { cwd: FIXTURE_TOOL_DIR, timeoutMs: 300_000 });
    if (r.exitCode !== 0) throw new Error(`go build of ${FIXTURE_TOOL_DIR} failed (${r.spawnError ?? r.exitCode}): ${r.stderr}`);
    return out;
  })();
  return built;
}

/** Writes db/trivy.db + db/metadata.json from `input` into `cacheDir` (a new temp dir by default). */
export async function writeFixtureDb(input = ADVISORIES, cacheDir = tmpDir('chaingate-trivy-cache-')): Promise<string> {
  const bin = await buildFixtureWriter();
  const r = await runTool(bin, ['-input', input, '-cache-dir', cacheDir], { timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`trivy-db-fixture failed (${r.spawnError ?? r.exitCode}): ${r.stderr}`);
  if (!fs.existsSync(path.join(cacheDir, 'db', 'trivy.db'))) throw new Error(`trivy-db-fixture wrote no DB into ${cacheDir}`);
  return cacheDir;
}
