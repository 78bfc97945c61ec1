import type { Context, SNSEvent } from 'aws-lambda';
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, type NotifyOutcome, processNotifierInput } from '../app/notifier/notify';
import { makeNotifierDeps } from './deps';

/**
 * The notifier Lambda: subscribed to the SNS topic that EventBridge feeds with CloudTrail events.
 * Also accepts a bare EventBridge event or CloudTrail record (replays, local mode).
 *
 * A failure (Slack down, a Slack configuration error, time running out) fails the invocation, so
 * that Lambda retries it and finally sends it to the dead-letter queue (`iam-alerts redrive`);
 * the state table keeps every retry from posting an event twice.
 */
const logger = createLogger('iam-alerts-notifier');
let deps: Promise<NotifierDeps> | undefined;

export async function handler(
  event: SNSEvent | unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
): Promise<{ outcomes: NotifyOutcome[] }> {
  const startedAt = Date.now();
  // Built on first use and kept for the container's life; a failed build is retried next time.
  deps ??= makeNotifierDeps(loadConfig(), logger).catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  const ready = await deps;
  if (context?.awsRequestId) logger.appendKeys({ requestId: context.awsRequestId });
  try {
    const deadline = context ? startedAt + context.getRemainingTimeInMillis() : undefined;
    const outcomes = await processNotifierInput(event, ready, { deadline });
    return { outcomes };
  } finally {
    // Only when there is something to say: an empty flush makes Powertools warn on every invocation.
    if (ready.metrics?.hasStoredMetrics()) ready.metrics.publishStoredMetrics();
  }
}

/** Forgets the cached dependencies (tests change the environment between cases). */
export function resetNotifierForTests(): void {
  deps = undefined;
}
