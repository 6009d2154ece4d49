// Wires the real scanner adapters and the SBOM writer into the gate: the one place that knows
// which implementation serves which scanner name.
import * as path from 'node:path';
import type { Policy, ScannerName } from '../config/schema';
import { ConfigError } from '../errors';
import { createAuditScanner } from '../scanners/audit';
import { absoluteConfigs, createSemgrepScanner } from '../scanners/semgrep';
import { createTrivyFsScanner, createTrivyImageScanner, trivyOptionsFromPolicy } from '../scanners/trivy';
import { createZizmorScanner } from '../scanners/zizmor';
import { createHeadersScanner } from '../scanners/headers';
import type { Scanner } from '../scanners/types';
import type { GateDeps, GateOptions, SbomMerge } from './run-gate';
import type { ResultComponent } from '../core/result';

function offline(opts: GateOptions): boolean {
  return opts.offline === true || opts.env.CHAINGATE_OFFLINE === '1';
}

export function createScanner(name: ScannerName, policy: Policy, opts: GateOptions): Scanner {
  const trivyCommon = { ...trivyOptionsFromPolicy(policy, opts.env), offline: offline(opts) };
  // CHAINGATE_TRIVY_CACHE_DIR: where the DB lives when the policy does not say (CI caches, demo).
  if (!policy.trivy['cache-dir'] && opts.env.CHAINGATE_TRIVY_CACHE_DIR) trivyCommon.cacheDir = opts.env.CHAINGATE_TRIVY_CACHE_DIR;
  const projectDir = path.resolve(opts.dir);
  switch (name) {
    case 'semgrep':
      // Rule files are read where the policy lives, so a baseline scan runs the same rules.
      return createSemgrepScanner({ config: absoluteConfigs(policy.semgrep.config, projectDir) });
    case 'trivy-fs':
      return createTrivyFsScanner({ ...trivyCommon, skipDirs: policy['skip-dirs'] }, opts.now);
    case 'trivy-image': {
      const image = policy.trivy.image;
      if (!image) throw new ConfigError('scanner trivy-image needs an image: set trivy.image in the policy or pass --image');
      return createTrivyImageScanner({ ...trivyCommon, image, insecureRegistry: policy.trivy['insecure-registry'] }, opts.now);
    }
    case 'audit':
      return createAuditScanner({
        osvDb: policy.audit['osv-db'] ? path.resolve(projectDir, policy.audit['osv-db']) : undefined,
        packageManagers: policy.audit['package-managers'],
        sbom: opts.sbomInput ? path.resolve(opts.sbomInput) : undefined,
        offline: offline(opts),
        skipDirs: policy['skip-dirs'],
      });
    case 'zizmor':
      return createZizmorScanner();
    case 'headers': {
      const h = policy.headers;
      return createHeadersScanner({ urls: h.urls, caFile: h['ca-file'] ? path.resolve(projectDir, h['ca-file']) : undefined, timeoutMs: h['timeout-seconds'] * 1000 });
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
