// Image references: split into repository / tag / digest, so the signer can always name the
// digest (a tag can be moved after signing; a digest cannot). Pure.

export interface ImageRef {
  /** registry host + path, e.g. 127.0.0.1:5000/team/app */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Returns undefined when `ref` is not a usable reference; callers word the error. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const s = ref.trim();
  if (!s || /\s/.test(s)) return undefined;
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return undefined;
  }
  if (!rest || rest.startsWith('/') || rest.endsWith('/') || rest.includes('//')) return undefined;
  const first = rest.split('/')[0];
  if (first.includes(':') && !/^[^:]+:\d+$/.test(first)) return undefined;
  return { repository: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export function byDigest(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

/** The tag cosign stores a legacy signature under for `digest`: sha256-<hex>.sig */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}
