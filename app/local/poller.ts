import type { HistoryEvent } from '../history/history-event';
import type { Logger } from '../logger';
import type { NotifyOutcome } from '../notifier/notify';
import { type PollerState, pruneSeen, type StateStore } from './state-file';

/**
 * The local stand-in for EventBridge: every interval, read CloudTrail's event history since the
 * last poll and hand each new event to the notifier.
 *
 * CloudTrail delivers events to LookupEvents minutes after they happen (to EventBridge within
 * seconds), and not in order, so each window starts `overlapMs` before the end of the previous
 * one and events are de-duplicated by event ID. Progress is saved after every event, so a restart
 * (or a crash, or Slack failing mid-way) neither reposts nor skips: the window is only advanced
 * once every event in it was handled.
 */

export interface PollerDeps {
  /** Reads CloudTrail's events between `start` and `end`, oldest first (`lookupWindow`). */
  fetchWindow: (start: Date, end: Date, signal?: AbortSignal) => Promise<HistoryEvent[]>;
  /** Handles one record the way the notifier Lambda does (`processNotifierInput`). */
  notify: (record: unknown) => Promise<NotifyOutcome[]>;
  store: StateStore;
  clock: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
}

export interface PollerOptions {
  /** How far each window reaches back before the end of the previous one. Default 15 minutes. */
  overlapMs?: number;
  /** On the very first run, how far back to start. Default: the overlap. */
  firstRunLookbackMs?: number;
}

/** What one poll did. */
export interface PollResult {
  start: Date;
  end: Date;
  /** Events CloudTrail returned for the window. */
  fetched: number;
  /** Events handled before (in an earlier, overlapping window). */
  duplicates: number;
  posted: number;
  ignored: number;
}

/** LookupEvents usually shows an event within 5 minutes, exceptionally later: look back 15. */
export const DEFAULT_OVERLAP_MS = 15 * 60_000;

export interface Poller {
  /**
   * Reads one window and posts what is new.
   * @throws whatever reading CloudTrail or posting threw; the state keeps every event already
   *   handled, and the next poll covers the same window again.
   */
  pollOnce(signal?: AbortSignal): Promise<PollResult>;
  /**
   * Polls every `intervalMs` until `signal` aborts; a failed poll is logged and retried next time.
   * Resolves when stopped.
   */
  run(intervalMs: number, signal: AbortSignal, report?: (outcome: PollReport) => void): Promise<void>;
}

/** Each poll's result or error, for a status line in the terminal. */
export type PollReport = { ok: true; result: PollResult } | { ok: false; error: unknown };

export function createPoller(deps: PollerDeps, options: PollerOptions = {}): Poller {
  const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  const firstRunLookbackMs = options.firstRunLookbackMs ?? overlapMs;
  const { logger } = deps;

  const pollOnce = async (signal?: AbortSignal): Promise<PollResult> => {
    const state: PollerState = deps.store.load();
    const end = deps.clock();
    const start = new Date(state.polledUntil ? state.polledUntil.getTime() - overlapMs : end.getTime() - firstRunLookbackMs);
    const events = await deps.fetchWindow(start, end, signal);
    const result: PollResult = { start, end, fetched: events.length, duplicates: 0, posted: 0, ignored: 0 };
    for (const event of events) {
      // Stopped (Ctrl-C): the window may have been read only in part, so it must not be marked done.
      if (signal?.aborted) return result;
      if (state.seen.has(event.id)) {
        result.duplicates++;
        continue;
      }
      const outcomes = await deps.notify(event.record);
      for (const outcome of outcomes) {
        if (outcome.status === 'ignored') result.ignored++;
        else result.posted++;
      }
      // An event without a readable time is kept as if it happened now, so it is not pruned at once.
      state.seen.set(event.id, event.time > 0 ? event.time : end.getTime());
      deps.store.save(state);
    }
    if (signal?.aborted) return result;
    state.polledUntil = end;
    state.seen = pruneSeen(state.seen, start.getTime());
    deps.store.save(state);
    logger.info('polled CloudTrail', {
      start: start.toISOString(),
      end: end.toISOString(),
      fetched: result.fetched,
      duplicates: result.duplicates,
      posted: result.posted,
      ignored: result.ignored,
    });
    return result;
  };

  return {
    pollOnce,
    async run(intervalMs, signal, report) {
      while (!signal.aborted) {
        const began = deps.clock().getTime();
        try {
          report?.({ ok: true, result: await pollOnce(signal) });
        } catch (error) {
          logger.error('poll failed; the same window is read again next time', { error });
          report?.({ ok: false, error });
        }
        const elapsed = deps.clock().getTime() - began;
        await deps.sleep(Math.max(0, intervalMs - elapsed), signal);
      }
    },
  };
}
