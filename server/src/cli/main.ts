// eql-rules: check, run (and later test) EQL detection rules from the command line, on the
// same core and language service as the editor.
import { UsageError } from './args';
import { CHECK_HELP, runCheck } from './check';
import { processIo, type Io } from './io';
import { RUN_HELP, runRun } from './run';

const VERSION = '0.1.0';

const HELP = `Usage: eql-rules <command> [options]

Commands:
  check <files or folders...>   check EQL queries and rule files (diagnostics as in the editor)
  run <rules...> --events <files or folders...>
                                run rules or queries over sample events and print the matches
  test                          run rule tests (not available yet)

Run "eql-rules <command> --help" for a command's options.
`;

const TEST_HELP = `Usage: eql-rules test [paths...] [--reporter text|junit]

Rule tests are not available in this version of eql-rules yet.
`;

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.out(`${VERSION}\n`);
        return 0;
      case 'check':
        return runCheck(rest, io, VERSION);
      case 'run':
        return await runRun(rest, io);
      case 'test':
        if (rest.includes('--help') || rest.includes('-h')) {
          io.out(TEST_HELP);
          return 0;
        }
        io.err('eql-rules: "test" is not available in this version yet (rule tests are planned); see eql-rules --help\n');
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      const help = command === 'check' ? CHECK_HELP : command === 'run' ? RUN_HELP : HELP;
      io.err(`eql-rules: ${e.message}\n\n${help}`);
      return 2;
    }
    io.err(`eql-rules: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), processIo).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`eql-rules: ${String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
