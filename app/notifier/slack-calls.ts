import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import type { Logger } from '../logger';
import { DeadlineError, SlackConfigError, SlackDeliveryError } from './errors';
import { NOTIFIER_METRICS } from './metrics';

/**
 * One Slack Web API call under the notifier's rules: wait out 429s (`Retry-After`) while the
 * invocation has time, fail it (to be retried) when it has not, and single out the errors only an
 * operator can fix.
 */

/** Errors that mean the bot's token or channel is wrong: retrying will not help, a human must. */
export const SLACK_CONFIG_ERRORS = ['channel_not_found', 'not_in_channel', 'invalid_auth', 'account_inactive', 'token_revoked'] as const;

export interface SlackCallContext {
  logger: Logger;
  metrics?: Metrics;
  /** Epoch ms by which this call must be over (the invocation's deadline less a safety margin). */
  deadline: number;
  now: () => number;
}

/**
 * Runs `call`, waiting on rate limits as long as the deadline allows (or, with
 * `onRateLimited: 'rethrow'`, handing the `WebAPIRateLimitedError` to a caller that paces itself).
 * @throws DeadlineError when waiting would pass the deadline.
 * @throws SlackConfigError on a configuration error (after logging it and counting the metric).
 * @throws SlackDeliveryError when Slack still fails after the client's own retries.
 */
export async function callSlack<T>(
  what: string,
  context: SlackCallContext,
  call: () => Promise<T>,
  options: { onRateLimited?: 'wait' | 'rethrow' } = {},
): Promise<T> {
  for (;;) {
    const left = context.deadline - context.now();
    if (left <= 0) throw new DeadlineError(`no time left to call Slack (${what})`);
    try {
      return await raceDeadline(call(), left, what);
    } catch (error) {
      if (error instanceof WebAPIRateLimitedError && options.onRateLimited === 'rethrow') throw error;
      if (error instanceof WebAPIRateLimitedError) {
        const waitMs = Math.max(0, error.retryAfter * 1000);
        if (context.now() + waitMs >= context.deadline) {
          throw new DeadlineError(`Slack asked to wait ${waitMs} ms (${what}), past this invocation's deadline`, { cause: error });
        }
        context.logger.warn('Slack rate limited the notifier; waiting Retry-After', { slackCall: what, retryAfterMs: waitMs });
        await sleep(waitMs);
        continue;
      }
      if (error instanceof WebAPIPlatformError) {
        const slackError = error.data.error;
        if ((SLACK_CONFIG_ERRORS as readonly string[]).includes(slackError)) {
          context.logger.error('Slack configuration error: alerts cannot be posted until the bot token or channel is fixed', {
            slackCall: what,
            slackError,
            hint:
              slackError === 'invalid_auth' || slackError === 'token_revoked' || slackError === 'account_inactive'
                ? 'check the bot token in the Slack secret'
                : 'check SLACK_CHANNEL_ID and invite the bot to the channel (/invite @iam-alerts)',
          });
          context.metrics?.addMetric(NOTIFIER_METRICS.slackConfigError, MetricUnit.Count, 1);
          throw new SlackConfigError(`Slack refused ${what}: ${slackError}`, slackError, { cause: error });
        }
      }
      if (error instanceof DeadlineError) throw error;
      throw new SlackDeliveryError(`Slack call failed (${what}): ${(error as Error).message}`, { cause: error });
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Stops waiting for a call that outlives the deadline (the client's own timeout bounds it too). */
async function raceDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // No deadline (local runs): setTimeout cannot wait that long, and need not.
  if (ms > 2_147_483_647) return promise;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`Slack call outlived the invocation's deadline (${what})`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
