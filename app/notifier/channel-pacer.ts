import { updateWithRetry } from '../state/versioned-store';
import { DeadlineError } from './errors';
import { nowSeconds, type RunContext } from './run-context';
import { sleep } from './slack-calls';

/**
 * Spaces the messages posted to one channel by `postIntervalMs`, across all containers, through a
 * slot counter in the shared store (`pace#<channel>`). Every poster reserves the next free slot
 * and sleeps until it, so a burst drains at Slack's pace instead of in a storm of 429s (each of
 * which costs a call). A 429 despite the pacing (a late request landing close to the next one)
 * pushes the next free slot past its `Retry-After` (`notBefore`), so the retry queues up with
 * everyone else instead of colliding with them. Without a store, posts go straight out and 429s
 * are waited out instead.
 * @throws DeadlineError when the next free slot is past the invocation's deadline.
 */
export async function waitForPostSlot(context: RunContext, channel: string, notBefore = 0): Promise<void> {
  const store = context.store;
  if (!store || context.tuning.postIntervalMs <= 0) return;
  const slot = await updateWithRetry<{ next: number }, number>(
    store,
    `pace#${channel}`,
    { nowSeconds: () => nowSeconds(context), expiresAtSeconds: nowSeconds(context) + 3_600 },
    (current) => {
      const at = Math.max(context.now(), current?.next ?? 0, notBefore);
      if (at >= context.deadline) return { result: at };
      return { next: { next: at + context.tuning.postIntervalMs }, result: at };
    },
  );
  if (slot >= context.deadline) throw new DeadlineError(`channel ${channel} has no free posting slot before the deadline`);
  await sleep(slot - context.now());
}
