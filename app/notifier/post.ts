import type { RenderedMessage } from '../../blocks/render-alert';
import { waitForPostSlot } from './channel-pacer';
import type { RunContext } from './run-context';
import { callSlack } from './slack-calls';

/** Where a message landed. */
export interface Posted {
  channel: string;
  ts: string;
}

/** Posts a message (top level, or in a thread) at the channel's pace. */
export async function postMessage(context: RunContext, channel: string, message: RenderedMessage, threadTs?: string): Promise<Posted> {
  await waitForPostSlot(context, channel);
  const response = await callSlack('chat.postMessage', context, () =>
    context.slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    }),
  );
  return { channel: response.channel ?? channel, ts: response.ts ?? '' };
}

/** Replaces a message the bot posted (burst parents keep their running count this way). */
export async function updateMessage(context: RunContext, where: Posted, message: RenderedMessage): Promise<void> {
  await callSlack('chat.update', context, () =>
    context.slack.chat.update({ channel: where.channel, ts: where.ts, text: message.text, blocks: message.blocks }),
  );
}
