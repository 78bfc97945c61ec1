import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Catalog } from '../catalog/catalog-config';
import type { HistoryCursor, LookupKey } from '../history/cursor';
import type { HistoryEvent } from '../history/history-event';
import { lookupIamHistory } from '../history/lookup';
import type { LookupPacer } from '../history/pacer';
import type { Logger } from '../logger';
import { LookupWindowError } from './errors';

/**
 * Reads every CloudTrail event of a time window that the alert catalog could match, from
 * LookupEvents, for the local poller and `iam-alerts replay`. The paging, per-region pacing (2
 * requests/s) and throttling backoff are those of `/iam-events` (`lookupIamHistory`); this module
 * only decides what to look up and reads the window to its end.
 */

export interface LookupAttribute {
  key: LookupKey;
  value: string;
}

/**
 * The LookupEvents queries that cover a catalog (LookupEvents takes one attribute per call): one
 * per event source its rules name, `signin.amazonaws.com` for console sign-in rules, and
 * `Username=root` for root activity in any service.
 */
export function lookupAttributesForCatalog(catalog: Catalog): LookupAttribute[] {
  const sources = new Set<string>();
  let root = false;
  for (const rule of catalog.rules) {
    switch (rule.match.kind) {
      case 'api-call':
        sources.add(rule.match.eventSource);
        break;
      case 'console-sign-in':
        sources.add('signin.amazonaws.com');
        break;
      case 'offensive-user-agent':
        for (const source of rule.match.eventSources) sources.add(source);
        break;
      case 'root-activity':
        root = true;
        break;
    }
  }
  const attributes: LookupAttribute[] = [...sources].sort().map((value) => ({ key: 'EventSource', value }));
  if (root) attributes.push({ key: 'Username', value: 'root' });
  return attributes;
}

export interface LookupWindow {
  start: Date;
  end: Date;
  regions: readonly string[];
  attributes: readonly LookupAttribute[];
}

export interface LookupProgress {
  /** Events read so far (before de-duplication across queries). */
  scanned: number;
  /** Distinct events found so far. */
  found: number;
  /** LookupEvents calls made so far. */
  calls: number;
}

export interface LookupWindowOptions {
  clientFor: (region: string) => Promise<CloudTrailClient>;
  pacer: LookupPacer;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger?: Logger;
  /** Called after each step (every few seconds on long windows): for progress lines. */
  onProgress?: (progress: LookupProgress) => void;
  /** Stops early (Ctrl-C); the events read so far are returned. */
  signal?: AbortSignal;
  /** Wall-clock budget of one `lookupIamHistory` step; default 20 s. */
  stepBudgetMs?: number;
}

/** Steps in a row that end throttled without reading anything before we give up. */
const MAX_STALLED_STEPS = 5;
/** A history cursor holds at most 20 lookup streams. */
const MAX_STREAMS = 20;

/**
 * Reads the whole window and returns its distinct events, oldest first. Regions are read side by
 * side (each has its own 2 requests/s); the queries of one region share its pace.
 * @throws LookupWindowError when the window cannot be read (too many queries, or CloudTrail keeps
 *   throttling); HistoryLookupError (from `lookupIamHistory`) for AccessDenied, missing
 *   credentials and the like, naming the region.
 */
export async function lookupWindow(window: LookupWindow, options: LookupWindowOptions): Promise<HistoryEvent[]> {
  if (window.attributes.length > MAX_STREAMS) {
    throw new LookupWindowError(
      `${window.attributes.length} LookupEvents queries per region is more than ${MAX_STREAMS}: disable some catalog rules`,
    );
  }
  const startTime = Math.floor(window.start.getTime() / 1000);
  const endTime = Math.ceil(window.end.getTime() / 1000);
  if (window.attributes.length === 0 || endTime <= startTime) return [];
  const found = new Map<string, HistoryEvent>();
  const progress: LookupProgress = { scanned: 0, found: 0, calls: 0 };

  const readRegion = async (region: string): Promise<void> => {
    // NextTokens are valid only with the same StartTime and EndTime, so the window is fixed here.
    let cursor: HistoryCursor | undefined = {
      startTime,
      endTime,
      streams: window.attributes.map(({ key, value }) => ({ region, key, value, skip: 0, done: false })),
    };
    let stalled = 0;
    while (cursor && !options.signal?.aborted) {
      const step = await lookupIamHistory(cursor, {
        clientFor: options.clientFor,
        pacer: options.pacer,
        now: options.now,
        sleep: options.sleep,
        logger: options.logger,
        limit: Number.MAX_SAFE_INTEGER,
        budgetMs: options.stepBudgetMs ?? 20_000,
      });
      for (const event of step.events) found.set(event.id, event);
      progress.scanned += step.scanned;
      progress.calls += step.calls;
      progress.found = found.size;
      options.onProgress?.({ ...progress });
      stalled = step.stop === 'throttled' && step.scanned === 0 ? stalled + 1 : 0;
      if (stalled >= MAX_STALLED_STEPS) {
        throw new LookupWindowError(
          `CloudTrail kept throttling LookupEvents in ${region}: another tool in this account may be using the same 2 requests/s; try again later`,
        );
      }
      cursor = step.cursor;
    }
  };

  await Promise.all(window.regions.map(readRegion));
  return [...found.values()].sort((a, b) => a.time - b.time || a.id.localeCompare(b.id));
}
