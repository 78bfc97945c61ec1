import { config as loadDotenv } from 'dotenv';
import { type CliCommand, type CliIo, describeError, EXIT, UsageError } from './command';

import { doctorCommand } from './commands/doctor';
import { previewCommand } from './commands/preview';
import { redriveCommand } from './commands/redrive';
import { replayCommand } from './commands/replay';

import { startCommand } from './commands/start';

/**
 * `iam-alerts`: the command-line tool (`npx iam-alerts <command>`, and `npm start`).
 *
 * Every subcommand is one row of {@link COMMANDS}; adding a command is adding a row.
 */
export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  start: startCommand,
  preview: previewCommand,
  replay: replayCommand,
  doctor: doctorCommand,
  redrive: redriveCommand,
};

/** The top-level `--help`. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const rows = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: iam-alerts <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `iam-alerts <command> --help` for the options of one command.',
    'Settings come from the environment and from a .env file in the current directory (see .env.example).',
    '',
    'Exit codes: 0 success, 1 the command failed or found problems, 2 wrong usage.',
    '',
  ].join('\n');
}

/**
 * Runs one command line (without `node` and the script name) and resolves to the exit code.
 * Never throws: errors are printed to stderr.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`iam-alerts: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`iam-alerts ${name}: ${error.message}\n\n${command.help}`);
      return EXIT.usage;
    }
    io.stderr.write(`iam-alerts ${name}: ${describeError(error)}\n`);
    return EXIT.failure;
  }
}

/**
 * Runs the CLI in this process: loads `.env` from the current directory (the only place `.env`
 * is read), wires Ctrl-C to an abort signal, and sets the exit code.
 */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  loadDotenv({ quiet: true });
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    // A second Ctrl-C means "now".
    if (interrupts > 1) process.exit(130);
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  process.exitCode = code;
  // Let pending output and goodbyes (Socket Mode's close handshake) finish, but do not let a
  // straggling timer or socket keep a finished command alive. unref: this timer holds nothing open.
  setTimeout(() => process.exit(code), 3_000).unref();
}

if (require.main === module) {
  void runCli();
}
