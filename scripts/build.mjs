// Bundles the action entry and the CLI into self-contained CommonJS files in dist/.
// Output is deterministic (no timestamps, no absolute paths) so CI can diff it.
import { build } from 'esbuild';
import { stubOptionalProbes } from './stub-optional-probes.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  charset: 'utf8',
  plugins: [stubOptionalProbes],
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
});
