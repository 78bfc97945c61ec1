import { escapeText, slackDateToken } from './mrkdwn';

/**
 * Pure edits of a message's blocks as Slack sent them back in an interaction payload.
 */

/** A block as it comes back from Slack: known shape not guaranteed, so only `type` is relied on. */
export type ReceivedBlock = { type: string; block_id?: string; [key: string]: unknown };

/** An element of an actions block as Slack sent it back (a button, usually). */
export type ReceivedElement = { action_id?: string; value?: unknown; [key: string]: unknown };

/** Keeps the elements of every actions block that `keep` accepts; drops an actions block left empty. */
export function filterButtons(blocks: readonly ReceivedBlock[], keep: (element: ReceivedElement) => boolean): ReceivedBlock[] {
  const out: ReceivedBlock[] = [];
  for (const block of blocks) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) {
      out.push(block);
      continue;
    }
    const elements = (block.elements as ReceivedElement[]).filter(keep);
    if (elements.length > 0) out.push({ ...block, elements });
  }
  return out;
}

/** Removes the button with `actionId` from every actions block; drops an actions block left empty. */
export function removeButton(blocks: readonly ReceivedBlock[], actionId: string): ReceivedBlock[] {
  return filterButtons(blocks, (e) => e.action_id !== actionId);
}

/** A Slack user ID as found in verified payloads; anything else is not turned into a mention. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** `<@U123>` for a well-formed user ID; the escaped raw value otherwise (never a live mention). */
export function mention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/** A Slack date token shown in each reader's time zone, with the ISO time as fallback. */
export function slackTime(at: { epochSeconds: number; iso: string }): string {
  return slackDateToken(at.epochSeconds, '{date_short_pretty} {time_secs}', at.iso);
}
