import type { KnownBlock } from '@slack/types';
import { BLOCK_IDS } from './ids';
import { SLACK_LIMITS } from './limits';
import { safeText } from './mrkdwn';
import type { RenderedMessage } from './render-alert';

/**
 * The fallback alert for input the notifier could not parse: it says so, why, and shows a short
 * escaped excerpt, so nothing that reached the topic is silently dropped.
 */
export function renderUnrecognised(input: { reason: string; excerpt: string }): RenderedMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: BLOCK_IDS.alertHeader,
      text: { type: 'plain_text', text: 'Unrecognised event', emoji: true },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: safeText(`:grey_question: iam-alerts received something it could not read: ${input.reason}`, SLACK_LIMITS.sectionText),
      },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${safeText(input.excerpt.replace(/```/g, "'''"), 2000)}\`\`\`` },
    },
  ];
  return { text: safeText(`Unrecognised event: ${input.reason}`, SLACK_LIMITS.fallbackText), blocks };
}
