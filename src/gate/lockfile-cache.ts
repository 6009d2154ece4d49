// Shell: one gate run reads each lockfile once. The audit, the license policy and the summary
// (scanned lockfiles, dependency chains, SARIF anchors) all need the parsed lockfile; parsing a
// large yarn berry or pnpm lockfile is the most expensive step of an offline audit, and doing it
// three times made the run three times as slow as it needs to be.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLockfile, type Lockfile } from '../lockfiles';

export type LockfileReader = (file: string, display: string) => Lockfile;

interface Entry {
  /** What the file was when read: a file changed since (a scanner rewriting it) is read again. */
  stamp: string;
  lock?: Lockfile;
  error?: unknown;
}

function stampOf(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    // Unreadable: readLockfile says why; not cached, so each reader gets its own message.
    return '';
  }
}

/**
 * A readLockfile that remembers what it read (and what it could not read) for the life of the
 * returned function. The lockfiles are the pull request's and immutable while the gate runs;
 * a changed stamp still causes a fresh read. Callers must not modify the lockfiles returned.
 */
export function cachedLockfileReader(read: LockfileReader = readLockfile): LockfileReader {
  const cache = new Map<string, Entry>();
  return (file, display) => {
    const key = `${path.resolve(file)}\n${display}`;
    const stamp = stampOf(file);
    const hit = cache.get(key);
    if (hit && stamp !== '' && hit.stamp === stamp) {
      if (hit.error !== undefined) throw hit.error;
      return hit.lock as Lockfile;
    }
    try {
      const lock = read(file, display);
      if (stamp !== '') cache.set(key, { stamp, lock });
      return lock;
    } catch (e) {
      if (stamp !== '') cache.set(key, { stamp, error: e });
      throw e;
    }
  };
}
