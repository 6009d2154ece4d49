// Shell of the license policy: reads the project's lockfiles and hands them to the pure check.
import * as path from 'node:path';
import type { Policy } from '../config/schema';
import type { Finding } from '../core/finding';
import { licenseFindings } from '../core/licenses';
import type { ScannerStatus } from '../core/result';
import { ChaingateError } from '../errors';
import { findLockfiles, packagesFromCycloneDx, readLockfile, type Lockfile } from '../lockfiles';
import { readText } from '../read-text';
import type { LockfileReader } from './lockfile-cache';

/** The project's lockfiles, and why any could not be read (the folder walk included). */
export function readProjectLockfiles(dir: string, policy: Policy, readLock: LockfileReader = readLockfile): { lockfiles: Lockfile[]; errors: string[] } {
  const lockfiles: Lockfile[] = [];
  const errors: string[] = [];
  const read = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof ChaingateError)) throw e;
      errors.push(e.message);
    }
  };
  read(() => {
    for (const file of findLockfiles(dir, { skipDirs: policy['skip-dirs'] })) read(() => lockfiles.push(readLock(file, path.relative(dir, file) || path.basename(file))));
  });
  return { lockfiles, errors };
}

function readSbom(dir: string, file: string): { lockfiles: Lockfile[]; errors: string[] } {
  const abs = path.resolve(file);
  const display = path.relative(dir, abs) || path.basename(abs);
  try {
    return { lockfiles: [{ path: display, kind: 'cyclonedx', packages: packagesFromCycloneDx(readText(abs), display) }], errors: [] };
  } catch (e) {
    if (!(e instanceof ChaingateError) && !(e as NodeJS.ErrnoException).code) throw e;
    return { lockfiles: [], errors: [e instanceof ChaingateError ? e.message : `${display}: cannot read the SBOM (${(e as NodeJS.ErrnoException).code})`] };
  }
}

/**
 * The `licenses` check as a scanner status: a lockfile it cannot read makes it fail (the gate is
 * then incomplete), since the policy cannot vouch for packages it did not see.
 */
export function checkLicenses(
  dir: string,
  policy: Policy,
  rules: NonNullable<Policy['licenses']>,
  /** A CycloneDX SBOM (--sbom): judged instead of the lockfiles, as the audit reads it instead of them. */
  sbom?: string,
  readLock?: LockfileReader,
): { findings: Finding[]; status: ScannerStatus } {
  const started = Date.now();
  const { lockfiles, errors } = sbom ? readSbom(dir, sbom) : readProjectLockfiles(dir, policy, readLock);
  const durationMs = Date.now() - started;
  if (errors.length > 0) {
    return { findings: [], status: { name: 'licenses', status: 'failed', durationMs, findings: 0, error: `the license policy cannot read every lockfile: ${errors.join('; ')}` } };
  }
  const findings = licenseFindings(lockfiles, rules);
  const packages = lockfiles.reduce((n, l) => n + l.packages.filter((p) => p.workspace === undefined).length, 0);
  const notes = [lockfiles.length ? `${packages} packages of ${lockfiles.map((l) => l.path).join(', ')} checked` : 'no lockfile found: no package to check'];
  return { findings, status: { name: 'licenses', status: 'ok', durationMs, findings: findings.length, notes } };
}
