#!/usr/bin/env node
// The floor under bench/sbom.mjs: what the same work costs in plain Node without the CycloneDX
// library. It reads an npm lockfile (v2/v3), resolves each package's dependencies the way Node
// does, and writes a CycloneDX-shaped JSON document (components with purl and SHA-512 hash,
// dependencies), sorted and pretty-printed. Not chaingate and not a complete SBOM writer: it sizes
// how much of `chaingate sbom`'s time and memory is the library's models and serializer.
//   node bench/sbom-floor.mjs PROJECT_DIR OUTPUT_FILE
import * as fs from 'node:fs';
import * as path from 'node:path';

const [dir, out] = process.argv.slice(2);
const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
const purlOf = new Map();
const purl = (name, version) => {
  const n = name.toLowerCase();
  return `pkg:npm/${n.startsWith('@') ? `%40${n.slice(1)}` : n}@${encodeURIComponent(version).replace(/%2B/g, '+')}`;
};
for (const [key, p] of Object.entries(lock.packages)) {
  if (key && p.version) purlOf.set(key, purl(p.name ?? key.slice(key.lastIndexOf('node_modules/') + 13), p.version));
}
const resolve = (from, dep) => {
  for (let base = from; ; ) {
    const hit = purlOf.get(base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`);
    if (hit || base === '') return hit;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
};
const components = new Map();
const dependencies = new Map();
for (const [key, p] of Object.entries(lock.packages)) {
  const ref = purlOf.get(key);
  if (!ref) continue;
  const [alg, b64] = (p.integrity ?? '').split('-');
  components.set(ref, {
    type: 'library',
    'bom-ref': ref,
    name: p.name ?? key.slice(key.lastIndexOf('node_modules/') + 13),
    version: p.version,
    scope: p.dev || p.optional ? 'optional' : 'required',
    hashes: alg === 'sha512' ? [{ alg: 'SHA-512', content: Buffer.from(b64, 'base64').toString('hex') }] : [],
    purl: ref,
  });
  const deps = new Set();
  for (const d of Object.keys({ ...p.dependencies, ...p.optionalDependencies, ...p.peerDependencies })) {
    const r = resolve(key, d);
    if (r) deps.add(r);
  }
  dependencies.set(ref, [...(dependencies.get(ref) ?? []), ...deps]);
}
const byRef = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const doc = {
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  version: 1,
  metadata: { component: { type: 'application', name: lock.name, version: lock.version, 'bom-ref': 'root' } },
  components: [...components.keys()].sort(byRef).map((k) => components.get(k)),
  dependencies: [...dependencies.keys()].sort(byRef).map((ref) => ({ ref, dependsOn: [...new Set(dependencies.get(ref))].sort(byRef) })),
};
fs.writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
