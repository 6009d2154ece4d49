// The verifying shell. A keyring of trusted keys (rotation: old and new both trusted), revoked
// keys that fail a signature even though it is cryptographically valid, keyless identities, and
// required attestations (SBOM, the gate's VSA). Every failure has its own reason and becomes a
// finding of kind `signature`.
import { createHash, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import type { Finding } from '../core/finding';
import { ChaingateError, ConfigError, ToolError, UsageError } from '../errors';
import { FormatError } from '../parsers/util';
import { runTool, type RunResult } from '../process/run-tool';
import {
  cosignVerifyArgv,
  cosignVerifyAttestationArgv,
  cosignVerifyBlobArgv,
  type KeylessIdentity,
  type VerifyBy,
  type VerifyOpts,
} from './argv';
import { decodeAttestations, judgeAttestations } from './attestations';
import { classifyVerifyFailure, runProblem } from './classify';
import { keyArg, parseKeyRef } from './key-mode';
import { artifactCovered, loadTrustedRoot, parseBundleJson, verifyKeylessBundle } from './keyless-bundle';
import { failureToFinding, type VerifyFailure } from './reasons';
import { listTags, requireImageRef, resolveDigest } from './resolve-digest';
import { signatureTag } from './image-ref';
import { defaultMask, redact, secretValues } from './secrets';
import type { SignTools } from './tool-paths';
import { CYCLONEDX_PREDICATE_TYPE, DEFAULT_VERIFIER_ID, VSA_PREDICATE_TYPE } from './vsa';

export const ATTESTATION_TYPES = { cyclonedx: { cosignType: 'cyclonedx', predicateType: CYCLONEDX_PREDICATE_TYPE }, vsa: { cosignType: VSA_PREDICATE_TYPE, predicateType: VSA_PREDICATE_TYPE } } as const;
export type AttestationType = keyof typeof ATTESTATION_TYPES;

export interface VerifyEnv {
  tools: SignTools;
  /** Scratch directory (the key-only trusted root is written there). */
  workDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  mask?: (value: string) => void;
  timeoutMs?: number;
}

export interface TrustOptions {
  keys: string[];
  revokedKeys: string[];
  identity?: KeylessIdentity;
  tlog?: boolean;
  /** trusted_root.json for keyless checks without TUF (offline). */
  trustedRoot?: string;
}

export interface VerifyImageOptions extends TrustOptions {
  image: string;
  requireAttestations: AttestationType[];
  insecureRegistry?: boolean;
  /** Only a VSA from this verifier counts (default: chaingate's). */
  verifierId?: string;
}

export interface CheckRecord {
  check: string;
  ok: boolean;
  /** The key file / identity that verified it. */
  by?: string;
  detail?: string;
}

export interface VerifyOutcome {
  verified: boolean;
  /** repository@digest or the blob path. */
  subject: string;
  digest?: string;
  checks: CheckRecord[];
  failures: VerifyFailure[];
  findings: Finding[];
}

interface Verifier {
  by: VerifyBy;
  label: string;
}

/** Keys compare by their public key, not by file name: a renamed copy of a revoked key is revoked. */
function keyFingerprint(ref: string, env: NodeJS.ProcessEnv): string {
  const k = parseKeyRef(ref, env, '--key');
  let pem: string | undefined;
  if (k.kind === 'file') {
    try {
      pem = fs.readFileSync(k.path, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the public key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, k.path);
    }
  } else if (k.kind === 'env') pem = env[k.variable];
  if (pem === undefined) return `ref:${ref}`;
  try {
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    return `spki:${createHash('sha256').update(der).digest('hex')}`;
  } catch {
    throw new ConfigError('not a PEM public key (cosign generate-key-pair writes cosign.pub)', k.kind === 'file' ? k.path : ref);
  }
}

function keyArgFor(ref: string, env: NodeJS.ProcessEnv): string {
  // parseKeyRef never yields keyless, so there always is a --key value.
  return keyArg(parseKeyRef(ref, env, '--key')) as string;
}

/** Trusted verifiers (keys not revoked, then the keyless identity) and the revoked keys. */
export function planVerifiers(t: TrustOptions, env: NodeJS.ProcessEnv): { trusted: Verifier[]; revoked: Verifier[] } {
  if (t.keys.length === 0 && !t.identity) {
    throw new UsageError('nothing to verify against: pass --key PUB (repeatable) or --identity SUBJECT --issuer URL');
  }
  const revokedPrints = new Set(t.revokedKeys.map((r) => keyFingerprint(r, env)));
  const trusted: Verifier[] = [];
  for (const k of t.keys) {
    if (revokedPrints.has(keyFingerprint(k, env))) continue;
    trusted.push({ by: { key: keyArgFor(k, env) }, label: `key ${k}` });
  }
  if (t.identity) trusted.push({ by: t.identity, label: `identity ${t.identity.identity} (${t.identity.issuer})` });
  const revoked = t.revokedKeys.map((k) => ({ by: { key: keyArgFor(k, env) }, label: `revoked key ${k}` }));
  return { trusted, revoked };
}

const FAILURE_RANK: Record<VerifyFailure['reason'], number> = {
  'vsa-failed': 12,
  'revoked-key': 11,
  'identity-mismatch': 10,
  'issuer-mismatch': 10,
  'attestation-invalid': 9,
  'artifact-mismatch': 9,
  'wrong-key': 8,
  'untrusted-signature': 7,
  'invalid-bundle': 7,
  'unsigned-digest': 6,
  'no-signature': 5,
  'attestation-missing': 5,
  error: 1,
};

/** With several verifiers tried, report the most telling failure (a wrong key beats "no such"). */
export function mostTelling(failures: VerifyFailure[]): VerifyFailure {
  return [...failures].sort((a, b) => FAILURE_RANK[b.reason] - FAILURE_RANK[a.reason])[0];
}

class Runner {
  readonly secrets: string[];
  constructor(
    readonly e: VerifyEnv,
    readonly insecure: boolean,
  ) {
    this.secrets = secretValues(e.env);
    const mask = e.mask ?? defaultMask(e.env);
    for (const s of this.secrets) mask(s);
  }

  async cosign(args: string[]): Promise<RunResult> {
    // Attestation output carries whole SBOMs: keep far more than the default.
    const r = await runTool(this.e.tools.cosign, args, { env: this.e.env, timeoutMs: this.e.timeoutMs ?? 300_000, maxBuffer: 256 * 1024 * 1024 });
    const problem = runProblem(r, 'cosign', this.insecure);
    if (problem) throw new ToolError('cosign', redact(problem.problem, this.secrets));
    return r;
  }
}

/**
 * Keys offline get a trusted root with no authorities (nothing but the key is trusted, and cosign
 * does not go looking for the public-good root over the network); keyless gets the given root,
 * or cosign's TUF one.
 */
function vo(by: VerifyBy, t: TrustOptions, insecure: boolean, keyOnlyRoot: string): VerifyOpts {
  const root = 'key' in by ? (t.tlog ? t.trustedRoot : keyOnlyRoot) : t.trustedRoot;
  return { by, tlog: t.tlog, insecureRegistry: insecure, ...(root ? { trustedRoot: root } : {}) };
}

/** Runs one check with each trusted verifier until one passes; then tries the revoked keys. */
async function checkSignature(
  runner: Runner,
  plan: { trusted: Verifier[]; revoked: Verifier[] },
  argvFor: (v: Verifier) => string[],
  check: string,
  identity: KeylessIdentity | undefined,
): Promise<{ ok: true; by: Verifier; result: RunResult } | { ok: false; failure: VerifyFailure }> {
  const failures: VerifyFailure[] = [];
  for (const v of plan.trusted) {
    const r = await runner.cosign(argvFor(v));
    if (r.exitCode === 0) return { ok: true, by: v, result: r };
    const f = classifyVerifyFailure(r.stderr, check, 'key' in v.by ? undefined : identity);
    failures.push({ ...f, message: redact(f.message, runner.secrets) });
  }
  for (const v of plan.revoked) {
    const r = await runner.cosign(argvFor(v));
    if (r.exitCode === 0) {
      return { ok: false, failure: { reason: 'revoked-key', check, message: `signed with a revoked key (${v.label.replace(/^revoked key /, '')}); it verifies, but that key is no longer trusted` } };
    }
  }
  if (failures.length === 0) return { ok: false, failure: { reason: 'wrong-key', check, message: 'every key given is revoked: no trusted key is left' } };
  return { ok: false, failure: mostTelling(failures) };
}

function outcome(subject: string, checks: CheckRecord[], failures: VerifyFailure[], digest?: string): VerifyOutcome {
  return {
    verified: failures.length === 0,
    subject,
    ...(digest ? { digest } : {}),
    checks,
    failures,
    findings: failures.map((f) => failureToFinding(f, subject)),
  };
}

export async function runVerifyImage(o: VerifyImageOptions, e: VerifyEnv): Promise<VerifyOutcome> {
  const insecure = Boolean(o.insecureRegistry);
  requireImageRef(o.image);
  const runner = new Runner(e, insecure);
  const plan = planVerifiers(o, e.env);
  const regOpts = { insecureRegistry: insecure, timeoutMs: e.timeoutMs, env: e.env };
  const resolved = await resolveDigest(o.image, e.tools.crane, regOpts);
  e.log(`verifying ${resolved.image}${resolved.parsed.digest ? '' : ` (tag ${o.image})`}`);
  const checks: CheckRecord[] = [];
  const failures: VerifyFailure[] = [];

  const keyOnlyRoot = keyOnlyTrustedRoot(e.workDir);
  const sig = await checkSignature(runner, plan, (v) => cosignVerifyArgv(resolved.image, vo(v.by, o, insecure, keyOnlyRoot)), 'signature', o.identity);
  if (sig.ok) {
    checks.push({ check: 'signature', ok: true, by: sig.by.label });
  } else {
    let f = sig.failure;
    if (f.reason === 'no-signature') {
      // Signatures for other digests of this repository mean the tag moved after signing.
      const tags = await listTags(resolved.parsed.repository, e.tools.crane, regOpts);
      const others = (tags ?? []).filter((t) => /^sha256-[a-f0-9]{64}\.sig$/.test(t) && t !== signatureTag(resolved.digest));
      if (others.length) {
        const where = resolved.parsed.tag ? `tag ${resolved.parsed.tag} now points at ${resolved.digest}` : `${resolved.digest}`;
        f = {
          reason: 'unsigned-digest',
          check: 'signature',
          message: `${where}, which is not signed; the repository has signatures for ${others.length} other digest(s): the image was re-pushed after signing`,
        };
      }
    }
    failures.push(f);
    checks.push({ check: 'signature', ok: false, detail: f.message });
  }

  for (const type of [...new Set(o.requireAttestations)]) {
    const spec = ATTESTATION_TYPES[type];
    const check = `attestation ${type}`;
    let judged: VerifyFailure | undefined;
    let decided: Verifier | undefined;
    const att = await checkSignature(runner, plan, (v) => cosignVerifyAttestationArgv(resolved.image, spec.cosignType, vo(v.by, o, insecure, keyOnlyRoot)), check, o.identity);
    if (att.ok) {
      // cosign verified the envelopes; now read what they say about this digest.
      try {
        const j = judgeAttestations(decodeAttestations(att.result.stdout), spec.predicateType, resolved.digest, check, { verifierId: o.verifierId ?? DEFAULT_VERIFIER_ID });
        judged = j.failure;
        decided = att.by;
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        throw new ToolError('cosign', `cosign verify-attestation printed something that is not DSSE envelopes: ${err.message}`);
      }
    } else {
      judged = att.failure;
    }
    if (judged) {
      failures.push(judged);
      checks.push({ check, ok: false, detail: judged.message });
    } else checks.push({ check, ok: true, by: decided?.label });
  }
  return outcome(resolved.image, checks, failures, resolved.digest);
}

export interface VerifyBlobOptions extends TrustOptions {
  file: string;
  bundle: string;
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read the ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
}

/**
 * Keyless with a trusted root is checked in-process, fully offline. Keys go through cosign; the
 * key-only trusted root we hand it holds no authorities, so nothing but the key is trusted.
 */
export async function runVerifyBlob(o: VerifyBlobOptions, e: VerifyEnv): Promise<VerifyOutcome> {
  const runner = new Runner(e, false);
  const plan = planVerifiers(o, e.env);
  const artifact = readFile(o.file, 'file to verify');
  const bundleText = readFile(o.bundle, 'bundle').toString('utf8');
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(bundleText);
  } catch {
    throw new ConfigError('the bundle is not JSON (a Sigstore bundle, .sigstore.json, is expected)', o.bundle);
  }
  const checks: CheckRecord[] = [];
  const failures: VerifyFailure[] = [];
  const parsed = parseBundleJson(bundleJson);
  const early = 'error' in parsed ? { reason: 'invalid-bundle' as const, check: 'bundle', message: `not a valid Sigstore bundle: ${parsed.error}` } : artifactCovered(parsed, artifact).failure;
  if (early) {
    checks.push({ check: 'bundle', ok: false, detail: early.message });
    return outcome(o.file, checks, [early]);
  }
  const keyPlan = { trusted: plan.trusted.filter((v) => 'key' in v.by), revoked: plan.revoked };
  let ok: Verifier | undefined;
  const tried: VerifyFailure[] = [];

  if (o.identity && o.trustedRoot) {
    let rootJson: unknown;
    try {
      rootJson = JSON.parse(readFile(o.trustedRoot, 'trusted root').toString('utf8'));
    } catch (e) {
      if (e instanceof ChaingateError) throw e;
      throw new ConfigError('the trusted root is not JSON (a Sigstore trusted_root.json is expected)', o.trustedRoot);
    }
    const r = verifyKeylessBundle(bundleJson, artifact, loadTrustedRoot(rootJson), o.identity);
    if (r.ok) ok = { by: o.identity, label: `identity ${r.identity} (${r.issuer})` };
    else tried.push(r.failure);
  } else if (o.identity) {
    keyPlan.trusted.push({ by: o.identity, label: `identity ${o.identity.identity} (${o.identity.issuer})` });
  }
  if (!ok && (keyPlan.trusted.length || keyPlan.revoked.length)) {
    const emptyRoot = keyOnlyTrustedRoot(e.workDir);
    const r = await checkSignature(
      runner,
      keyPlan,
      (v) => cosignVerifyBlobArgv(o.file, o.bundle, vo(v.by, o, false, emptyRoot)),
      'bundle',
      o.identity,
    );
    if (r.ok) ok = r.by;
    else tried.push(r.failure);
  }
  if (ok) checks.push({ check: 'bundle', ok: true, by: ok.label });
  else {
    const f = mostTelling(tried);
    failures.push(f);
    checks.push({ check: 'bundle', ok: false, detail: f.message });
  }
  return outcome(o.file, checks, failures);
}

/** A trusted root with no CA, log or timestamp authority: for bundles signed by a plain key. */
export function keyOnlyTrustedRoot(workDir: string): string {
  fs.mkdirSync(workDir, { recursive: true });
  const file = `${workDir}/key-only.trusted_root.json`;
  fs.writeFileSync(
    file,
    JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] }),
  );
  return file;
}
