import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { mention, type ReceivedBlock, removeButton, slackTime } from './edit-blocks';
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

/** A role the disabled user assumed recently (successful `sts:AssumeRole` calls in CloudTrail). */
export interface AssumedRoleView {
  arn: string;
  /** Successful AssumeRole calls to it in the window. */
  times: number;
  /** The latest of them. */
  last: { epochSeconds: number; iso: string };
}

/** Roles the user assumed before it was disabled: their sessions outlive the user's deny. */
export interface AssumedRolesView {
  /** The window searched, in hours back from the run. */
  sinceHours: number;
  /** Regions whose event history was searched. */
  regions: string[];
  /** Newest first. */
  roles: AssumedRoleView[];
  /** The search stopped early (event limit, time budget, throttling): older calls may be missing. */
  incomplete?: 'limit' | 'budget' | 'throttled';
  /** The search failed: what CloudTrail said. Then `roles` says nothing. */
  error?: string;
}

/** What a responder still needs to know after the steps. */
export interface ContainmentFindings {
  /**
   * Access keys created while containment ran (IAM's CreateDate at or after the run's start, or
   * absent from the first listing): deactivated, and not recorded for Re-enable.
   */
  lateAccessKeys: string[];
  /** The user was deleted while containment ran: the steps after that were not run. */
  userDeleted: boolean;
  /** Absent when not looked up. */
  assumedRoles?: AssumedRolesView;
}

export interface ContainmentReportView {
  userName: string;
  accountId: string;
  eventId: string;
  /** Slack user ID of the responder who clicked. */
  actorUserId: string;
  at: { epochSeconds: number; iso: string };
  outcome: ContainmentOutcome;
  steps: StepView[];
  /** Late keys, a user deleted midway, role sessions the deny does not cut. */
  findings?: ContainmentFindings;
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
  blocks.push(...findingSections(view));
  if (view.outcome === 'partial' && !view.findings?.userDeleted) {
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

/** How many assumed roles the report lists before "and N more". */
export const ASSUMED_ROLES_SHOWN = 10;

/** The report's lines about what the steps could not settle: deleted user, late keys, role sessions. */
function findingSections(view: ContainmentReportView): SectionBlock[] {
  const findings = view.findings;
  if (!findings) return [];
  const name = inlineCode(view.userName, 128);
  const out: SectionBlock[] = [];
  if (findings.userDeleted) {
    out.push(
      section(
        `:wastebasket: *User ${name} was deleted while iam-alerts was disabling it*, so the steps after that were not run. Deleting a user removes its password and keys, but not the role sessions it already assumed (below). Find out who deleted it: CloudTrail \`DeleteUser\` for this user.`,
      ),
    );
  }
  if (findings.lateAccessKeys.length > 0) {
    const keys = findings.lateAccessKeys.map((k) => inlineCode(k, 128)).join(', ');
    const plural = findings.lateAccessKeys.length > 1;
    out.push(
      section(
        `:rotating_light: *Access key${plural ? 's' : ''} ${keys} ${plural ? 'were' : 'was'} created while iam-alerts was disabling this user*: deactivated, and *not* recorded for Re-enable (most likely the attacker's), so Re-enable leaves ${plural ? 'them' : 'it'} inactive. Someone else with IAM rights is at work: find who (CloudTrail \`CreateAccessKey\` for this user).`,
      ),
    );
  }
  if (findings.assumedRoles) out.push(section(assumedRolesText(view.userName, findings.assumedRoles)));
  return out;
}

function assumedRolesText(userName: string, roles: AssumedRolesView): string {
  const where = `the last ${roles.sinceHours} h (${roles.regions.map((r) => safeText(r, 40)).join(', ')})`;
  const lines = [
    `:hourglass_flowing_sand: *Role sessions are not cut.* The deny stops ${inlineCode(userName, 128)}'s keys and the sessions they opened with GetSessionToken or GetFederationToken, but a role session already assumed with them keeps the role's permissions until it expires (up to 12 h).`,
  ];
  if (roles.error) {
    lines.push(
      `:x: *Could not check which roles it assumed*: ${safeText(roles.error, 400)}. Look for its \`AssumeRole\` calls in CloudTrail (${where}) before trusting that none are open.`,
    );
    return lines.join('\n');
  }
  if (roles.roles.length === 0) {
    lines.push(`No successful \`AssumeRole\` by this user in ${where}.`);
  } else {
    lines.push(`Roles it assumed in ${where}; revoke their sessions: IAM console, the role, *Revoke active sessions*:`);
    for (const role of roles.roles.slice(0, ASSUMED_ROLES_SHOWN)) {
      lines.push(`• ${inlineCode(role.arn, 200)}: ${role.times === 1 ? 'once' : `${role.times} times`}, last ${slackTime(role.last)}`);
    }
    const more = roles.roles.length - ASSUMED_ROLES_SHOWN;
    if (more > 0) lines.push(`• and ${more} more role${more > 1 ? 's' : ''}`);
  }
  if (roles.incomplete) {
    const why = {
      limit: 'Only the newest AssumeRole calls were read',
      budget: 'The search ran out of time',
      throttled: 'CloudTrail throttled the search',
    }[roles.incomplete];
    lines.push(`_${why}: older calls may be missing._`);
  }
  return lines.join('\n');
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
      ':information_source: The console password was deleted and *cannot come back*: set a new one (`aws iam create-login-profile`) if the user needs the console. Signing certificates, SSH keys, service-specific credentials and access keys that appeared while the user was being disabled stay inactive until someone reactivates them.',
    ),
  ];
  return { text: safeText(`User ${view.userName} ${word} (account ${view.accountId})`, SLACK_LIMITS.fallbackText), blocks };
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
              `Detach AWSDenyAll from ${view.userName} and reactivate the access keys iam-alerts deactivated? The deleted console password cannot come back.`,
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
