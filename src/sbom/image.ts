// The shell that asks Trivy for an image's packages (`trivy image --format cyclonedx`). Only
// argv building is here besides the run; parsing is in trivy.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ToolError } from '../errors';
import { firstErrorLine, runTool } from '../process/run-tool';
import { parseTrivyCycloneDx } from './trivy';
import type { ImageSbom } from './types';

export interface ImageOptions {
  trivy: string;
  cacheDir: string;
  timeoutMs: number;
  insecureRegistry?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Pure: the argv for one image (a registry reference, or a tarball / OCI layout path). */
export function trivyImageSbomArgv(ref: string, isPath: boolean, outFile: string, opts: Pick<ImageOptions, 'cacheDir' | 'insecureRegistry' | 'timeoutMs'>): string[] {
  return [
    'image',
    // CycloneDX output lists packages only (no vulnerability DB needed) unless scanners are asked for.
    '--format',
    'cyclonedx',
    '--output',
    outFile,
    '--cache-dir',
    opts.cacheDir,
    '--timeout',
    `${Math.max(1, Math.ceil(opts.timeoutMs / 1000))}s`,
    '--no-progress',
    '--skip-version-check',
    '--disable-telemetry',
    ...(isPath ? ['--input', ref] : [...(opts.insecureRegistry ? ['--insecure'] : []), '--image-src', 'remote', ref]),
  ];
}

export async function imageSbom(ref: string, opts: ImageOptions): Promise<ImageSbom> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-sbom-'));
  try {
    const out = path.join(work, 'image.cdx.json');
    const isPath = fs.existsSync(ref);
    const r = await runTool(opts.trivy, trivyImageSbomArgv(ref, isPath, out, opts), { timeoutMs: opts.timeoutMs, env: opts.env });
    if (r.spawnError) throw new ToolError('trivy', `trivy could not start (${r.spawnError}); run scripts/install-tools.sh or set CHAINGATE_TRIVY_PATH`);
    if (r.timedOut) throw new ToolError('trivy', `trivy image ${ref} timed out after ${opts.timeoutMs} ms`);
    if (r.exitCode !== 0 || !fs.existsSync(out))
      throw new ToolError('trivy', `trivy image ${ref} failed (exit ${r.exitCode ?? r.signal}): ${firstErrorLine(r.stderr) ?? 'no message'}`);
    return parseTrivyCycloneDx(fs.readFileSync(out, 'utf8'), `trivy output for ${ref}`, ref);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
