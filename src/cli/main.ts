// The CLI dispatcher: picks the subcommand, runs it, and is the one place that turns errors
// into exit codes. A user's mistake prints its message; anything else is reported as a bug.
import { ChaingateError, describeInternalError, UsageError } from '../errors';
import { escapeData, safeLogText } from '../log-text';
import { VERSION } from '../version';
import { COMMANDS } from './commands';
import { EXIT, type CommandIO } from './types';

function help(): string {
  const lines = [`chaingate ${VERSION}: supply-chain security gate`, '', 'Usage: chaingate <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(8)} ${c.summary}`);
  lines.push('', "Run 'chaingate <command> --help' for a command's options.");
  return lines.join('\n') + '\n';
}

/** Exit code for a thrown error: configuration/usage 2, an unreadable report or tool 3. */
export function exitCodeForError(e: ChaingateError): number {
  switch (e.code) {
    case 'REPORT_INVALID':
    case 'TOOL_FAILED':
      return EXIT.INCOMPLETE;
    case 'VERIFY_FAILED':
    case 'SIGN_FAILED':
      return EXIT.FAIL;
    default:
      return EXIT.CONFIG;
  }
}

/** Every byte the CLI prints passes here: no line of it can be a workflow command (see log-text). */
function printable(io: CommandIO): CommandIO {
  return { ...io, stdout: (t) => io.stdout(safeLogText(t)), stderr: (t) => io.stderr(safeLogText(t)) };
}

export async function main(argv: string[], rawIo: CommandIO): Promise<number> {
  const io = printable(rawIo);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? 0 : EXIT.CONFIG;
  }
  if (name === '--version' || name === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`chaingate: unknown command "${escapeData(name)}"\n\n${help()}`);
    return EXIT.CONFIG;
  }
  try {
    // Only the command that runs is loaded (see ./commands); a failure to load is a bug, below.
    const cmd = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof ChaingateError) {
      // A usage message carries the usage text on lines of its own; any other message is one line.
      io.stderr(`chaingate: error: ${e instanceof UsageError ? e.message : escapeData(e.message)}\n`);
      return exitCodeForError(e);
    }
    io.stderr(`chaingate: internal error (a bug, please report it): ${describeInternalError(e)}\n`);
    return 70;
  }
}
