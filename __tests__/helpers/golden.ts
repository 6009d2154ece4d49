import * as fs from 'node:fs';
import * as path from 'node:path';
import { GOLDENS } from './paths';

/**
 * Compares `actual` (serialized as sorted, pretty JSON) with a checked-in golden file.
 * `UPDATE_GOLDENS=1 npx jest` rewrites the goldens; review them in the diff.
 */
export function expectGolden(name: string, actual: unknown): void {
  const file = path.join(GOLDENS, name);
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDENS === '1' || !fs.existsSync(file)) {
    if (process.env.CI === 'true' && !fs.existsSync(file)) throw new Error(`golden ${name} missing`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}
