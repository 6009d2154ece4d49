// esbuild plugin for the bundles in dist/: the CycloneDX library probes its optional XML writer
// and JSON/XML validators with require() when it loads, and keeps whichever is installed. dist/
// writes JSON and never validates, so each probe gets a stub that throws like a missing package
// (the library then reports that feature as unavailable if anyone asked for it). Without this,
// every start-up of the CLI parses and initializes ~1 MB of xmlbuilder2 and ajv for nothing.
// The tests validate SBOMs with ajv from node_modules (through ts-jest), not through dist/.
export const OPTIONAL_PROBES = ['xmlbuilder2', 'libxmljs2', 'ajv', 'ajv-formats', 'ajv-formats-draft2019'];

export const stubOptionalProbes = {
  name: 'stub-optional-probes',
  setup(b) {
    const filter = new RegExp(`^(${OPTIONAL_PROBES.join('|')})(/.*)?$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub-optional-probe' }));
    b.onLoad({ filter: /.*/, namespace: 'stub-optional-probe' }, (args) => ({
      contents: `const e = new Error("Cannot find module '${args.path}' (not bundled)"); e.code = 'MODULE_NOT_FOUND'; throw e;`,
      loader: 'js',
    }));
  },
};
