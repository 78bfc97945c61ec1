import { Readable } from 'node:stream';
import type { CliIo } from '../../cli/command';

/** A CliIo that records what a command writes; time passes only on the fake clock. */
export interface RecordedIo extends CliIo {
  out: () => string;
  err: () => string;
  /** Milliseconds slept on the fake clock. */
  slept: number[];
  abort: () => void;
}

export function recordedIo(options: { env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean; cwd?: string } = {}): RecordedIo {
  let out = '';
  let err = '';
  let now = Date.parse('2026-01-15T12:00:00Z');
  const slept: number[] = [];
  const controller = new AbortController();
  return {
    stdout: { write: (text: string) => (out += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (err += text), isTTY: options.tty ?? false },
    stdin: Readable.from([options.stdin ?? '']),
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', ...(options.env ?? {}) },
    cwd: options.cwd ?? process.cwd(),
    signal: controller.signal,
    time: {
      now: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    },
    out: () => out,
    err: () => err,
    slept,
    abort: () => controller.abort(),
  };
}
