import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { mention, type ReceivedBlock, removeButton, slackTime, upsertBlock } from './edit-blocks';
import { ACTION_IDS } from './ids';
import { SLACK_LIMITS } from './limits';
import { inlineCode, safeText, truncate } from './mrkdwn';
import type { RenderedMessage } from './render-alert';

/** How one containment step ended. */
export type StepStatus = 'done' | 'already' | 'failed';

export interface StepView {
  /** What the step does, in words: "Delete console password". */
  label: string;
  status: StepStatus;
  /** What happened, raw text: "deactivated AKIA…", "no console password". */
  detail?: string;
  /** The AWS error when the step failed. */
  error?: { name: string; message: string };
}

/** disabled: every step done or already so; partial: some failed; failed: none succeeded. */
export type ContainmentOutcome = 'disabled' | 'partial' | 'failed';

export interface ContainmentReportView {
  userName: string;
  accountId: string;
  eventId: string;
  /** Slack user ID of the responder who clicked. */
  actorUserId: string;
  at: { epochSeconds: number; iso: string };
  outcome: ContainmentOutcome;
  steps: StepView[];
}

export interface ReenableReportView {
  userName: string;
  accountId: string;
  actorUserId: string;
  at: { epochSeconds: number; iso: string };
  outcome: 'reenabled' | 'partial' | 'failed';
  steps: StepView[];
}

/** What the Re-enable button carries (parsed with zod on click, like every button value). */
export interface ReenableButtonValue {
  u: string;
  a: string;
  e: string;
}

export const CONTAINMENT_BLOCK_PREFIX = 'alert.contained';

const STATUS_EMOJI: Record<StepStatus, string> = {
  done: ':white_check_mark:',
  already: ':ballot_box_with_check:',
  failed: ':x:',
};
const STATUS_WORD: Record<StepStatus, string> = { done: 'done', already: 'already so', failed: 'failed' };

const DISABLE_HEADLINE: Record<ContainmentOutcome, string> = {
  disabled: 'disabled',
  partial: 'PARTIALLY disabled',
  failed: 'NOT disabled',
};

/** The thread reply listing each containment step, with a Re-enable button when anything changed. */
export function renderContainmentReport(view: ContainmentReportView): RenderedMessage {
  const who = `User ${inlineCode(view.userName, 128)} (account ${inlineCode(view.accountId, 32)})`;
  const head = `${view.outcome === 'disabled' ? ':lock:' : ':warning:'} *${who} ${DISABLE_HEADLINE[view.outcome]}* by ${mention(view.actorUserId)} at ${slackTime(view.at)}`;
  const blocks: KnownBlock[] = [section(head), section(stepLines(view.steps))];
  if (view.outcome === 'partial') {
    blocks.push(
      section(
        ':warning: Some steps failed: the user may still have access. Fix the cause and click *Disable User* again (steps already done are skipped).',
      ),
    );
  }
  blocks.push(
    context(`Alert event ${inlineCode(view.eventId, 100)} · the IAM user is tagged with who disabled it, when and for which alert`),
  );
  if (view.outcome !== 'failed') blocks.push(reenableActions(view));
  const text = safeText(`User ${view.userName} ${DISABLE_HEADLINE[view.outcome]} (account ${view.accountId})`, SLACK_LIMITS.fallbackText);
  return { text, blocks };
}

/**
 * One line of plain text saying how a run ended, for when the thread report itself cannot be
 * posted: "IAM user mallory PARTIALLY disabled; failed: Attach deny-all policy (AccessDenied)".
 */
export function containmentSummaryText(view: Pick<ContainmentReportView, 'userName' | 'steps'> & { headline: string }): string {
  const failed = view.steps.filter((s) => s.status === 'failed').map((s) => `${s.label} (${s.error?.name ?? 'error'})`);
  const tail = failed.length > 0 ? `; failed: ${failed.join(', ')}` : '';
  return safeText(`IAM user ${view.userName} ${view.headline}${tail}`, 1500);
}

/** The headline word for a Disable User outcome: "disabled", "PARTIALLY disabled", "NOT disabled". */
export function disableHeadline(outcome: ContainmentOutcome): string {
  return DISABLE_HEADLINE[outcome];
}

/** The thread reply after a Re-enable, saying plainly what could not be restored. */
export function renderReenableReport(view: ReenableReportView): RenderedMessage {
  const word = { reenabled: 're-enabled', partial: 'PARTIALLY re-enabled', failed: 'NOT re-enabled' }[view.outcome];
  const head = `${view.outcome === 'reenabled' ? ':unlock:' : ':warning:'} *User ${inlineCode(view.userName, 128)} (account ${inlineCode(view.accountId, 32)}) ${word}* by ${mention(view.actorUserId)} at ${slackTime(view.at)}`;
  const blocks: KnownBlock[] = [
    section(head),
    section(stepLines(view.steps)),
    section(
      ':information_source: The console password was deleted and *cannot come back*: set a new one (`aws iam create-login-profile`) if the user needs the console. Signing certificates, SSH keys and service-specific credentials stay inactive until someone reactivates them.',
    ),
  ];
  return { text: safeText(`User ${view.userName} ${word} (account ${view.accountId})`, SLACK_LIMITS.fallbackText), blocks };
}

/**
 * The alert after a Disable User run: a status line ("User mallory disabled by @x at …"); the
 * Disable User button goes once every step succeeded, and stays for a retry after a partial run.
 */
export function withContainmentStatus(blocks: readonly ReceivedBlock[], view: ContainmentReportView): ReceivedBlock[] {
  const emoji = view.outcome === 'disabled' ? ':lock:' : ':warning:';
  const line = `${emoji} User ${inlineCode(view.userName, 128)} ${DISABLE_HEADLINE[view.outcome]} by ${mention(view.actorUserId)} at ${slackTime(view.at)} (details in thread)`;
  const status: ContextBlock = {
    type: 'context',
    block_id: CONTAINMENT_BLOCK_PREFIX,
    elements: [{ type: 'mrkdwn', text: truncate(line, SLACK_LIMITS.contextText) }],
  };
  const kept = view.outcome === 'disabled' ? removeButton(blocks, ACTION_IDS.disableUser) : [...blocks];
  return upsertBlock(kept, CONTAINMENT_BLOCK_PREFIX, status).slice(0, SLACK_LIMITS.blocksPerMessage);
}

/** The report after its Re-enable button was used: the button is gone. */
export function withoutReenableButton(blocks: readonly ReceivedBlock[]): ReceivedBlock[] {
  return removeButton(blocks, ACTION_IDS.reenableUser);
}

function stepLines(steps: StepView[]): string {
  const lines = steps.map((s) => {
    const detail = s.detail ? `: ${safeText(s.detail, 300)}` : '';
    const error = s.error ? ` ${inlineCode(s.error.name, 80)} ${safeText(s.error.message, 300)}` : '';
    return `${STATUS_EMOJI[s.status]} ${safeText(s.label, 80)} (${STATUS_WORD[s.status]})${detail}${error}`;
  });
  return truncate(lines.join('\n') || 'No steps ran.', SLACK_LIMITS.sectionText);
}

function reenableActions(view: ContainmentReportView): ActionsBlock {
  const value: ReenableButtonValue = { u: view.userName, a: view.accountId, e: view.eventId };
  return {
    type: 'actions',
    block_id: 'containment.actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_IDS.reenableUser,
        text: { type: 'plain_text', text: 'Re-enable', emoji: true },
        value: JSON.stringify(value).slice(0, SLACK_LIMITS.buttonValue),
        confirm: {
          title: { type: 'plain_text', text: 'Re-enable this IAM user?' },
          text: {
            type: 'plain_text',
            text: safeText(
              `Remove the deny-all policy from ${view.userName} and reactivate the access keys iam-alerts deactivated? The deleted console password cannot come back.`,
              SLACK_LIMITS.confirmText,
            ),
          },
          confirm: { type: 'plain_text', text: 'Re-enable' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText) }] };
}
