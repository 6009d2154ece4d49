// Benchmark entry while dist/cli.js cannot be built: `chaingate sbom` alone, the same code path
// and the same first import as src/cli.ts is asked to have.
import '../src/sbom/batch-tuning';
import { command } from '../src/cli/commands/sbom';

const [sub, ...args] = process.argv.slice(2);
if (sub !== 'sbom') throw new Error('usage: sbom-cli.js sbom [DIR] [options]');
command
  .run(args, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      process.stderr.write(`chaingate: error: ${e.message}\n`);
      process.exitCode = 2;
    },
  );
