// How cosign gets its key. Secrets never travel on a command line: a key held in the env is
// named as env://VAR and cosign reads it (and COSIGN_PASSWORD) from its own environment. Pure.
import { UsageError } from '../errors';

export const KMS_SCHEMES = ['awskms://', 'gcpkms://', 'azurekms://', 'hashivault://'] as const;
export const PRIVATE_KEY_ENV = 'COSIGN_PRIVATE_KEY';
export const PUBLIC_KEY_ENV = 'COSIGN_PUBLIC_KEY';
export const PASSWORD_ENV = 'COSIGN_PASSWORD';

export type SigningKey =
  | { kind: 'keyless' }
  | { kind: 'file'; path: string }
  | { kind: 'env'; variable: string }
  | { kind: 'kms'; uri: string };

/** What cosign's --key gets; undefined for keyless (Fulcio issues a short-lived certificate). */
export function keyArg(k: SigningKey): string | undefined {
  switch (k.kind) {
    case 'keyless':
      return undefined;
    case 'file':
      return k.path;
    case 'env':
      return `env://${k.variable}`;
    case 'kms':
      return k.uri;
  }
}

export function isKeyless(k: SigningKey): boolean {
  return k.kind === 'keyless';
}

/** GitHub gives a job an OIDC token only with `permissions: id-token: write`. */
export function githubOidcAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

function looksLikeKeyMaterial(value: string): boolean {
  return /-----BEGIN [A-Z ]*KEY-----/.test(value) || /\n/.test(value);
}

/** Parses one --key value (private or public): a file, env://VAR, or a KMS URI. */
export function parseKeyRef(value: string, env: NodeJS.ProcessEnv, flag = '--key'): SigningKey {
  const v = value.trim();
  if (!v) throw new UsageError(`${flag} is empty: give a key file, env://VAR or a KMS URI (${KMS_SCHEMES.join(', ')})`);
  if (looksLikeKeyMaterial(v)) {
    // Whatever is on a command line ends up in process listings and CI logs.
    throw new UsageError(
      `${flag} was given key material, not a reference to it: never put a key on a command line; put it in the ${PRIVATE_KEY_ENV} environment variable (a CI secret) or a file, and pass ${flag} env://${PRIVATE_KEY_ENV} or the file's path`,
    );
  }
  if (v.startsWith('env://')) {
    const variable = v.slice('env://'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`${flag} ${v}: env:// must be followed by a variable name`);
    if (!env[variable]) throw new UsageError(`${flag} ${v}: the environment variable ${variable} is not set`);
    return { kind: 'env', variable };
  }
  if (KMS_SCHEMES.some((s) => v.startsWith(s))) return { kind: 'kms', uri: v };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v);
  if (scheme) {
    throw new UsageError(`${flag} ${v}: unsupported key scheme ${scheme[1]}://; use a key file, env://VAR or one of ${KMS_SCHEMES.join(', ')}`);
  }
  return { kind: 'file', path: v };
}

/**
 * The signing key: --key when given; else COSIGN_PRIVATE_KEY from the env; else keyless when
 * GitHub Actions offers an OIDC token (or --keyless forces it).
 */
export function resolveSigningKey(opts: { key?: string; keyless?: boolean }, env: NodeJS.ProcessEnv): SigningKey {
  if (opts.key !== undefined && opts.keyless) throw new UsageError('--key and --keyless exclude each other: pick one');
  if (opts.key !== undefined) return parseKeyRef(opts.key, env);
  if (opts.keyless) return { kind: 'keyless' };
  if (env[PRIVATE_KEY_ENV]) return { kind: 'env', variable: PRIVATE_KEY_ENV };
  if (githubOidcAvailable(env)) return { kind: 'keyless' };
  throw new UsageError(
    `no signing key: pass --key FILE|env://VAR|KMS-URI, set ${PRIVATE_KEY_ENV} (+ ${PASSWORD_ENV}), or sign keyless in GitHub Actions (the job needs "permissions: id-token: write")`,
  );
}
