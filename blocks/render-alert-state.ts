import type { ContextBlock, KnownBlock } from '@slack/types';
import { filterButtons, mention, type ReceivedBlock, type ReceivedElement, slackTime } from './edit-blocks';
import { ACTION_IDS, DISABLE_USER_ACTION_ID } from './ids';
import { SLACK_LIMITS } from './limits';
import { inlineCode, truncate } from './mrkdwn';
import { ACK_BLOCK_PREFIX, type Acknowledgement, acknowledgementBlock } from './render-acknowledged';
import type { RenderedMessage } from './render-alert';
import { type ContainmentOutcome, disableHeadline } from './render-containment';

/**
 * An alert as its state says it is now: the alert as posted (its base) and what responders did to
 * it since (acknowledged, users disabled and re-enabled). The state is kept in the state table
 * (`app/alerts/alert-state.ts`) and every update of the message is rendered from it whole, so two
 * clicks never overwrite each other's line.
 */

/** A moment, for Slack date tokens. */
export interface AtTime {
  epochSeconds: number;
  iso: string;
}

export type ReenableOutcome = 'reenabled' | 'partial' | 'failed';

/** What Disable User (and then Re-enable) did to one IAM user of the alert. */
export interface UserContainmentView {
  /** The IAM user name. */
  user: string;
  outcome: ContainmentOutcome;
  /** Slack user ID of the responder who pressed Disable User. */
  by: string;
  at: AtTime;
  reenabled?: { outcome: ReenableOutcome; by: string; at: AtTime };
}

/** The alert message without anything responders added: what the notifier posted. */
export interface AlertBase {
  text: string;
  blocks: ReceivedBlock[];
}

export interface AlertStateView {
  base: AlertBase;
  acknowledged?: Acknowledgement;
  /** One entry per IAM user Disable User ran on, in the order they were first disabled. */
  users: UserContainmentView[];
}

/** Block id prefix of the per-user status lines (`alert.state.user.0`, ...). */
export const USER_STATUS_BLOCK_PREFIX = 'alert.state.user';

/** Status lines shown for users; more (never the case with two buttons) are counted on one line. */
export const USERS_SHOWN = 10;

/**
 * The alert without the lines this renderer adds: acknowledgement and per-user status. The buttons
 * stay as they are. A status line of the single-button alerts of earlier versions (`alert.contained`)
 * stays too: it cannot be read back into state, and it is still true.
 */
export function alertBase(message: { text: string; blocks: readonly ReceivedBlock[] }): AlertBase {
  const ours = (b: ReceivedBlock) =>
    typeof b.block_id === 'string' && (b.block_id.startsWith(ACK_BLOCK_PREFIX) || b.block_id.startsWith(USER_STATUS_BLOCK_PREFIX));
  return { text: message.text, blocks: message.blocks.filter((b) => !ours(b)) };
}

/**
 * Renders the alert from its state: the base, a line for the acknowledgement and one per user acted
 * on, above the buttons; Acknowledge goes once acknowledged, and a user's Disable button goes once
 * the user is fully disabled (it comes back after a Re-enable, and stays after a partial run for a
 * retry). Pure, and within Slack's limits.
 */
export function renderAlertState(view: AlertStateView): RenderedMessage {
  const hidden = new Set(view.users.filter(disableDone).map((u) => u.user));
  const kept = filterButtons(view.base.blocks, (button) => {
    if (button.action_id === ACTION_IDS.acknowledge) return !view.acknowledged;
    if (typeof button.action_id === 'string' && DISABLE_USER_ACTION_ID.test(button.action_id)) {
      const user = buttonUser(button);
      return user === undefined || !hidden.has(user);
    }
    return true;
  });
  const lines: ContextBlock[] = [];
  if (view.acknowledged) lines.push(acknowledgementBlock(view.acknowledged));
  view.users.slice(0, USERS_SHOWN).forEach((user, i) => {
    lines.push(context(`${USER_STATUS_BLOCK_PREFIX}.${i}`, userLine(user)));
  });
  if (view.users.length > USERS_SHOWN) {
    lines.push(context(`${USER_STATUS_BLOCK_PREFIX}.more`, `…and ${view.users.length - USERS_SHOWN} more users (details in thread)`));
  }
  const room = Math.max(0, SLACK_LIMITS.blocksPerMessage - kept.length);
  const actions = kept.findIndex((b) => b.type === 'actions');
  const at = actions === -1 ? kept.length : actions;
  const blocks = [...kept.slice(0, at), ...(lines.slice(0, room) as unknown as ReceivedBlock[]), ...kept.slice(at)];
  return {
    text: view.base.text || 'IAM alert',
    blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) as unknown as KnownBlock[],
  };
}

/** True while the user stands fully disabled: no Disable button is needed then. */
function disableDone(user: UserContainmentView): boolean {
  return user.outcome === 'disabled' && (!user.reenabled || user.reenabled.outcome === 'failed');
}

function userLine(user: UserContainmentView): string {
  const reenabled = user.reenabled && user.reenabled.outcome !== 'failed';
  const emoji = reenabled ? ':unlock:' : user.outcome === 'disabled' ? ':lock:' : ':warning:';
  let line = `${emoji} User ${inlineCode(user.user, 128)} ${disableHeadline(user.outcome)} by ${mention(user.by)} at ${slackTime(user.at)}`;
  if (user.reenabled) {
    const r = user.reenabled;
    const what = { reenabled: 're-enabled', partial: 'PARTIALLY re-enabled', failed: 'NOT re-enabled' }[r.outcome];
    line += `; ${what} by ${mention(r.by)} at ${slackTime(r.at)}`;
  }
  return `${line} (details in thread)`;
}

/** The IAM user a Disable button's value names, if it can be read. */
function buttonUser(button: ReceivedElement): string | undefined {
  if (typeof button.value !== 'string') return undefined;
  try {
    const value = JSON.parse(button.value) as { u?: unknown };
    return typeof value.u === 'string' ? value.u : undefined;
  } catch {
    return undefined;
  }
}

function context(blockId: string, text: string): ContextBlock {
  return { type: 'context', block_id: blockId, elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText) }] };
}
