// Shared helpers for the lockfile parsers. Pure.
import type * as YamlLib from 'yaml';
import { lookupTable } from '../core/lookup';
import type * as TomlLib from 'smol-toml';
import { jsonParse } from '../core/lookup';
import { LockfileError } from '../errors';
import { packageUrlLib, plainNpmPurl } from '../parsers/purl';
import type { Ecosystem, Integrity, Lockfile, LockPackage, Manifest } from './types';

// npm purls are built from packageurl-js's component encoders rather than a PackageURL object
// per package: npm needs no normalization beyond what the registry enforces (lower case), and
// the object's validation path is hot enough at 2,000 packages to cost the optimizing compiler
// several MB. Names and versions of characters no encoder changes skip the library altogether.
// A test holds the output equal to PackageURL's for every package of a real lockfile.
type Encoders = { encode: (s: string) => string };

export function npmPurl(name: string, version: string): string {
  // The purl spec's npm rule: namespace and name are lower-cased (old packages like JSONStream).
  const lower = name.toLowerCase();
  const plain = plainNpmPurl(lower, version);
  if (plain !== undefined) return plain;
  const enc = packageUrlLib().PurlComponent as unknown as { namespace: Encoders; name: Encoders; version: Encoders };
  const slash = lower.startsWith('@') ? lower.indexOf('/') : -1;
  const head = slash > 0 ? `${enc.namespace.encode(lower.slice(0, slash))}/${enc.name.encode(lower.slice(slash + 1))}` : enc.name.encode(lower);
  return `pkg:npm/${head}@${enc.version.encode(version)}`;
}

/** The reference implementation npmPurl must agree with. */
export function npmPurlStrict(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const ns = slash > 0 ? name.slice(0, slash) : undefined;
  const n = slash > 0 ? name.slice(slash + 1) : name;
  return new (packageUrlLib().PackageURL)('npm', ns, n, version, undefined, undefined).toString();
}

/** PEP 503 normalized name: what pip compares and what purls carry. */
export function pypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string): string {
  return new (packageUrlLib().PackageURL)('pypi', undefined, pypiName(name), version, undefined, undefined).toString();
}

export function golangPurl(modulePath: string, version: string): string {
  const slash = modulePath.lastIndexOf('/');
  const ns = slash > 0 ? modulePath.slice(0, slash) : undefined;
  const n = slash > 0 ? modulePath.slice(slash + 1) : modulePath;
  return new (packageUrlLib().PackageURL)('golang', ns, n, version, undefined, undefined).toString();
}

export function purlFor(ecosystem: Ecosystem, name: string, version: string): string {
  if (ecosystem === 'npm') return npmPurl(name, version);
  if (ecosystem === 'pypi') return pypiPurl(name, version);
  return golangPurl(name, version);
}

const SRI_ALGS = lookupTable<Integrity['alg']>({
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
});
const HEX_LEN: Record<Integrity['alg'], number> = { 'SHA-1': 40, 'SHA-256': 64, 'SHA-384': 96, 'SHA-512': 128 };

/** Subresource-integrity strings (`sha512-<base64> sha1-<base64>`) as hex digests. */
export function fromSri(sri: string | undefined): Integrity[] | undefined {
  if (!sri) return undefined;
  const out: Integrity[] = [];
  for (const part of sri.trim().split(/\s+/)) {
    const dash = part.indexOf('-');
    const alg = SRI_ALGS[part.slice(0, dash).toLowerCase()];
    if (!alg) continue;
    const hex = Buffer.from(part.slice(dash + 1), 'base64').toString('hex');
    // A digest of the wrong length is a damaged lockfile entry, not a hash worth reporting.
    if (hex.length === HEX_LEN[alg]) out.push({ alg, hex });
  }
  return out.length ? out : undefined;
}

/** `sha256:<hex>` (pip, poetry) as a digest. */
export function fromPrefixedHex(s: string): Integrity | undefined {
  const m = /^(sha1|sha256|sha384|sha512):([0-9a-fA-F]+)$/.exec(s.trim());
  if (!m) return undefined;
  const alg = SRI_ALGS[m[1]] as Integrity['alg'];
  const hex = m[2].toLowerCase();
  return hex.length === HEX_LEN[alg] ? { alg, hex } : undefined;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseJsonLockfile(text: string, file: string, fix: string): unknown {
  if (text.trim() === '') throw new LockfileError(`the file is empty; ${fix}`, file);
  try {
    return jsonParse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    // A truncated file ends mid-value: the error is at its last line.
    const end = /Unexpected end of JSON/.test(msg) ? text.trimEnd().split('\n').length : undefined;
    const line = lc ? Number(lc[1]) : pos ? lineOfOffset(text, Number(pos[1])) : end;
    throw new LockfileError(`not valid JSON (${msg.replace(/ in JSON at .*$/, '')}); ${fix}`, file, line);
  }
}

export function parseYamlLockfile(text: string, file: string, fix: string): unknown {
  if (text.trim() === '') throw new LockfileError(`the file is empty; ${fix}`, file);
  // Required on first use: an npm-only project should not pay for loading a YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDocument } = require('yaml') as typeof YamlLib;
  // uniqueKeys off: real lockfiles never repeat keys, and the check costs time on big files.
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new LockfileError(`not valid YAML (${first}); ${fix}`, file, e.linePos?.[0].line, e.linePos?.[0].col);
  }
  return doc.toJS({ maxAliasCount: -1 });
}

export function parseTomlLockfile(text: string, file: string, fix: string): Record<string, unknown> {
  if (text.trim() === '') throw new LockfileError(`the file is empty; ${fix}`, file);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse: parseToml, TomlError } = require('smol-toml') as typeof TomlLib;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0];
      throw new LockfileError(`not valid TOML (${first}); ${fix}`, file, e.line, e.column);
    }
    throw e;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function recordOf(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/**
 * For lockfiles that do not record which packages are dev-only: a package is dev when no path
 * from a production root reaches it; optional when only optional roots/edges reach it.
 */
export function markReachability(
  packages: Map<string, LockPackage>,
  prodRoots: string[],
  devRoots: string[],
  optionalRoots: string[] = [],
): void {
  const prod = walk(packages, prodRoots);
  const all = walk(packages, [...prodRoots, ...devRoots, ...optionalRoots]);
  const optionalOnly = walk(packages, optionalRoots);
  for (const [purl, p] of packages) {
    // Unreachable entries stay as they are (dev=false): better over-report than drop.
    if (!all.has(purl)) continue;
    const inProd = prod.has(purl);
    p.dev = !inProd && !optionalOnly.has(purl);
    if (!inProd && optionalOnly.has(purl)) p.optional = true;
  }
}

function walk(packages: Map<string, LockPackage>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const purl = stack.pop() as string;
    if (seen.has(purl)) continue;
    seen.add(purl);
    const p = packages.get(purl);
    if (p) for (const d of p.dependencies) if (!seen.has(d)) stack.push(d);
  }
  return seen;
}

/**
 * Packages deduplicated by purl (the same name@version nested at several paths is one component):
 * prod wins over dev, required over optional, direct over transitive; dependency lists merged and
 * sorted so the output does not depend on the lockfile's key order.
 */
export function mergeByPurl(list: Iterable<LockPackage>): LockPackage[] {
  const by = new Map<string, LockPackage>();
  for (const p of list) {
    const q = by.get(p.purl);
    if (!q) {
      by.set(p.purl, { ...p, dependencies: [...p.dependencies] });
      continue;
    }
    q.dev = q.dev && p.dev;
    if (q.optional !== undefined || p.optional !== undefined) q.optional = Boolean(q.optional && p.optional);
    q.direct = q.direct || p.direct;
    q.dependencies.push(...p.dependencies);
    if (!q.integrity && p.integrity) q.integrity = p.integrity;
    if (!q.licenses && p.licenses) q.licenses = p.licenses;
  }
  const out = [...by.values()];
  for (const p of out) {
    p.dependencies = [...new Set(p.dependencies)].filter((d) => d !== p.purl).sort();
    if (p.optional === false) delete p.optional;
  }
  return out.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}

export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

/**
 * The project's own dependencies from the manifest (direct, and dev/optional by reachability
 * unless the lockfile already said), or, without one, the entries nothing else needs.
 */
export function withRoots(
  base: Pick<Lockfile, 'path' | 'kind'>,
  packages: LockPackage[],
  manifest: Manifest | undefined,
  resolveRoot: (name: string, range: string) => string | undefined,
  markDev = true,
): Lockfile {
  const roots = (m: Record<string, string>) =>
    Object.entries(m)
      .map(([n, r]) => resolveRoot(n, r))
      .filter((x): x is string => Boolean(x));
  let rootDependencies: string[];
  if (manifest) {
    const prod = roots(manifest.dependencies);
    const dev = roots(manifest.devDependencies);
    const opt = roots(manifest.optionalDependencies);
    if (markDev) markReachability(new Map(packages.map((p) => [p.purl, p])), prod, dev, opt);
    rootDependencies = sortedUnique([...prod, ...dev, ...opt]);
  } else {
    const needed = new Set(packages.flatMap((p) => p.dependencies));
    rootDependencies = packages.filter((p) => !needed.has(p.purl)).map((p) => p.purl);
  }
  const direct = new Set(rootDependencies);
  for (const p of packages) p.direct = direct.has(p.purl);
  const root = manifest?.name ? { name: manifest.name, version: manifest.version ?? '0.0.0' } : undefined;
  return { ...base, root, packages, rootDependencies };
}
