/**
 * The one exit point. Parses arguments, runs one command, maps any error to its exit code and a
 * message that says what to do, and exits.
 */
import { CommanderError } from 'commander';
import { ExitCode, isRsrunError, messageOf } from '../errors';
import { createMasker } from '../logging/masking';
import { quietAwsSdkNodeWarning } from '../shipping/aws-sdk';
import { registeredSecrets } from '../warehouse/aws/secret-registry';
import { buildProgram } from './program';

/** Error output is masked like every log line: known secrets and secret-looking patterns. */
function writeError(text: string): void {
  process.stderr.write(createMasker(registeredSecrets()).mask(text));
}

export async function runCli(argv: string[]): Promise<number> {
  quietAwsSdkNodeWarning();
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram(async (load, input) => {
    const { run } = await load();
    exitCode = await run(input);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit through here with code 0; usage errors are bad input.
    return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
  }
  if (isRsrunError(err)) {
    writeError(`rsrun: error: ${err.describe()}\n`);
    return err.exitCode;
  }
  writeError(`rsrun: internal error: ${messageOf(err)}\n${err instanceof Error && err.stack ? err.stack + '\n' : ''}`);
  process.stderr.write('This is a bug in rsrun; please report it with the command you ran.\n');
  return ExitCode.Internal;
}

/**
 * A reader that stops early (`rsrun --help | head -1`) closes the pipe. Later writes to it are
 * dropped instead of dying on an unhandled EPIPE; the command itself runs to its end (a deploy is
 * not cut short because its output is no longer read) and exits with its own code.
 */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.write = () => true;
    });
  }
}

export function main(argv: string[]): void {
  ignoreClosedPipes();
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
      // Resources are closed by the commands; if a library still holds the event loop open
      // (a keep-alive socket, a stuck stream), do not hang a CI job over it.
      setTimeout(() => process.exit(code), 3000).unref();
    },
    (err: unknown) => {
      writeError(`rsrun: internal error: ${messageOf(err)}\n`);
      process.exitCode = ExitCode.Internal;
    },
  );
}
