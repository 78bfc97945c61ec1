import type { AlertView } from '../../blocks/alert-view';
import type { RenderedMessage } from '../../blocks/render-alert';
import { burstLine, MAX_EVENTS_PER_REPLY, renderBurstParent, renderBurstReply } from '../../blocks/render-burst';
import { updateWithRetry, type VersionedStore } from '../state/versioned-store';
import { DeadlineError, StateInconsistentError } from './errors';
import { type Posted, postMessage, updateMessage } from './post';
import { leaseUntil, nowSeconds, type RunContext } from './run-context';
import { sleep } from './slack-calls';

/**
 * Burst grouping: the events of one actor in one channel and one window (`burstWindowSeconds`)
 * share a parent alert. The first event of the window posts its alert exactly as a single event
 * would and becomes the parent. Later ones are appended to the burst record in the shared store;
 * whichever waiting invocation holds the burst's lease posts them in batches as thread replies and
 * updates the parent's running count. Every invocation returns only once its own event is in
 * Slack (or fails, to be retried), so an event is never acknowledged while it sits in the store.
 */

/** Events one parent gathers before a new parent starts (bounds the burst item's size). */
export const MAX_EVENTS_PER_BURST = 300;

interface PendingLine {
  e: string;
  line: string;
}

interface BurstRecord {
  opener: string;
  actor: string;
  total: number;
  pending: PendingLine[];
  /** Every event ID appended, so a retried event is never appended (and posted) twice. */
  seen: string[];
  posted: number;
  parent?: Posted & { message: RenderedMessage };
  leaseOwner?: string;
  leaseUntil?: number;
}

export interface BurstDelivery {
  role: 'parent' | 'member';
  channel: string;
  /** The parent's ts (for members, the thread their line was posted in). */
  ts: string;
  burstKey: string;
}

/** The actor's identity for grouping: same account and principal, whatever the session. */
export function burstActor(view: AlertView): { key: string; label: string } {
  const principal = view.actor.arn ?? `${view.actor.typeLabel}:${view.actor.name}`;
  return { key: `${view.accountId ?? 'unknown'}#${principal}`, label: `${view.actor.typeLabel} ${view.actor.name}` };
}

/** Delivers one non-critical alert through its actor's burst. */
export async function deliverInBurst(
  context: RunContext & { store: VersionedStore },
  eventId: string,
  view: AlertView,
  message: RenderedMessage,
  channel: string,
): Promise<BurstDelivery> {
  const actor = burstActor(view);
  const windowSeconds = context.tuning.burstWindowSeconds;
  const bucket = Math.floor(nowSeconds(context) / windowSeconds);
  const options = {
    nowSeconds: () => nowSeconds(context),
    // Kept a day past the window, long enough for the last stragglers and for retries.
    expiresAtSeconds: (bucket + 1) * windowSeconds + 86_400,
  };
  const line = burstLine(view);

  // A full burst (MAX_EVENTS_PER_BURST) continues under a new parent, keeping every item far below
  // DynamoDB's 400 KB item limit however big the apply.
  let burstKey = '';
  let role: 'parent' | 'member' | 'full' = 'full';
  for (let generation = 0; role === 'full'; generation++) {
    burstKey = `burst#${channel}#${actor.key}#${bucket}#${generation}`;
    role = await updateWithRetry<BurstRecord, 'parent' | 'member' | 'full'>(context.store, burstKey, options, (current) => {
      if (!current) {
        return { next: { opener: eventId, actor: actor.label, total: 1, pending: [], seen: [eventId], posted: 0 }, result: 'parent' };
      }
      if (current.seen.includes(eventId)) return { result: current.opener === eventId ? 'parent' : 'member' };
      if (current.total >= MAX_EVENTS_PER_BURST) return { result: 'full' };
      return {
        next: {
          ...current,
          total: current.total + 1,
          pending: [...current.pending, { e: eventId, line }],
          seen: [...current.seen, eventId],
        },
        result: 'member',
      };
    });
  }

  if (role === 'parent') {
    const existing = (await context.store.get<BurstRecord>(burstKey, nowSeconds(context))).value?.parent;
    // A retry of a parent whose post went out before the invocation failed: do not post it again.
    if (existing) return { role, channel: existing.channel, ts: existing.ts, burstKey };
    const posted = await postMessage(context, channel, message);
    await updateWithRetry<BurstRecord, void>(context.store, burstKey, options, (current) => {
      if (!current) throw new StateInconsistentError(`burst ${burstKey} vanished while its parent was posted`);
      return { next: { ...current, parent: { ...posted, message } }, result: undefined };
    });
    context.logger.debug('opened burst', { eventId, burstKey });
    return { role, ...posted, burstKey };
  }

  // A member: wait until a flusher (possibly this invocation) has posted its line.
  for (;;) {
    if (context.now() >= context.deadline) {
      throw new DeadlineError(`event ${eventId} is still waiting in burst ${burstKey} at the deadline`);
    }
    const burst = (await context.store.get<BurstRecord>(burstKey, nowSeconds(context))).value;
    if (!burst) throw new StateInconsistentError(`burst ${burstKey} expired while event ${eventId} was waiting in it`);
    if (burst.parent && !burst.pending.some((p) => p.e === eventId)) {
      return { role, channel: burst.parent.channel, ts: burst.parent.ts, burstKey };
    }
    if (burst.parent && (await takeLease(context, burstKey, options))) {
      await flushBurst(context, burstKey, options);
      continue;
    }
    await sleep(context.tuning.pollMs * (0.5 + Math.random()));
  }
}

async function takeLease(context: RunContext & { store: VersionedStore }, key: string, options: StoreOptions): Promise<boolean> {
  return updateWithRetry<BurstRecord, boolean>(context.store, key, options, (current) => {
    const free = !current?.leaseUntil || current.leaseUntil < context.now() || current.leaseOwner === context.owner;
    if (!current?.parent || current.pending.length === 0 || !free) return { result: false };
    return { next: { ...current, leaseOwner: context.owner, leaseUntil: leaseUntil(context) }, result: true };
  });
}

type StoreOptions = { nowSeconds: () => number; expiresAtSeconds: number };

/** Posts what is pending as thread replies, then the parent's new count, then lets go of the lease. */
async function flushBurst(context: RunContext & { store: VersionedStore }, key: string, options: StoreOptions): Promise<void> {
  // Linger so that one reply carries many events (the cheaper the burst, the fewer Slack calls).
  await sleep(Math.min(context.tuning.lingerMs, Math.max(0, context.deadline - context.now())));
  let flushed = false;
  let parent: BurstRecord['parent'];
  try {
    for (;;) {
      if (context.now() >= context.deadline) return;
      const burst = (await context.store.get<BurstRecord>(key, nowSeconds(context))).value;
      if (!burst?.parent || burst.leaseOwner !== context.owner) return;
      parent = burst.parent;
      const batch = burst.pending.slice(0, MAX_EVENTS_PER_REPLY);
      if (batch.length === 0) break;
      await postMessage(
        context,
        parent.channel,
        renderBurstReply(
          batch.map((p) => p.line),
          burst.actor,
        ),
        parent.ts,
      );
      const done = new Set(batch.map((p) => p.e));
      await updateWithRetry<BurstRecord, void>(context.store, key, options, (current) => {
        if (!current) throw new StateInconsistentError(`burst ${key} vanished during a flush`);
        return {
          next: { ...current, pending: current.pending.filter((p) => !done.has(p.e)), posted: current.posted + done.size },
          result: undefined,
        };
      });
      flushed = true;
    }
    if (flushed && parent) {
      const latest = (await context.store.get<BurstRecord>(key, nowSeconds(context))).value;
      // The count is a convenience: the events themselves are already in the thread.
      if (latest) {
        await updateMessage(context, parent, renderBurstParent(parent.message, latest.total - 1, latest.actor)).catch((error: unknown) =>
          context.logger.warn('could not update the burst count on the parent alert', { burstKey: key, error }),
        );
      }
    }
  } finally {
    await updateWithRetry<BurstRecord, void>(context.store, key, options, (current) =>
      current && current.leaseOwner === context.owner
        ? { next: { ...current, leaseOwner: undefined, leaseUntil: undefined }, result: undefined }
        : { result: undefined },
    );
  }
}
