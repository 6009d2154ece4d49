// Lockfiles (+ an image) -> a CycloneDX document, via @cyclonedx/cyclonedx-library. Pure.
import { createHash } from 'node:crypto';
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type { LockPackage } from '../lockfiles/types';
import { mergeByPurl } from '../lockfiles/util';
import type { ForeignComponent, SbomInput, SbomOptions } from './types';

const SPECS = { '1.6': Spec.Spec1dot6, '1.5': Spec.Spec1dot5 } as const;

function licensesOf(values: string[], declared: boolean): Models.LicenseRepository {
  // From a lockfile the license is what the package declares, not what anyone concluded.
  const acknowledgement = declared ? Enums.LicenseAcknowledgement.Declared : undefined;
  const repo = new Models.LicenseRepository();
  // CycloneDX allows one SPDX expression or a list of licenses, not a mix.
  const expr = values.find((v) => /\s(OR|AND|WITH)\s|^\(/.test(v));
  if (expr) {
    const e = new Models.LicenseExpression(expr);
    e.acknowledgement = acknowledgement;
    repo.add(e);
    return repo;
  }
  for (const v of values) {
    const id = SPDX.fixupSpdxId(v);
    repo.add(id ? new Models.SpdxLicense(id, { acknowledgement }) : new Models.NamedLicense(v, { acknowledgement }));
  }
  return repo;
}

const HASH_ALGS = new Set<string>(Object.values(Enums.HashAlgorithm));

/** Digests by algorithm, distinct and sorted. */
function digestsOf(list: { alg: string; content: string }[] | undefined): Map<string, string[]> {
  const seen = new Map<string, Set<string>>();
  for (const h of list ?? []) {
    if (!HASH_ALGS.has(h.alg)) continue;
    const s = seen.get(h.alg) ?? new Set<string>();
    s.add(h.content);
    seen.set(h.alg, s);
  }
  return new Map([...seen].map(([alg, c]) => [alg, [...c].sort()]));
}

/**
 * The library's HashDictionary holds one digest per algorithm. A Python version has one per file
 * (wheels, sdist; pip's `--hash` lists them all): those components get every digest written
 * into the document after normalization, see `withAllDigests`.
 */
function hashesOf(list: { alg: string; content: string }[] | undefined): Models.HashDictionary {
  const dict = new Models.HashDictionary();
  for (const [alg, contents] of digestsOf(list)) dict.set(alg as Enums.HashAlgorithm, contents[0]);
  return dict;
}

/** Several digests per algorithm, which the library's model cannot hold: `multi` collects them, bom-ref -> hashes. */
function packageHashes(p: LockPackage, multi: Map<string, { alg: string; content: string }[]>): Models.HashDictionary {
  const dict = new Models.HashDictionary();
  if (!p.integrity) return dict;
  const d = digestsOf(p.integrity.map((i) => ({ alg: i.alg, content: i.hex })));
  for (const [alg, contents] of d) dict.set(alg as Enums.HashAlgorithm, contents[0]);
  if ([...d.values()].some((c) => c.length > 1)) multi.set(p.purl, [...d].sort().flatMap(([alg, cs]) => cs.map((content) => ({ alg, content }))));
  return dict;
}

function withAllDigests(doc: Record<string, unknown>, multi: Map<string, { alg: string; content: string }[]>): void {
  if (multi.size === 0) return;
  for (const c of (doc.components ?? []) as { 'bom-ref'?: string; hashes?: unknown }[]) {
    const all = c['bom-ref'] === undefined ? undefined : multi.get(c['bom-ref']);
    if (all) c.hashes = all;
  }
}

function splitNpmName(name: string): { group?: string; name: string } {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0 ? { group: name.slice(0, slash), name: name.slice(slash + 1) } : { name };
}

function fromLockPackage(p: LockPackage, byRef: Map<string, Models.Component>, multi: Map<string, { alg: string; content: string }[]>): Models.Component {
  const n = p.ecosystem === 'npm' ? splitNpmName(p.name) : { name: p.name };
  const c = new Models.Component(Enums.ComponentType.Library, n.name, {
    bomRef: p.purl,
    group: 'group' in n ? n.group : undefined,
    version: p.version,
    purl: p.purl,
    scope: p.dev || p.optional ? Enums.ComponentScope.Optional : Enums.ComponentScope.Required,
    hashes: packageHashes(p, multi),
    licenses: p.licenses ? licensesOf(p.licenses, true) : undefined,
  });
  // The CycloneDX taxonomy's development flag is npm's; other ecosystems get our own name.
  if (p.dev) c.properties.add(new Models.Property(p.ecosystem === 'npm' ? 'cdx:npm:package:development' : 'chaingate:development', 'true'));
  if (p.workspace !== undefined) c.properties.add(new Models.Property('chaingate:workspace', p.workspace));
  for (const u of p.unresolved ?? []) c.properties.add(new Models.Property('chaingate:unresolved-dependency', u));
  byRef.set(p.purl, c);
  return c;
}

function fromForeign(f: ForeignComponent): Models.Component {
  const type = (Object.values(Enums.ComponentType) as string[]).includes(f.type) ? (f.type as Enums.ComponentType) : Enums.ComponentType.Library;
  const c = new Models.Component(type, f.name, {
    bomRef: f.ref,
    group: f.group,
    version: f.version,
    purl: f.purl,
    hashes: hashesOf(f.hashes),
    licenses: f.licenses.length ? licensesOf(f.licenses, false) : undefined,
  });
  for (const p of f.properties) c.properties.add(new Models.Property(p.name, p.value));
  return c;
}

function toolComponent(version: string): Models.Component {
  return new Models.Component(Enums.ComponentType.Application, 'chaingate', { version });
}

/**
 * Whether `list` is already what mergeByPurl returns (one lockfile's packages, as every parser
 * returns them): merging again would copy 2,000 packages for nothing. Read only, never changed.
 */
function isMerged(list: LockPackage[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (i > 0 && !(list[i - 1].purl < p.purl)) return false;
    if (p.optional === false) return false;
    const d = p.dependencies;
    for (let j = 0; j < d.length; j++) if (d[j] === p.purl || (j > 0 && !(d[j - 1] < d[j]))) return false;
    const u = p.unresolved;
    if (u) for (let j = 1; j < u.length; j++) if (!(u[j - 1] < u[j])) return false;
  }
  return true;
}

/** The document as a plain object, keys in the spec's order, lists sorted. */
export function buildSbom(input: SbomInput, opts: SbomOptions): Record<string, unknown> {
  const byRef = new Map<string, Models.Component>();
  const bom = new Models.Bom();
  bom.metadata.timestamp = opts.timestamp;
  bom.metadata.tools.components.add(toolComponent(opts.toolVersion));

  const image = input.image;
  const rootComponent = image
    ? new Models.Component(Enums.ComponentType.Container, image.ref, { bomRef: 'image', version: image.digest, purl: image.purl })
    : new Models.Component(Enums.ComponentType.Application, input.root.name, { bomRef: 'root', version: input.root.version });
  bom.metadata.component = rootComponent;

  const keep = (p: LockPackage) => !(opts.excludeDev && p.dev);
  // One package in several projects is one component: required if any project needs it in production.
  const listed = input.lockfiles.flatMap((l) => l.packages.filter(keep));
  const all = isMerged(listed) ? listed : mergeByPurl(listed);
  const multi = new Map<string, { alg: string; content: string }[]>();
  for (const p of all) bom.components.add(fromLockPackage(p, byRef, multi));
  for (const p of all) {
    const c = byRef.get(p.purl) as Models.Component;
    for (const d of p.dependencies) {
      const dc = byRef.get(d);
      if (dc?.bomRef) c.dependencies.add(dc.bomRef);
    }
  }

  // A single lockfile describing the root itself needs no extra project component.
  const single = input.lockfiles.length === 1 && !image && !input.lockfiles[0].path.includes('/');
  for (const lock of input.lockfiles) {
    let project = rootComponent;
    if (!single) {
      const name = lock.root?.name ?? lock.path;
      project = new Models.Component(Enums.ComponentType.Application, name, {
        bomRef: `project:${lock.path}`,
        version: lock.root?.version || undefined,
      });
      project.properties.add(new Models.Property('chaingate:lockfile', lock.path));
      bom.components.add(project);
      rootComponent.dependencies.add(project.bomRef);
    } else {
      rootComponent.properties.add(new Models.Property('chaingate:lockfile', lock.path));
    }
    for (const d of lock.rootDependencies ?? []) {
      const dc = byRef.get(d);
      if (dc?.bomRef) project.dependencies.add(dc.bomRef);
    }
  }

  if (image) {
    const foreign = new Map<string, Models.Component>();
    for (const f of image.components) {
      // Dedup by purl: a package both in a lockfile and in the image is one component.
      const existing = f.purl ? byRef.get(f.purl) : undefined;
      const c = existing ?? fromForeign(f);
      if (!existing) bom.components.add(c);
      foreign.set(f.ref, c);
    }
    for (const f of image.components) {
      const c = foreign.get(f.ref) as Models.Component;
      for (const d of f.dependsOn) {
        const dc = foreign.get(d);
        if (dc?.bomRef) c.dependencies.add(dc.bomRef);
      }
    }
    for (const d of image.dependsOn) {
      const dc = foreign.get(d);
      if (dc?.bomRef) rootComponent.dependencies.add(dc.bomRef);
    }
  }

  const seen = new Set([...byRef.keys(), ...(image?.components.flatMap((f) => (f.purl ? [f.purl] : [])) ?? [])]);
  for (const f of input.extra ?? []) {
    if (f.purl === undefined || seen.has(f.purl)) continue;
    seen.add(f.purl);
    const c = fromForeign(f);
    bom.components.add(c);
    if (c.bomRef.value) rootComponent.dependencies.add(c.bomRef);
  }

  const spec = SPECS[opts.specVersion];
  const normalizer = new Serialize.JSON.Normalize.Factory(spec).makeForBom();
  // The library's sortLists orders with localeCompare, whose first call loads ICU's collation
  // data (~10-40 ms of a 0.15 s run): the lists are ordered here instead, by code unit.
  const doc = normalizer.normalize(bom, { sortLists: false }) as unknown as Record<string, unknown>;
  withAllDigests(doc, multi);
  sortLists(doc);
  const serial = opts.serialNumber ?? contentSerial(doc);
  const { $schema, bomFormat, specVersion, version, serialNumber: _unset, ...rest } = doc;
  void _unset;
  return { $schema, bomFormat, specVersion, serialNumber: serial, version, ...rest };
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const keyed = <T>(key: (x: T) => string) => (a: T, b: T) => byCodeUnit(key(a), key(b));

interface NormalComponent {
  'bom-ref'?: string;
  hashes?: { alg: string; content: string }[];
  properties?: { name: string; value: string }[];
  components?: NormalComponent[];
}

/** Every list of the normalized document in a fixed order, so the same input gives the same bytes. */
function sortLists(doc: Record<string, unknown>): void {
  const components = (list: NormalComponent[] | undefined) => {
    if (!list) return;
    list.sort(keyed((c) => c['bom-ref'] ?? ''));
    for (const c of list) {
      c.hashes?.sort(keyed((h) => `${h.alg}\n${h.content}`));
      c.properties?.sort(keyed((p) => `${p.name}\n${p.value}`));
      components(c.components);
    }
  };
  components(doc.components as NormalComponent[] | undefined);
  const meta = doc.metadata as { component?: NormalComponent } | undefined;
  if (meta?.component) components([meta.component]);
  const deps = doc.dependencies as { ref: string; dependsOn?: string[] }[] | undefined;
  deps?.sort(keyed((d) => d.ref));
  for (const d of deps ?? []) d.dependsOn?.sort(byCodeUnit);
}

/** urn:uuid from a SHA-256 of the document (without serial): same content, same serial. */
export function contentSerial(doc: unknown): string {
  const h = createHash('sha256').update(JSON.stringify(doc)).digest('hex');
  // Shaped as a version-5-style UUID (name-based) so validators accept it.
  const v = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return `urn:uuid:${v}`;
}

export function serializeSbom(doc: Record<string, unknown>): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Number of components (nested included), for summaries. */
export function countComponents(doc: Record<string, unknown>): number {
  let n = 0;
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      n++;
      walk((c as { components?: unknown }).components);
    }
  };
  walk(doc.components);
  return n;
}
