import * as fs from 'node:fs';
import * as path from 'node:path';
import { GOLDENS } from './paths';

/**
 * Compares `actual` (serialized as sorted, pretty JSON) with a checked-in golden file.
 * `UPDATE_GOLDENS=1 npx jest` writes or rewrites the goldens; review them in the diff. Without
 * it a missing golden fails the test: writing one silently would make the test pass whatever
 * the code produced.
 */
export function expectGolden(name: string, actual: unknown, goldens: string = GOLDENS): void {
  const file = path.join(goldens, name);
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (process.env.UPDATE_GOLDENS === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } else if (!fs.existsSync(file)) {
    throw new Error(`golden ${name} is missing: run UPDATE_GOLDENS=1 npx jest <this test file> to write it, then review it in the diff`);
  }
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}
