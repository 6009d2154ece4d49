import * as path from 'node:path';
import * as os from 'node:os';
import * as fs from 'node:fs';

export const REPO = path.resolve(__dirname, '..', '..');
/** ../shared/fixtures beside the repository: read in place, never copied or edited. */
export const FIXTURES = path.resolve(REPO, '..', 'shared', 'fixtures');
export const GOLDENS = path.join(REPO, '__tests__', 'goldens');

export function fixture(...p: string[]): string {
  return path.join(FIXTURES, ...p);
}

export function readFixture(...p: string[]): string {
  return fs.readFileSync(fixture(...p), 'utf8');
}

/**
 * A pinned real tool installed by scripts/install-tools.sh. Throws (the test fails, it is not
 * skipped) when the tool is missing: CI installs them first.
 */
export function toolBin(name: string): string {
  const dir = process.env.CHAINGATE_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'chaingate', 'tools');
  const p = name === 'docker-registry' ? '/usr/bin/docker-registry' : path.join(dir, 'bin', name);
  if (!fs.existsSync(p)) throw new Error(`${name} is not installed at ${p}: run scripts/install-tools.sh`);
  return p;
}

export function tmpDir(prefix = 'chaingate-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
