import type { Context, SNSEvent } from 'aws-lambda';
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, type NotifyOutcome, processNotifierInput } from '../app/notifier/notify';
import { makeNotifierDeps } from './deps';

/**
 * The notifier's working half, loaded by `handlers/notifier.ts` on the first invocation (see there
 * for why). Dependencies are built once per container; a failed build is retried next time.
 */
const logger = createLogger('iam-alerts-notifier');
let deps: Promise<NotifierDeps> | undefined;

export async function handleNotifierEvent(
  event: SNSEvent | unknown,
  context?: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
): Promise<{ outcomes: NotifyOutcome[] }> {
  const startedAt = Date.now();
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
export function resetNotifierDeps(): void {
  deps = undefined;
}
