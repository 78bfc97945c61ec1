import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Slack's deadline, carried from the HTTP request to the one call a listener awaits before the
 * answer: the self-invocation that hands its job off (`lambdaDefer`).
 *
 * Slack gives up on an answer 3 seconds after it sent the request. A cold start (loading the code,
 * reading the secrets, building Bolt) spends part of that before any listener runs, so a fixed
 * bound on the hand-off is not enough: it is bounded by what is left, counted from when the
 * request reached the Function URL (`requestContext.timeEpoch`), less a margin for the answer's
 * trip back to Slack. `handlers/slack.ts` runs Bolt inside {@link withAckDeadline}; listeners
 * need not know (an AsyncLocalStorage, so `DeferJob` keeps its signature).
 */

/** Slack's deadline for an answer to an interaction or a slash command. */
export const SLACK_ACK_DEADLINE_MS = 3_000;

/** Kept for the answer to travel back to Slack (Function URL, network) after the listener returns. */
export const ACK_RESPONSE_MARGIN_MS = 300;

/**
 * The longest the hand-off may take whatever the deadline: the fixed bound used when the arrival
 * time is unknown (`SELF_INVOKE_CLIENT_CONFIG`'s request timeout).
 */
export const MAX_HANDOFF_MS = 2_200;

/**
 * The least the hand-off is given even when the deadline has (nearly) passed: an asynchronous
 * Invoke normally answers in tens of milliseconds, so a late request still gets one real chance to
 * start its job rather than none (the job matters more than a late answer), and the answer is late
 * by at most this much.
 */
export const MIN_HANDOFF_MS = 150;

const deadlines = new AsyncLocalStorage<number>();

/** The epoch milliseconds by which the listener must return, for a request that arrived at `arrivedAtMs`. */
export function ackDeadlineFor(arrivedAtMs: number | undefined): number | undefined {
  if (arrivedAtMs === undefined || !Number.isFinite(arrivedAtMs) || arrivedAtMs <= 0) return undefined;
  return arrivedAtMs + SLACK_ACK_DEADLINE_MS - ACK_RESPONSE_MARGIN_MS;
}

/** Runs `work` (Bolt handling one request) with its ack deadline known to {@link handOffBudgetMs}. */
export function withAckDeadline<T>(deadlineMs: number | undefined, work: () => Promise<T>): Promise<T> {
  return deadlineMs === undefined ? work() : deadlines.run(deadlineMs, work);
}

/** How long the hand-off may take now: what is left before the current request's deadline, within [MIN, MAX]. */
export function handOffBudgetMs(nowMs: number): number {
  const deadline = deadlines.getStore();
  if (deadline === undefined) return MAX_HANDOFF_MS;
  return Math.min(MAX_HANDOFF_MS, Math.max(MIN_HANDOFF_MS, Math.floor(deadline - nowMs)));
}
