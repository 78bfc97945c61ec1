import type { CloudTrailClient, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { Logger } from '../logger';
import { type HistoryCursor, type LookupStream, PAGE_SIZE } from './cursor';
import { isThrottlingError, toHistoryLookupError } from './errors';
import { type HistoryEvent, toHistoryEvent } from './history-event';
import type { LookupPacer } from './pacer';

/**
 * Reads CloudTrail's event history (LookupEvents) for one search: pages every stream with
 * NextToken, merges the streams newest first, filters in code, paces calls per region, retries
 * throttling with backoff, and stops within a time budget, handing back a cursor to continue.
 *
 * The command classes of `@aws-sdk/client-cloudtrail` are loaded on first use (this module sits on
 * the Slack handler's import graph, whose cold start should not pay for the CloudTrail SDK).
 */

/** Why a lookup returned. */
export type LookupStop =
  /** `limit` matching events found. */
  | 'limit'
  /** Every stream read to the end of the window. */
  | 'exhausted'
  /** The time budget ran out before the limit. */
  | 'budget'
  /** CloudTrail kept throttling until the budget could not cover another backoff. */
  | 'throttled';

export interface LookupIamHistoryOptions {
  /** The CloudTrail client for a region (created once per region by the caller). */
  clientFor: (region: string) => Promise<CloudTrailClient>;
  /** Stop after this many matching events. */
  limit: number;
  /** Keeps an event (default: keep all). Events are de-duplicated by ID before this is asked. */
  filter?: (event: HistoryEvent) => boolean;
  /** Spaces calls per region (share one per process; see `createLookupPacer`). */
  pacer: LookupPacer;
  /** Wall-clock milliseconds spent before returning what was found (pacing and backoff included). */
  budgetMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Backoff after the n-th ThrottlingException; default {@link defaultThrottleBackoff}. */
  backoffMs?: (attempt: number) => number;
  logger?: Logger;
}

export interface LookupIamHistoryResult {
  /** Matching events, newest first. */
  events: HistoryEvent[];
  /** Where to continue; `undefined` when every stream is exhausted. */
  cursor?: HistoryCursor;
  stop: LookupStop;
  /** Events read from CloudTrail (matching or not). */
  scanned: number;
  /** LookupEvents calls made, including throttled ones. */
  calls: number;
  /** ThrottlingExceptions met (and retried or stopped on). */
  throttled: number;
}

/**
 * Exponential backoff for ThrottlingException, capped at 0.5 s, 1 s, 2 s, 4 s, then 8 s, with
 * "equal jitter" (half fixed, half random) so searches running in parallel Lambdas, which share
 * the account's 2 calls/s, do not retry in step.
 */
export function defaultThrottleBackoff(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(8_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (cap / 2) * random());
}

interface StreamState extends LookupStream {
  /** Unconsumed events of the page at `token`, newest first. */
  buffer: HistoryEvent[];
  /** The page at `token` has been fetched in this run. */
  loaded: boolean;
  /** NextToken of the page at `token`, once fetched. */
  nextToken?: string;
}

/**
 * Continues a search from `cursor` (start one with `startHistoryCursor`) until `limit` events
 * match, every stream is exhausted, or the budget runs out.
 *
 * Never throws for throttling: it stops with `stop: 'throttled'` and a cursor that re-reads the
 * page it could not get.
 * @throws HistoryLookupError when a call fails otherwise (AccessDenied, credentials, an expired
 *   NextToken, an unknown region), naming the region.
 * @example
 * const cursor = startHistoryCursor(query, config.historyRegions, new Date());
 * const page = await lookupIamHistory(cursor, { clientFor, limit: 20, pacer, budgetMs: 20_000, now: Date.now, sleep });
 * // page.cursor continues the same query (same StartTime/EndTime) later.
 */
export async function lookupIamHistory(cursor: HistoryCursor, options: LookupIamHistoryOptions): Promise<LookupIamHistoryResult> {
  const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
  const { limit, pacer, now, sleep, logger } = options;
  const backoff = options.backoffMs ?? defaultThrottleBackoff;
  const deadline = now() + options.budgetMs;
  const startTime = new Date(cursor.startTime * 1000);
  const endTime = new Date(cursor.endTime * 1000);
  const streams: StreamState[] = cursor.streams.map((s) => ({ ...s, buffer: [], loaded: false }));
  const events: HistoryEvent[] = [];
  const seen = new Set<string>();
  let scanned = 0;
  let calls = 0;
  let throttled = 0;

  /** Fetches the page at `stream.token`, dropping the `skip` events consumed before. */
  const load = async (stream: StreamState): Promise<'ok' | 'budget' | 'throttled'> => {
    const client = await options.clientFor(stream.region);
    for (let attempt = 0; ; ) {
      if (now() >= deadline) return 'budget';
      await pacer.wait(stream.region);
      let output: LookupEventsCommandOutput;
      try {
        calls++;
        output = await client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: stream.key, AttributeValue: stream.value }],
            StartTime: startTime,
            EndTime: endTime,
            MaxResults: PAGE_SIZE,
            NextToken: stream.token,
          }),
        );
      } catch (error) {
        if (!isThrottlingError(error)) throw toHistoryLookupError(error, stream.region);
        throttled++;
        attempt++;
        const delay = backoff(attempt);
        logger?.warn('LookupEvents throttled', { region: stream.region, attempt, delayMs: delay });
        if (now() + delay >= deadline) return 'throttled';
        await sleep(delay);
        continue;
      }
      const page = (output.Events ?? []).map((e) => toHistoryEvent(e, stream.region));
      // CloudTrail returns newest first; sort anyway so the merge below can rely on it.
      page.sort((a, b) => b.time - a.time);
      stream.buffer = page.slice(stream.skip);
      stream.loaded = true;
      stream.nextToken = output.NextToken || undefined;
      return 'ok';
    }
  };

  /** Makes sure every live stream has an event at its head (or is marked done). */
  const fill = async (): Promise<'ok' | 'budget' | 'throttled'> => {
    for (const stream of streams) {
      while (!stream.done && stream.buffer.length === 0) {
        if (stream.loaded) {
          if (!stream.nextToken) {
            stream.done = true;
            break;
          }
          // The page at `token` is used up: move on to the next one.
          stream.token = stream.nextToken;
          stream.skip = 0;
          stream.loaded = false;
          stream.nextToken = undefined;
        }
        const result = await load(stream);
        if (result !== 'ok') return result;
      }
    }
    return 'ok';
  };

  let stop: LookupStop = 'exhausted';
  while (events.length < limit) {
    const filled = await fill();
    if (filled !== 'ok') {
      stop = filled;
      break;
    }
    const next = newestHead(streams);
    if (!next) break;
    const event = next.buffer.shift()!;
    next.skip++;
    scanned++;
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (!options.filter || options.filter(event)) events.push(event);
  }
  if (events.length >= limit) {
    stop = 'limit';
    // The same event can head two streams (Username and ResourceName): consume the duplicates
    // already in hand so the next page does not show them again.
    for (const stream of streams) {
      while (stream.buffer[0] && seen.has(stream.buffer[0].id)) {
        stream.buffer.shift();
        stream.skip++;
      }
    }
  }
  for (const stream of streams) {
    if (stream.loaded && stream.buffer.length === 0 && !stream.nextToken) stream.done = true;
  }
  const live = streams.some((s) => !s.done);
  logger?.info('LookupEvents search step', { stop, scanned, matched: events.length, calls, throttled });
  return {
    events,
    cursor: live
      ? {
          startTime: cursor.startTime,
          endTime: cursor.endTime,
          streams: streams.map(({ region, key, value, token, skip, done }) => ({ region, key, value, token, skip, done })),
          ...(cursor.account ? { account: cursor.account } : {}),
        }
      : undefined,
    stop: live || stop === 'limit' ? stop : 'exhausted',
    scanned,
    calls,
    throttled,
  };
}

function newestHead(streams: StreamState[]): StreamState | undefined {
  let best: StreamState | undefined;
  for (const stream of streams) {
    const head = stream.buffer[0];
    if (!stream.done && head && (!best || head.time > best.buffer[0]!.time)) best = stream;
  }
  return best;
}
