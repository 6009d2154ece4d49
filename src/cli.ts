import { setFlagsFromString } from 'node:v8';
import { main } from './cli/main';

// A CLI run is mostly code V8 meets for the first time and leaves within a second: at its default
// budget the optimizing compiler spends CPU on functions the run is done with before they pay
// back (a quarter of `chaingate sbom` on 2,000 packages). Four times the budget still optimizes
// what stays hot (a lockfile of 40,000 packages runs as fast). Set before any command bundle
// loads, so V8's code cache (src/cli/code-cache.ts) is written and read under the same flags.
// Only on Node 20 (V8 11.3), where it was measured: V8 prints an unknown flag's name on stdout,
// where `--output -` writes the SBOM, and newer V8s tier up through Maglev with budgets of their own.
if (process.versions.v8.startsWith('11.3.')) setFlagsFromString(`--interrupt-budget=${4 * 67_584}`);

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
}).then((code) => {
  // Exit once stdout and stderr are flushed, not when the event loop drains: by then V8 would
  // first finish the garbage collection it started on a heap about to be discarded (10-20 ms of
  // `chaingate sbom`). main() has awaited everything else.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
