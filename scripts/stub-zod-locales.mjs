// esbuild plugin for the bundles in dist/: zod re-exports every locale's messages as `z.locales`
// and `z.core.locales` (about 370 KB of the 750 KB zod adds to a bundle), and Node parses all of
// it on each start. chaingate never calls them: zod registers its English messages itself, from
// their own module, when the first schema is built. So both are bundled as an empty namespace.
// Tests run zod from node_modules, not through dist/.
export const stubZodLocales = {
  name: 'stub-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer) ? { path: 'zod-locales', namespace: 'stub-zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub-zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};
