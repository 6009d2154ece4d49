// Lockfile parsers (pure) and the discovery shell, for the SBOM writer and the OSV matcher.
export type { Ecosystem, Integrity, Lockfile, LockfileKind, LockPackage, Manifest } from './types';
export { parseLockfile, isLockfileName, LOCKFILE_NAMES } from './parse';
export type { ParseInput } from './parse';
export { parsePackageLock } from './npm';
export { parseYarnLock } from './yarn';
export { parsePnpmLock } from './pnpm';
export { parseRequirements } from './requirements';
export { parsePoetryLock, parsePyproject } from './poetry';
export { parseGoMod } from './gomod';
export { parsePackageJson } from './manifest';
export { packagesFromCycloneDx } from './cyclonedx';
export { npmPurl, pypiPurl, golangPurl, purlFor, pypiName } from './util';
export { discoverLockfiles, findLockfiles, readLockfile, readManifest } from './discover';
export type { DiscoverOptions } from './discover';
