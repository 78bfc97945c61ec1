import type { KnownBlock } from '@slack/types';
import { escapeText, slackDateToken } from './mrkdwn';

/**
 * Pure edits of a message's blocks as Slack sent them back in an interaction payload (the message
 * is its own record: no store holds alert state).
 */

/** A block as it comes back from Slack: known shape not guaranteed, so only `type` is relied on. */
export type ReceivedBlock = { type: string; block_id?: string; [key: string]: unknown };

/** Removes the button with `actionId` from every actions block; drops an actions block left empty. */
export function removeButton(blocks: readonly ReceivedBlock[], actionId: string): ReceivedBlock[] {
  const out: ReceivedBlock[] = [];
  for (const block of blocks) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) {
      out.push(block);
      continue;
    }
    const elements = (block.elements as Array<{ action_id?: string }>).filter((e) => e.action_id !== actionId);
    if (elements.length > 0) out.push({ ...block, elements });
  }
  return out;
}

/** True when some actions block still holds a button with `actionId`. */
export function hasButton(blocks: readonly ReceivedBlock[], actionId: string): boolean {
  return blocks.some(
    (b) =>
      b.type === 'actions' &&
      Array.isArray(b.elements) &&
      (b.elements as Array<{ action_id?: string }>).some((e) => e.action_id === actionId),
  );
}

/**
 * Puts `block` where a block whose id starts with `idPrefix` was (replacing it), or else just before
 * the first actions block, or else at the end.
 */
export function upsertBlock(blocks: readonly ReceivedBlock[], idPrefix: string, block: KnownBlock): ReceivedBlock[] {
  const received = block as unknown as ReceivedBlock;
  const existing = blocks.findIndex((b) => typeof b.block_id === 'string' && b.block_id.startsWith(idPrefix));
  if (existing !== -1) return blocks.map((b, i) => (i === existing ? received : b));
  const actions = blocks.findIndex((b) => b.type === 'actions');
  const at = actions === -1 ? blocks.length : actions;
  return [...blocks.slice(0, at), received, ...blocks.slice(at)];
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
