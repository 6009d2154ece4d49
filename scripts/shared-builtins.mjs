// esbuild plugin for the bundles in dist/: `import * as fs from 'node:fs'` in CommonJS output
// becomes, in each of the 38 files that write it, a fresh copy of the module's 104 exports as
// getters (esbuild's __toESM), and so for node:path and node:os: 40 to 45 copies per run of
// `chaingate scan`, 3 to 8 ms. Each Node module our sources import is instead one module of the
// bundle, `export * from 'node:fs'`, copied once and shared by every importer; property reads
// still go to Node's module, as before.
import * as path from 'node:path';

const SRC = `${path.resolve('src')}${path.sep}`;

export const sharedBuiltins = {
  name: 'shared-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      // The shared module's own import: Node's, left to require() at run time.
      if (args.namespace === 'shared-builtin') return { path: args.path, external: true };
      if (args.kind !== 'import-statement' || !args.importer.startsWith(SRC)) return undefined;
      return { path: args.path, namespace: 'shared-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'shared-builtin' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};\n`, loader: 'js' }));
  },
};
