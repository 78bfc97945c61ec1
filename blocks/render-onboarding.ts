import type { ActionsBlock, Button, ContextBlock, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { mention, type ReceivedBlock, type ReceivedElement, slackTime } from './edit-blocks';
import { SLACK_LIMITS } from './limits';
import { escapeText, inlineCode, safeText, truncate } from './mrkdwn';
import type { RenderedMessage } from './render-alert';

/**
 * Onboarding's Slack messages (issue 13): the owner's DM with its Reveal password button, the modal
 * that shows the password once, the report in the alert's thread, and (approve mode) the offer with
 * the Send sign-in details button. Pure; every string from an event or IAM is escaped. The password
 * appears in one place only: {@link renderPasswordModal}, which Slack does not keep in any history.
 */

export const ONBOARDING_ACTION_IDS = {
  /** On the owner's DM: opens the modal with the password (once, for that user only). */
  revealPassword: 'iam_alerts.onboarding.reveal_password',
  /** On the offer in the alert's thread (approve mode): responders create and send the sign-in details. */
  sendSignInDetails: 'iam_alerts.onboarding.send_sign_in_details',
} as const;

export const ONBOARDING_BLOCK_IDS = {
  dmActions: 'onboarding.dm.actions',
  dmStatus: 'onboarding.dm.status',
  offerActions: 'onboarding.offer.actions',
  offerStatus: 'onboarding.offer.status',
} as const;

/** A moment, for Slack date tokens. */
export interface OnboardingTime {
  epochSeconds: number;
  iso: string;
}

/** What the owner's DM says. Every string is raw (unescaped). */
export interface OnboardingDmView {
  userName: string;
  accountId: string;
  accountAlias?: string;
  /** `https://<alias or account>.signin.aws.amazon.com/console`. */
  signInUrl: string;
  /** Who created the user ("IAM user alice"). */
  createdBy: string;
  /** What the Reveal password button carries; absent in a preview (no password exists). */
  secretId?: string;
  /** Until when the password can be revealed. */
  expiresAt: OnboardingTime;
}

const SIGN_IN_URL = /^https:\/\/[a-z0-9-]{1,63}\.signin\.aws\.amazon\.com\/console$/;

/** The DM to the new user's owner: who made the account, where to sign in, the user name, and Reveal password. */
export function renderOnboardingDm(view: OnboardingDmView): RenderedMessage {
  const account = `${inlineCode(view.accountId, 64)}${view.accountAlias ? ` (${safeText(view.accountAlias, 100)})` : ''}`;
  const url = SIGN_IN_URL.test(view.signInUrl) ? `<${view.signInUrl}|${view.signInUrl}>` : inlineCode(view.signInUrl, 200);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Your AWS console sign-in', emoji: true } },
    section(`${safeText(view.createdBy, 300)} created an IAM user for you in AWS account ${account}.`),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Sign-in URL*\n${url}` },
        { type: 'mrkdwn', text: `*User name*\n${inlineCode(view.userName, 128)}` },
      ],
    },
    section(
      '*Password:* press *Reveal password* to see it, once. It opens in a window Slack does not keep, and is not written in any message. You choose a new password when you first sign in.',
    ),
    {
      type: 'context',
      block_id: ONBOARDING_BLOCK_IDS.dmStatus,
      elements: [
        {
          type: 'mrkdwn',
          text: `:hourglass: Can be revealed until ${slackTime(view.expiresAt)}; after that, ask an administrator to reset your console password.`,
        },
      ],
    },
  ];
  const reveal: Button = {
    type: 'button',
    action_id: ONBOARDING_ACTION_IDS.revealPassword,
    text: { type: 'plain_text', text: 'Reveal password', emoji: true },
    style: 'primary',
    value: JSON.stringify({ s: view.secretId ?? 'preview' }),
  };
  blocks.push({ type: 'actions', block_id: ONBOARDING_BLOCK_IDS.dmActions, elements: [reveal] } satisfies ActionsBlock);
  const text = `Your AWS console sign-in: user ${view.userName} in account ${view.accountId}. Reveal the password in this message.`;
  return { text: safeText(text, SLACK_LIMITS.fallbackText), blocks };
}

/** What a DM says once its password is gone: revealed at a time, or expired. */
export type DmEnding = { kind: 'revealed'; at: OnboardingTime } | { kind: 'expired' } | { kind: 'unavailable'; reason: string };

/**
 * The DM as it was, without its Reveal password button and with how it ended in place of the expiry
 * line. Works on the blocks Slack sent back with the click.
 */
export function endDm(blocks: readonly ReceivedBlock[], ending: DmEnding): KnownBlock[] {
  const kept = blocks.filter((b) => b.block_id !== ONBOARDING_BLOCK_IDS.dmActions && b.block_id !== ONBOARDING_BLOCK_IDS.dmStatus);
  const text =
    ending.kind === 'revealed'
      ? `:white_check_mark: Password revealed at ${slackTime(ending.at)}. It is not shown again: if you lost it, ask an administrator to reset your console password.`
      : ending.kind === 'expired'
        ? ':hourglass: This password expired unrevealed and was deleted. Ask an administrator to reset your console password.'
        : `:warning: ${safeText(ending.reason, 1000)}`;
  const status: ContextBlock = { type: 'context', block_id: ONBOARDING_BLOCK_IDS.dmStatus, elements: [{ type: 'mrkdwn', text }] };
  return [...(kept as unknown as KnownBlock[]), status].slice(0, SLACK_LIMITS.blocksPerMessage);
}

/** Title of the modal (Slack allows 24 characters). */
const MODAL_TITLE = 'Your AWS password';

/**
 * The one place the password is ever shown: a modal, opened with the click's trigger_id. Slack keeps
 * no history of modals. The password is written verbatim in a code block (its characters need no escaping).
 */
export function renderPasswordModal(view: { userName: string; password: string }): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: MODAL_TITLE },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      section(`One-time password for IAM user ${inlineCode(view.userName, 128)}:`),
      section(`\`\`\`${escapeText(view.password)}\`\`\``),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Copy it now: it is shown this once, and is deleted. At first sign-in AWS asks you to choose a new password.',
          },
        ],
      },
    ],
  };
}

/** How the delivery of sign-in details to one channel went. */
export type DeliveryView = { status: 'sent'; to: string } | { status: 'failed'; error: string } | { status: 'unavailable'; reason: string };

/** What onboarding did for one new user: the report in the alert's thread. Strings raw. */
export type OnboardingReportView = { userName: string; approvedBy?: string } & (
  | { kind: 'created'; dm?: DeliveryView; email?: DeliveryView }
  | { kind: 'has-password' }
  | { kind: 'refused'; reason: string }
  | { kind: 'failed'; step: string; error: { name: string; message: string } }
  | { kind: 'already-handled'; by?: string; at?: OnboardingTime }
);

/** The thread report: what was created and where the details went; never the password. */
export function renderOnboardingReport(view: OnboardingReportView): RenderedMessage {
  const user = inlineCode(view.userName, 128);
  const approved = view.approvedBy ? ` (approved by ${mention(view.approvedBy)})` : '';
  let line: string;
  switch (view.kind) {
    case 'created': {
      const sent = [view.dm, view.email].filter((d): d is Extract<DeliveryView, { status: 'sent' }> => d?.status === 'sent');
      const dmTo = view.dm?.status === 'sent' ? `${mention(view.dm.to)} by DM` : undefined;
      const emailTo = view.email?.status === 'sent' ? `${safeText(view.email.to, 254)} by email` : undefined;
      const to = [dmTo, emailTo].filter(Boolean).join(', and to ');
      const problems = [problem('the DM', view.dm), problem('the email', view.email)].filter(Boolean);
      const emoji = problems.length === 0 ? ':key:' : ':warning:';
      line = `${emoji} Console password created for ${user} (reset required at first sign-in)${approved}`;
      line += sent.length > 0 ? `; sign-in details sent to ${to}.` : '; the sign-in details reached nobody.';
      if (problems.length > 0) {
        line += ` ${problems.join(' ')}`;
        if (sent.length === 0) line += ' Nobody knows this password: reset it in IAM (or delete it) and hand it over by hand.';
      }
      break;
    }
    case 'has-password':
      line = `:information_source: ${user} already has a console password: left as it is, nothing sent${approved}.`;
      break;
    case 'refused':
      line = `:no_entry_sign: No sign-in details for ${user}${approved}: ${safeText(view.reason, 1000)}.`;
      break;
    case 'failed':
      line = `:warning: No console password for ${user}${approved}: ${escapeText(view.step)} failed (${inlineCode(view.error.name, 100)}: ${safeText(view.error.message, 800)}). Nothing was retried.`;
      break;
    case 'already-handled': {
      const by = view.by ? ` by ${mention(view.by)}` : '';
      const at = view.at ? ` at ${slackTime(view.at)}` : '';
      line = `:information_source: Sign-in details for ${user} were already handled${by}${at}: nothing done again.`;
      break;
    }
  }
  return { text: truncate(stripMarkup(line), SLACK_LIMITS.fallbackText), blocks: [section(line)] };
}

function problem(what: string, delivery: DeliveryView | undefined): string | undefined {
  if (!delivery || delivery.status === 'sent') return undefined;
  if (delivery.status === 'failed') return `Sending ${what} failed: ${safeText(delivery.error, 600)}.`;
  return `No ${what.replace(/^the /, '')}: ${safeText(delivery.reason, 600)}.`;
}

/** What the offer in the alert's thread names (approve mode). Strings raw. */
export interface OnboardingOfferView {
  userName: string;
  accountId: string;
  eventId: string;
  createdBy: string;
  /** Where the details would go, in words ("jane@example.com", "Slack user U0JANE"). */
  recipient: string;
  delivery: 'slack' | 'email' | 'both';
}

/** What the Send sign-in details button carries: the user, its account, the CreateUser event, who created it. */
export interface OnboardingButtonValue {
  u: string;
  a: string;
  e: string;
  c: string;
}

const DELIVERY_WORDS = { slack: 'by Slack DM', email: 'by email', both: 'by Slack DM and email' } as const;

/**
 * The offer under a CreateUser alert in approve mode: the user qualifies, and a responder may create
 * its console password and send the sign-in details, after a confirmation naming both.
 */
export function renderOnboardingOffer(view: OnboardingOfferView): RenderedMessage {
  const value: OnboardingButtonValue = {
    u: view.userName,
    a: view.accountId,
    e: view.eventId.slice(0, 128),
    c: view.createdBy.slice(0, 200),
  };
  const json = JSON.stringify(value);
  const blocks: KnownBlock[] = [
    section(
      `:bust_in_silhouette: ${inlineCode(view.userName, 128)} can get a console password: the sign-in details would go to ${safeText(view.recipient, 300)} ${DELIVERY_WORDS[view.delivery]}.`,
    ),
  ];
  if (json.length <= SLACK_LIMITS.buttonValue) {
    blocks.push({
      type: 'actions',
      block_id: ONBOARDING_BLOCK_IDS.offerActions,
      elements: [
        {
          type: 'button',
          action_id: ONBOARDING_ACTION_IDS.sendSignInDetails,
          text: { type: 'plain_text', text: 'Send sign-in details', emoji: true },
          value: json,
          confirm: {
            title: { type: 'plain_text', text: 'Send sign-in details?' },
            text: {
              type: 'plain_text',
              text: safeText(
                `Create a console password for IAM user ${view.userName} in account ${view.accountId} (to be changed at first sign-in) and send the sign-in details to ${view.recipient}? A user that already has a password keeps it.`,
                SLACK_LIMITS.confirmText,
              ),
            },
            confirm: { type: 'plain_text', text: 'Send' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
      ],
    });
  }
  return { text: safeText(`${view.userName} can get a console password (Send sign-in details)`, SLACK_LIMITS.fallbackText), blocks };
}

/** The offer once a responder pressed it: the button gone, who pressed it and when. */
export function endOffer(blocks: readonly ReceivedBlock[], by: string, at: OnboardingTime): KnownBlock[] {
  const kept = blocks.filter((b) => b.block_id !== ONBOARDING_BLOCK_IDS.offerActions && b.block_id !== ONBOARDING_BLOCK_IDS.offerStatus);
  const status: ContextBlock = {
    type: 'context',
    block_id: ONBOARDING_BLOCK_IDS.offerStatus,
    elements: [
      {
        type: 'mrkdwn',
        text: `:ballot_box_with_check: Send sign-in details pressed by ${mention(by)} at ${slackTime(at)} (outcome below).`,
      },
    ],
  };
  return [...(kept as unknown as KnownBlock[]), status];
}

/** The Reveal password button's value: the held password's ID. */
export function readRevealValue(element: ReceivedElement | { value?: unknown }): string | undefined {
  if (typeof element.value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(element.value) as { s?: unknown };
    return typeof parsed.s === 'string' ? parsed.s : undefined;
  } catch {
    return undefined;
  }
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

/** Notification text without mrkdwn emoji codes and date tokens' markup. */
function stripMarkup(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/:[a-z_]+: /g, '');
}
