import { WebAPIRateLimitedError } from '@slack/web-api';

/**
 * The notifier's Slack client hands 429s back instead of waiting (it paces itself). Onboarding's few
 * calls (lookup, DM) wait out a short `Retry-After` instead: once the password exists, its DM should
 * not be lost to a rate limit.
 */

/** The longest Retry-After onboarding waits for, per call. */
export const MAX_RETRY_AFTER_MS = 5_000;

/** Runs `call`, retrying up to twice after a 429 whose Retry-After is short. @throws the last error. */
export async function withSlackRetry<T>(call: () => Promise<T>, sleep = defaultSleep): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const waitMs = error instanceof WebAPIRateLimitedError ? error.retryAfter * 1000 : Number.POSITIVE_INFINITY;
      if (attempt >= 3 || waitMs > MAX_RETRY_AFTER_MS) throw error;
      await sleep(waitMs);
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
