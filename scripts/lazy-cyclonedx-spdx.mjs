// esbuild plugin for the bundles in dist/: the CycloneDX library's SPDX module builds, when it
// loads, a Set of the 826 SPDX license ids of its schema and a frozen object mapping each id in
// lower case to its spelling: about 4 ms of every `chaingate sbom` start, also when no package
// of the lockfiles declares a license (a requirements.txt, a go.mod). In dist/ the module is
// ours: the same two functions over the same list (res/schema/spdx.SNAPSHOT.schema.json, read
// from the library), each built on its first call. The lower-case table is a Map, so a value
// such as "constructor" is not an SPDX id (the library's object answered Object.prototype's
// members). The tests run the library from node_modules, and check the two agree on every id.
import * as path from 'node:path';

export const lazyCyclonedxSpdx = {
  name: 'lazy-cyclonedx-spdx',
  setup(b) {
    b.onLoad({ filter: /[\\/]@cyclonedx[\\/]cyclonedx-library[\\/]dist\.node[\\/]spdx\.js$/ }, (args) => ({
      contents: `"use strict";
let ids, lower;
const list = () => require("../res/schema/spdx.SNAPSHOT.schema.json").enum;
function isSupportedSpdxId(value) {
  return (ids ??= new Set(list())).has(value);
}
function fixupSpdxId(value) {
  if (typeof value !== "string" || value.length === 0) return undefined;
  lower ??= new Map(list().map((id) => [id.toLowerCase(), id]));
  return lower.get(value.toLowerCase());
}
exports.isSupportedSpdxId = isSupportedSpdxId;
exports.fixupSpdxId = fixupSpdxId;
`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};
