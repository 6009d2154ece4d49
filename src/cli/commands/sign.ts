// `chaingate sign`: sign an image by digest (plus SBOM and verdict attestations), or a blob
// into a Sigstore bundle next to it.
import * as path from 'node:path';
import { UsageError } from '../../errors';
import { parseCommandArgs, readGateResult, setStepOutputs, warnTo } from '../../sign/cli-support';
import { resolveSigningKey } from '../../sign/key-mode';
import { runSignBlob, runSignImage, type SignEnv } from '../../sign/run-sign';
import { signTools } from '../../sign/tool-paths';
import { EXIT, type Command, type CommandIO } from '../types';
import { escapeData } from '../../log-text';

const USAGE = `chaingate sign --image REF [options]
chaingate sign --blob FILE [options]

  --image REF              image to sign; a tag is resolved to its digest, and the digest is signed
  --blob FILE              file to sign; writes FILE.sigstore.json (a Sigstore bundle)
  --key KEY                private key: a file, env://VAR or a KMS URI (awskms://, gcpkms://,
                           azurekms://, hashivault://). Default: COSIGN_PRIVATE_KEY from the env,
                           else keyless in GitHub Actions (needs "permissions: id-token: write").
                           The key's password is read from COSIGN_PASSWORD, never from a flag.
  --keyless                sign keyless (Fulcio certificate for the CI's OIDC identity)
  --sbom FILE              attest this CycloneDX JSON SBOM (cosign attest --type cyclonedx)
  --result FILE            attest this gate result's verdict as a SLSA verification summary
  --insecure-registry      the registry speaks plain HTTP (a local test registry)
  --tlog-upload            with a key, also record in the transparency log (keyless always does)
  --output-dir DIR         where the attested predicate files are written (default: chaingate-out)

Exit codes: 0 signed, 1 signing failed, 2 invalid usage, 3 a tool could not run.`;

const OPTIONS = {
  image: { type: 'string' },
  blob: { type: 'string' },
  key: { type: 'string' },
  keyless: { type: 'boolean' },
  sbom: { type: 'string' },
  result: { type: 'string' },
  'insecure-registry': { type: 'boolean' },
  'tlog-upload': { type: 'boolean' },
  'output-dir': { type: 'string' },
} as const;

async function run(argv: string[], io: CommandIO): Promise<number> {
  const v = parseCommandArgs(argv, OPTIONS, USAGE);
  if (Boolean(v.image) === Boolean(v.blob)) throw new UsageError(`give exactly one of --image REF or --blob FILE\n\n${USAGE}`);
  // A key file is relative to the working directory; env:// and KMS URIs pass as they are.
  const keyValue = v.key !== undefined && v.key.trim() && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v.key) ? path.resolve(io.cwd, v.key) : v.key;
  const key = resolveSigningKey({ key: keyValue, keyless: v.keyless }, io.env);
  const e: SignEnv = {
    tools: signTools(io.env),
    env: io.env,
    now: io.now,
    log: (l) => io.stderr(`${escapeData(l)}\n`),
  };
  if (v.blob) {
    if (v.sbom || v.result || v['insecure-registry']) throw new UsageError('--sbom, --result and --insecure-registry apply to --image only');
    const file = path.resolve(io.cwd, v.blob);
    const out = await runSignBlob({ file, key, tlog: v['tlog-upload'] }, e);
    io.stdout(`signed ${v.blob} (sha256:${out.sha256})\nbundle ${out.bundle}\n`);
    setStepOutputs(io.env, { bundle: out.bundle, 'blob-sha256': out.sha256 }, warnTo(io));
    return EXIT.PASS;
  }
  const result = v.result ? { path: v.result, value: readGateResult(path.resolve(io.cwd, v.result)) } : undefined;
  const out = await runSignImage(
    {
      image: v.image as string,
      key,
      sbom: v.sbom ? path.resolve(io.cwd, v.sbom) : undefined,
      result,
      insecureRegistry: v['insecure-registry'],
      tlog: v['tlog-upload'],
      workDir: path.resolve(io.cwd, v['output-dir'] ?? 'chaingate-out'),
    },
    e,
  );
  const lines = [`signed ${out.image}`, `digest ${out.digest}`];
  for (const a of out.attestations) lines.push(`attested ${a.type} (${a.predicateType})`);
  io.stdout(lines.join('\n') + '\n');
  setStepOutputs(io.env, { digest: out.digest, image: out.image }, warnTo(io));
  return EXIT.PASS;
}

export const command: Command = { name: 'sign', summary: 'sign an image (by digest) with SBOM and verdict attestations, or a blob', usage: USAGE, run };
