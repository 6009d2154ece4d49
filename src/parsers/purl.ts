// Package URL helpers shared by the parsers. Pure.
//
// Findings carry a purl without qualifiers or subpath (see PackageRef in core/finding.ts): the
// qualifiers (arch, distro, repository_url...) differ between tools for the same package and
// would only stop two reports of one issue from lining up.
import type * as PurlLib from 'packageurl-js';
import { lookupTable } from '../core/lookup';

/**
 * packageurl-js, required on first use: its start-up (an Intl.Collator among others) costs about
 * 10 ms, and most purls never need it (see CANONICAL_PURL; lockfiles build npm purls directly).
 */
let purlLib: typeof PurlLib | undefined;
export function packageUrlLib(): typeof PurlLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (purlLib ??= require('packageurl-js') as typeof PurlLib);
}

/** OSV `ecosystem` (without a `:release` suffix, e.g. `Debian:12` → `Debian`) → purl type. */
const OSV_ECOSYSTEMS = lookupTable({
  npm: 'npm',
  pypi: 'pypi',
  go: 'golang',
  maven: 'maven',
  rubygems: 'gem',
  'crates.io': 'cargo',
  nuget: 'nuget',
  packagist: 'composer',
  pub: 'pub',
  hex: 'hex',
  conancenter: 'conan',
  cran: 'cran',
  swifturl: 'swift',
  bitnami: 'bitnami',
  hackage: 'hackage',
  debian: 'deb',
  ubuntu: 'deb',
  alpine: 'apk',
  wolfi: 'apk',
  chainguard: 'apk',
  'red hat': 'rpm',
  rocky: 'rpm',
  'rocky linux': 'rpm',
  almalinux: 'rpm',
  opensuse: 'rpm',
  suse: 'rpm',
  mageia: 'rpm',
});

/** Distribution ecosystems whose purl carries the distribution as namespace (pkg:deb/debian/...). */
const OSV_DISTRO_NAMESPACE = lookupTable({
  debian: 'debian',
  ubuntu: 'ubuntu',
  alpine: 'alpine',
  wolfi: 'wolfi',
  chainguard: 'chainguard',
  'red hat': 'redhat',
  rocky: 'rocky',
  'rocky linux': 'rocky',
  almalinux: 'almalinux',
  opensuse: 'opensuse',
  suse: 'suse',
  mageia: 'mageia',
});

function osvBase(ecosystem: string): string {
  return ecosystem.split(':')[0].trim().toLowerCase();
}

/** purl type for an OSV ecosystem name (`PyPI` → `pypi`, `Go` → `golang`); undefined when unknown. */
export function purlTypeForOsvEcosystem(ecosystem: string): string | undefined {
  return OSV_ECOSYSTEMS[osvBase(ecosystem)];
}

/** purl namespace implied by an OSV distribution ecosystem (`Debian:12` → `debian`). */
export function purlNamespaceForOsvEcosystem(ecosystem: string): string | undefined {
  return OSV_DISTRO_NAMESPACE[osvBase(ecosystem)];
}

/**
 * Builds `pkg:type/namespace/name@version` from a tool's package name. Names that carry their own
 * namespace are split the way each ecosystem spells them: Maven `group:artifact`, npm `@scope/name`,
 * Go module paths and Composer `vendor/name` at the last `/`. Returns undefined rather than a
 * malformed purl when the parts are not valid for the type.
 */
export function buildPurl(type: string, name: string, version?: string, namespace?: string): string | undefined {
  if (type === 'npm' && namespace === undefined) {
    const plain = plainNpmPurl(name, version || undefined);
    if (plain !== undefined) return plain;
  }
  let ns = namespace;
  let n = name;
  if (type === 'maven' && n.includes(':')) {
    const i = n.indexOf(':');
    ns = n.slice(0, i);
    n = n.slice(i + 1);
  } else if (n.includes('/')) {
    const i = n.lastIndexOf('/');
    ns = ns ? `${ns}/${n.slice(0, i)}` : n.slice(0, i);
    n = n.slice(i + 1);
  }
  try {
    return new (packageUrlLib().PackageURL)(type, ns || undefined, n, version || undefined).toString();
  } catch {
    return undefined;
  }
}

const PLAIN_NPM_NAME = /^(?:@([a-z0-9][a-z0-9._-]*)\/)?([a-z0-9][a-z0-9._-]*)$/;
const PLAIN_VERSION = /^[A-Za-z0-9.-]+$/;

/**
 * `pkg:npm/[%40scope/]name[@version]` written directly, as packageurl-js writes it, for a
 * lower-case name and a version of characters no purl encoder changes (nearly every npm
 * package); undefined for anything else, which goes through the library. A test holds the two
 * equal on every package of a real lockfile.
 */
export function plainNpmPurl(name: string, version: string | undefined): string | undefined {
  const plain = PLAIN_NPM_NAME.exec(name);
  if (plain === null || (version !== undefined && !PLAIN_VERSION.test(version))) return undefined;
  return `pkg:npm/${plain[1] === undefined ? '' : `%40${plain[1]}/`}${plain[2]}${version === undefined ? '' : `@${version}`}`;
}

/**
 * purls packageurl-js would write back unchanged: a type whose rules only lower-case or check
 * parts it does not have here, lower-case names of characters that need no escaping, a plain
 * version. Most purls tools print look like this, and parsing one costs more than the rest of a
 * finding. Anything else goes through the library.
 */
const CANONICAL_PURL = /^pkg:(?:npm|pypi|gem|cargo|nuget|deb|apk|rpm|composer)\/(?:[a-z0-9][a-z0-9.-]*\/)*[a-z0-9][a-z0-9.-]*@[A-Za-z0-9][A-Za-z0-9.-]*$/;

/** The type of a purl packageurl-js would write back unchanged (see CANONICAL_PURL), else undefined. */
export function canonicalPurlType(purl: string): string | undefined {
  // The slice is one of the few type names the pattern allows: the constant is returned, so
  // 100,000 findings share it.
  return CANONICAL_PURL.test(purl) ? CANONICAL_TYPES[purl.slice(4, purl.indexOf('/', 4))] : undefined;
}
const CANONICAL_TYPES = lookupTable({ npm: 'npm', pypi: 'pypi', gem: 'gem', cargo: 'cargo', nuget: 'nuget', deb: 'deb', apk: 'apk', rpm: 'rpm', composer: 'composer' });

/**
 * A purl without its qualifiers and subpath, normalized by the purl rules (e.g. PyPI names
 * lower-cased). Returns undefined when `purl` is not a package URL at all.
 */
export function purlWithoutQualifiers(purl: string): string | undefined {
  if (CANONICAL_PURL.test(purl)) return purl;
  const { PackageURL } = packageUrlLib();
  try {
    const p = PackageURL.fromString(purl);
    // Nothing to drop (the usual case): the parsed purl is the answer, no second build needed.
    if (p.qualifiers === undefined && p.subpath === undefined) return p.toString();
    return new PackageURL(p.type, p.namespace, p.name, p.version).toString();
  } catch {
    return undefined;
  }
}

/** The type of a package URL (`pkg:npm/x@1` → `npm`), or undefined when it is not one. */
export function purlType(purl: string): string | undefined {
  const m = /^pkg:\/*([A-Za-z.+-][A-Za-z0-9.+-]*)\//.exec(purl);
  return m ? m[1].toLowerCase() : undefined;
}
