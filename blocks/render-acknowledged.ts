import type { ContextBlock } from '@slack/types';
import { mention, type ReceivedBlock, removeButton, slackTime, upsertBlock } from './edit-blocks';
import { ACTION_IDS } from './ids';
import { SLACK_LIMITS } from './limits';

/**
 * The acknowledgement lives in the alert message itself: a context block whose id carries who and
 * when (`alert.ack:U123:1700000000`), so a later click can read it back from the payload's message.
 */
export const ACK_BLOCK_PREFIX = 'alert.ack';

export interface Acknowledgement {
  userId: string;
  epochSeconds: number;
  iso: string;
}

/** The acknowledgement recorded in an alert's blocks, if any. */
export function readAcknowledgement(blocks: readonly ReceivedBlock[]): Omit<Acknowledgement, 'iso'> | undefined {
  for (const block of blocks) {
    const match = typeof block.block_id === 'string' ? /^alert\.ack:([A-Z0-9]+):(\d+)$/.exec(block.block_id) : null;
    if (match?.[1] && match[2]) return { userId: match[1], epochSeconds: Number(match[2]) };
  }
  return undefined;
}

/**
 * The alert after an acknowledgement: "Acknowledged by @x at <time>" above the buttons, the
 * Acknowledge button gone, every other button (Disable User) kept. Pure.
 */
export function renderAcknowledged(blocks: readonly ReceivedBlock[], ack: Acknowledgement): ReceivedBlock[] {
  const context: ContextBlock = {
    type: 'context',
    block_id: `${ACK_BLOCK_PREFIX}:${ack.userId.replace(/[^A-Z0-9]/g, '')}:${Math.floor(ack.epochSeconds)}`,
    elements: [{ type: 'mrkdwn', text: `:white_check_mark: Acknowledged by ${mention(ack.userId)} at ${slackTime(ack)}` }],
  };
  return upsertBlock(removeButton(blocks, ACTION_IDS.acknowledge), ACK_BLOCK_PREFIX, context).slice(0, SLACK_LIMITS.blocksPerMessage);
}

/** The ephemeral answer to a second click. */
export function alreadyAcknowledgedText(ack: Omit<Acknowledgement, 'iso'> & { iso?: string }): string {
  const iso = ack.iso ?? new Date(ack.epochSeconds * 1000).toISOString();
  return `Already acknowledged by ${mention(ack.userId)} at ${slackTime({ epochSeconds: ack.epochSeconds, iso })}.`;
}
