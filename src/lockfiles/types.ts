// The lockfile model shared by the SBOM writer and the OSV matcher. Parsers fill it from text
// alone (no network, no installed node_modules), so the same input always gives the same model.

export type Ecosystem = 'npm' | 'pypi' | 'golang';

export type LockfileKind =
  | 'package-lock'
  | 'npm-shrinkwrap'
  | 'yarn-classic'
  | 'yarn-berry'
  | 'pnpm'
  | 'requirements'
  | 'poetry'
  | 'gomod'
  | 'cyclonedx';

/** A digest from the lockfile; `alg` is spelled the CycloneDX way (SHA-512, SHA-256, SHA-1). */
export interface Integrity {
  alg: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  hex: string;
}

export interface LockPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
  integrity?: Integrity[];
  licenses?: string[];
  /** Only reachable through development dependencies. */
  dev: boolean;
  optional?: boolean;
  /** Declared by the project itself (not only pulled in by another package). */
  direct: boolean;
  /** purls of the packages this one depends on, as resolved by the lockfile. */
  dependencies: string[];
  /**
   * A workspace (or other local folder) of the project itself, by its path in the repository:
   * part of the graph, but our own code, not a published package to look advisories up for.
   */
  workspace?: string;
  /** Names of optional dependencies the lockfile left unresolved (npm does on other platforms). */
  unresolved?: string[];
}

export interface Lockfile {
  path: string;
  kind: LockfileKind;
  root?: { name: string; version: string };
  packages: LockPackage[];
  /** purls of the root's own dependencies (the project's subtree in an SBOM). */
  rootDependencies?: string[];
  /**
   * Lines we could not turn into a package (unpinned requirements, local replaces...):
   * reported to the user rather than dropped in silence.
   */
  warnings?: string[];
}

/** What a manifest next to the lockfile says, for formats whose lockfile lacks it. */
export interface Manifest {
  name?: string;
  version?: string;
  /** name -> the range/specifier the manifest asks for */
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  /** package.json `resolutions` (yarn): descriptors the lockfile locks as something else. */
  resolutions?: Record<string, string>;
}
