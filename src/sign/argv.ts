// argv for every cosign / crane call chaingate makes. Pure: the shell runs them with runTool.
import { keyArg, type SigningKey } from './key-mode';

export interface RegistryOpts {
  /** Plain-HTTP or self-signed registry (a local test registry on 127.0.0.1). */
  insecureRegistry?: boolean;
}

export interface SignOpts extends RegistryOpts {
  key: SigningKey;
  /** Upload to the transparency log. Keyless always does; key modes default to offline. */
  tlog?: boolean;
}

export interface KeylessIdentity {
  /** Exact SAN, or a regular expression when it starts with ^ or ends with $. */
  identity: string;
  issuer: string;
}

export type VerifyBy = { key: string } | KeylessIdentity;

export interface VerifyOpts extends RegistryOpts {
  by: VerifyBy;
  /** Require a transparency-log entry. Keyless always does; key modes default to offline. */
  tlog?: boolean;
  /** trusted_root.json to use instead of fetching one through TUF. */
  trustedRoot?: string;
}

export function tlogOn(key: SigningKey, tlog: boolean | undefined): boolean {
  return key.kind === 'keyless' ? true : tlog === true;
}

function registryFlags(o: RegistryOpts): string[] {
  return o.insecureRegistry ? ['--allow-insecure-registry', '--allow-http-registry'] : [];
}

function signKeyFlags(o: SignOpts): string[] {
  const k = keyArg(o.key);
  const flags = k === undefined ? [] : ['--key', k];
  if (!tlogOn(o.key, o.tlog)) flags.push('--tlog-upload=false');
  return flags;
}

/** An identity written as ^...$ (or either anchor) is a regular expression, anything else exact. */
export function isIdentityRegex(identity: string): boolean {
  return identity.startsWith('^') || identity.endsWith('$');
}

function verifyFlags(o: VerifyOpts): string[] {
  const flags: string[] = [];
  if ('key' in o.by) {
    flags.push('--key', o.by.key);
    if (o.tlog !== true) flags.push('--insecure-ignore-tlog=true');
  } else {
    flags.push(isIdentityRegex(o.by.identity) ? '--certificate-identity-regexp' : '--certificate-identity', o.by.identity);
    flags.push('--certificate-oidc-issuer', o.by.issuer);
  }
  if (o.trustedRoot) flags.push('--trusted-root', o.trustedRoot);
  return flags;
}

export function craneDigestArgv(ref: string, o: RegistryOpts): string[] {
  return ['digest', ...(o.insecureRegistry ? ['--insecure'] : []), ref];
}

export function craneListArgv(repository: string, o: RegistryOpts): string[] {
  return ['ls', ...(o.insecureRegistry ? ['--insecure'] : []), repository];
}

/** `image` is always repository@digest: the digest is what gets signed. */
export function cosignSignArgv(image: string, o: SignOpts): string[] {
  return ['sign', '--yes', ...signKeyFlags(o), ...registryFlags(o), image];
}

export function cosignAttestArgv(image: string, predicateType: string, predicateFile: string, o: SignOpts): string[] {
  return ['attest', '--yes', ...signKeyFlags(o), '--type', predicateType, '--predicate', predicateFile, ...registryFlags(o), image];
}

export function cosignVerifyArgv(image: string, o: VerifyOpts): string[] {
  return ['verify', ...verifyFlags(o), '--output', 'json', ...registryFlags(o), image];
}

export function cosignVerifyAttestationArgv(image: string, predicateType: string, o: VerifyOpts): string[] {
  return ['verify-attestation', ...verifyFlags(o), '--type', predicateType, '--output', 'json', ...registryFlags(o), image];
}

/** Writes a Sigstore bundle (the protobuf-JSON format every Sigstore client reads). */
export function cosignSignBlobArgv(file: string, bundle: string, o: Omit<SignOpts, 'insecureRegistry'>): string[] {
  return ['sign-blob', '--yes', ...signKeyFlags(o), '--new-bundle-format', '--bundle', bundle, file];
}

export function cosignVerifyBlobArgv(file: string, bundle: string, o: Omit<VerifyOpts, 'insecureRegistry'>): string[] {
  return ['verify-blob', ...verifyFlags(o), '--new-bundle-format', '--bundle', bundle, file];
}
