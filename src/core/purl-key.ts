// Compares packages named by a purl (exceptions, VEX products) with a finding's package. Pure.
import type { PackageRef } from './finding';
import { packageKey } from './finding';

export interface PurlParts {
  type: string;
  /** namespace/name as the ecosystem writes it (npm scopes keep their @). */
  name: string;
  version?: string;
}

/**
 * Parses `pkg:type/namespace/name@version?qualifiers#subpath` loosely: enough to compare
 * identities. Returns undefined for text that is not a purl.
 */
/** A percent-decoded purl part; a stray `%` that is not an escape stays as written. */
function decodePart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parsePurl(purl: string): PurlParts | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+)/.exec(purl.trim());
  if (!m) return undefined;
  const type = m[1].toLowerCase();
  let path = m[2];
  let version: string | undefined;
  const at = path.lastIndexOf('@');
  // An @ at the start of a segment is an npm scope, not a version separator.
  if (at > 0 && path[at - 1] !== '/') {
    version = decodePart(path.slice(at + 1));
    path = path.slice(0, at);
  }
  const segments = path.split('/').filter(Boolean).map(decodePart);
  const sep = type === 'maven' ? ':' : '/';
  return { type, name: segments.join(sep), version: version || undefined };
}

function keyOfParts(p: PurlParts): string {
  return packageKey({ ecosystem: p.type, name: p.name, fixedVersions: [] });
}

/** Does a purl pattern (version optional: any version) name this finding's package? */
export function purlMatches(pattern: PurlParts, pkg: PackageRef | undefined): boolean {
  if (!pkg) return false;
  const fromPurl = pkg.purl ? parsePurl(pkg.purl) : undefined;
  const key = fromPurl ? keyOfParts(fromPurl) : packageKey(pkg);
  if (key !== keyOfParts(pattern)) return false;
  if (pattern.version === undefined) return true;
  return (pkg.version ?? fromPurl?.version) === pattern.version;
}
