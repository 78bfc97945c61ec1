/** Helpers of the tests that run `iam-alerts start` live (Socket Mode fake, Slack fake, mocked CloudTrail). */

/** Waits until `probe` returns something, polling every 25 ms; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * How long the first alert may take: the first poll reads every query of the default catalog
 * (about 18) at LookupEvents' 2 requests/s with the real pacer, about 9 s.
 */
export const FIRST_POLL_MS = 25_000;
