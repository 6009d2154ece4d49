// The signing shell: resolve the digest, sign it, attest the SBOM and the gate's verdict (VSA),
// or sign a blob into a Sigstore bundle. cosign reads keys and passwords from its environment;
// nothing secret is put on its command line or printed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GateResult } from '../core/result';
import { ChaingateError, ConfigError, ToolError } from '../errors';
import { runTool, type RunResult } from '../process/run-tool';
import { cosignAttestArgv, cosignSignArgv, cosignSignBlobArgv, tlogOn, type SignOpts } from './argv';
import { cosignError, runProblem } from './classify';
import { isKeyless, type SigningKey } from './key-mode';
import { resolveDigest } from './resolve-digest';
import { defaultMask, redact, secretValues } from './secrets';
import type { SignTools } from './tool-paths';
import { buildVsaStatement, CYCLONEDX_PREDICATE_TYPE, VSA_PREDICATE_TYPE, type Statement } from './vsa';

export interface SignEnv {
  tools: SignTools;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  log: (line: string) => void;
  /** Registers a secret with the CI log masker; defaults to @actions/core in GitHub Actions. */
  mask?: (value: string) => void;
  timeoutMs?: number;
}

export interface SignImageOptions {
  image: string;
  key: SigningKey;
  sbom?: string;
  /** The gate's result; its verdict is attested as a VSA. */
  result?: { path: string; value: GateResult };
  insecureRegistry?: boolean;
  tlog?: boolean;
  /** Where predicate files are written (a scratch directory). */
  workDir: string;
  verifierId?: string;
}

export interface AttestationMade {
  type: 'cyclonedx' | 'vsa';
  predicateType: string;
  /** The predicate file given to cosign. */
  predicate: string;
}

export interface SignImageOutcome {
  ref: string;
  digest: string;
  image: string;
  keyless: boolean;
  tlog: boolean;
  attestations: AttestationMade[];
  vsa?: Statement;
}

export interface SignBlobOutcome {
  file: string;
  bundle: string;
  sha256: string;
  keyless: boolean;
  tlog: boolean;
}

function prepareSecrets(e: SignEnv, key: SigningKey): string[] {
  const secrets = secretValues(e.env, key);
  const mask = e.mask ?? defaultMask(e.env);
  for (const s of secrets) mask(s);
  return secrets;
}

function signFailure(what: string, r: RunResult, secrets: string[], insecure: boolean): ChaingateError {
  const problem = runProblem(r, 'cosign', insecure);
  if (problem) return new ToolError('cosign', redact(problem.problem, secrets));
  const err = cosignError(r.stderr);
  let hint = '';
  if (/decrypt|password|passphrase/i.test(err)) hint = ' (is COSIGN_PASSWORD the password of this key?)';
  else if (/getting signer|id token|oidc|provider/i.test(err)) hint = ' (keyless signing needs GitHub Actions with "permissions: id-token: write")';
  return new ChaingateError('SIGN_FAILED', redact(`${what} failed: ${err || `cosign exited with ${r.exitCode}`}${hint}`, secrets));
}

function readSbom(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the SBOM: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ConfigError('the SBOM is not JSON; attest a CycloneDX JSON SBOM (chaingate scan --write-sbom writes one)', file);
  }
  if (!doc || typeof doc !== 'object' || (doc as { bomFormat?: unknown }).bomFormat !== 'CycloneDX') {
    throw new ConfigError('not a CycloneDX SBOM (bomFormat is not "CycloneDX")', file);
  }
  return text;
}

export async function runSignImage(o: SignImageOptions, e: SignEnv): Promise<SignImageOutcome> {
  const secrets = prepareSecrets(e, o.key);
  const sbomText = o.sbom !== undefined ? readSbom(o.sbom) : undefined;
  const timeoutMs = e.timeoutMs ?? 300_000;
  const resolved = await resolveDigest(o.image, e.tools.crane, { insecureRegistry: o.insecureRegistry, timeoutMs, env: e.env });
  e.log(`resolved ${o.image} to ${resolved.digest}`);
  const so: SignOpts = { key: o.key, tlog: o.tlog, insecureRegistry: o.insecureRegistry };
  const run = (args: string[]) => runTool(e.tools.cosign, args, { env: e.env, timeoutMs });

  const sig = await run(cosignSignArgv(resolved.image, so));
  if (sig.exitCode !== 0) throw signFailure(`signing ${resolved.image}`, sig, secrets, Boolean(o.insecureRegistry));
  e.log(`signed ${resolved.image}`);

  const attestations: AttestationMade[] = [];
  fs.mkdirSync(o.workDir, { recursive: true });
  const inputAttestations = [];
  if (o.sbom !== undefined && sbomText !== undefined) {
    const r = await run(cosignAttestArgv(resolved.image, 'cyclonedx', o.sbom, so));
    if (r.exitCode !== 0) throw signFailure(`attesting the SBOM ${o.sbom} to ${resolved.image}`, r, secrets, Boolean(o.insecureRegistry));
    attestations.push({ type: 'cyclonedx', predicateType: CYCLONEDX_PREDICATE_TYPE, predicate: o.sbom });
    inputAttestations.push({ uri: path.basename(o.sbom), digest: { sha256: createHash('sha256').update(sbomText).digest('hex') } });
    e.log(`attested the SBOM ${o.sbom}`);
  }
  let vsa: Statement | undefined;
  if (o.result) {
    vsa = buildVsaStatement({
      result: o.result.value,
      repository: resolved.parsed.repository,
      digest: resolved.digest,
      now: e.now(),
      verifierId: o.verifierId,
      inputAttestations,
    });
    const predicateFile = path.join(o.workDir, 'chaingate-vsa.predicate.json');
    fs.writeFileSync(predicateFile, JSON.stringify(vsa.predicate, null, 2) + '\n');
    fs.writeFileSync(path.join(o.workDir, 'chaingate-vsa.intoto.json'), JSON.stringify(vsa, null, 2) + '\n');
    const r = await run(cosignAttestArgv(resolved.image, VSA_PREDICATE_TYPE, predicateFile, so));
    if (r.exitCode !== 0) throw signFailure(`attesting the verdict to ${resolved.image}`, r, secrets, Boolean(o.insecureRegistry));
    attestations.push({ type: 'vsa', predicateType: VSA_PREDICATE_TYPE, predicate: predicateFile });
    e.log(`attested the verdict (${(vsa.predicate as { verificationResult: string }).verificationResult}) from ${o.result.path}`);
  }
  return {
    ref: o.image,
    digest: resolved.digest,
    image: resolved.image,
    keyless: isKeyless(o.key),
    tlog: tlogOn(o.key, o.tlog),
    attestations,
    ...(vsa ? { vsa } : {}),
  };
}

/** The bundle goes next to the file: FILE.sigstore.json. */
export function bundlePathFor(file: string): string {
  return `${file}.sigstore.json`;
}

export async function runSignBlob(o: { file: string; key: SigningKey; tlog?: boolean; bundle?: string }, e: SignEnv): Promise<SignBlobOutcome> {
  const secrets = prepareSecrets(e, o.key);
  let data: Buffer;
  try {
    data = fs.readFileSync(o.file);
  } catch (err) {
    throw new ConfigError(`cannot read the file to sign: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, o.file);
  }
  const bundle = o.bundle ?? bundlePathFor(o.file);
  const r = await runTool(e.tools.cosign, cosignSignBlobArgv(o.file, bundle, { key: o.key, tlog: o.tlog }), { env: e.env, timeoutMs: e.timeoutMs ?? 300_000 });
  if (r.exitCode !== 0) throw signFailure(`signing ${o.file}`, r, secrets, false);
  if (!fs.existsSync(bundle)) throw new ToolError('cosign', `cosign sign-blob succeeded but wrote no bundle at ${bundle}`);
  e.log(`signed ${o.file}: ${bundle}`);
  return { file: o.file, bundle, sha256: createHash('sha256').update(data).digest('hex'), keyless: isKeyless(o.key), tlog: tlogOn(o.key, o.tlog) };
}
