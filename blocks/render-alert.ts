import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { AlertView, DisableOffer, DisableRole, Severity } from './alert-view';
import { ACTION_IDS, BLOCK_IDS } from './ids';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, slackDateToken, truncate } from './mrkdwn';

/** A rendered Slack message: blocks plus the plain `text` Slack shows in notifications. */
export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
};

/** What the Disable User button does, in the words of its confirmation dialog. */
export const DISABLE_USER_EFFECT =
  'deletes its console password, deactivates its access keys and other credentials, and attaches a deny-all policy';

/** Title with its subject: "IAM user created: mallory". Raw text, not escaped. */
export function alertHeadline(view: Pick<AlertView, 'title' | 'subject'>): string {
  return view.subject ? `${view.title}: ${view.subject}` : view.title;
}

/**
 * Renders one alert as a Block Kit message.
 *
 * Pure: no clock, no I/O. Every string from the event is escaped and every Slack limit holds
 * (long values are cut with a visible marker).
 */
export function renderAlert(view: AlertView): RenderedMessage {
  const headline = alertHeadline(view);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: BLOCK_IDS.alertHeader,
      text: {
        type: 'plain_text',
        text: safeText(`${SEVERITY_LABEL[view.severity]}: ${headline}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `${SEVERITY_EMOJI[view.severity]} *${escapeText(headline)}*  ${inlineCode(view.eventName, 128)}${outcomeSuffix(view)}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    },
    { type: 'section', fields: summaryFields(view) },
  ];

  if (view.outcome.kind !== 'success') blocks.push(outcomeSection(view.outcome));
  if (view.reasons.length > 0) {
    blocks.push(mrkdwnSection(`*Why ${SEVERITY_LABEL[view.severity].toLowerCase()}:* ${view.reasons.map(escapeText).join('; ')}`));
  }
  if (view.parameters.length > 0) {
    const lines = view.parameters.map(
      (p) => `*${escapeText(p.label)}:* ${p.code === false ? safeText(p.value, 600) : inlineCode(p.value, 600)}`,
    );
    blocks.push(mrkdwnSection(lines.join('\n')));
  }
  if (view.requestExcerpt) {
    // A fenced block keeps JSON readable; the fence itself must survive truncation.
    const body = safeText(view.requestExcerpt.replace(/```/g, "'''"), 1500);
    blocks.push(mrkdwnSection(`*Request parameters*\n\`\`\`${body}\`\`\``));
  }
  blocks.push(contextBlock(view));
  blocks.push(actionsBlock(view));

  return { text: fallbackText(view), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}

function outcomeSuffix(view: AlertView): string {
  if (view.outcome.kind === 'denied') return '  :no_entry: *denied attempt*';
  if (view.outcome.kind === 'failed') return '  :warning: *failed*';
  return '';
}

function outcomeSection(outcome: Exclude<AlertView['outcome'], { kind: 'success' }>): SectionBlock {
  const label = outcome.kind === 'denied' ? ':no_entry: *Denied attempt*: nothing changed' : ':warning: *Failed*';
  const message = outcome.message ? ` ${safeText(outcome.message, 1500)}` : '';
  return mrkdwnSection(`${label}\n*Error:* ${inlineCode(outcome.error, 200)}${message}`);
}

function summaryFields(view: AlertView): Array<{ type: 'mrkdwn'; text: string }> {
  const fields: string[] = [];
  const actorDetail = view.actor.detail ? ` (${safeText(view.actor.detail, 300)})` : '';
  fields.push(`*Who*\n${escapeText(view.actor.typeLabel)} ${inlineCode(view.actor.name, 300)}${actorDetail}`);
  if (view.target) fields.push(`*Target*\n${escapeText(view.target.kind)} ${inlineCode(view.target.name, 500)}`);
  if (view.sourceIp) fields.push(`*Source IP*\n${inlineCode(view.sourceIp, 100)}`);
  if (view.userAgent) {
    const flag = view.userAgent.flagged ? ' :rotating_light:' : '';
    fields.push(`*Via*\n${safeText(view.userAgent.summary, 100)}${flag}`);
  }
  if (view.accountId || view.accountAlias) {
    const alias = view.accountAlias ? ` (${safeText(view.accountAlias, 100)})` : '';
    fields.push(`*Account*\n${inlineCode(view.accountId ?? 'unknown', 64)}${alias}`);
  }
  if (view.region) fields.push(`*Region*\n${safeText(view.region, 64)}`);
  if (view.eventTime) fields.push(`*When*\n${slackDate(view.eventTime)}`);
  if (view.mfa) fields.push(`*MFA*\n${view.mfa === 'yes' ? 'Yes' : ':warning: No'}`);
  return fields
    .slice(0, SLACK_LIMITS.sectionFields)
    .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.sectionFieldText) }));
}

/** A Slack date token: shown in each reader's time zone, with a UTC fallback for old clients. */
export function slackDate(time: NonNullable<AlertView['eventTime']>): string {
  if ('raw' in time) return safeText(time.raw, 100);
  return slackDateToken(time.epochSeconds, '{date_short_pretty} {time_secs}', time.iso);
}

function contextBlock(view: AlertView): ContextBlock {
  const parts: string[] = [`${safeText(view.eventSource, 100)} · event ${inlineCode(view.eventId, 100)}`];
  if (view.consoleUrl) parts.push(`<${view.consoleUrl}|View in CloudTrail>`);
  if (view.userAgent) parts.push(`User agent: ${inlineCode(view.userAgent.raw, 400)}`);
  return {
    type: 'context',
    block_id: BLOCK_IDS.alertStatus,
    elements: parts.map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.contextText) })),
  };
}

/** Why a user is offered, in the words of its button (when there are two) and its confirmation. */
const ROLE_WORDS: Record<DisableRole, { button: string; confirm: string }> = {
  target: { button: 'target', confirm: 'the user this event changed' },
  actor: { button: 'who did it', confirm: 'the IAM user who made this call' },
};

function actionsBlock(view: AlertView): ActionsBlock {
  const elements: Button[] = [];
  // The same shape the listener's schema accepts: an event ID of at most 128 and a 12-digit account or ''.
  const account = view.accountId && /^\d{12}$/.test(view.accountId) ? view.accountId : '';
  const acknowledge = buttonValue({ e: view.eventId.slice(0, 128), a: account });
  elements.push({
    type: 'button',
    action_id: ACTION_IDS.acknowledge,
    text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
    style: 'primary',
    ...(acknowledge ? { value: acknowledge } : {}),
  });
  const offers = view.disable.slice(0, 2);
  offers.forEach((offer, i) => {
    const button = disableButton(offer, i === 0 ? ACTION_IDS.disableUser : ACTION_IDS.disableActingUser, offers.length > 1);
    if (button) elements.push(button);
  });
  return { type: 'actions', block_id: BLOCK_IDS.alertActions, elements };
}

/**
 * One Disable User button, behind a confirmation naming the user and why it is offered; undefined
 * when its value would not fit Slack's limit (a cut value would be broken JSON, so no button at all).
 * Also put in an alert's thread when the actor answers that it was not them (`render-triage.ts`).
 */
export function disableButton(offer: DisableOffer, actionId: string, namesRole: boolean): Button | undefined {
  const value = buttonValue(offer.value);
  if (!value) return undefined;
  const user = offer.value.u;
  const label = namesRole ? `Disable ${user} (${ROLE_WORDS[offer.role].button})` : `Disable User ${user}`;
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: safeText(label, SLACK_LIMITS.buttonText), emoji: true },
    style: 'danger',
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Disable this IAM user?' },
      text: {
        type: 'plain_text',
        text: safeText(
          `Disable IAM user ${user} (${ROLE_WORDS[offer.role].confirm}) in account ${offer.value.a}? This ${DISABLE_USER_EFFECT}. The console password cannot be restored.`,
          SLACK_LIMITS.confirmText,
        ),
      },
      confirm: { type: 'plain_text', text: 'Disable user' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
}

/** A button value as JSON, or undefined when it would not fit: never cut, since cut JSON cannot be read back. */
function buttonValue(value: object): string | undefined {
  const json = JSON.stringify(value);
  return json.length <= SLACK_LIMITS.buttonValue ? json : undefined;
}

function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

/** The notification text: severity, headline, event name, actor and source IP, escaped. */
function fallbackText(view: AlertView): string {
  const outcome = view.outcome.kind === 'success' ? '' : ` (${view.outcome.kind} attempt)`;
  const from = view.sourceIp ? ` from ${view.sourceIp}` : '';
  const raw = `[${SEVERITY_LABEL[view.severity]}] ${alertHeadline(view)} (${view.eventName})${outcome} by ${view.actor.name}${from}`;
  return safeText(raw, SLACK_LIMITS.fallbackText);
}
