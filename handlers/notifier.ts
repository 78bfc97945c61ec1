import type { SNSEvent } from 'aws-lambda';
import { loadConfig } from '../app/config';
import { createLogger } from '../app/logger';
import { type NotifierDeps, type NotifyOutcome, processNotifierInput } from '../app/notifier/notify';
import { makeNotifierDeps } from './deps';

/**
 * The notifier Lambda: subscribed to the SNS topic that EventBridge feeds with CloudTrail events.
 * Also accepts a bare EventBridge event or CloudTrail record (replays, local mode).
 */
const logger = createLogger('iam-alerts-notifier');
let deps: Promise<NotifierDeps> | undefined;

export async function handler(event: SNSEvent | unknown): Promise<{ outcomes: NotifyOutcome[] }> {
  // Built on first use and kept for the container's life; a failed build is retried next time.
  deps ??= makeNotifierDeps(loadConfig(), logger).catch((error: unknown) => {
    deps = undefined;
    throw error;
  });
  const outcomes = await processNotifierInput(event, await deps);
  return { outcomes };
}

/** Forgets the cached dependencies (tests change the environment between cases). */
export function resetNotifierForTests(): void {
  deps = undefined;
}
