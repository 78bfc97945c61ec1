import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseDuration as parseHistoryDuration } from '../app/history/query';

/**
 * What every subcommand of `iam-alerts` looks like, and the terminal it talks to. Commands take
 * their streams and environment from `CliIo` (never from `process`), so tests run them in-process.
 */

/** Exit codes: 0 all good, 1 the command ran and found or hit a problem, 2 it was called wrongly. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface CliOutput {
  write(text: string): unknown;
  /** True when a person is watching: colours and progress lines only then. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadableStream;
  /** The environment after `.env` was loaded; commands hand it to `loadConfig`. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
  /** Clock and sleep for pacing; tests pass ones that do not wait. Default: real time. */
  time?: { now: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> };
}

/** One subcommand: `iam-alerts <name> ...`. */
export interface CliCommand {
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text: usage line, options, examples. */
  help: string;
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** The command line is wrong: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments with `node:util` `parseArgs` (strict: unknown options are errors).
 * @throws UsageError with parseArgs' explanation.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/**
 * A duration option (`30m`, `24h`, `7d`) in milliseconds, in the same grammar as `/iam-events`'s `since:`.
 * @throws UsageError naming the option when the text is not a positive duration.
 */
export function parseDuration(text: string, option: string): number {
  const minutes = parseHistoryDuration(text);
  if (minutes === undefined) throw new UsageError(`${option} expects a duration like 30m, 24h or 7d, got "${text}"`);
  return minutes * 60_000;
}

/** An error's message with its causes, without stack traces (those are for bugs, not users). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 4) {
    parts.push(current.message);
    current = current.cause;
  }
  if (parts.length === 0) parts.push(String(error));
  return [...new Set(parts)].join('\n  caused by: ');
}
