#!/usr/bin/env node
// Writes an offline OSV advisory folder (one OSV JSON file per advisory) from the advisories
// committed for our Trivy DB fixture (__tests__/trivy-db/advisories.json), so the demo and the
// end-to-end tests run the audit scanner fully offline on the same real advisories Trivy sees.
//
//   node scripts/osv-from-advisories.mjs [INPUT] OUT_DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const input = argv.length > 1 ? argv[0] : path.join(repo, '__tests__', 'trivy-db', 'advisories.json');
const out = argv[argv.length - 1];
if (!out) {
  console.error('usage: osv-from-advisories.mjs [INPUT] OUT_DIR');
  process.exit(2);
}
const ECOSYSTEM = { npm: 'npm', pip: 'PyPI' };

/** "<1.2.6", ">=1.0.0, <1.2.6" -> OSV events. */
function events(range) {
  const ev = [];
  let introduced = '0';
  let end;
  for (const part of range.split(',').map((s) => s.trim())) {
    const m = /^(>=|<=|<|>|=)?\s*(.+)$/.exec(part);
    if (!m) throw new Error(`unsupported range ${range}`);
    if (m[1] === '>=') introduced = m[2];
    else if (m[1] === '<') end = { fixed: m[2] };
    else if (m[1] === '<=') end = { last_affected: m[2] };
    else throw new Error(`unsupported range ${range}`);
  }
  ev.push({ introduced });
  if (end) ev.push(end);
  return ev;
}

const data = JSON.parse(fs.readFileSync(input, 'utf8'));
fs.mkdirSync(out, { recursive: true });
let written = 0;
for (const v of data.vulnerabilities) {
  const byId = new Map();
  for (const a of v.affected) {
    const eco = ECOSYSTEM[a.bucket.split('::')[0]];
    if (!eco || !a.vendorIds?.length) continue; // OS packages are Trivy's business, not the OSV matcher's
    const id = a.vendorIds[0];
    const adv = byId.get(id) ?? {
      schema_version: '1.6.0',
      id,
      modified: v.lastModifiedDate ?? data.updatedAt,
      published: v.publishedDate,
      aliases: [v.id],
      summary: v.title,
      details: v.description,
      severity: [],
      affected: [],
      database_specific: { severity: v.severity === 'MEDIUM' ? 'MODERATE' : v.severity, cwe_ids: v.cweIds ?? [] },
    };
    const cvss = Object.values(v.cvss ?? {}).find((c) => c.V3Vector);
    if (cvss && adv.severity.length === 0) adv.severity.push({ type: 'CVSS_V3', score: cvss.V3Vector });
    adv.affected.push({
      package: { ecosystem: eco, name: a.package },
      ranges: a.vulnerableVersions.map((r) => ({ type: eco === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events: events(r) })),
    });
    byId.set(id, adv);
  }
  for (const adv of byId.values()) {
    fs.writeFileSync(path.join(out, `${adv.id}.json`), JSON.stringify(adv, null, 2) + '\n');
    written++;
  }
}
console.error(`osv-from-advisories: ${written} advisories in ${out}`);
