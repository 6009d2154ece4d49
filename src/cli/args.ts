// Command-line parsing shared by the commands: node's parseArgs, strict, its complaint turned into
// a UsageError (exit 2) followed by the command's usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors';

export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}
