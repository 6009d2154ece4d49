// Shared helpers for the lockfile parsers. Pure.
import type * as JsYaml from 'js-yaml';
import type * as TomlLib from 'smol-toml';
import { jsonParse, lookupTable } from '../core/lookup';
import { LockfileError } from '../errors';
import { parseLockfileYaml } from './lockfile-yaml';
import { describeJsonError } from '../parsers/json-error';
import { packageUrlLib, plainNpmPurl } from '../parsers/purl';
import type { Ecosystem, Integrity, Lockfile, LockPackage, Manifest } from './types';

// npm purls are built from packageurl-js's component encoders rather than a PackageURL object
// per package: npm needs no normalization beyond what the registry enforces (lower case), and
// the object's validation path is hot enough at 2,000 packages to cost the optimizing compiler
// several MB. Names and versions of characters no encoder changes skip the library altogether.
// A test holds the output equal to PackageURL's for every package of a real lockfile.
type Encoders = { encode: (s: string) => string };

const FOLDER_NAME = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9._-]+)+$/;
const FOLDER_VERSION = /^[A-Za-z0-9.-]+$/;

/** An empty version (a workspace whose package.json has none) gives a purl without one. */
export function npmPurl(name: string, version: string): string {
  // The purl spec's npm rule: namespace and name are lower-cased (old packages like JSONStream).
  const lower = name.toLowerCase();
  const plain = plainNpmPurl(lower, version || undefined);
  if (plain !== undefined) return plain;
  // A pnpm workspace no link names is named by its folder (apps/site): the name encoder writes
  // each '/' as %2F and leaves these characters alone, so the library need not load for it.
  if (FOLDER_NAME.test(lower) && (!version || FOLDER_VERSION.test(version))) return `pkg:npm/${lower.replaceAll('/', '%2F')}${version ? `@${version}` : ''}`;
  const enc = packageUrlLib().PurlComponent as unknown as { namespace: Encoders; name: Encoders; version: Encoders };
  const slash = lower.startsWith('@') ? lower.indexOf('/') : -1;
  const head = slash > 0 ? `${enc.namespace.encode(lower.slice(0, slash))}/${enc.name.encode(lower.slice(slash + 1))}` : enc.name.encode(lower);
  return version ? `pkg:npm/${head}@${enc.version.encode(version)}` : `pkg:npm/${head}`;
}

/** The reference implementation npmPurl must agree with. */
export function npmPurlStrict(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const ns = slash > 0 ? name.slice(0, slash) : undefined;
  const n = slash > 0 ? name.slice(slash + 1) : name;
  return new (packageUrlLib().PackageURL)('npm', ns, n, version || undefined, undefined, undefined).toString();
}

/** PEP 503 normalized name: what pip compares and what purls carry. */
export function pypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

// Names and versions of characters no purl encoder changes (and no type rule rewrites: pypi's
// name is already normalized, golang's lower-cased) are written directly: loading packageurl-js
// costs a cold run ~10-40 ms (it creates an Intl.Collator). A test holds the two equal.
const PLAIN_PART = /^[a-z0-9][a-z0-9._~-]*$/;
const PLAIN_VERSION = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

export function pypiPurl(name: string, version: string): string {
  const n = pypiName(name);
  if (PLAIN_PART.test(n) && PLAIN_VERSION.test(version)) return `pkg:pypi/${n}@${version}`;
  return new (packageUrlLib().PackageURL)('pypi', undefined, n, version, undefined, undefined).toString();
}

export function golangPurl(path: string, version: string): string {
  // The purl spec's golang type: namespace and name are not case sensitive and must be
  // lower-cased (github.com/AlecAivazis/survey -> github.com/alecaivazis/survey). The module
  // path itself (LockPackage.name, what OSV advisories name) keeps its case.
  const modulePath = path.toLowerCase();
  if (modulePath.split('/').every((p) => PLAIN_PART.test(p)) && PLAIN_VERSION.test(version)) return `pkg:golang/${modulePath}@${version}`;
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

export function parseJsonLockfile(text: string, file: string, fix: string): unknown {
  if (text.trim() === '') throw new LockfileError(`the file is empty; ${fix}`, file);
  try {
    return jsonParse(text);
  } catch (e) {
    // Position and kind only: V8's own message quotes the text near the error.
    const p = describeJsonError(text, e);
    throw new LockfileError(`not valid JSON (${p.problem}); ${fix}`, file, p.line, p.column);
  }
}

/**
 * js-yaml's reason as a kind of problem. Most reasons are fixed sentences; a few quote the file
 * (`unidentified alias "x"`, `unknown tag !<x>`, `tag name is malformed: x`), and a lockfile is the
 * pull request's text: anything quoting, or with a tag, becomes our own words.
 */
function yamlReason(reason: string): string {
  // js-yaml's reasons are fixed sentences followed by what it read ("…", !<…>, ": …"): keep the sentence.
  if (reason.startsWith('unidentified alias')) return 'an alias refers to no anchor';
  return reason.replace(/\s*(?:"|!<|: ).*$/s, '');
}

/**
 * Every YAML document of a lockfile (pnpm 11 writes two), read with js-yaml: on real pnpm and
 * berry lockfiles it is 7-10x faster than the \`yaml\` package (which keeps a concrete syntax tree
 * for editing; the config loader uses it for line numbers), and the YAML parse was half of a
 * pnpm/berry run. The core schema, as before: lockfiles quote what must stay a string.
 */
export function parseYamlDocuments(text: string, file: string, fix: string): unknown[] {
  if (text.trim() === '') throw new LockfileError(`the file is empty; ${fix}`, file);
  // The subset pnpm and berry write, read directly (lockfile-yaml.ts says why); else js-yaml.
  const fast = parseLockfileYaml(text);
  if (fast) return fast;
  // Required on first use: an npm-only project should not pay for loading a YAML parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadAll, CORE_SCHEMA, YAMLException } = require('js-yaml') as typeof JsYaml;
  try {
    return loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file });
  } catch (e) {
    if (!(e instanceof YAMLException)) throw e;
    throw new LockfileError(`not valid YAML (${yamlReason(e.reason)}); ${fix}`, file, e.mark ? e.mark.line + 1 : undefined, e.mark ? e.mark.column + 1 : undefined);
  }
}

/** A lockfile of one YAML document. */
export function parseYamlLockfile(text: string, file: string, fix: string): unknown {
  const docs = parseYamlDocuments(text, file, fix);
  if (docs.length !== 1) throw new LockfileError(`expected one YAML document, found ${docs.length}; ${fix}`, file);
  return docs[0];
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
export function markReachability(packages: LockPackage[], prodRoots: string[], devRoots: string[], optionalRoots: string[] = []): void {
  // Cold code over every edge: packages by index, the graph as one array of indices, and the
  // three walks marking bits of one byte per package (not three Sets of purls).
  const index = new Map<string, number>();
  for (let i = 0; i < packages.length; i++) index.set(packages[i].purl, i);
  const first = new Int32Array(packages.length + 1);
  const to: number[] = [];
  for (let i = 0; i < packages.length; i++) {
    first[i] = to.length;
    const p = packages[i];
    // A workspace is part of the project: its own sections are roots of their own kind.
    if (p.workspace !== undefined) continue;
    for (const d of p.dependencies) {
      const j = index.get(d);
      if (j !== undefined) to.push(j);
    }
  }
  first[packages.length] = to.length;
  const marks = new Uint8Array(packages.length);
  const walk = (roots: string[], bit: number) => {
    const stack: number[] = [];
    for (const r of roots) {
      const j = index.get(r);
      if (j !== undefined) stack.push(j);
    }
    while (stack.length) {
      const i = stack.pop() as number;
      if (marks[i] & bit) continue;
      marks[i] |= bit;
      for (let k = first[i]; k < first[i + 1]; k++) if (!(marks[to[k]] & bit)) stack.push(to[k]);
    }
  };
  walk(prodRoots, PROD);
  walk(prodRoots, ANY);
  walk(devRoots, ANY);
  walk(optionalRoots, ANY);
  walk(optionalRoots, OPTIONAL);
  for (let i = 0; i < packages.length; i++) {
    const p = packages[i];
    // Unreachable entries stay as they are (dev=false): better over-report than drop.
    if (!(marks[i] & ANY) || p.workspace !== undefined) continue;
    const inProd = (marks[i] & PROD) !== 0;
    const optionalOnly = (marks[i] & OPTIONAL) !== 0;
    p.dev = !inProd && !optionalOnly;
    if (!inProd && optionalOnly) p.optional = true;
  }
}
const PROD = 1;
const ANY = 2;
const OPTIONAL = 4;

/**
 * Packages deduplicated by purl (the same name@version nested at several paths is one component):
 * prod wins over dev, required over optional, direct over transitive; dependency lists merged and
 * sorted so the output does not depend on the lockfile's key order. `owned`: the caller built
 * `list` for this and nothing else holds its packages, so they are merged in place, not copied.
 */
export function mergeByPurl(list: Iterable<LockPackage>, owned = false): LockPackage[] {
  const by = new Map<string, LockPackage>();
  for (const p of list) {
    const q = by.get(p.purl);
    if (!q) {
      by.set(p.purl, owned ? p : { ...p, dependencies: [...p.dependencies] });
      continue;
    }
    q.dev = q.dev && p.dev;
    if (q.optional !== undefined || p.optional !== undefined) q.optional = Boolean(q.optional && p.optional);
    q.direct = q.direct || p.direct;
    for (const d of p.dependencies) q.dependencies.push(d);
    if (!q.integrity && p.integrity) q.integrity = p.integrity;
    if (!q.licenses && p.licenses) q.licenses = p.licenses;
    if (p.unresolved) q.unresolved = [...(q.unresolved ?? []), ...p.unresolved];
    if (!q.workspace && p.workspace) q.workspace = p.workspace;
  }
  // Sorted by purl (the default sort compares code units, as `<` does), without a comparator
  // call per comparison: this runs cold, on every package.
  const purls = [...by.keys()].sort();
  const out: LockPackage[] = [];
  for (const purl of purls) {
    const p = by.get(purl) as LockPackage;
    sortDependencies(p);
    if (p.optional === false) delete p.optional;
    if (p.unresolved) p.unresolved = sortedUnique(p.unresolved);
    out.push(p);
  }
  return out;
}

/** `p.dependencies` sorted, without repeats or `p` itself, in place. */
function sortDependencies(p: LockPackage): void {
  const d = p.dependencies;
  if (d.length > 1) d.sort();
  let w = 0;
  for (let r = 0; r < d.length; r++) if (d[r] !== p.purl && (w === 0 || d[r] !== d[w - 1])) d[w++] = d[r];
  d.length = w;
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
    if (markDev) markReachability(packages, prod, dev, opt);
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

/** What a workspace-aware parser collected: every workspace's sections, and the root's edges. */
export interface WorkspaceRoots {
  prod: string[];
  dev: string[];
  opt: string[];
  /** The root's own dependencies and its workspaces. */
  rootDeps: string[];
}

/**
 * `list`: packages the caller built for this call alone (they are merged in place).
 * Dev/optional by reachability from every workspace's sections (a workspace node is not walked
 * through, so one workspace's devDependencies never become production because another workspace
 * needs that workspace), direct = named by a workspace or the root.
 */
export function finishWorkspaces(
  base: Pick<Lockfile, 'path' | 'kind'>,
  list: LockPackage[],
  roots: WorkspaceRoots,
  manifest: Manifest | undefined,
): Lockfile {
  const packages = mergeByPurl(list, true);
  markReachability(packages, roots.prod, roots.dev, roots.opt);
  const rootDependencies = sortedUnique(roots.rootDeps);
  const direct = new Set([...roots.prod, ...roots.dev, ...roots.opt, ...rootDependencies]);
  for (const p of packages) p.direct = direct.has(p.purl);
  const root = manifest?.name ? { name: manifest.name, version: manifest.version ?? '0.0.0' } : undefined;
  return { ...base, root, packages, rootDependencies };
}
