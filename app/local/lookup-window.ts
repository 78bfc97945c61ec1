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
 * Services whose own API is called all day in most accounts (instances and VPCs described, log
 * groups and streams created by every new Lambda environment): read whole at
 * LookupEvents' 2 requests per second they would take a page per 50 events. When the catalog
 * watches a few of their calls, those are looked up by event name instead. A quiet service stays
 * one query: each query costs at least one request (half a second) per poll and region.
 */
export const HIGH_VOLUME_SOURCES: ReadonlySet<string> = new Set(['ec2.amazonaws.com', 'logs.amazonaws.com']);

/** A high-volume service the catalog names by more calls than this is read whole. */
export const EVENT_NAME_LOOKUP_MAX = 3;

/**
 * The LookupEvents queries that cover a catalog (LookupEvents takes one attribute per call): one
 * per event source its rules name (or, for a {@link HIGH_VOLUME_SOURCES high-volume} source named
 * by at most {@link EVENT_NAME_LOOKUP_MAX} API calls and by no sign-in or user-agent rule, one per
 * event name), `signin.amazonaws.com` for console sign-in rules, and `Username=root` for root
 * activity in any service.
 */
export function lookupAttributesForCatalog(catalog: Catalog): LookupAttribute[] {
  const wholeSources = new Set<string>();
  const namesBySource = new Map<string, Set<string>>();
  let root = false;
  for (const rule of catalog.rules) {
    switch (rule.match.kind) {
      case 'api-call': {
        const names = namesBySource.get(rule.match.eventSource) ?? new Set<string>();
        for (const name of rule.match.eventNames) names.add(name);
        namesBySource.set(rule.match.eventSource, names);
        break;
      }
      case 'console-sign-in':
        wholeSources.add('signin.amazonaws.com');
        break;
      case 'offensive-user-agent':
        for (const source of rule.match.eventSources) wholeSources.add(source);
        break;
      case 'root-activity':
        root = true;
        break;
    }
  }
  const byName: string[] = [];
  for (const [source, names] of namesBySource) {
    const readByName = HIGH_VOLUME_SOURCES.has(source) && !wholeSources.has(source) && names.size <= EVENT_NAME_LOOKUP_MAX;
    if (readByName) byName.push(...names);
    else wholeSources.add(source);
  }
  const attributes: LookupAttribute[] = [
    ...[...wholeSources].sort().map((value): LookupAttribute => ({ key: 'EventSource', value })),
    ...[...new Set(byName)].sort().map((value): LookupAttribute => ({ key: 'EventName', value })),
  ];
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
/** A history cursor holds at most 20 lookup streams: more queries are read in several passes. */
const MAX_STREAMS = 20;

/**
 * Reads the whole window and returns its distinct events, oldest first. Regions are read side by
 * side (each has its own 2 requests/s); the queries of one region share its pace.
 * @throws LookupWindowError when the window cannot be read (CloudTrail keeps throttling);
 *   HistoryLookupError (from `lookupIamHistory`) for AccessDenied, missing
 *   credentials and the like, naming the region.
 */
export async function lookupWindow(window: LookupWindow, options: LookupWindowOptions): Promise<HistoryEvent[]> {
  const startTime = Math.floor(window.start.getTime() / 1000);
  const endTime = Math.ceil(window.end.getTime() / 1000);
  if (window.attributes.length === 0 || endTime <= startTime) return [];
  const found = new Map<string, HistoryEvent>();
  const progress: LookupProgress = { scanned: 0, found: 0, calls: 0 };

  const passes: LookupAttribute[][] = [];
  for (let i = 0; i < window.attributes.length; i += MAX_STREAMS) passes.push(window.attributes.slice(i, i + MAX_STREAMS));
  const readRegion = async (region: string): Promise<void> => {
    for (const attributes of passes) await readPass(region, attributes);
  };
  const readPass = async (region: string, attributes: readonly LookupAttribute[]): Promise<void> => {
    // NextTokens are valid only with the same StartTime and EndTime, so the window is fixed here.
    let cursor: HistoryCursor | undefined = {
      startTime,
      endTime,
      streams: attributes.map(({ key, value }) => ({ region, key, value, skip: 0, done: false })),
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
