// Reads a CycloneDX JSON SBOM (ours or anyone's) as packages, so an SBOM can be audited like a
// lockfile. Only components with a purl of an ecosystem we match are returned. Pure.
import type { PackageURL } from 'packageurl-js';
import { lookupTable } from '../core/lookup';
import { LockfileError } from '../errors';
import { packageUrlLib } from '../parsers/purl';
import type { Ecosystem, Integrity, LockPackage } from './types';
import { isRecord, mergeByPurl, parseJsonLockfile, recordOf, str } from './util';

const FIX = 'pass a CycloneDX JSON SBOM (bomFormat "CycloneDX")';
const ECOSYSTEMS = lookupTable<Ecosystem>({ npm: 'npm', pypi: 'pypi', golang: 'golang' });
const ALGS = new Set(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

/** `json` is the file's text or the already parsed object; `file` names it in errors. */
export function packagesFromCycloneDx(json: string | unknown, file = 'SBOM'): LockPackage[] {
  const data = typeof json === 'string' ? parseJsonLockfile(json, file, FIX) : json;
  if (!isRecord(data) || data.bomFormat !== 'CycloneDX') throw new LockfileError(`not a CycloneDX JSON document; ${FIX}`, file);
  const refToPurl = new Map<string, string>();
  const found: { c: Record<string, unknown>; purl: string; eco: Ecosystem; name: string; version: string }[] = [];
  const { PackageURL } = packageUrlLib();
  const visit = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const raw of list) {
      const c = recordOf(raw);
      visit(c.components);
      const p = str(c.purl);
      if (!p) continue;
      let parsed: PackageURL;
      try {
        parsed = PackageURL.fromString(p);
      } catch {
        throw new LockfileError(`component "${str(c.name) ?? '?'}" has an invalid purl "${p}"; ${FIX}`, file);
      }
      const eco = ECOSYSTEMS[parsed.type];
      if (!eco || !parsed.version) continue;
      const name = eco === 'npm' || eco === 'golang' ? (parsed.namespace ? `${parsed.namespace}/${parsed.name}` : parsed.name) : parsed.name;
      // Qualifiers (arch, distro, download URL) do not change which advisories apply.
      const purl = new PackageURL(parsed.type, parsed.namespace, parsed.name, parsed.version, undefined, undefined).toString();
      const ref = str(c['bom-ref']);
      if (ref) refToPurl.set(ref, purl);
      found.push({ c, purl, eco, name, version: parsed.version });
    }
  };
  visit(data.components);
  const edges = new Map<string, string[]>();
  for (const d of Array.isArray(data.dependencies) ? data.dependencies : []) {
    const from = refToPurl.get(str(recordOf(d).ref) ?? '');
    if (!from) continue;
    const to = (Array.isArray(recordOf(d).dependsOn) ? (recordOf(d).dependsOn as unknown[]) : [])
      .map((r) => refToPurl.get(String(r)))
      .filter((x): x is string => Boolean(x));
    edges.set(from, [...(edges.get(from) ?? []), ...to]);
  }
  const meta = recordOf(recordOf(data.metadata).component);
  const rootRef = str(meta['bom-ref']);
  const rootDeps = new Set<string>();
  for (const d of Array.isArray(data.dependencies) ? data.dependencies : [])
    if (rootRef && str(recordOf(d).ref) === rootRef)
      for (const r of Array.isArray(recordOf(d).dependsOn) ? (recordOf(d).dependsOn as unknown[]) : []) {
        const p = refToPurl.get(String(r));
        if (p) rootDeps.add(p);
      }
  return mergeByPurl(
    found.map(({ c, purl, eco, name, version }) => {
      const hashes: Integrity[] = [];
      for (const h of Array.isArray(c.hashes) ? c.hashes : []) {
        const alg = str(recordOf(h).alg);
        const hex = str(recordOf(h).content);
        if (alg && hex && ALGS.has(alg)) hashes.push({ alg: alg as Integrity['alg'], hex: hex.toLowerCase() });
      }
      const licenses: string[] = [];
      for (const l of Array.isArray(c.licenses) ? c.licenses : []) {
        const r = recordOf(l);
        const id = str(recordOf(r.license).id) ?? str(recordOf(r.license).name) ?? str(r.expression);
        if (id) licenses.push(id);
      }
      const pkg: LockPackage = {
        ecosystem: eco,
        name,
        version,
        purl,
        // CycloneDX has no "dev": scope optional/excluded is the closest it says.
        dev: c.scope === 'excluded',
        direct: rootDeps.has(purl),
        dependencies: edges.get(purl) ?? [],
      };
      if (c.scope === 'optional') pkg.optional = true;
      if (hashes.length) pkg.integrity = hashes;
      if (licenses.length) pkg.licenses = licenses;
      return pkg;
    }),
  );
}
