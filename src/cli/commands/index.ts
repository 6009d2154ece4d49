// The subcommands, as the dispatcher lists them. Each module is loaded only when its command runs
// (or prints its usage): `scan` pulls in zod schemas, every scanner and the report renderers,
// `sign`/`verify` the Sigstore libraries, and `chaingate sbom` should pay for none of that at
// start-up. esbuild keeps a dynamically imported module's initialization lazy in the bundle.
import type { Command } from '../types';

export interface CommandEntry {
  name: string;
  /** One line for `chaingate --help`; the same text as the loaded command's `summary`. */
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'scan',
    summary: 'run the scanners, apply the policy and exceptions, write the reports',
    load: async () => (await import('./scan')).command,
  },
  {
    name: 'pre-commit',
    summary: 'scan the files a commit stages with the Semgrep ruleset and Trivy secret scanning (for pre-commit)',
    load: async () => (await import('./pre-commit')).command,
  },
  {
    name: 'sbom',
    summary: 'write a CycloneDX SBOM from lockfiles (and an image)',
    load: async () => (await import('./sbom')).command,
  },
  {
    name: 'sign',
    summary: 'sign an image (by digest) with SBOM and verdict attestations, or a blob',
    load: async () => (await import('./sign')).command,
  },
  {
    name: 'exceptions',
    summary: 'add an accepted risk to the exceptions file, checked against the policy',
    load: async () => (await import('./exceptions')).command,
  },
  {
    name: 'verify',
    summary: 'verify signatures, revocations, identities and attestations of an image or blob',
    load: async () => (await import('./verify')).command,
  },
  {
    name: 'plan',
    summary: 'print the GitHub Actions matrix of scan shards for the projects of a monorepo',
    load: async () => (await import('./plan')).command,
  },
];
