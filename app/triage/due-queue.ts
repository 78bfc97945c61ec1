import * as z from 'zod';
import { updateWithRetry } from '../state/versioned-store';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { dueBucketKey, SCHEDULE_CURSOR_KEY } from './triage-keys';

/**
 * What falls due when: one item per minute (`triage#due#<epoch minute>`) listing the alerts with
 * something due in that minute, and a cursor (`triage#cursor`) saying up to which minute the
 * scheduler has handled them. DynamoDB cannot ask "which items are due?" of a table keyed by `id`
 * alone; a Scan would read every item each minute, and a GSI would need a Query the state store
 * does not have, eventually consistent reads and a second write per change. The buckets need only
 * GetItem and conditional PutItem (which the roles already scope by key prefix): a run reads the
 * cursor and the minutes since, normally one.
 *
 * Entries are hints, never the truth: the scheduler checks each alert's triage and state before it
 * acts, so an entry for work done or moved (acknowledged, rescheduled) does nothing.
 */

/** Entries one minute holds before later ones spill into the next minute. */
export const MAX_ENTRIES_PER_MINUTE = 500;
/** A run catches up at most this many minutes (the rest next run): bounded work per invocation. */
export const MAX_MINUTES_PER_RUN = 120;
/** Buckets are kept long enough for a scheduler that was down for days to catch up. */
const BUCKET_TTL_SECONDS = 7 * 86_400;
/** The farthest back a scheduler without a cursor (first run, or after days down) starts. */
export const FIRST_RUN_LOOKBACK_MINUTES = 60;

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);
export const dueEntrySchema = z.strictObject({
  c: slackId,
  t: z.string().min(1).max(32),
  /** What is due: an escalation, or the end of the actor's time to answer. */
  k: z.enum(['escalate', 'confirm-timeout']),
});
export type DueEntry = z.infer<typeof dueEntrySchema>;
const bucketSchema = z.strictObject({ entries: z.array(dueEntrySchema).max(MAX_ENTRIES_PER_MINUTE) });
const cursorSchema = z.strictObject({ minute: z.number().int().nonnegative() });

export const epochMinute = (epochSecondsValue: number): number => Math.floor(epochSecondsValue / 60);

/**
 * Schedules `entry` for `dueAtSeconds`: in that minute's bucket, and never in a minute the
 * scheduler may already have passed (at the earliest, the next minute).
 */
export async function scheduleDue(deps: Pick<TriageDeps, 'store' | 'now'>, entry: DueEntry, dueAtSeconds: number): Promise<void> {
  let minute = Math.max(epochMinute(dueAtSeconds), epochMinute(epochSeconds(deps)) + 1);
  for (;;) {
    const placed = await updateWithRetry<unknown, 'placed' | 'full'>(
      deps.store,
      dueBucketKey(minute),
      { nowSeconds: () => epochSeconds(deps), expiresAtSeconds: minute * 60 + BUCKET_TTL_SECONDS },
      (current) => {
        const bucket = bucketSchema.safeParse(current ?? { entries: [] });
        const entries = bucket.success ? bucket.data.entries : [];
        if (entries.some((e) => e.c === entry.c && e.t === entry.t && e.k === entry.k)) return { result: 'placed' };
        if (entries.length >= MAX_ENTRIES_PER_MINUTE) return { result: 'full' };
        return { next: { entries: [...entries, entry] }, result: 'placed' };
      },
    );
    if (placed === 'placed') return;
    minute++;
  }
}

/** The entries of one minute. */
export async function readDue(deps: Pick<TriageDeps, 'store' | 'now' | 'logger'>, minute: number): Promise<DueEntry[]> {
  const { value } = await deps.store.get<unknown>(dueBucketKey(minute), epochSeconds(deps));
  if (value === undefined) return [];
  const parsed = bucketSchema.safeParse(value);
  if (parsed.success) return parsed.data.entries;
  deps.logger.warn('unreadable due bucket, skipping it', { minute, issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
  return [];
}

/** The last minute handled, and the version to advance it against. */
export async function readCursor(deps: Pick<TriageDeps, 'store' | 'now'>): Promise<{ minute?: number; version: number }> {
  const { value, version } = await deps.store.get<unknown>(SCHEDULE_CURSOR_KEY, epochSeconds(deps));
  const parsed = cursorSchema.safeParse(value);
  return { minute: parsed.success ? parsed.data.minute : undefined, version };
}

/**
 * Moves the cursor to `minute` if nobody moved it since `version` was read.
 * @returns false when another run advanced it meanwhile (this run stops; that one goes on).
 */
export function advanceCursor(deps: Pick<TriageDeps, 'store' | 'now'>, minute: number, version: number): Promise<boolean> {
  return deps.store.put(SCHEDULE_CURSOR_KEY, { minute }, version, epochSeconds(deps) + 30 * 86_400);
}
