import { WebAPIRateLimitedError } from '@slack/web-api';
import type { RenderedMessage } from '../../blocks/render-alert';
import { waitForPostSlot } from './channel-pacer';
import { DeadlineError } from './errors';
import type { RunContext } from './run-context';
import { callSlack } from './slack-calls';

/** Where a message landed. */
export interface Posted {
  channel: string;
  ts: string;
}

/**
 * Posts a message (top level, or in a thread) at the channel's pace. With shared state, a 429
 * sends the post back through the pacer (behind `Retry-After`) instead of retrying on its own.
 * @throws DeadlineError when no slot is free before the deadline.
 */
export async function postMessage(context: RunContext, channel: string, message: RenderedMessage, threadTs?: string): Promise<Posted> {
  const paced = context.store !== undefined && context.tuning.postIntervalMs > 0;
  let notBefore = 0;
  for (;;) {
    await waitForPostSlot(context, channel, notBefore);
    try {
      const response = await callSlack(
        'chat.postMessage',
        context,
        () =>
          context.slack.chat.postMessage({
            channel,
            text: message.text,
            blocks: message.blocks,
            unfurl_links: false,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          }),
        { onRateLimited: paced ? 'rethrow' : 'wait' },
      );
      return { channel: response.channel ?? channel, ts: response.ts ?? '' };
    } catch (error) {
      if (!(error instanceof WebAPIRateLimitedError)) throw error;
      context.logger.warn('Slack rate limited a paced post; queueing it again behind Retry-After', {
        channel,
        retryAfterS: error.retryAfter,
      });
      notBefore = context.now() + error.retryAfter * 1000;
      if (notBefore >= context.deadline)
        throw new DeadlineError(`Slack asked to wait ${error.retryAfter} s, past the deadline`, { cause: error });
    }
  }
}

/** Replaces a message the bot posted (burst parents keep their running count this way). */
export async function updateMessage(context: RunContext, where: Posted, message: RenderedMessage): Promise<void> {
  await callSlack('chat.update', context, () =>
    context.slack.chat.update({ channel: where.channel, ts: where.ts, text: message.text, blocks: message.blocks }),
  );
}
