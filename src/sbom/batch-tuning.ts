// Imported first by the CLI entry, before any other module: V8 settings for `chaingate sbom`.
//
// `chaingate sbom` is a one-shot batch of a few thousand objects that all live until the end.
// V8's defaults serve long-running servers: each time a scavenge finds most young objects alive
// (they all are here) it doubles the young generation, and it spends memory optimizing code that
// runs for milliseconds. With growth factor 1 and no optimizing tier the peak RSS on a
// 1,800-package lockfile drops from ~86 to ~67 MB at the same or better speed (bench/sbom.mjs).
// Both flags are heuristics V8 consults when it decides (not parser or heap-layout settings), but
// they only help if set before the bundle loads: loading alone already grows the young
// generation. Other commands (scan runs for minutes) keep V8's defaults.
// CHAINGATE_V8_TUNING=0 turns this off.
import { setFlagsFromString } from 'node:v8';

export const SBOM_V8_FLAGS = ['--semi-space-growth-factor=1', '--no-opt'];

export function tuneV8ForSbom(argv: string[], env: NodeJS.ProcessEnv): boolean {
  if (argv[0] !== 'sbom' || env.CHAINGATE_V8_TUNING === '0') return false;
  for (const f of SBOM_V8_FLAGS) setFlagsFromString(f);
  return true;
}

tuneV8ForSbom(process.argv.slice(2), process.env);
