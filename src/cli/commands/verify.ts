// `chaingate verify`: is this image (by digest) or blob signed by a trusted, non-revoked key or
// identity, with the required attestations? Exit 0 verified, 1 not (with the reason).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPolicyFile } from '../../config/load';
import type { Policy } from '../../config/schema';
import { ConfigError, UsageError } from '../../errors';
import { parseCommandArgs, setStepOutputs, warnTo } from '../../sign/cli-support';
import { reasonTitle } from '../../sign/reasons';
import { ATTESTATION_TYPES, runVerifyBlob, runVerifyImage, type AttestationType, type VerifyOutcome } from '../../sign/run-verify';
import { signTools } from '../../sign/tool-paths';
import { checkPolicyTools, untrustedRoots } from '../../tools/resolve';
import { EXIT, type Command, type CommandIO } from '../types';
import { escapeData } from '../../log-text';

const USAGE = `chaingate verify --image REF [options]
chaingate verify --blob FILE --bundle FILE.sigstore.json [options]

  --image REF                    image to verify; a tag is resolved to its digest first
  --blob FILE --bundle B         file and its Sigstore bundle
  --key PUB                      trusted public key: file, env://VAR or KMS URI (repeatable: a keyring)
  --revoked-key PUB              a key that no longer counts, even for valid signatures (repeatable)
  --identity ID --issuer URL     keyless signer: exact certificate identity, or a regular expression
                                 when written ^...$ ; and its OIDC issuer
  --require-attestation TYPE     cyclonedx or vsa (repeatable): must exist and verify; a verification
                                 summary (vsa) saying FAILED fails
  --insecure-registry            the registry speaks plain HTTP (a local test registry)
  --tlog                         with keys, also require a transparency-log entry
  --trusted-root FILE            Sigstore trusted_root.json for keyless checks (offline)
  --config FILE                  take defaults from the policy's verify: section
  --output FILE                  write the outcome (checks, reasons, findings) as JSON

Exit codes: 0 verified, 1 not verified, 2 invalid usage, 3 a tool could not run.`;

const OPTIONS = {
  image: { type: 'string' },
  blob: { type: 'string' },
  bundle: { type: 'string' },
  key: { type: 'string', multiple: true },
  'revoked-key': { type: 'string', multiple: true },
  identity: { type: 'string' },
  issuer: { type: 'string' },
  'require-attestation': { type: 'string', multiple: true },
  'insecure-registry': { type: 'boolean' },
  tlog: { type: 'boolean' },
  'trusted-root': { type: 'string' },
  config: { type: 'string' },
  output: { type: 'string' },
} as const;

function attestationTypes(list: string[]): AttestationType[] {
  return list.map((t) => {
    if (!(t in ATTESTATION_TYPES)) throw new UsageError(`--require-attestation ${t}: use one of ${Object.keys(ATTESTATION_TYPES).join(', ')}`);
    return t as AttestationType;
  });
}

function render(o: VerifyOutcome): string {
  const lines: string[] = [];
  for (const c of o.checks) lines.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.check}${c.by ? ` (${c.by})` : ''}${c.detail && !c.ok ? `: ${c.detail}` : ''}`);
  if (o.verified) lines.push(`verified ${o.subject}`);
  else for (const f of o.failures) lines.push(`not verified: ${reasonTitle(f.reason)} [${f.reason}]: ${f.message}`);
  return lines.join('\n') + '\n';
}

async function run(argv: string[], io: CommandIO): Promise<number> {
  const v = parseCommandArgs(argv, OPTIONS, USAGE);
  const rel = (p: string) => path.resolve(io.cwd, p);
  const loaded = v.config ? loadPolicyFile(rel(v.config)) : undefined;
  const policy: Policy | undefined = loaded?.value;
  // Checked like scan's: the policy may sit in the repository of the change being verified.
  const tools = loaded ? checkPolicyTools(loaded.value, loaded.path, loaded.lineOf, untrustedRoots([io.cwd], io.env), io.env) : {};
  const policyVerify = policy?.verify;
  const image = v.image ?? (v.blob ? undefined : policyVerify?.image);
  if (Boolean(image) === Boolean(v.blob)) throw new UsageError(`give exactly one of --image REF or --blob FILE\n\n${USAGE}`);
  if (v.blob && !v.bundle) throw new UsageError('--blob needs --bundle FILE.sigstore.json');
  const identity = v.identity ?? policyVerify?.identity;
  const issuer = v.issuer ?? policyVerify?.issuer;
  if (Boolean(identity) !== Boolean(issuer)) throw new UsageError('--identity and --issuer go together: a keyless identity is only meaningful with its OIDC issuer');
  // env:// and KMS URIs pass as they are; key files on the command line are relative to the
  // working directory, those named in the policy to the policy file.
  const keyRef = (base: string) => (k: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(k) ? k : path.resolve(base, k));
  const policyDir = v.config ? path.dirname(rel(v.config)) : io.cwd;
  const keys = v.key ? v.key.map(keyRef(io.cwd)) : (policyVerify?.keys ?? []).map(keyRef(policyDir));
  const revokedKeys = [...(v['revoked-key'] ?? []).map(keyRef(io.cwd)), ...(policyVerify?.['revoked-keys'] ?? []).map(keyRef(policyDir))];
  const trust = {
    keys,
    revokedKeys,
    identity: identity && issuer ? { identity, issuer } : undefined,
    tlog: v.tlog,
    trustedRoot: v['trusted-root'] ? rel(v['trusted-root']) : undefined,
  };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-verify-'));
  const e = { tools: signTools(io.env, tools), env: io.env, log: (l: string) => io.stderr(`${escapeData(l)}\n`), workDir };
  const requireAttestations = attestationTypes(v['require-attestation'] ?? policyVerify?.['require-attestations'] ?? []);
  let outcome: VerifyOutcome;
  try {
    outcome = v.blob
      ? await runVerifyBlob({ ...trust, file: rel(v.blob), bundle: rel(v.bundle as string) }, e)
      : await runVerifyImage(
          { ...trust, image: image as string, requireAttestations, insecureRegistry: v['insecure-registry'] ?? policyVerify?.['insecure-registry'] },
          e,
        );
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  io.stdout(render(outcome));
  if (v.output) {
    const file = rel(v.output);
    try {
      fs.writeFileSync(file, JSON.stringify(outcome, null, 2) + '\n');
    } catch (e) {
      throw new ConfigError(`cannot write the verification record (${(e as NodeJS.ErrnoException).code ?? 'write failed'}); choose another --output`, file);
    }
  }
  setStepOutputs(io.env, { verified: String(outcome.verified), ...(outcome.digest ? { digest: outcome.digest } : {}) }, warnTo(io));
  return outcome.verified ? EXIT.PASS : EXIT.FAIL;
}

export const command: Command = { name: 'verify', summary: 'verify signatures, revocations, identities and attestations of an image or blob', usage: USAGE, run };
