#!/usr/bin/env node
// Writes the SBOM of every folder of ../shared/fixtures/lockfiles-public (read in place) with
// dist/cli.js into OUT_DIR, with and without --exclude-dev, and 1.5; given a second directory, compares
// byte for byte. A speed change must not change one byte of any document (SOURCE_DATE_EPOCH fixed).
//   npm run build && node bench/sbom-same.mjs write OUT_DIR
//   npm run build && node bench/sbom-same.mjs compare OUT_DIR      (writes to a temp dir, diffs)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PUBLIC = path.resolve(REPO, '..', 'shared', 'fixtures', 'lockfiles-public');
const [mode, ref] = process.argv.slice(2);
if (!['write', 'compare'].includes(mode) || !ref) throw new Error('usage: sbom-same.mjs write|compare DIR');
const out = mode === 'write' ? path.resolve(ref) : fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-same-'));
fs.mkdirSync(out, { recursive: true });
const VARIANTS = [
  ['', []],
  ['.nodev', ['--exclude-dev']],
  ['.v15', ['--spec-version', '1.5']],
];
const folders = fs.readdirSync(PUBLIC).filter((d) => fs.statSync(path.join(PUBLIC, d)).isDirectory()).sort();
let files = 0;
const differ = [];
for (const f of folders) {
  for (const [suffix, extra] of VARIANTS) {
    const name = `${f}${suffix}`;
    const file = path.join(out, `${name}.cdx.json`);
    const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'sbom', path.join(PUBLIC, f), '--output', file, ...extra], {
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' },
    });
    // A failing folder is part of the result: its exit code and stderr are compared too.
    fs.writeFileSync(path.join(out, `${name}.exit`), `${r.status}\n${r.stderr.replaceAll(PUBLIC, '<public>').replaceAll(out, '<out>')}`);
    files++;
    if (mode === 'compare') {
      for (const ext of ['.cdx.json', '.exit']) {
        const a = path.join(ref, name + ext);
        const b = path.join(out, name + ext);
        const same = fs.existsSync(a) === fs.existsSync(b) && (!fs.existsSync(a) || fs.readFileSync(a).equals(fs.readFileSync(b)));
        if (!same) differ.push(name + ext);
      }
    }
  }
}
if (mode === 'write') console.log(`${files} runs written to ${out}`);
else {
  console.log(`${files} runs (${folders.length} folders x ${VARIANTS.length} variants) compared with ${ref}: ${differ.length ? `${differ.length} differ: ${differ.join(', ')}` : 'all byte-identical'}`);
  fs.rmSync(out, { recursive: true, force: true });
  process.exitCode = differ.length ? 1 : 0;
}
