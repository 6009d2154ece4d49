import * as fs from 'node:fs';
import * as path from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

export const LOCK_FIXTURES = path.join(__dirname, '..', 'lockfiles', 'fixtures');

/** Every SBOM the tests write goes through the official schema (strict: no extra properties). */
export async function expectValidCycloneDx(text: string): Promise<void> {
  const doc = JSON.parse(text) as { specVersion: string };
  const version = doc.specVersion === '1.5' ? Spec.Version.v1dot5 : Spec.Version.v1dot6;
  const errors = await new Validation.JsonStrictValidator(version).validate(text);
  expect(errors).toBeNull();
}

/** Copies fixture folders into a fresh project layout: { 'target/dir': 'fixture-folder' }. */
export function layout(root: string, map: Record<string, string>): void {
  for (const [to, from] of Object.entries(map)) {
    const dest = path.join(root, to);
    fs.mkdirSync(dest, { recursive: true });
    for (const f of fs.readdirSync(path.join(LOCK_FIXTURES, from))) fs.copyFileSync(path.join(LOCK_FIXTURES, from, f), path.join(dest, f));
  }
}

export interface Cdx {
  specVersion: string;
  serialNumber: string;
  metadata: { timestamp: string; component: { 'bom-ref': string; name: string; version?: string; type: string; purl?: string }; tools: { components: { name: string; version: string }[] } };
  components: { 'bom-ref': string; name: string; group?: string; version?: string; purl?: string; scope?: string; type: string; hashes?: { alg: string; content: string }[]; licenses?: unknown[]; components?: Cdx['components'] }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

export function purls(doc: Cdx): Set<string> {
  const s = new Set<string>();
  const walk = (l: Cdx['components'] | undefined) => {
    for (const c of l ?? []) {
      if (c.purl) s.add(c.purl);
      walk(c.components);
    }
  };
  walk(doc.components);
  return s;
}
