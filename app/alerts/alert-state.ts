import type { KnownBlock } from '@slack/types';
import * as z from 'zod';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { type Acknowledgement, readAcknowledgement } from '../../blocks/render-acknowledged';
import {
  type AlertBase,
  type AlertStateView,
  alertBase,
  renderAlertState,
  type UserContainmentView,
} from '../../blocks/render-alert-state';
import { iamUserName } from '../slack/payloads';
import type { SlackAppDeps } from '../slack-deps';
import { updateWithRetry } from '../state/versioned-store';

/**
 * What responders did to one alert message (acknowledged by whom and when; each IAM user disabled,
 * how it ended, re-enabled), kept in the shared state table under `alert#<channel>#<ts>` with
 * optimistic concurrency. Every click records its part with a conditional write, then renders the
 * whole message from the state, so concurrent clicks (an Acknowledge while a Disable job runs, the
 * two Disable buttons of one alert) all show: none rewrites the message from what it saw at click
 * time.
 */

/** Alert state outlives any sensible incident (a Re-enable can come weeks later); TTL removes it after. */
export const ALERT_STATE_TTL_SECONDS = 400 * 24 * 3600;

/**
 * How many times one writer re-renders because the state moved on meanwhile. Each round means
 * another click landed in between; the bound only stops a runaway loop.
 */
export const MAX_PUBLISH_ROUNDS = 25;

const slackUserId = z.string().regex(/^[A-Z0-9]{2,40}$/);
const atSchema = z.strictObject({ epochSeconds: z.number().int().nonnegative(), iso: z.string().max(64) });

const userContainmentSchema = z.strictObject({
  user: iamUserName,
  outcome: z.enum(['disabled', 'partial', 'failed']),
  by: slackUserId,
  at: atSchema,
  reenabled: z.strictObject({ outcome: z.enum(['reenabled', 'partial', 'failed']), by: slackUserId, at: atSchema }).optional(),
});

/** The stored state of one alert: parsed on every read (the table is a boundary). */
export const alertStateSchema = z.strictObject({
  base: z.strictObject({ text: z.string().max(40_000), blocks: z.array(z.looseObject({ type: z.string() })).max(50) }),
  acknowledged: z.strictObject({ userId: slackUserId, epochSeconds: z.number().int().nonnegative(), iso: z.string().max(64) }).optional(),
  users: z.array(userContainmentSchema).max(50),
});
export type AlertState = z.infer<typeof alertStateSchema> & AlertStateView;

/** Where an alert message lives. */
export interface AlertRef {
  channel: string;
  ts: string;
}

/** The message as a click saw it: the fallback text and the blocks Slack sent back. */
export interface ClickedAlert {
  text: string;
  blocks: readonly ReceivedBlock[];
}

export type AlertStateDeps = Pick<SlackAppDeps, 'store' | 'slack' | 'clock' | 'logger'>;

/** Prefix of every alert's state item: the Slack role may touch only keys with it and the job nonces'. */
export const ALERT_STATE_KEY_PREFIX = 'alert#';

/** The state table key of an alert message. */
export function alertStateKey(ref: AlertRef): string {
  return `${ALERT_STATE_KEY_PREFIX}${ref.channel}#${ref.ts}`;
}

/**
 * The state a first click starts from: the clicked message without status lines as the base, and
 * the acknowledgement an alert acknowledged before alert state existed carries in its blocks.
 */
export function seedAlertState(clicked: ClickedAlert): AlertState {
  const legacy = readAcknowledgement(clicked.blocks);
  const acknowledged = legacy && { ...legacy, iso: new Date(legacy.epochSeconds * 1000).toISOString() };
  const base = alertBase(clicked);
  return { base: { text: base.text, blocks: base.blocks }, ...(acknowledged ? { acknowledged } : {}), users: [] };
}

/**
 * Records an acknowledgement unless the alert has one.
 * @returns undefined when this one was recorded; otherwise the acknowledgement that was first.
 * @throws StateStoreError when the state table cannot be read or written.
 */
export async function recordAcknowledgement(
  deps: AlertStateDeps,
  ref: AlertRef,
  clicked: ClickedAlert,
  ack: Acknowledgement,
): Promise<Acknowledgement | undefined> {
  return changeAlertState(deps, ref, (current) => {
    const state = current ?? seedAlertState(clicked);
    if (state.acknowledged) return { result: state.acknowledged };
    return { next: { ...state, acknowledged: ack }, result: undefined };
  });
}

/**
 * Records how a Disable User run on `entry.user` ended; a later run replaces the earlier one.
 * @throws StateStoreError when the state table cannot be read or written.
 */
export async function recordContainment(
  deps: AlertStateDeps,
  ref: AlertRef,
  clicked: ClickedAlert,
  entry: UserContainmentView,
): Promise<void> {
  await changeAlertState(deps, ref, (current) => {
    const state = current ?? seedAlertState(clicked);
    const at = state.users.findIndex((u) => u.user === entry.user);
    const users = at === -1 ? [...state.users, entry] : state.users.map((u, i) => (i === at ? entry : u));
    return { next: { ...state, users }, result: undefined };
  });
}

/**
 * Records a Re-enable of `user` on the alert.
 * @returns false when the alert has no state or never had this user disabled through it (alerts
 *   from before alert state): there is nothing to update then.
 * @throws StateStoreError when the state table cannot be read or written.
 */
export async function recordReenable(
  deps: AlertStateDeps,
  ref: AlertRef,
  user: string,
  reenabled: NonNullable<UserContainmentView['reenabled']>,
): Promise<boolean> {
  return changeAlertState(deps, ref, (current) => {
    if (!current?.users.some((u) => u.user === user)) return { result: false };
    const users = current.users.map((u) => (u.user === user ? { ...u, reenabled } : u));
    return { next: { ...current, users }, result: true };
  });
}

/**
 * Replaces the alert's base (the message as the notifier posted it) with `change(base)`, keeping
 * what responders did: the triage loop raises an alert to critical this way when its actor answers
 * that it was not them. An alert nobody has clicked yet is seeded from `seed`, the message as posted.
 * @throws StateStoreError when the state table cannot be read or written.
 */
export async function reviseAlertBase(
  deps: AlertStateDeps,
  ref: AlertRef,
  seed: ClickedAlert,
  change: (base: AlertBase) => AlertBase,
): Promise<void> {
  await changeAlertState(deps, ref, (current) => {
    const state = current ?? seedAlertState(seed);
    const base = change({ text: state.base.text, blocks: state.base.blocks as ReceivedBlock[] });
    return { next: { ...state, base: { text: base.text, blocks: base.blocks } }, result: undefined };
  });
}

/**
 * Updates the alert message to what its state says, and again whenever the state moved on while it
 * did: after each chat.update the state is read again, and if its version changed the message is
 * rendered and updated once more. So whichever update Slack applies last was rendered from the
 * latest state, even when two writers' chat.update calls land out of order.
 * @returns false when the alert has no state (nothing to render).
 * @throws the Slack error when chat.update fails; StateStoreError when the table cannot be read.
 */
export async function publishAlertState(deps: AlertStateDeps, ref: AlertRef): Promise<boolean> {
  const first = await readAlertState(deps, ref);
  if (!first.state) return false;
  let state: AlertState = first.state;
  let version = first.version;
  for (let round = 1; ; round++) {
    const message = renderAlertState(state);
    await deps.slack.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks as KnownBlock[] });
    const again = await readAlertState(deps, ref);
    if (again.version === version || !again.state) return true;
    if (round >= MAX_PUBLISH_ROUNDS) {
      deps.logger.error('alert state kept changing; the message may lag behind it', { channel: ref.channel, ts: ref.ts, rounds: round });
      return true;
    }
    state = again.state;
    version = again.version;
  }
}

async function readAlertState(deps: AlertStateDeps, ref: AlertRef): Promise<{ state: AlertState | undefined; version: number }> {
  const { value, version } = await deps.store.get<unknown>(alertStateKey(ref), nowSeconds(deps));
  return { state: parseState(deps, ref, value), version };
}

function changeAlertState<R>(
  deps: AlertStateDeps,
  ref: AlertRef,
  change: (current: AlertState | undefined) => { next?: AlertState; result: R },
): Promise<R> {
  return updateWithRetry<unknown, R>(
    deps.store,
    alertStateKey(ref),
    { nowSeconds: () => nowSeconds(deps), expiresAtSeconds: nowSeconds(deps) + ALERT_STATE_TTL_SECONDS },
    (current) => change(parseState(deps, ref, current)),
  );
}

/** A stored value that is not alert state (corrupt, or written by another version) counts as absent. */
function parseState(deps: AlertStateDeps, ref: AlertRef, value: unknown): AlertState | undefined {
  if (value === undefined) return undefined;
  const parsed = alertStateSchema.safeParse(value);
  if (parsed.success) return parsed.data as AlertState;
  deps.logger.warn('unreadable alert state, starting again from the message', {
    channel: ref.channel,
    ts: ref.ts,
    issues: parsed.error.issues.slice(0, 3).map((i) => i.message),
  });
  return undefined;
}

function nowSeconds(deps: AlertStateDeps): number {
  return Math.floor(deps.clock().getTime() / 1000);
}
