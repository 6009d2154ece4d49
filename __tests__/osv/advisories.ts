// Test helper: the real OSV advisories in ../shared/fixtures/osv-advisories, read in place.
import * as fs from 'node:fs';
import { fixture } from '../helpers/paths';
import { parseAdvisories } from '../../src/osv/parse';
import type { OsvAdvisory } from '../../src/osv/schema';

export const ADVISORY_DIR = fixture('osv-advisories');

export function advisoryFiles(): string[] {
  return fs.readdirSync(ADVISORY_DIR).filter((f) => f.endsWith('.json')).sort();
}

export function loadAdvisory(file: string): OsvAdvisory {
  const [a] = parseAdvisories(fs.readFileSync(`${ADVISORY_DIR}/${file}`, 'utf8'), file);
  return a;
}

export function allAdvisories(): OsvAdvisory[] {
  return advisoryFiles().map(loadAdvisory);
}

export function advisoryById(id: string): OsvAdvisory {
  const a = allAdvisories().find((x) => x.id === id);
  if (!a) throw new Error(`no fixture advisory ${id}`);
  return a;
}
