// The GitHub Actions toolkit, behind a module of its own: the CLI bundles load it from
// dist/cli-actions-core.js on first use (see scripts/build.mjs) instead of compiling it, and the
// HTTP client it brings along, into every command bundle.
export * from '@actions/core';
