import type { Context, SNSEvent } from 'aws-lambda';
import type { NotifyOutcome } from '../app/notifier/notify';
import type * as NotifierRuntime from './notifier-runtime';

/**
 * The notifier Lambda: subscribed to the SNS topic that EventBridge feeds with CloudTrail events.
 * Also accepts a bare EventBridge event or CloudTrail record (replays, local mode).
 *
 * A failure (Slack down, a Slack configuration error, time running out) fails the invocation, so
 * that Lambda retries it and finally sends it to the dead-letter queue (`iam-alerts redrive`);
 * the state table keeps every retry from posting an event twice.
 *
 * This module loads nothing but itself: the pipeline, the Slack client and the AWS SDK are
 * required on the first invocation. Lambda's init phase then stays short (it is billed and
 * capped at 10 s), and the work it defers is the work the first event needs anyway.
 */
let runtime: typeof NotifierRuntime | undefined;

function load(): typeof NotifierRuntime {
  // A plain require (bundled by esbuild, evaluated lazily): dynamic import() would need an ESM build.
  runtime ??= require('./notifier-runtime') as typeof NotifierRuntime;
  return runtime;
}

export async function handler(
  event: SNSEvent | unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
): Promise<{ outcomes: NotifyOutcome[] }> {
  return load().handleNotifierEvent(event, context);
}

/** Forgets the cached dependencies (tests change the environment between cases). */
export function resetNotifierForTests(): void {
  load().resetNotifierDeps();
}
