import { WebAPIRateLimitedError } from '@slack/web-api';
import { withSlackRetry } from '../../app/onboarding/slack-retry';

const rateLimited = (retryAfter: number) => new WebAPIRateLimitedError(retryAfter);

describe('withSlackRetry', () => {
  it('waits out a short Retry-After (the notifier’s client hands 429s back) so a DM is not lost to it', async () => {
    const waits: number[] = [];
    let calls = 0;

    const result = await withSlackRetry(
      async () => {
        calls++;
        if (calls < 3) throw rateLimited(1);
        return 'sent';
      },
      async (ms) => void waits.push(ms),
    );

    expect(result).toBe('sent');
    expect(waits).toEqual([1000, 1000]);
  });

  it('gives up on a long Retry-After, a third 429, or any other error', async () => {
    const sleep = async () => undefined;
    await expect(withSlackRetry(() => Promise.reject(rateLimited(30)), sleep)).rejects.toMatchObject({ retryAfter: 30 });
    let calls = 0;
    await expect(
      withSlackRetry(() => {
        calls++;
        return Promise.reject(rateLimited(1));
      }, sleep),
    ).rejects.toMatchObject({ retryAfter: 1 });
    expect(calls).toBe(3);
    await expect(withSlackRetry(() => Promise.reject(new Error('channel_not_found')), sleep)).rejects.toThrow('channel_not_found');
  });
});
