import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { StateFileError } from './errors';

/**
 * What the local poller remembers between runs, in one JSON file: how far it has read CloudTrail,
 * and the IDs of the events it has already handled (posted or ignored) that a later, overlapping
 * LookupEvents window could return again. Written atomically (temporary file + rename), so a crash
 * or Ctrl-C mid-write leaves the previous state, never half a file.
 */

/** Where the state lives when `LOCAL_STATE_FILE` is not set (git-ignored). */
export const DEFAULT_STATE_FILE = '.iam-alerts-state.json';

/** The most event IDs kept, however busy the account: bounds the file's size. */
export const MAX_SEEN_EVENTS = 20_000;

const stateFileSchema = z.strictObject({
  version: z.literal(1),
  /** End of the last LookupEvents window read completely. */
  polledUntil: z.iso.datetime().optional(),
  /** Handled events: CloudTrail event ID and event time (epoch ms), oldest first. */
  seen: z.array(z.strictObject({ id: z.string().min(1), at: z.number() })),
});

export interface PollerState {
  /** Every event before this (minus the overlap) has been handled; undefined on the first run. */
  polledUntil?: Date;
  /** Event ID → event time (epoch ms) of every event handled in the overlap window. */
  seen: Map<string, number>;
}

/** Reads and writes the poller's state; a file in local mode, an in-memory fake in tests. */
export interface StateStore {
  load(): PollerState;
  save(state: PollerState): void;
}

/**
 * The state in a JSON file at `path`.
 * `load` returns an empty state when the file does not exist yet.
 * @throws StateFileError (from load/save) when the file is unreadable, not ours, or cannot be written.
 */
export function fileStateStore(path: string): StateStore {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { seen: new Map() };
        throw new StateFileError(`cannot read the state file ${path}: ${(error as Error).message}`, { cause: error });
      }
      let parsed: z.infer<typeof stateFileSchema>;
      try {
        parsed = stateFileSchema.parse(JSON.parse(text));
      } catch (error) {
        throw new StateFileError(
          `the state file ${path} is damaged or not an iam-alerts state file; move it away to start afresh (alerts of the last few minutes may then be posted again)`,
          { cause: error },
        );
      }
      return {
        polledUntil: parsed.polledUntil ? new Date(parsed.polledUntil) : undefined,
        seen: new Map(parsed.seen.map((e) => [e.id, e.at])),
      };
    },
    save(state) {
      const body = {
        version: 1 as const,
        polledUntil: state.polledUntil?.toISOString(),
        seen: [...state.seen].map(([id, at]) => ({ id, at })).sort((a, b) => a.at - b.at),
      };
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(temporary, `${JSON.stringify(body)}\n`, { mode: 0o600 });
        renameSync(temporary, path);
      } catch (error) {
        removeQuietly(temporary);
        throw new StateFileError(`cannot write the state file ${path}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there (its folder is missing or not a folder): nothing to clean up.
  }
}

/**
 * Forgets events that no later window can return (older than `keepFrom`), and the oldest beyond
 * {@link MAX_SEEN_EVENTS}.
 */
export function pruneSeen(seen: Map<string, number>, keepFrom: number, max = MAX_SEEN_EVENTS): Map<string, number> {
  const kept = [...seen].filter(([, at]) => at >= keepFrom).sort((a, b) => a[1] - b[1]);
  return new Map(kept.slice(Math.max(0, kept.length - max)));
}
