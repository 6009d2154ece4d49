// Wires the real scanner adapters and the SBOM writer into the gate: the one place that knows
// which implementation serves which scanner name. Each adapter module (with its parser, its zod
// schemas, and the builtins and libraries it needs: node:http, tough-cookie...) is loaded when a
// scanner of the run starts, not when the CLI does: a gate running only the audit paid about
// 20 ms of start-up for the others (esbuild keeps a dynamically imported module's
// initialization lazy in the bundle).
import * as path from 'node:path';
import type { Policy, ScannerName } from '../config/schema';
import { ConfigError } from '../errors';
import { absoluteConfigs } from '../scanners/semgrep-config';
import type { Scanner } from '../scanners/types';
import type { GateDeps, GateOptions, SbomMerge } from './run-gate';
import type { ResultComponent } from '../core/result';

function offline(opts: GateOptions): boolean {
  return opts.offline === true || opts.env.CHAINGATE_OFFLINE === '1';
}

/** A scanner whose adapter module is imported on its first run (once: the module stays loaded). */
function onFirstRun(name: ScannerName, create: () => Promise<Scanner>): Scanner {
  let scanner: Promise<Scanner> | undefined;
  return { name, run: async (ctx) => (await (scanner ??= create())).run(ctx) };
}

async function trivyCommon(policy: Policy, opts: GateOptions) {
  const { trivyOptionsFromPolicy } = await import('../scanners/trivy');
  const common = { ...trivyOptionsFromPolicy(policy, opts.env), offline: offline(opts) };
  // CHAINGATE_TRIVY_CACHE_DIR: where the DB lives when the policy does not say (CI caches, demo).
  if (!policy.trivy['cache-dir'] && opts.env.CHAINGATE_TRIVY_CACHE_DIR) common.cacheDir = opts.env.CHAINGATE_TRIVY_CACHE_DIR;
  return common;
}

export function createScanner(name: ScannerName, policy: Policy, opts: GateOptions): Scanner {
  const projectDir = path.resolve(opts.dir);
  switch (name) {
    case 'semgrep': {
      // Rule files are read where the policy lives, so a baseline scan runs the same rules.
      const config = absoluteConfigs(policy.semgrep.config, projectDir);
      return onFirstRun(name, async () => (await import('../scanners/semgrep')).createSemgrepScanner({ config }));
    }
    case 'trivy-fs':
      return onFirstRun(name, async () => (await import('../scanners/trivy')).createTrivyFsScanner({ ...(await trivyCommon(policy, opts)), skipDirs: policy['skip-dirs'] }, opts.now));
    case 'trivy-image': {
      const image = policy.trivy.image;
      if (!image) throw new ConfigError('scanner trivy-image needs an image: set trivy.image in the policy or pass --image');
      return onFirstRun(name, async () =>
        (await import('../scanners/trivy')).createTrivyImageScanner({ ...(await trivyCommon(policy, opts)), image, insecureRegistry: policy.trivy['insecure-registry'] }, opts.now),
      );
    }
    case 'audit': {
      const audit = {
        osvDb: policy.audit['osv-db'] ? path.resolve(projectDir, policy.audit['osv-db']) : undefined,
        packageManagers: policy.audit['package-managers'],
        sbom: opts.sbomInput ? path.resolve(opts.sbomInput) : undefined,
        offline: offline(opts),
        skipDirs: policy['skip-dirs'],
      };
      return onFirstRun(name, async () => (await import('../scanners/audit')).createAuditScanner(audit));
    }
    case 'zizmor':
      return onFirstRun(name, async () => (await import('../scanners/zizmor')).createZizmorScanner());
    case 'headers': {
      const h = policy.headers;
      const headers = { urls: h.urls, caFile: h['ca-file'] ? path.resolve(projectDir, h['ca-file']) : undefined, timeoutMs: h['timeout-seconds'] * 1000 };
      return onFirstRun(name, async () => (await import('../scanners/headers')).createHeadersScanner(headers));
    }
  }
}

/** `sbom: true` (or --write-sbom / the sbom input): the same SBOM `chaingate sbom` writes. */
async function writeSbom(dir: string, policy: Policy, outFile: string, opts: GateOptions, merge: SbomMerge = {}): Promise<{ components: number; list: ResultComponent[] }> {
  const { writeSbom: write } = await import('../sbom/write');
  const image = policy.scanners.includes('trivy-image') ? policy.trivy.image : undefined;
  const r = await write(dir, {
    output: outFile,
    skipDirs: policy['skip-dirs'],
    image,
    insecureRegistry: policy.trivy['insecure-registry'],
    env: opts.env,
    now: opts.now,
    only: merge.only,
    extra: merge.extra,
    readLockfile: merge.readLockfile,
  });
  for (const w of r.warnings) opts.log.warning(`SBOM: ${w}`);
  return { components: r.components, list: r.list };
}

export function defaultDeps(): GateDeps {
  return { createScanner, writeSbom };
}
