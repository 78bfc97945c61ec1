import type { ContextBlock } from '@slack/types';
import { mention, type ReceivedBlock, slackTime } from './edit-blocks';

/**
 * The acknowledgement shown in an alert: a context block whose id also carries who and when
 * (`alert.ack:U123:1700000000`). The alert's state (`app/alerts/alert-state.ts`) is the record;
 * the id is read back only from alerts acknowledged before that state existed.
 */
export const ACK_BLOCK_PREFIX = 'alert.ack';

export interface Acknowledgement {
  userId: string;
  epochSeconds: number;
  iso: string;
}

/** The acknowledgement written into an alert's blocks, if any (alerts acknowledged before alert state). */
export function readAcknowledgement(blocks: readonly ReceivedBlock[]): Omit<Acknowledgement, 'iso'> | undefined {
  for (const block of blocks) {
    const match = typeof block.block_id === 'string' ? /^alert\.ack:([A-Z0-9]+):(\d+)$/.exec(block.block_id) : null;
    if (match?.[1] && match[2]) return { userId: match[1], epochSeconds: Number(match[2]) };
  }
  return undefined;
}

/** "Acknowledged by @x at <time>", the line an acknowledged alert shows above its buttons. Pure. */
export function acknowledgementBlock(ack: Acknowledgement): ContextBlock {
  return {
    type: 'context',
    block_id: `${ACK_BLOCK_PREFIX}:${ack.userId.replace(/[^A-Z0-9]/g, '')}:${Math.floor(ack.epochSeconds)}`,
    elements: [{ type: 'mrkdwn', text: `:white_check_mark: Acknowledged by ${mention(ack.userId)} at ${slackTime(ack)}` }],
  };
}

/** The ephemeral answer to a second click. */
export function alreadyAcknowledgedText(ack: Omit<Acknowledgement, 'iso'> & { iso?: string }): string {
  const iso = ack.iso ?? new Date(ack.epochSeconds * 1000).toISOString();
  return `Already acknowledged by ${mention(ack.userId)} at ${slackTime({ epochSeconds: ack.epochSeconds, iso })}.`;
}
