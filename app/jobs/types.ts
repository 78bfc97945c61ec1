import type { z } from 'zod';
import type { SlackAppDeps } from '../slack-deps';

/**
 * Slow work that a listener acks and hands off: disabling a user, querying CloudTrail. On Lambda a
 * job is an asynchronous self-invocation in a signed envelope (`./envelope`) that the same handler
 * checks and runs; in local Socket Mode it runs in-process.
 */
export interface JobHandler<T> {
  /** Unique name, e.g. "disable-user", "history". */
  kind: string;
  /** Validates the payload when the job arrives (it crossed a process boundary). */
  schema: z.ZodType<T>;
  /** Does the work; tells the Slack user itself when it fails. */
  run: (payload: T, deps: SlackAppDeps) => Promise<void>;
}

/** Queues a job of `kind` with `payload`; resolves once the job is handed off, not when it is done. */
export type DeferJob = (kind: string, payload: unknown) => Promise<void>;
