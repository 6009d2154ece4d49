// esbuild plugin for the bundles in dist/: our sources write `import { z } from 'zod'`, a
// namespace zod re-exports as a value, so each bundle built the whole `z` object (getters for its
// ~300 exports, and each `z.string()` a getter call) and kept all of zod, used or not. Read as
// `import * as z from '<zod>/v4/classic/external.js'` (the module `z` is), every `z.string` is a
// plain reference esbuild can follow, and what no file uses is left out. Types are unchanged:
// tsc and the tests read the sources as written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const SRC = `${path.resolve('src')}${path.sep}`;
const EXTERNAL = path.join(path.dirname(createRequire(import.meta.url).resolve('zod')), 'v4', 'classic', 'external.js');
const IMPORT = "import { z } from 'zod';";

export const zodDirect = {
  name: 'zod-direct',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(SRC)) return undefined;
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes(IMPORT)) return undefined;
      return { contents: text.replace(IMPORT, `import * as z from ${JSON.stringify(EXTERNAL)};`), loader: 'ts', resolveDir: path.dirname(args.path) };
    });
  },
};
