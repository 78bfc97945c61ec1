import * as z from 'zod';
import { type CloudTrailRecord, cloudTrailRecordSchema } from '../events/cloudtrail-record';
import { parseEventTime } from '../events/event-time';
import { type Actor, describeActor } from '../events/identity';
import { DEFAULT_HISTORY_EVENT_SOURCES } from './history-scope';
import type { HistoryQuery } from './query';

/**
 * One event from CloudTrail's LookupEvents, parsed once at the edge: the SDK's `Event` fields plus
 * the `CloudTrailEvent` JSON string, read with the same schema the notifier uses.
 */
export const lookupEventSchema = z.looseObject({
  EventId: z.string().optional(),
  EventName: z.string().optional(),
  EventTime: z.date().optional().catch(undefined),
  EventSource: z.string().optional(),
  Username: z.string().optional(),
  Resources: z
    .array(z.looseObject({ ResourceType: z.string().optional(), ResourceName: z.string().optional() }))
    .optional()
    .catch(undefined),
  CloudTrailEvent: z.string().optional(),
});
export type LookupEvent = z.infer<typeof lookupEventSchema>;

export interface HistoryEvent {
  /** CloudTrail event ID (unique per event; the key for de-duplication across lookups). */
  id: string;
  /** Event time in epoch milliseconds (0 when CloudTrail gave none we could read). */
  time: number;
  eventName: string;
  eventSource: string;
  /** LookupEvents' `Username`: the IAM user, role session or root that made the call. */
  username?: string;
  resources: Array<{ type?: string; name?: string }>;
  /** The full record, as the notifier reads it (so replays can feed it to `prepareItem`). */
  record: CloudTrailRecord;
  /** The region whose event history returned it. */
  region: string;
}

/** Reads one SDK `Event`; never throws (a record it cannot read keeps the top-level fields). */
export function toHistoryEvent(raw: unknown, region: string): HistoryEvent {
  const parsed = lookupEventSchema.safeParse(raw);
  const event: LookupEvent = parsed.success ? parsed.data : {};
  const fallback = { eventName: event.EventName || 'Unknown', eventSource: event.EventSource || 'unknown' };
  let record: CloudTrailRecord;
  try {
    const fromJson = cloudTrailRecordSchema.safeParse(JSON.parse(event.CloudTrailEvent ?? 'null'));
    record = fromJson.success ? fromJson.data : cloudTrailRecordSchema.parse(fallback);
  } catch {
    record = cloudTrailRecordSchema.parse(fallback);
  }
  const parsedTime = parseEventTime(record.eventTime);
  const time = event.EventTime?.getTime() ?? (parsedTime && 'epochSeconds' in parsedTime ? parsedTime.epochSeconds * 1000 : 0);
  return {
    id: event.EventId ?? record.eventID ?? `${region}:${time}:${record.eventName}`,
    time: Number.isFinite(time) ? time : 0,
    eventName: record.eventName,
    eventSource: record.eventSource,
    username: event.Username,
    resources: (event.Resources ?? []).map((r) => ({ type: r.ResourceType, name: r.ResourceName })),
    record,
    region,
  };
}

/** Event sources of the default scope: "IAM and sign-in events". */
export const IAM_EVENT_SOURCES = ['iam.amazonaws.com', 'signin.amazonaws.com'] as const;

/**
 * The IAM user an event acted on, if any: `requestParameters.userName` (CreateUser,
 * AttachUserPolicy, CreateAccessKey for another user, ...).
 */
export function targetUserName(record: CloudTrailRecord): string | undefined {
  const name = record.requestParameters?.userName;
  return typeof name === 'string' && name ? name : undefined;
}

/** Every name the caller goes by in this event: user, role, role session, SSO user. */
export function actorNames(event: HistoryEvent, actor: Actor = describeActor(event.record)): string[] {
  const names = [event.username, actor.name, actor.iamUserName, event.record.userIdentity?.userName];
  const arnTail = actor.arn?.split('/').pop();
  if (arnTail) names.push(arnTail);
  return names.filter((n): n is string => Boolean(n));
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * True when the event passes every filter of the query. The lookup attribute narrows what
 * CloudTrail returns; this applies all filters (including that one) in code.
 *
 * - `user:` matches the actor or the target user (IAM user names are case-insensitive).
 * - Without `event:`, only IAM and sign-in events count (a `Username` lookup returns every
 *   service's calls); `event:` names the API exactly, and only in `eventSources` (the services
 *   the alert catalog watches, see `history-scope.ts`).
 */
export function matchesQuery(
  event: HistoryEvent,
  query: HistoryQuery,
  eventSources: readonly string[] = DEFAULT_HISTORY_EVENT_SOURCES,
): boolean {
  if (query.event) {
    // LookupEvents by EventName returns that API of every service; keep the watched ones.
    if (event.eventName !== query.event || !eventSources.includes(event.eventSource)) return false;
  } else if (!(IAM_EVENT_SOURCES as readonly string[]).includes(event.eventSource)) {
    return false;
  }
  if (query.ip && event.record.sourceIPAddress !== query.ip) return false;
  const needsActor = query.actor !== undefined || query.user !== undefined;
  const names = needsActor ? actorNames(event) : [];
  if (query.actor) {
    const wanted = query.actor;
    if (!names.some((n) => same(n, wanted))) return false;
  }
  if (query.user) {
    const wanted = query.user;
    const target = targetUserName(event.record);
    const asResource = event.resources.some((r) => r.type === 'AWS::IAM::User' && r.name && same(r.name, wanted));
    if (!names.some((n) => same(n, wanted)) && !(target && same(target, wanted)) && !asResource) return false;
  }
  return true;
}
