import { updateWithRetry } from '../state/versioned-store';
import { EventInProgressError } from './errors';
import { leaseUntil, nowSeconds, type RunContext } from './run-context';

/**
 * Exactly-once bookkeeping per CloudTrail event, in the shared store (`event#<eventID>`):
 * an invocation claims the event (with a lease that ends at its deadline), delivers it, then
 * marks it done. A redelivery finds it done and posts nothing; a concurrent delivery finds it
 * leased and fails, to be retried after the first one has finished or given up.
 */

interface EventRecord {
  status: 'pending' | 'done';
  owner?: string;
  /** Epoch ms: the claim is void after this (its invocation has timed out). */
  leaseUntil?: number;
  channel?: string;
  ts?: string;
}

export type Claim = { kind: 'claimed' } | { kind: 'done'; channel?: string; ts?: string };

const keyOf = (eventId: string) => `event#${eventId}`;

/**
 * Claims an event for this invocation.
 * @throws EventInProgressError when another invocation holds a live claim.
 */
export async function claimEvent(context: RunContext, eventId: string): Promise<Claim> {
  const store = context.store;
  if (!store) return { kind: 'claimed' };
  const claim = await updateWithRetry<EventRecord, Claim | 'busy'>(store, keyOf(eventId), expiry(context), (current) => {
    if (current?.status === 'done') return { result: { kind: 'done', channel: current.channel, ts: current.ts } };
    if (current?.status === 'pending' && current.owner !== context.owner && (current.leaseUntil ?? 0) > context.now()) {
      return { result: 'busy' };
    }
    return { next: { status: 'pending', owner: context.owner, leaseUntil: leaseUntil(context) }, result: { kind: 'claimed' } };
  });
  if (claim === 'busy') throw new EventInProgressError(`event ${eventId} is being delivered by another invocation`);
  return claim;
}

/** Records that the event is in Slack, so redeliveries post nothing. */
export async function completeEvent(context: RunContext, eventId: string, where: { channel?: string; ts?: string }): Promise<void> {
  if (!context.store) return;
  await updateWithRetry<EventRecord, void>(context.store, keyOf(eventId), expiry(context), () => ({
    next: { status: 'done', ...where },
    result: undefined,
  }));
}

/** Gives up a claim after a failure, so the retry need not wait for the lease to run out. */
export async function releaseEvent(context: RunContext, eventId: string): Promise<void> {
  if (!context.store) return;
  await updateWithRetry<EventRecord, void>(context.store, keyOf(eventId), expiry(context), (current) =>
    current?.status === 'pending' && current.owner === context.owner
      ? { next: { status: 'pending', leaseUntil: 0 }, result: undefined }
      : { result: undefined },
  );
}

function expiry(context: RunContext) {
  return { nowSeconds: () => nowSeconds(context), expiresAtSeconds: nowSeconds(context) + context.tuning.dedupeTtlSeconds };
}
