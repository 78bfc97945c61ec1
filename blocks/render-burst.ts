import type { ContextBlock, KnownBlock } from '@slack/types';
import type { AlertView } from './alert-view';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, slackDateToken, truncate } from './mrkdwn';
import { alertHeadline, type RenderedMessage, SEVERITY_EMOJI } from './render-alert';

/**
 * Block Kit for burst grouping: one line per grouped event in the parent's thread, and the running
 * count appended to the parent. Pure: the notifier's grouping (`app/notifier/burst-grouping.ts`)
 * decides what to show.
 */

/** The most events one thread reply lists: keeps every reply far inside Slack's block limit. */
export const MAX_EVENTS_PER_REPLY = 80;

const BURST_BLOCK_ID = 'iam_alerts.burst_count';

/** One grouped event in a line of mrkdwn, escaped and short. */
export function burstLine(view: AlertView): string {
  const when =
    view.eventTime && 'epochSeconds' in view.eventTime
      ? slackDateToken(view.eventTime.epochSeconds, '{time_secs}', view.eventTime.iso)
      : view.eventTime
        ? safeText(view.eventTime.raw, 40)
        : '';
  const outcome = view.outcome.kind === 'success' ? '' : ` ${inlineCode(view.outcome.error, 60)}`;
  return truncate(
    `${SEVERITY_EMOJI[view.severity]} *${escapeText(alertHeadline(view))}* ${inlineCode(view.eventName, 80)}${outcome} ${when} ${inlineCode(view.eventId, 64)}`,
    400,
  );
}

/** A thread reply listing grouped events (at most {@link MAX_EVENTS_PER_REPLY}). */
export function renderBurstReply(lines: readonly string[], actorLabel: string): RenderedMessage {
  const blocks: KnownBlock[] = [];
  let chunk = '';
  for (const line of lines.slice(0, MAX_EVENTS_PER_REPLY)) {
    if (chunk && chunk.length + line.length + 1 > SLACK_LIMITS.sectionText) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  const noun = lines.length === 1 ? 'event' : 'events';
  return { text: safeText(`${lines.length} more ${noun} by ${actorLabel}`, SLACK_LIMITS.fallbackText), blocks };
}

/** The parent alert with its running count: the original blocks plus one context line. */
export function renderBurstParent(parent: RenderedMessage, others: number, actorLabel: string): RenderedMessage {
  const noun = others === 1 ? 'event' : 'events';
  const count: ContextBlock = {
    type: 'context',
    block_id: BURST_BLOCK_ID,
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(`:repeat: *${others} more ${noun}* by ${escapeText(actorLabel)} in this burst; details in the thread.`, 2000),
      },
    ],
  };
  const kept = parent.blocks.filter((b) => b.block_id !== BURST_BLOCK_ID).slice(0, SLACK_LIMITS.blocksPerMessage - 1);
  return {
    text: truncate(`${parent.text} (+${others} more ${noun} by ${escapeText(actorLabel)})`, SLACK_LIMITS.fallbackText),
    blocks: [...kept, count],
  };
}
