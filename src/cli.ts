import { main } from './cli/main';

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  now: () => new Date(),
}).then((code) => {
  process.exitCode = code;
});
