import * as z from 'zod';
import { HistoryCursorError } from './errors';
import { IAM_EVENT_SOURCES } from './history-event';
import { type HistoryQuery, historyQuerySchema, MAX_SINCE_MINUTES } from './query';

/**
 * Where a history search stands: its fixed time window and, per lookup stream (one lookup
 * attribute in one region), the page being read and how far into it.
 *
 * A NextToken is only valid with exactly the parameters it came from, StartTime and EndTime
 * included, so the window is fixed when the query starts and travels with every continuation
 * (job payload, More button). Resuming re-reads the current page (`token`) and skips the `skip`
 * events already consumed, which keeps the cursor small and the merge across streams exact.
 */

/** The LookupEvents attributes this search uses (LookupEvents takes one per call). */
export const LOOKUP_KEYS = ['EventSource', 'EventName', 'Username', 'ResourceName'] as const;
export type LookupKey = (typeof LOOKUP_KEYS)[number];

/** LookupEvents returns at most 50 events a page. */
export const PAGE_SIZE = 50;

/**
 * AWS documents no maximum NextToken length. Any token that fits a More button (2,000 characters
 * for the whole value) is accepted; a search whose tokens do not fit is told so instead.
 */
const MAX_TOKEN_LENGTH = 2000;

export const lookupStreamSchema = z.strictObject({
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  key: z.enum(LOOKUP_KEYS),
  value: z.string().min(1).max(128),
  /** NextToken of the page being read; absent for the first page. */
  token: z.string().min(1).max(MAX_TOKEN_LENGTH).optional(),
  /** Events of that page already consumed. */
  skip: z.number().int().min(0).max(PAGE_SIZE),
  /** No more events in this stream. */
  done: z.boolean(),
});
export type LookupStream = z.infer<typeof lookupStreamSchema>;

export const historyCursorSchema = z
  .strictObject({
    /** StartTime and EndTime of every call, epoch seconds. */
    startTime: z.number().int().nonnegative(),
    endTime: z.number().int().nonnegative(),
    streams: z.array(lookupStreamSchema).min(1).max(20),
    /**
     * The account searched, once known (`account:` resolved to an ID); absent: iam-alerts' own.
     * Every page of a search reads the same account.
     */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  })
  .refine((c) => c.endTime > c.startTime && c.endTime - c.startTime <= MAX_SINCE_MINUTES * 60 + 60, 'time window out of range');
export type HistoryCursor = z.infer<typeof historyCursorSchema>;

/**
 * The lookup attributes for a query, most selective first: LookupEvents takes one attribute per
 * call, the rest is filtered in code (`matchesQuery`).
 *
 * - `event:` → EventName (one API across every caller).
 * - `actor:` → Username (the caller's own events).
 * - `user:` → Username and ResourceName: the user as caller, and as the IAM user acted on.
 * - otherwise → EventSource iam.amazonaws.com and signin.amazonaws.com, merged by time.
 * `ip:` has no lookup attribute and is always filtered in code.
 */
export function lookupAttributesFor(query: HistoryQuery): Array<{ key: LookupKey; value: string }> {
  if (query.event) return [{ key: 'EventName', value: query.event }];
  if (query.actor) return [{ key: 'Username', value: query.actor }];
  if (query.user) {
    return [
      { key: 'Username', value: query.user },
      { key: 'ResourceName', value: query.user },
    ];
  }
  return IAM_EVENT_SOURCES.map((source) => ({ key: 'EventSource', value: source }));
}

/**
 * Starts a search: fixes the window (`now - since` to `now`, whole seconds) and creates one
 * stream per lookup attribute per region (`HISTORY_REGIONS` apply to every account), in `account`
 * when given.
 */
export function startHistoryCursor(query: HistoryQuery, regions: readonly string[], now: Date, account?: string): HistoryCursor {
  const endTime = Math.floor(now.getTime() / 1000);
  return {
    startTime: endTime - query.sinceMinutes * 60,
    endTime,
    streams: regions.flatMap((region) =>
      lookupAttributesFor(query).map(({ key, value }) => ({ region, key, value, skip: 0, done: false })),
    ),
    ...(account ? { account } : {}),
  };
}

/** What the More button carries: the query, the cursor and the page number it will show. */
export const moreButtonSchema = z.strictObject({
  query: historyQuerySchema,
  cursor: historyCursorSchema,
  page: z.number().int().min(2).max(10_000),
});
export type MoreButtonState = z.infer<typeof moreButtonSchema>;

const KEY_CODES: Record<LookupKey, string> = { EventSource: 'S', EventName: 'N', Username: 'U', ResourceName: 'R' };
const KEY_BY_CODE = Object.fromEntries(Object.entries(KEY_CODES).map(([k, v]) => [v, k])) as Record<string, LookupKey>;

/**
 * Encodes the More button's value compactly (Slack allows 2,000 characters). The account searched
 * travels as its ID (`a`), so the next page reads the same account and shows `account:<id>`.
 */
export function encodeMoreButton(state: MoreButtonState): string {
  const { query, cursor, page } = state;
  return JSON.stringify({
    v: 1,
    q: [query.user ?? '', query.actor ?? '', query.event ?? '', query.ip ?? '', query.sinceMinutes, query.limit],
    w: [cursor.startTime, cursor.endTime],
    // A finished stream adds nothing to later pages: leave it out to save room.
    s: liveStreams(cursor).map((s) => [s.region, KEY_CODES[s.key], s.value, s.token ?? '', s.skip, s.done ? 1 : 0]),
    p: page,
    ...(cursor.account ? { a: cursor.account } : {}),
  });
}

function liveStreams(cursor: HistoryCursor): LookupStream[] {
  const live = cursor.streams.filter((s) => !s.done);
  return live.length > 0 ? live : cursor.streams.slice(0, 1);
}

const encodedSchema = z.strictObject({
  v: z.literal(1),
  q: z.tuple([z.string(), z.string(), z.string(), z.string(), z.number(), z.number()]),
  w: z.tuple([z.number(), z.number()]),
  s: z.array(z.tuple([z.string(), z.string(), z.string(), z.string(), z.number(), z.union([z.literal(0), z.literal(1)])])),
  p: z.number(),
  a: z.string().optional(),
});

/**
 * Reads a More button's value back.
 * @param allowedRegions the configured `HISTORY_REGIONS`: a value naming any other region is refused.
 * @throws HistoryCursorError when the value is not one this code wrote, or names another region.
 */
export function decodeMoreButton(value: string, allowedRegions: readonly string[]): MoreButtonState {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new HistoryCursorError('More button value is not JSON', { cause: error });
  }
  const encoded = encodedSchema.safeParse(json);
  if (!encoded.success) throw new HistoryCursorError('More button value has an unknown shape', { cause: encoded.error });
  const { q, w, s, p, a } = encoded.data;
  const state = moreButtonSchema.safeParse({
    query: {
      user: q[0] || undefined,
      actor: q[1] || undefined,
      event: q[2] || undefined,
      ip: q[3] || undefined,
      sinceMinutes: q[4],
      limit: q[5],
      account: a,
    },
    cursor: {
      startTime: w[0],
      endTime: w[1],
      streams: s.map(([region, code, attributeValue, token, skip, done]) => ({
        region,
        key: KEY_BY_CODE[code] ?? code,
        value: attributeValue,
        token: token || undefined,
        skip,
        done: done === 1,
      })),
      account: a,
    },
    page: p,
  });
  if (!state.success) throw new HistoryCursorError('More button value failed validation', { cause: state.error });
  const foreign = state.data.cursor.streams.find((stream) => !allowedRegions.includes(stream.region));
  if (foreign) throw new HistoryCursorError(`More button names region ${foreign.region}, which HISTORY_REGIONS does not list`);
  return state.data;
}
