import * as z from 'zod';
import { SEVERITIES, type Severity } from '../../blocks/alert-view';
import { updateWithRetry } from '../state/versioned-store';
import { epochSeconds, type TriageDeps, tsSeconds, utcDay } from './triage-deps';
import { DISABLED_INDEX_KEY, dayIndexKey } from './triage-keys';

/**
 * The index of recent alerts that the Home tab and the digest are built from, in a bounded number
 * of reads: one item per UTC day (`triage#day#…`, 8 reads for a week) and one item for the users
 * disabled and not re-enabled (`triage#disabled`). The notifier appends each alert it delivers; the
 * Acknowledge listener and the Disable User and Re-enable jobs note what happened to it.
 *
 * The items stay far below DynamoDB's 400 KB: a day holds at most {@link MAX_ALERTS_PER_DAY}
 * top-level alerts and {@link MAX_GROUPED_PER_DAY} grouped ones, each a few dozen bytes; beyond that
 * only their counts are kept (`overflow`), so the counts by severity and rule stay right whatever
 * the day. `test/triage/alert-index.test.ts` measures a full day's item.
 */

/** Top-level alerts listed per day; beyond, counted only. */
export const MAX_ALERTS_PER_DAY = 400;
/** Grouped alerts (thread replies of a burst) listed per day; beyond, counted only. */
export const MAX_GROUPED_PER_DAY = 1_200;
/** Lengths kept of a rule's id, an alert's headline and its actor: the bounds above rest on them. */
export const RULE_ID_MAX = 64;
export const HEADLINE_MAX = 120;
export const ACTOR_MAX = 80;
/** Users listed as disabled; the oldest re-enabled ones go first, then the oldest. */
export const MAX_DISABLED_USERS = 200;
/** Day items outlive the 7 days Home shows and the digest's yesterday. */
export const DAY_INDEX_TTL_SECONDS = 10 * 86_400;
/** A re-enabled user stays listed this long, for the digest; a disabled one stays until re-enabled. */
const REENABLED_KEPT_SECONDS = 8 * 86_400;

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);
const epoch = z.number().int().nonnegative();
const severity = z.enum(SEVERITIES);

/** One top-level alert (short keys: a day holds hundreds). */
const indexedAlertSchema = z.strictObject({
  /** Channel and ts of the message. */
  c: slackId,
  t: z.string().min(1).max(32),
  /** Severity as posted, the rule's id, the headline and who did it (raw text). */
  s: severity,
  r: z.string().max(RULE_ID_MAX),
  h: z.string().max(HEADLINE_MAX),
  a: z.string().max(ACTOR_MAX).optional(),
  /** Posted (epoch seconds). */
  p: epoch,
  /** Acknowledged: when and by whom. */
  k: epoch.optional(),
  ku: slackId.optional(),
  /** Raised to critical (the actor answered No): when. */
  x: epoch.optional(),
});
export type IndexedAlert = z.infer<typeof indexedAlertSchema>;

const countsSchema = z.record(z.string().max(RULE_ID_MAX), z.number().int().nonnegative());
const dayIndexSchema = z.strictObject({
  alerts: z.array(indexedAlertSchema).max(MAX_ALERTS_PER_DAY),
  /** Grouped alerts as [posted, severity, rule]. */
  grouped: z.array(z.tuple([epoch, severity, z.string().max(RULE_ID_MAX)])).max(MAX_GROUPED_PER_DAY),
  /** Alerts past the lists' bounds: counted by severity and rule (and the hours they fell in, for the digest). */
  overflow: z.strictObject({ severity: countsSchema, rule: countsSchema, hours: countsSchema }),
  /** Each rule's title, for the Home tab and the digest (one entry per rule seen that day). */
  titles: z.record(z.string().max(RULE_ID_MAX), z.string().max(HEADLINE_MAX)),
});
export type DayIndex = z.infer<typeof dayIndexSchema>;

const emptyDay = (): DayIndex => ({ alerts: [], grouped: [], overflow: { severity: {}, rule: {}, hours: {} }, titles: {} });

/** Remembers a rule's title on the day (the catalog is the notifier's; Home and the digest only read the index). */
function withTitle(day: DayIndex, rule: string, title: string | undefined): DayIndex {
  const cut = title?.slice(0, HEADLINE_MAX);
  if (!cut || day.titles[rule] === cut || Object.keys(day.titles).length >= 200) return day;
  return { ...day, titles: { ...day.titles, [rule]: cut } };
}

const disabledUserSchema = z.strictObject({
  u: z.string().min(1).max(64),
  /** Account, Slack user who disabled it, when, and the alert. */
  a: z.string().max(12),
  by: slackId,
  at: epoch,
  c: slackId,
  t: z.string().min(1).max(32),
  /** Re-enabled: when and by whom. */
  re: epoch.optional(),
  reBy: slackId.optional(),
});
export type DisabledUser = z.infer<typeof disabledUserSchema>;
const disabledIndexSchema = z.strictObject({ users: z.array(disabledUserSchema).max(MAX_DISABLED_USERS) });

/** Adds a top-level alert to its day (the UTC day of its ts); a retried delivery adds nothing. */
export async function indexPostedAlert(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  entry: IndexedAlert,
  ruleTitle?: string,
): Promise<void> {
  await changeDay(deps, utcDay(tsSeconds(entry.t)), (day) => {
    if (day.alerts.some((a) => a.c === entry.c && a.t === entry.t)) return undefined;
    const titled = withTitle(day, entry.r, ruleTitle);
    if (day.alerts.length >= MAX_ALERTS_PER_DAY) return overflowed(titled, entry.s, entry.r, entry.p);
    return { ...titled, alerts: [...day.alerts, entry] };
  });
}

/** Counts an alert grouped into a burst's thread, on the day it was delivered. */
export async function indexGroupedAlert(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  alert: { severity: Severity; rule: string; title?: string },
): Promise<void> {
  const at = epochSeconds(deps);
  const rule = alert.rule.slice(0, RULE_ID_MAX);
  await changeDay(deps, utcDay(at), (day) => {
    const titled = withTitle(day, rule, alert.title);
    if (day.grouped.length >= MAX_GROUPED_PER_DAY) return overflowed(titled, alert.severity, rule, at);
    return { ...titled, grouped: [...day.grouped, [at, alert.severity, rule]] };
  });
}

/** Notes an acknowledgement on the alert's entry (nothing when the alert is not indexed). */
export async function indexAcknowledgement(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  ref: { channel: string; ts: string },
  ack: { userId: string; epochSeconds: number },
): Promise<void> {
  await changeEntry(deps, ref, (entry) => (entry.k === undefined ? { ...entry, k: ack.epochSeconds, ku: ack.userId } : undefined));
}

/** Notes that the alert was raised to critical. */
export async function indexRaise(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  ref: { channel: string; ts: string },
  at: number,
): Promise<void> {
  await changeEntry(deps, ref, (entry) => (entry.x === undefined ? { ...entry, x: at } : undefined));
}

/**
 * Reads the day items of `days` (UTC days), in that order; a missing or unreadable day is empty.
 * @throws StateStoreError when the table cannot be read.
 */
export async function readDays(deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>, days: readonly string[]): Promise<DayIndex[]> {
  const now = epochSeconds(deps);
  return Promise.all(
    days.map(async (day) => parseDay(deps, day, (await deps.store.get<unknown>(dayIndexKey(day), now)).value) ?? emptyDay()),
  );
}

/** Lists a user as disabled through an alert (a later Disable of the same user replaces it). */
export async function indexDisabledUser(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  entry: Omit<DisabledUser, 're' | 'reBy'>,
): Promise<void> {
  await changeDisabled(deps, (users) => [...users.filter((u) => !(u.u === entry.u && u.a === entry.a)), entry]);
}

/** Marks a user re-enabled (it leaves the Home tab's list; the digest still tells of it). */
export async function indexReenabledUser(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  entry: { u: string; a: string; by: string; at: number },
): Promise<void> {
  await changeDisabled(deps, (users) =>
    users.map((u) => (u.u === entry.u && u.a === entry.a && u.re === undefined ? { ...u, re: entry.at, reBy: entry.by } : u)),
  );
}

/** The users disabled (and those re-enabled lately, with `re`), oldest first. */
export async function readDisabledUsers(deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>): Promise<DisabledUser[]> {
  const { value } = await deps.store.get<unknown>(DISABLED_INDEX_KEY, epochSeconds(deps));
  const parsed = disabledIndexSchema.safeParse(value ?? { users: [] });
  if (parsed.success) return parsed.data.users;
  deps.logger.warn('unreadable disabled-users index, showing none', { issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
  return [];
}

function overflowed(day: DayIndex, severityValue: Severity, rule: string, at: number): DayIndex {
  const bump = (counts: Record<string, number>, key: string) => ({ ...counts, [key]: (counts[key] ?? 0) + 1 });
  const hour = String(Math.floor((at % 86_400) / 3_600));
  return {
    ...day,
    overflow: {
      severity: bump(day.overflow.severity, severityValue),
      rule: bump(day.overflow.rule, rule.slice(0, RULE_ID_MAX)),
      hours: bump(day.overflow.hours, hour),
    },
  };
}

async function changeEntry(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  ref: { channel: string; ts: string },
  change: (entry: IndexedAlert) => IndexedAlert | undefined,
): Promise<void> {
  await changeDay(deps, utcDay(tsSeconds(ref.ts)), (day) => {
    const at = day.alerts.findIndex((a) => a.c === ref.channel && a.t === ref.ts);
    const entry = at === -1 ? undefined : day.alerts[at];
    const next = entry && change(entry);
    if (!next) return undefined;
    return { ...day, alerts: day.alerts.map((a, i) => (i === at ? next : a)) };
  });
}

async function changeDay(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  day: string,
  change: (current: DayIndex) => DayIndex | undefined,
): Promise<void> {
  await updateWithRetry<unknown, void>(
    deps.store,
    dayIndexKey(day),
    { nowSeconds: () => epochSeconds(deps), expiresAtSeconds: Date.parse(`${day}T00:00:00Z`) / 1000 + DAY_INDEX_TTL_SECONDS },
    (current) => ({ next: change(parseDay(deps, day, current) ?? emptyDay()), result: undefined }),
  );
}

async function changeDisabled(deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>, change: (users: DisabledUser[]) => DisabledUser[]) {
  const now = epochSeconds(deps);
  await updateWithRetry<unknown, void>(
    deps.store,
    DISABLED_INDEX_KEY,
    // Kept while anyone is listed: a year past the last change.
    { nowSeconds: () => epochSeconds(deps), expiresAtSeconds: now + 400 * 86_400 },
    (current) => {
      const parsed = disabledIndexSchema.safeParse(current ?? { users: [] });
      const users = change(parsed.success ? parsed.data.users : []).filter(
        (u) => u.re === undefined || now - u.re < REENABLED_KEPT_SECONDS,
      );
      return { next: { users: boundDisabled(users) }, result: undefined };
    },
  );
}

/** Drops re-enabled users first, then the oldest, to stay within {@link MAX_DISABLED_USERS}. */
function boundDisabled(users: DisabledUser[]): DisabledUser[] {
  let kept = users;
  while (kept.length > MAX_DISABLED_USERS) {
    const reenabled = kept.findIndex((u) => u.re !== undefined);
    kept = kept.filter((_, i) => i !== (reenabled === -1 ? 0 : reenabled));
  }
  return kept;
}

function parseDay(deps: Pick<TriageDeps, 'logger'>, day: string, value: unknown): DayIndex | undefined {
  if (value === undefined) return undefined;
  const parsed = dayIndexSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  deps.logger.warn('unreadable alert index day, starting it again', { day, issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
  return undefined;
}
