// Tag → digest, through crane. The digest is what gets signed and verified: a tag can be
// re-pushed after signing, a digest cannot.
import { ChaingateError, ToolError, UsageError } from '../errors';
import { runTool } from '../process/run-tool';
import { craneDigestArgv, craneListArgv, type RegistryOpts } from './argv';
import { cosignError, runProblem } from './classify';
import { byDigest, isDigest, parseImageRef, type ImageRef } from './image-ref';

export interface ResolvedImage {
  /** What the user gave. */
  ref: string;
  parsed: ImageRef;
  digest: string;
  /** repository@digest */
  image: string;
}

export function requireImageRef(ref: string): ImageRef {
  const parsed = parseImageRef(ref);
  if (!parsed) throw new UsageError(`--image ${ref}: not an image reference; write REGISTRY/REPOSITORY[:TAG][@sha256:DIGEST]`);
  return parsed;
}

export async function resolveDigest(ref: string, crane: string, o: RegistryOpts & { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<ResolvedImage> {
  const parsed = requireImageRef(ref);
  const r = await runTool(crane, craneDigestArgv(ref, o), { timeoutMs: o.timeoutMs ?? 120_000, env: o.env });
  const problem = runProblem(r, 'crane', Boolean(o.insecureRegistry));
  if (problem) throw new ToolError('crane', problem.problem);
  if (r.exitCode !== 0) {
    const err = cosignError(r.stderr);
    if (/MANIFEST_UNKNOWN|NAME_UNKNOWN|not found/i.test(err)) {
      throw new ChaingateError('VERIFY_FAILED', `image ${ref} does not exist in the registry (${err})`);
    }
    throw new ToolError('crane', `crane digest ${ref} failed: ${err}`);
  }
  const digest = r.stdout.trim();
  if (!isDigest(digest)) throw new ToolError('crane', `crane digest ${ref} printed "${digest.slice(0, 80)}", not a sha256 digest`);
  if (parsed.digest && parsed.digest !== digest) {
    throw new ChaingateError('VERIFY_FAILED', `${ref} names ${parsed.digest} but the registry serves ${digest}`);
  }
  return { ref, parsed, digest, image: byDigest(parsed.repository, digest) };
}

/** Tags of a repository, or undefined when they cannot be listed (the caller then says less). */
export async function listTags(repository: string, crane: string, o: RegistryOpts & { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string[] | undefined> {
  const r = await runTool(crane, craneListArgv(repository, o), { timeoutMs: o.timeoutMs ?? 60_000, env: o.env });
  if (r.exitCode !== 0) return undefined;
  return r.stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}
