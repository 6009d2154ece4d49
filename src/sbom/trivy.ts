// Trivy's CycloneDX output (`trivy image --format cyclonedx`) as image components. Pure.
// Trivy's bom-refs are random UUIDs for components without a purl; we re-key everything on the
// purl (or type:name@version) so the merged SBOM is reproducible.
import { LockfileError } from '../errors';
import { isRecord, parseJsonLockfile, recordOf, str } from '../lockfiles/util';
import type { ForeignComponent, ImageSbom } from './types';

const FIX = 'run `trivy image --format cyclonedx` again; is the output truncated?';

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function parseTrivyCycloneDx(text: string, file: string, imageRef: string): ImageSbom {
  const data = parseJsonLockfile(text, file, FIX);
  if (!isRecord(data) || data.bomFormat !== 'CycloneDX') throw new LockfileError(`not a CycloneDX document; ${FIX}`, file);
  const meta = recordOf(recordOf(data.metadata).component);
  const refMap = new Map<string, string>();
  const flat: { raw: Record<string, unknown>; ref: string }[] = [];
  const visit = (list: unknown) => {
    for (const x of arr(list)) {
      const c = recordOf(x);
      const name = str(c.name);
      if (!name) throw new LockfileError(`a component without a name; ${FIX}`, file);
      const purl = str(c.purl);
      const ref = purl ?? `${str(c.type) ?? 'library'}:${name}${str(c.version) ? `@${str(c.version)}` : ''}`;
      const orig = str(c['bom-ref']);
      if (orig) refMap.set(orig, ref);
      flat.push({ raw: c, ref });
      visit(c.components);
    }
  };
  visit(data.components);
  const edges = new Map<string, Set<string>>();
  for (const d of arr(data.dependencies)) {
    const from = str(recordOf(d).ref);
    if (!from) continue;
    const to = edges.get(from) ?? new Set<string>();
    for (const r of arr(recordOf(d).dependsOn)) to.add(String(r));
    edges.set(from, to);
  }
  const mapRefs = (orig: string | undefined) =>
    [...(orig ? (edges.get(orig) ?? []) : [])].map((r) => refMap.get(r)).filter((x): x is string => Boolean(x)).sort();
  const seen = new Set<string>();
  const components: ForeignComponent[] = [];
  for (const { raw: c, ref } of flat) {
    // Trivy lists one package once per place it was found; one component per ref is enough.
    if (seen.has(ref)) continue;
    seen.add(ref);
    const licenses = arr(c.licenses)
      .map((l) => str(recordOf(recordOf(l).license).id) ?? str(recordOf(recordOf(l).license).name) ?? str(recordOf(l).expression))
      .filter((x): x is string => Boolean(x));
    components.push({
      ref,
      type: str(c.type) ?? 'library',
      name: str(c.name) as string,
      group: str(c.group),
      version: str(c.version),
      purl: str(c.purl),
      licenses,
      hashes: arr(c.hashes).map((h) => ({ alg: str(recordOf(h).alg) ?? '', content: str(recordOf(h).content) ?? '' })),
      properties: arr(c.properties)
        .map((p) => ({ name: str(recordOf(p).name) ?? '', value: str(recordOf(p).value) ?? '' }))
        .filter((p) => p.name !== ''),
      dependsOn: mapRefs(str(c['bom-ref'])),
    });
  }
  const props = arr(meta.properties).map(recordOf);
  const prop = (n: string) => props.filter((p) => p.name === n).map((p) => String(p.value));
  const repoDigest = prop('aquasecurity:trivy:RepoDigest').sort()[0];
  const imageId = prop('aquasecurity:trivy:ImageID')[0];
  const digest = repoDigest ? repoDigest.slice(repoDigest.indexOf('@') + 1) : imageId;
  return {
    ref: imageRef,
    digest,
    purl: str(meta.purl),
    components: components.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0)),
    dependsOn: mapRefs(str(meta['bom-ref'])),
  };
}
