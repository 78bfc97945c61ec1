import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Logger } from '../logger';
import { isSlackResponseUrl } from '../slack/response-url';
import type { SlackAppDeps } from '../slack-deps';
import { handOffBudgetMs, MAX_HANDOFF_MS } from './ack-deadline';
import { type SignedJobEvent, signJob, verifyJobEvent } from './envelope';
import { DeferJobError, InvalidJobPayloadError, UnknownJobError } from './errors';
import { type JobRequest, runJob } from './registry';
import { claimJobNonce } from './replay-guard';
import type { DeferJob } from './types';

export { ackDeadlineFor, withAckDeadline } from './ack-deadline';

/**
 * The event a job arrives as when the Slack handler invokes itself asynchronously: a signed
 * envelope (`./envelope`). A Function URL request can never look like this (Lambda builds those
 * events itself, with the body as a string), so only a caller allowed to `lambda:InvokeFunction`
 * can send one, and only the holder of the job signing key can send one that runs.
 */
export type JobEvent = SignedJobEvent;

/** True when a Lambda event is (or claims to be) a deferred job rather than an HTTP request from Slack. */
export function isJobEvent(event: unknown): event is { iamAlertsJob: unknown } {
  return typeof event === 'object' && event !== null && 'iamAlertsJob' in event;
}

/**
 * SDK settings for the self-invocation. The listener awaits this one call before Slack gets its
 * answer (returning earlier could freeze the container with the job unsent), so it is bounded:
 * one attempt, at most 2.2 s, and each call further by the time left before Slack's 3-second
 * deadline (`./ack-deadline`: a cold start has already spent some of it). An async Invoke normally
 * answers in tens of milliseconds. When the bound is hit the user is told the work may not have
 * started; the jobs are idempotent, so a second click is safe.
 */
export const SELF_INVOKE_CLIENT_CONFIG = {
  maxAttempts: 1,
  // Without throwOnRequestTimeout, Smithy's handler only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 1_000, requestTimeout: MAX_HANDOFF_MS, throwOnRequestTimeout: true },
} as const;

/**
 * Defers jobs by invoking this same Lambda function asynchronously (`InvocationType: Event`) with
 * the job in a signed envelope: the call returns as soon as Lambda has queued the event (tens of
 * milliseconds), so the listener that acked Slack still answers within Slack's 3-second deadline.
 * @param lambda returns the Lambda client; loaded on first use so a cold start does not pay for it.
 * @param signingKey the job signing key (`JOB_SIGNING_KEY_ARN`), which {@link runJobEvent} checks.
 */
export function lambdaDefer(
  functionName: string,
  lambda: () => Promise<LambdaClient>,
  logger: Logger,
  signingKey: string,
  now: () => number = Date.now,
): DeferJob {
  return async (kind, payload) => {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const client = await lambda();
    const budgetMs = handOffBudgetMs(now());
    const event = signJob(kind, payload, { key: signingKey, nowMs: now() });
    try {
      const result = await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }),
        { abortSignal: AbortSignal.timeout(budgetMs) },
      );
      logger.info('deferred job', { job: kind, statusCode: result.StatusCode, budgetMs });
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
 * job has already told the Slack user). `settled()` waits for every job started so far. Nothing
 * leaves the process, so there is no envelope to sign.
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

/** What {@link runJobEvent} needs besides the deps: the key to check envelopes with, and who is running it. */
export interface JobEventContext {
  /** The job signing key, the same one {@link lambdaDefer} signs with. */
  signingKey: string;
  /** `context.awsRequestId`: the same across Lambda's retries of one asynchronous event. */
  requestId: string;
}

/**
 * Runs a job that arrived as a self-invocation, after checking that this function's own listener
 * sent it: the envelope's MAC, its age, and its nonce, claimed once in the state table (a retry by
 * Lambda, with the same request ID, is let through; anyone else's replay is not). Its `responseUrl`
 * must be Slack's.
 *
 * An event that is refused (unsigned, forged, tampered, expired, replayed) or cannot run
 * (unknown kind, payload failing its schema) is logged and dropped: nothing is changed and nothing
 * is thrown, as retrying could not fix it. Any other failure is rethrown after the job has told
 * the user, so that Lambda retries the asynchronous invocation (jobs are idempotent) and, when
 * every retry fails, sends it to the function's dead-letter queue, whose alarm tells the
 * operators. Refusals (not a responder, protected user) are not failures: the job handles them
 * and returns.
 * @throws whatever the job threw, or a StateStoreError when the nonce cannot be claimed, for
 *   Lambda's retry and dead-letter handling.
 */
export async function runJobEvent(event: unknown, deps: SlackAppDeps, context: JobEventContext): Promise<{ ok: boolean; error?: string }> {
  const nowMs = deps.clock().getTime();
  const verified = verifyJobEvent(event, { key: context.signingKey, nowMs });
  if (!verified.ok) {
    deps.logger.warn('refused a job event', { reason: verified.reason, detail: verified.detail, requestId: context.requestId });
    return { ok: false, error: `refused: ${verified.reason}` };
  }
  const { kind, payload } = verified;
  const responseUrl = (payload as { responseUrl?: unknown } | null)?.responseUrl;
  if (responseUrl !== undefined && (typeof responseUrl !== 'string' || !isSlackResponseUrl(responseUrl, deps.config.slack.apiUrl))) {
    deps.logger.warn('refused a job event', { reason: 'response URL is not Slack’s', job: kind, requestId: context.requestId });
    return { ok: false, error: 'refused: responseUrl' };
  }
  const claim = await claimJobNonce(deps.store, {
    nonce: verified.nonce,
    requestId: context.requestId,
    kind,
    issuedAtMs: verified.issuedAt,
    nowMs,
  });
  if (claim === 'replay') {
    deps.logger.warn('refused a job event', { reason: 'replayed', job: kind, requestId: context.requestId });
    return { ok: false, error: 'refused: replayed' };
  }
  if (claim === 'lambda-retry') deps.logger.info('running a job again: Lambda retries it', { job: kind, requestId: context.requestId });
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
