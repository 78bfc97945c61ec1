import * as z from 'zod';
import { SEVERITIES, type Severity } from '../../blocks/alert-view';
import { iamUserName, userButtonValueSchema } from '../slack/payloads';
import { updateWithRetry } from '../state/versioned-store';
import { epochSeconds, type TriageDeps } from './triage-deps';
import { triageAlertKey } from './triage-keys';

/**
 * One alert's triage (`triage#alert#<channel>#<ts>`): whom iam-alerts asked "Was this you?" and
 * what they answered, and how far the alert has been escalated. Written with conditional writes
 * like the alert's own state (`app/alerts/alert-state.ts`), which keeps what responders did
 * (acknowledged, disabled); the scheduler reads both. Parsed on every read: the table is a boundary.
 */

/** Triage outlives the longest escalation and a late answer; the day index keeps the rest. */
export const TRIAGE_STATE_TTL_SECONDS = 30 * 86_400;

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);
const epoch = z.number().int().nonnegative();

/** How the actor was matched to a Slack user, in the order they are tried. */
export const MAPPING_SOURCES = ['owner-tag', 'identity-center', 'settings'] as const;
export type MappingSource = (typeof MAPPING_SOURCES)[number];

export const triageStateSchema = z.strictObject({
  alert: z.strictObject({
    channel: slackId,
    ts: z.string().min(1).max(32),
    severity: z.enum(SEVERITIES),
    rule: z.string().max(128),
    /** Raw text: the renderers escape it. */
    headline: z.string().max(300),
    eventName: z.string().max(128),
    eventId: z.string().max(128),
    postedAt: epoch,
  }),
  escalation: z.strictObject({
    /** Escalations posted so far. */
    count: z.number().int().min(0).max(10),
    /** When the next one is due; absent: none is. */
    nextAt: epoch.optional(),
    /** Why escalation stopped, once it has. */
    stopped: z.enum(['acknowledged', 'disabled']).optional(),
  }),
  /** The actor's question, when the actor was matched to a Slack user. */
  ask: z
    .strictObject({
      user: slackId,
      via: z.enum(MAPPING_SOURCES),
      /** When the DM went out, and where it is. */
      askedAt: epoch,
      dm: z.strictObject({ channel: slackId, ts: z.string().min(1).max(32) }).optional(),
      timeoutAt: epoch,
      answer: z.strictObject({ value: z.enum(['yes', 'no']), at: epoch }).optional(),
      timedOut: epoch.optional(),
      /** Why the DM could not be sent (Slack's error). */
      failed: z.string().max(300).optional(),
    })
    .optional(),
  /** The actor's Disable User button, when the alert offers one for the actor (a "No" puts it in the thread). */
  disableActor: userButtonValueSchema.optional(),
  /** The acting IAM user, if any. */
  actorIamUser: iamUserName.optional(),
  /** The message as posted, to render the alert from when it is raised before anyone clicked it. */
  base: z.strictObject({ text: z.string().max(40_000), blocks: z.array(z.looseObject({ type: z.string() })).max(50) }).optional(),
  /** The actor answered No: the alert is critical from then on. */
  raisedAt: epoch.optional(),
});
export type TriageState = z.infer<typeof triageStateSchema>;

/** The severity the alert has now: critical once raised. */
export function currentSeverity(state: TriageState): Severity {
  return state.raisedAt !== undefined ? 'critical' : state.alert.severity;
}

/**
 * Reads an alert's triage; `undefined` when there is none (or it is unreadable).
 * @throws StateStoreError when the table cannot be read.
 */
export async function readTriage(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  ref: { channel: string; ts: string },
): Promise<TriageState | undefined> {
  const { value } = await deps.store.get<unknown>(triageAlertKey(ref), epochSeconds(deps));
  return parseTriage(deps, ref, value);
}

/**
 * Creates an alert's triage unless it exists (a retried delivery of the same alert).
 * @returns false when it existed: the first delivery already asked and scheduled.
 */
export async function createTriage(deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>, state: TriageState): Promise<boolean> {
  const ref = { channel: state.alert.channel, ts: state.alert.ts };
  return changeTriage(deps, ref, (current) => (current ? { result: false } : { next: state, result: true }));
}

/**
 * Reads, changes and conditionally writes an alert's triage until the write wins; `change` sees
 * `undefined` when there is none, and returns no `next` to leave it as it is.
 * @throws StateStoreError when the table cannot be read or written.
 */
export function changeTriage<R>(
  deps: Pick<TriageDeps, 'store' | 'logger' | 'now'>,
  ref: { channel: string; ts: string },
  change: (current: TriageState | undefined) => { next?: TriageState; result: R },
): Promise<R> {
  return updateWithRetry<unknown, R>(
    deps.store,
    triageAlertKey(ref),
    { nowSeconds: () => epochSeconds(deps), expiresAtSeconds: epochSeconds(deps) + TRIAGE_STATE_TTL_SECONDS },
    (current) => change(parseTriage(deps, ref, current)),
  );
}

function parseTriage(deps: Pick<TriageDeps, 'logger'>, ref: { channel: string; ts: string }, value: unknown): TriageState | undefined {
  if (value === undefined) return undefined;
  const parsed = triageStateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  deps.logger.warn('unreadable alert triage, ignoring it', { ...ref, issues: parsed.error.issues.slice(0, 3).map((i) => i.message) });
  return undefined;
}
