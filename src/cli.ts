import { main } from './cli/main';

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
