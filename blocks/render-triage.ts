import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { AlertView, DisableOffer, Severity } from './alert-view';
import { filterButtons, mention, type ReceivedBlock, slackTime } from './edit-blocks';
import { ACTION_IDS, BLOCK_IDS } from './ids';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, truncate } from './mrkdwn';
import { disableButton, type RenderedMessage, SEVERITY_EMOJI, SEVERITY_LABEL, slackDate } from './render-alert';
import type { AlertBase } from './render-alert-state';

/**
 * Block Kit of the triage loop: the "Was this you?" DM and its answered form, and the notes the
 * loop leaves in an alert's thread (answers, timeouts, escalations). Pure: the callers in
 * `app/triage/` decide; every string from an event is escaped, mentions are built only from
 * verified Slack IDs and the configured responder group, and each message keeps to Slack's limits.
 */

export const TRIAGE_ACTION_IDS = {
  confirmYes: 'iam_alerts.confirm.yes',
  confirmNo: 'iam_alerts.confirm.no',
} as const;

/** Matches both answer buttons: one listener serves them. */
export const CONFIRM_ACTION_ID = /^iam_alerts\.confirm\.(yes|no)$/;

/** Block id of the line an alert raised to critical shows. */
export const RAISED_BLOCK_ID = 'alert.raised';

/** A moment, for Slack date tokens. */
export interface AtTime {
  epochSeconds: number;
  iso: string;
}

/** Where the alert lives: what the answer buttons carry (`{"c": channel, "t": ts}`). */
export interface AlertRefValue {
  c: string;
  t: string;
}

/** What the actor is asked about: the alert, in the words the channel saw it. */
export interface ConfirmQuestionView {
  alert: AlertRefValue;
  severity: Severity;
  /** Title with subject, raw: "Access key created: mallory". */
  headline: string;
  eventName: string;
  sourceIp?: string;
  /** The user agent in words ("AWS CLI"), raw. */
  via?: string;
  accountId?: string;
  accountAlias?: string;
  region?: string;
  eventTime?: AlertView['eventTime'];
  timeoutMinutes: number;
}

export type Answer = 'yes' | 'no';

const ANSWER_WORDS: Record<Answer, string> = { yes: 'Yes, it was me', no: "No, it wasn't me" };

/** How the actor was matched, in words for the thread. */
export const MAPPING_WORDS: Record<'owner-tag' | 'identity-center' | 'settings', string> = {
  'owner-tag': "the IAM user's owner tag",
  'identity-center': 'their Identity Center user name',
  settings: 'CONFIRM_USER_MAP',
};

/** The DM: "Did you just <what> from <where>?", with Yes and No. */
export function renderConfirmQuestion(view: ConfirmQuestionView): RenderedMessage {
  const value = JSON.stringify(view.alert);
  const yes: Button = {
    type: 'button',
    action_id: TRIAGE_ACTION_IDS.confirmYes,
    text: { type: 'plain_text', text: ANSWER_WORDS.yes, emoji: true },
    style: 'primary',
    value,
  };
  const no: Button = {
    type: 'button',
    action_id: TRIAGE_ACTION_IDS.confirmNo,
    text: { type: 'plain_text', text: ANSWER_WORDS.no, emoji: true },
    style: 'danger',
    value,
    confirm: {
      title: { type: 'plain_text', text: 'It was not you?' },
      text: {
        type: 'plain_text',
        text: 'The alert becomes critical and the security responders are called in to look at it now.',
      },
      confirm: { type: 'plain_text', text: "It wasn't me" },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  };
  return {
    text: safeText(`Did you just do this in AWS? ${view.headline} (${view.eventName})`, SLACK_LIMITS.fallbackText),
    blocks: [...questionBlocks(view), { type: 'actions', block_id: 'confirm.actions', elements: [yes, no] }],
  };
}

/**
 * The DM once answered: the question as Slack sent it back with the click, without its buttons,
 * and what was answered when.
 */
export function renderAnsweredQuestion(
  dm: { text: string; blocks: readonly ReceivedBlock[] },
  answer: { value: Answer; at: AtTime },
): RenderedMessage {
  const after =
    answer.value === 'yes'
      ? 'Thanks: noted in the alert.'
      : 'Thanks: the alert is now critical and the security responders have been called in. They may contact you.';
  const kept = filterButtons(dm.blocks, (e) => typeof e.action_id !== 'string' || !CONFIRM_ACTION_ID.test(e.action_id)).filter(
    (b) => b.block_id !== 'confirm.answered',
  );
  const line = context(
    'confirm.answered',
    `${answer.value === 'yes' ? ':white_check_mark:' : ':rotating_light:'} You answered *${escapeText(ANSWER_WORDS[answer.value])}* at ${slackTime(answer.at)}. ${after}`,
  );
  return {
    text: truncate(`You answered: ${escapeText(ANSWER_WORDS[answer.value])}`, SLACK_LIMITS.fallbackText),
    blocks: [...kept.slice(0, SLACK_LIMITS.blocksPerMessage - 1), line] as unknown as KnownBlock[],
  };
}

function questionBlocks(view: ConfirmQuestionView): KnownBlock[] {
  const where: string[] = [];
  if (view.sourceIp) where.push(`from ${inlineCode(view.sourceIp, 100)}`);
  if (view.via) where.push(`using ${safeText(view.via, 100)}`);
  if (view.accountId) {
    const alias = view.accountAlias ? ` (${safeText(view.accountAlias, 100)})` : '';
    where.push(`in account ${inlineCode(view.accountId, 32)}${alias}`);
  }
  if (view.region) where.push(`in ${safeText(view.region, 64)}`);
  if (view.eventTime) where.push(`at ${slackDate(view.eventTime)}`);
  const question = `:wave: *Did you just do this in AWS?*\n${SEVERITY_EMOJI[view.severity]} *${escapeText(view.headline)}* ${inlineCode(view.eventName, 128)}${where.length > 0 ? `\n${where.join(', ')}` : ''}`;
  return [
    section(question),
    context(
      'confirm.context',
      `iam-alerts posted this ${SEVERITY_LABEL[view.severity].toLowerCase()} alert in ${channelLink(view.alert.c)} and matched it to you. Your answer goes into the alert's thread; please answer within ${view.timeoutMinutes} minutes.`,
    ),
  ];
}

/** The mention that calls in the responders: the configured group, else the listed users; undefined with neither. */
export function responderMention(responders: { userIds: readonly string[]; userGroupId?: string }): string | undefined {
  if (responders.userGroupId && /^S[A-Z0-9]{2,30}$/.test(responders.userGroupId)) return `<!subteam^${responders.userGroupId}>`;
  const users = responders.userIds.filter((id) => /^[UW][A-Z0-9]{2,30}$/.test(id)).slice(0, 10);
  return users.length > 0 ? users.map((id) => `<@${id}>`).join(' ') : undefined;
}

export interface AnswerNoteView {
  userId: string;
  answer: Answer;
  at: AtTime;
  askedAt: AtTime;
  via: keyof typeof MAPPING_WORDS;
  /** Answered after the time to answer had run out (the thread already said so). */
  late: boolean;
  /** For No: whom to call in, and the actor's Disable User button if the alert offers one. */
  mention?: string;
  disable?: DisableOffer;
  /** For No when the actor is not an IAM user: what to do instead. */
  noDisableReason?: string;
}

/** The thread note of an answer; a No puts the actor's Disable User button at its top. */
export function renderAnswerNote(view: AnswerNoteView): RenderedMessage {
  const who = mention(view.userId);
  const asked = `asked by DM at ${slackTime(view.askedAt)}, matched by ${MAPPING_WORDS[view.via]}${view.late ? '; answered after the time to answer' : ''}`;
  if (view.answer === 'yes') {
    return {
      text: safeText(`${view.userId} answered: it was them`, SLACK_LIMITS.fallbackText),
      blocks: [
        section(`:white_check_mark: ${who} answered *${ANSWER_WORDS.yes}* at ${slackTime(view.at)}.`),
        context('triage.answer', `${asked}. The alert stays open until someone acknowledges it.`),
      ],
    };
  }
  const blocks: KnownBlock[] = [];
  const button = view.disable ? disableButton(view.disable, ACTION_IDS.disableActingUser, false) : undefined;
  if (button) blocks.push({ type: 'actions', block_id: 'triage.disable', elements: [button] } satisfies ActionsBlock);
  const call = view.mention
    ? `${view.mention} please look at it now.`
    : 'No responders are configured to call in (RESPONDER_USERGROUP_ID).';
  blocks.push(
    section(
      `:rotating_light: ${who} answered *${escapeText(ANSWER_WORDS.no)}* at ${slackTime(view.at)}. The alert is now *critical*. ${call}`,
    ),
  );
  if (!button && view.noDisableReason) blocks.push(context('triage.no-disable', safeText(view.noDisableReason, 500)));
  blocks.push(context('triage.answer', `${asked}.`));
  return { text: safeText(`${view.userId} answered: it was NOT them. The alert is now critical.`, SLACK_LIMITS.fallbackText), blocks };
}

/** The thread note when the actor has not answered in time. */
export function renderTimeoutNote(view: { userId: string; askedAt: AtTime; minutes: number; at: AtTime }): RenderedMessage {
  return {
    text: 'No answer from the actor in time',
    blocks: [
      section(
        `:hourglass: ${mention(view.userId)} has not answered whether this was them within ${view.minutes} minutes (asked by DM at ${slackTime(view.askedAt)}; noted at ${slackTime(view.at)}).`,
      ),
      context('triage.timeout', 'A later answer will still be noted here.'),
    ],
  };
}

/** The thread note when the actor could not be asked (the DM failed). */
export function renderAskFailedNote(view: { userId: string; error: string }): RenderedMessage {
  return {
    text: 'Could not ask the actor',
    blocks: [
      context(
        'triage.ask-failed',
        `:warning: Could not ask ${mention(view.userId)} by DM whether this was them: ${inlineCode(view.error, 200)}`,
      ),
    ],
  };
}

export interface EscalationView {
  severity: Severity;
  /** Minutes since the alert was posted. */
  minutesOpen: number;
  count: number;
  max: number;
  mention?: string;
  at: AtTime;
}

/** The thread reply that calls the responders in to an unacknowledged alert. */
export function renderEscalation(view: EscalationView): RenderedMessage {
  const call = view.mention ?? 'No responders are configured to call in (RESPONDER_USERGROUP_ID).';
  const last = view.count >= view.max ? ' Last reminder.' : '';
  return {
    text: safeText(
      `Unacknowledged ${SEVERITY_LABEL[view.severity].toLowerCase()} alert, ${view.minutesOpen} minutes old`,
      SLACK_LIMITS.fallbackText,
    ),
    blocks: [
      section(
        `${SEVERITY_EMOJI[view.severity]} ${call} Nobody has acknowledged this *${SEVERITY_LABEL[view.severity].toLowerCase()}* alert for ${view.minutesOpen} minutes.`,
      ),
      context(
        'triage.escalation',
        `Escalation ${view.count} of ${view.max} at ${slackTime(view.at)}. Acknowledge the alert (or disable the user) to stop these.${last}`,
      ),
    ],
  };
}

/**
 * The alert's base with its severity raised to critical (header, emoji, notification text) and a
 * line saying why, above its buttons. The alert state renderer keeps the rest (acknowledgement,
 * users disabled) as it is.
 */
export function raiseAlertBase(base: AlertBase, raised: { userId: string; at: AtTime }): AlertBase {
  const prefix = new RegExp(`^(${Object.values(SEVERITY_LABEL).join('|')}): `);
  const emoji = new RegExp(`^(${Object.values(SEVERITY_EMOJI).join('|')})`);
  let sectionDone = false;
  const blocks: ReceivedBlock[] = base.blocks
    .filter((b) => b.block_id !== RAISED_BLOCK_ID)
    .map((block) => {
      if (block.block_id === BLOCK_IDS.alertHeader && block.type === 'header') {
        const text = block.text as { text?: unknown } | undefined;
        if (typeof text?.text === 'string') {
          const raisedText = truncate(text.text.replace(prefix, `${SEVERITY_LABEL.critical}: `), SLACK_LIMITS.headerText);
          return { ...block, text: { ...text, text: raisedText } };
        }
      }
      if (!sectionDone && block.type === 'section' && typeof (block.text as { text?: unknown } | undefined)?.text === 'string') {
        sectionDone = true;
        const text = block.text as { text: string };
        return { ...block, text: { ...text, text: text.text.replace(emoji, SEVERITY_EMOJI.critical) } };
      }
      return block;
    });
  const line = context(
    RAISED_BLOCK_ID,
    `:rotating_light: Raised to *critical*: ${mention(raised.userId)} answered that this was not them, at ${slackTime(raised.at)} (details in thread).`,
  ) as unknown as ReceivedBlock;
  const actions = blocks.findIndex((b) => b.type === 'actions');
  const at = actions === -1 ? blocks.length : actions;
  const withLine = [...blocks.slice(0, at), line, ...blocks.slice(at)].slice(0, SLACK_LIMITS.blocksPerMessage);
  const text = base.text.replace(/^\[(Critical|High|Medium|Low)\]/, `[${SEVERITY_LABEL.critical}]`);
  return {
    text: text === base.text && !text.startsWith('[') ? truncate(`[Critical] ${text}`, SLACK_LIMITS.fallbackText) : text,
    blocks: withLine,
  };
}

/** `<#C…>` only for what looks like a channel ID (it comes from our own state, but stays inert otherwise). */
function channelLink(id: string): string {
  return /^[CG][A-Z0-9]{2,40}$/.test(id) ? `<#${id}>` : 'the alert channel';
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function context(blockId: string, text: string): ContextBlock {
  return { type: 'context', block_id: blockId, elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText) }] };
}
