import type { KnownBlock } from '@slack/types';
import { SLACK_LIMITS } from './limits';
import { safeText } from './mrkdwn';
import type { RenderedMessage } from './render-alert';
import {
  type CountsView,
  context,
  countBlocks,
  type DisabledUserItem,
  disabledLine,
  header,
  lines,
  type OpenAlertItem,
  openLine,
} from './render-home';

/**
 * The daily digest: one message in the alert channel with the previous local day's counts, what is
 * still open, and who was disabled that day. Pure; within Slack's 50 blocks per message.
 */

/** Open alerts and disabled users listed before "and N more". */
export const DIGEST_LIST_LIMIT = 15;

export interface DigestView {
  /** The local day it covers (`2024-05-01`) and its time zone. */
  day: string;
  timeZone: string;
  counts: CountsView;
  /** Every alert still unacknowledged (of the days the index keeps), newest first. */
  open: OpenAlertItem[];
  /** Users disabled that day, re-enabled since or not. */
  disabled: DisabledUserItem[];
}

export function renderDigest(view: DigestView): RenderedMessage {
  const blocks: KnownBlock[] = [
    header(`iam-alerts daily digest: ${view.day}`),
    context(`The day ${safeText(view.day, 10)} in ${safeText(view.timeZone, 64)}.`),
    ...countBlocks(view.counts),
    header(`Still open (${view.open.length})`),
    ...lines(view.open.map(openLine), 'Nothing open.', DIGEST_LIST_LIMIT, 'open alerts'),
    header(`Disabled that day (${view.disabled.length})`),
    ...lines(view.disabled.map(disabledLine), 'Nobody was disabled through iam-alerts that day.', DIGEST_LIST_LIMIT, 'users'),
  ];
  const text = `iam-alerts digest for ${view.day}: ${view.counts.total} alerts, ${view.open.length} still open, ${view.disabled.length} users disabled`;
  return { text: safeText(text, SLACK_LIMITS.fallbackText), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}
