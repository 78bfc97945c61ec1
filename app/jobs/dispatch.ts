import type { LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import type { Logger } from '../logger';
import type { SlackAppDeps } from '../slack-deps';
import { DeferJobError, InvalidJobPayloadError, UnknownJobError } from './errors';
import { type JobRequest, runJob } from './registry';
import type { DeferJob } from './types';

/**
 * The event a job arrives as when the Slack handler invokes itself asynchronously. A Function URL
 * request can never look like this (Lambda builds those events itself, with the body as a string),
 * so only a caller allowed to `lambda:InvokeFunction` can send a job.
 */
export const jobEventSchema = z.strictObject({
  iamAlertsJob: z.strictObject({ kind: z.string().min(1).max(64), payload: z.unknown() }),
});
export type JobEvent = z.infer<typeof jobEventSchema>;

/** True when a Lambda event is a deferred job rather than an HTTP request from Slack. */
export function isJobEvent(event: unknown): event is JobEvent {
  return typeof event === 'object' && event !== null && 'iamAlertsJob' in event;
}

/** Wraps a job as the self-invocation payload. */
export function toJobEvent(kind: string, payload: unknown): JobEvent {
  return { iamAlertsJob: { kind, payload } };
}

/**
 * SDK settings for the self-invocation. The listener awaits this one call before Slack gets its
 * answer (returning earlier could freeze the container with the job unsent), so it is bounded:
 * one attempt, at most 2.2 s, which keeps the answer inside Slack's 3-second deadline even when
 * Lambda is slow. An async Invoke normally answers in tens of milliseconds. When the bound is hit
 * the user is told the work may not have started; the jobs are idempotent, so a second click is safe.
 */
export const SELF_INVOKE_CLIENT_CONFIG = {
  maxAttempts: 1,
  // Without throwOnRequestTimeout, Smithy's handler only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_200, throwOnRequestTimeout: true },
} as const;

/**
 * Defers jobs by invoking this same Lambda function asynchronously (`InvocationType: Event`): the
 * call returns as soon as Lambda has queued the event (tens of milliseconds), so the listener that
 * acked Slack still answers within Slack's 3-second deadline.
 * @param lambda returns the Lambda client; loaded on first use so a cold start does not pay for it.
 */
export function lambdaDefer(functionName: string, lambda: () => Promise<LambdaClient>, logger: Logger): DeferJob {
  return async (kind, payload) => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const client = await lambda();
    try {
      const result = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify(toJobEvent(kind, payload))),
        }),
      );
      logger.info('deferred job', { job: kind, statusCode: result.StatusCode });
    } catch (error) {
      // A timed-out Invoke may still have been queued: say so, rather than claim nothing happened.
      throw new DeferJobError(
        `could not confirm that the "${kind}" job started (${(error as Error).message}); it may still run, and trying again is safe`,
        { cause: error },
      );
    }
  };
}

/**
 * Defers jobs by running them in this process after the current tick (local Socket Mode runner,
 * tests): the listener's `defer` resolves at once, the job runs on, and its failure is logged (the
 * job has already told the Slack user). `settled()` waits for every job started so far.
 */
export function inProcessDefer(getDeps: () => SlackAppDeps, logger: Logger): DeferJob & { settled: () => Promise<void> } {
  const running = new Set<Promise<void>>();
  const defer = async (kind: string, payload: unknown): Promise<void> => {
    // Round-trip through JSON so in-process jobs see exactly what a Lambda self-invocation would.
    const job: JobRequest = { kind, payload: JSON.parse(JSON.stringify(payload ?? null)) };
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => runJob(job, getDeps()))
      .catch((error: unknown) => logger.error('deferred job failed', { job: kind, error }))
      .finally(() => running.delete(run));
    running.add(run);
  };
  return Object.assign(defer, {
    settled: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
  });
}

/**
 * Runs a job that arrived as a self-invocation.
 *
 * A job that cannot run (malformed event, unknown kind, payload failing its schema) is logged and
 * dropped: retrying could not fix it. Any other failure is rethrown after the job has told the
 * user, so that Lambda retries the asynchronous invocation (jobs are idempotent) and, when every
 * retry fails, sends it to the function's dead-letter queue, whose alarm tells the operators.
 * Refusals (not a responder, protected user) are not failures: the job handles them and returns.
 * @throws whatever the job threw, for Lambda's retry and dead-letter handling.
 */
export async function runJobEvent(event: unknown, deps: SlackAppDeps): Promise<{ ok: boolean; error?: string }> {
  const parsed = jobEventSchema.safeParse(event);
  if (!parsed.success) {
    deps.logger.error('malformed job event', { issues: parsed.error.issues.map((i) => i.message) });
    return { ok: false, error: 'malformed job event' };
  }
  const { kind, payload } = parsed.data.iamAlertsJob;
  try {
    await runJob({ kind, payload }, deps);
    deps.logger.info('job finished', { job: kind });
    return { ok: true };
  } catch (error) {
    if (error instanceof InvalidJobPayloadError || error instanceof UnknownJobError) {
      deps.logger.error('job dropped', { job: kind, reason: error.message });
      return { ok: false, error: error.name };
    }
    deps.logger.error('job failed', { job: kind, error });
    throw error;
  }
}
