// What the SBOM builder takes: lockfiles (by project), an image's packages, and the settings.
import type { Lockfile } from '../lockfiles/types';

export type SpecVersion = '1.6' | '1.5';

/** A component read from another tool's CycloneDX (Trivy of an image), ecosystem-agnostic. */
export interface ForeignComponent {
  /** Our deterministic ref: the purl, or type:name@version when there is none. */
  ref: string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  licenses: string[];
  hashes: { alg: string; content: string }[];
  properties: { name: string; value: string }[];
  dependsOn: string[];
}

export interface ImageSbom {
  /** The reference the user asked for. */
  ref: string;
  /** Repo digest (name@sha256:...) or, for a local image, its image ID. */
  digest?: string;
  purl?: string;
  components: ForeignComponent[];
  /** refs the image itself depends on (OS, language applications). */
  dependsOn: string[];
}

export interface SbomInput {
  /** Lockfiles, paths relative to the scanned directory. */
  lockfiles: Lockfile[];
  /** The scanned directory's own name/version (manifest), used for the root component. */
  root: { name: string; version?: string };
  image?: ImageSbom;
  /**
   * Components other runs listed (the shards of a matrix, from their chaingate-result.json):
   * each added, under the root, when no lockfile or image component has its purl.
   */
  extra?: ForeignComponent[];
}

export interface SbomOptions {
  specVersion: SpecVersion;
  excludeDev: boolean;
  toolVersion: string;
  /** The BOM timestamp: SOURCE_DATE_EPOCH when set, else the clock (passed in, pure). */
  timestamp: Date;
  /** urn:uuid:...; when undefined it is derived from the content (reproducible builds). */
  serialNumber?: string;
}
