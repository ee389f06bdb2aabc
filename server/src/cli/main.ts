// eql-rules: check, run and test EQL detection rules from the command line, on the
// same core and language service as the editor.
import { UsageError } from './args';
import { CHECK_HELP, runCheckCommand } from './check';
import { processIo, type Io } from './io';
import type { Env } from './connection';
import { PREVIEW_HELP, PULL_HELP, PUSH_HELP, runPreview, runPull, runPush } from './kibana';
import { RUN_HELP, runRun } from './run';
import { COMPARE_HELP, runCompare } from './compare';
import { runTestCommand, TEST_HELP } from './test';

const VERSION = '0.1.0';

const HELP = `Usage: eql-rules <command> [options]

Commands:
  check <files or folders...>   check EQL queries and rule files (diagnostics as in the editor)
  run <rules...> --events <files or folders...>
                                run rules or queries over sample events and print the matches
  test [files or folders...]    run rule tests (<rule>.test.ndjson beside each rule); --reporter junit for CI
  compare <rules...> --events <paths...> --es-url URL [--index NAME]
                                run rules locally and on Elasticsearch over the same events; exit 1 when they differ
  push <rules...> [--overwrite] deploy rules to Kibana's detection engine
  pull (--rule-id ID... | --all-eql) [--out DIR]
                                write Kibana's EQL rules as detection-rules TOML
  preview <rule>                run Kibana's rule preview and print its errors and alerts

Run "eql-rules <command> --help" for a command's options.
`;

/** The whole CLI: arguments, where it writes and its environment in; the exit status out (tests run it in-process). */
export async function main(argv: string[], io: Io, env: Env = process.env): Promise<number> {
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
        return await runCheckCommand(rest, io, VERSION, env);
      case 'run':
        return await runRun(rest, io, env);
      case 'test':
        return await runTestCommand(rest, io);
      case 'compare':
        return await runCompare(rest, io, env);
      case 'push':
        return await runPush(rest, io, env);
      case 'pull':
        return await runPull(rest, io, env);
      case 'preview':
        return await runPreview(rest, io, env);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      const helps: Record<string, string> = { check: CHECK_HELP, run: RUN_HELP, test: TEST_HELP, compare: COMPARE_HELP, push: PUSH_HELP, pull: PULL_HELP, preview: PREVIEW_HELP };
      const help = helps[command ?? ''] ?? HELP;
      io.err(`eql-rules: ${e.message}\n\n${help}`);
      return 2;
    }
    io.err(`eql-rules: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}

if (require.main === module) {
  // `eql-rules run ... | head -1`: a reader that closed the pipe wants no more output and no stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
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
