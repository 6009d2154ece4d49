// Bundles the action entry and the CLI into self-contained CommonJS files in dist/.
// Output is deterministic (no timestamps, no absolute paths) so CI can diff it.
//
// The CLI is a small dispatcher, dist/cli.js, plus one bundle per command, dist/cli-<name>.js,
// which the dispatcher require()s when that command runs (src/cli/commands/index.ts imports each
// command dynamically). Node reads and compiles a whole file before running any of it, so with
// one 2.8 MB bundle `chaingate sbom` paid for scan's, sign's and verify's code on every start.
// A module whose identity matters across these bundles must be bundled once and shared:
// src/errors.ts is, because the dispatcher maps `instanceof ChaingateError` to exit codes. So is
// src/actions-core.ts, the Actions toolkit (about 800 KB with its HTTP client), which only the
// masking of secrets in GitHub Actions requires, on first use. All
// files sit in dist/ itself, so code that locates resources from __dirname sees the same dir.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { stubOptionalProbes } from './stub-optional-probes.mjs';
import { stubZodLocales } from './stub-zod-locales.mjs';
import { lazyCyclonedxSpdx } from './lazy-cyclonedx-spdx.mjs';
import { sharedBuiltins } from './shared-builtins.mjs';
import { zodDirect } from './zod-direct.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  // ASCII (other characters written as escapes): the CLI reads its bundles as Latin-1, a one-byte
  // string without a UTF-8 decode (src/cli/code-cache.ts).
  charset: 'ascii',
};

const SRC = path.resolve('src');
const COMMANDS_DIR = path.join(SRC, 'cli', 'commands');
const COMMAND_INDEX = path.join(COMMANDS_DIR, 'index.ts');
const CODE_CACHE = path.join(SRC, 'cli', 'code-cache.ts');
const COMMANDS = fs
  .readdirSync(COMMANDS_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();
/** Source module -> the dist/ file every CLI bundle shares it from. */
const SHARED = new Map([
  [path.join(SRC, 'errors.ts'), './cli-errors.js'],
  // Required on first use only (src/sign/secrets.ts): kept out of every command bundle.
  [path.join(SRC, 'actions-core.ts'), './cli-actions-core.js'],
]);

/** Resolves the dispatcher's command imports and the shared modules (except in the bundle of
 * `entry` itself) to sibling dist/ files. */
function splitCli(entry) {
  const tsFile = (p) => (p.endsWith('.ts') ? p : `${p}.ts`);
  return {
    name: 'split-cli',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const target = tsFile(path.resolve(args.resolveDir, args.path));
        const shared = SHARED.get(target);
        if (shared && target !== entry) return { path: shared, external: true };
        if (args.importer === COMMAND_INDEX && path.dirname(target) === COMMANDS_DIR) {
          const name = path.basename(target, '.ts');
          if (!COMMANDS.includes(name)) throw new Error(`${args.path}: not a command module in src/cli/commands`);
          return { path: name, namespace: 'cli-command' };
        }
        return undefined;
      });
      // A command bundle is loaded through V8's code cache (src/cli/code-cache.ts), as require() would.
      b.onLoad({ filter: /.*/, namespace: 'cli-command' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(CODE_CACHE)}).requireBundle(require('node:path').join(__dirname, ${JSON.stringify(`cli-${args.path}.js`)}));`,
        resolveDir: SRC,
        loader: 'js',
      }));
    },
  };
}

await build({ ...common, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect], entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
// The thread that renders a shard merge's SARIF log (src/gate/sarif-thread.ts), for the action and the CLI.
await build({ ...common, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect], entryPoints: ['src/gate/sarif-worker.ts'], outfile: 'dist/sarif-worker.js' });
// The action's plan step (which tools this run needs): a bundle of its own, run before any tool is installed.
await build({ ...common, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect], entryPoints: ['src/tools/plan-main.ts'], outfile: 'dist/plan-tools.js' });

// A command that no longer exists must not leave its bundle behind.
for (const f of fs.readdirSync('dist')) if (/^cli-.*\.js$/.test(f)) fs.rmSync(path.join('dist', f));

// import() of an external file stays a dynamic import in CJS output, which would start Node's ESM
// loader (and its CJS export scan of the command bundle) for nothing: require() it instead.
const cli = { ...common, supported: { 'dynamic-import': false } };
const main = path.join(SRC, 'cli.ts');
await build({ ...cli, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect, splitCli(main)], entryPoints: [main], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } });
for (const [file, out] of SHARED) {
  await build({ ...cli, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect, splitCli(file)], entryPoints: [file], outfile: path.join('dist', out) });
}
for (const name of COMMANDS) {
  const entry = path.join(COMMANDS_DIR, `${name}.ts`);
  await build({ ...cli, plugins: [stubOptionalProbes, stubZodLocales, lazyCyclonedxSpdx, sharedBuiltins, zodDirect, splitCli(entry)], entryPoints: [entry], outfile: `dist/cli-${name}.js` });
}

// Under charset ascii esbuild escapes every other character of code, strings and regular
// expressions, but copies comments as they are: the few of our dependencies' comments with
// typographic quotes or a § are the only non-ASCII text left, escaped here, so every bundle is ASCII.
for (const f of fs.readdirSync('dist').filter((f) => f.endsWith('.js'))) {
  const file = path.join('dist', f);
  const text = fs.readFileSync(file, 'utf8');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(text)) fs.writeFileSync(file, text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`));
}
