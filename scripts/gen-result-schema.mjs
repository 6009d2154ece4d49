// Writes schemas/chaingate-result.schema.json from GateResultSchema (src/reports/result-schema.ts).
// `node scripts/gen-result-schema.mjs --check` exits 1 when the committed file is out of date.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(repo, 'schemas', 'chaingate-result.schema.json');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaingate-schema-'));
try {
  const outfile = path.join(tmp, 'result-schema.cjs');
  await build({
    entryPoints: [path.join(repo, 'src', 'reports', 'result-schema.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  const { gateResultJsonSchema } = createRequire(import.meta.url)(outfile);
  const text = JSON.stringify(gateResultJsonSchema(), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(repo, target)} is out of date: run node scripts/gen-result-schema.mjs`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(repo, target)}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
