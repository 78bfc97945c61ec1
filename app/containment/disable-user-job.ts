import * as z from 'zod';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { escapeText } from '../../blocks/mrkdwn';
import {
  type ContainmentReportView,
  containmentSummaryText,
  disableHeadline,
  renderContainmentReport,
} from '../../blocks/render-containment';
import { AccountAccessError, AccountRefusedError } from '../accounts/errors';
import { publishAlertState, recordContainment } from '../alerts/alert-state';
import type { JobHandler } from '../jobs/types';
import { tellUser } from '../slack/ephemeral';
import { userButtonValueSchema } from '../slack/payloads';
import { authorizeResponder } from '../slack/responders';
import type { SlackAppDeps } from '../slack-deps';
import { noteDisabled } from '../triage/response-index';
import { disableIamUser } from './disable-iam-user';
import { ContainmentRefusedError, ContainmentTargetError } from './errors';

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);

/** The alert message a containment job reports under and updates. */
export const alertRefSchema = z.strictObject({
  channel: slackId,
  ts: z.string().min(1).max(32),
  text: z.string().max(40_000),
  blocks: z.array(z.looseObject({ type: z.string() })).max(50),
});

export const disableUserJobSchema = z.strictObject({
  target: userButtonValueSchema,
  /** Slack user ID from the verified click. */
  actorUserId: slackId,
  responseUrl: z.url(),
  alert: alertRefSchema,
});
export type DisableUserJob = z.infer<typeof disableUserJobSchema>;

/**
 * The deferred half of Disable User: re-checks the clicker and the target (defence in depth: the
 * listener already did), acts in the alert's account (its own credentials at home, the account's
 * `IamAlertsResponder` role elsewhere, with a session named for the clicker; refused outside the
 * configured accounts), runs the containment steps, reports each in a thread reply under the alert,
 * records the outcome in the alert's state and renders the alert from that state (so an Acknowledge
 * or another Disable made while this ran stays on it). A failure tells the clicker.
 */
export const disableUserJob: JobHandler<DisableUserJob> = {
  kind: 'disable-user',
  schema: disableUserJobSchema,
  run: async (job, deps) => {
    const logger = deps.logger.createChild({
      persistentKeys: {
        job: 'disable-user',
        slackUser: job.actorUserId,
        iamUser: job.target.u,
        accountId: job.target.a,
        eventId: job.target.e,
      },
    });
    const verdict = await authorizeResponder(job.actorUserId, deps);
    if (!verdict.allowed) {
      logger.warn('disable refused in job', { reason: verdict.reason });
      await tellUser(deps, job.responseUrl, verdict.message);
      return;
    }
    const now = deps.clock();
    let view: ContainmentReportView;
    try {
      const account = await deps.accounts.clientsFor(job.target.a, job.actorUserId);
      const result = await disableIamUser(await account.iam(), {
        userName: job.target.u,
        accountId: job.target.a,
        eventId: job.target.e,
        actorUserId: job.actorUserId,
        now,
        protectedPatterns: deps.config.protectedIamUsers,
        // Role sessions outlive the user's deny: the report lists the roles it assumed (CloudTrail).
        // In the user's own account: that is where its AssumeRole calls are recorded.
        assumedRoles: {
          clientFor: account.cloudtrail,
          regions: deps.config.historyRegions,
          now: () => deps.clock().getTime(),
          sleep: deps.sleep,
          logger,
        },
      });
      logger.info('disable finished', {
        outcome: result.outcome,
        failedSteps: result.steps.filter((s) => s.status === 'failed').map((s) => s.label),
      });
      view = {
        userName: result.userName,
        accountId: job.target.a,
        eventId: job.target.e,
        actorUserId: job.actorUserId,
        at: { epochSeconds: Math.floor(now.getTime() / 1000), iso: now.toISOString() },
        outcome: result.outcome,
        steps: result.steps,
        findings: result.findings,
      };
    } catch (error) {
      await tellFailure(deps, job, error);
      if (isRefusal(error)) return;
      throw error;
    }
    // The IAM work is done: the thread report and the alert are updated independently, so one
    // failing does not keep the other from saying how it ended.
    const failures: string[] = [];
    let firstError: unknown;
    try {
      await reportInThread(deps, job, view);
    } catch (error) {
      logger.error('could not report the disable in Slack', { error: (error as Error).message });
      failures.push(`The report could not be posted in the alert's thread: ${escapeText((error as Error).message)}`);
      firstError ??= error;
    }
    try {
      await updateAlert(deps, job, view);
    } catch (error) {
      logger.error('could not update the alert', { error: (error as Error).message });
      failures.push(`The alert could not be updated: ${escapeText((error as Error).message)}`);
      firstError ??= error;
    }
    // For the Home tab and the digest (issue 14): who is disabled and not yet re-enabled.
    if (view.outcome !== 'failed') {
      const alert = { channel: job.alert.channel, ts: job.alert.ts };
      await noteDisabled(deps, { user: job.target.u, accountId: job.target.a, by: job.actorUserId, at: view.at.epochSeconds, alert });
    }
    if (firstError !== undefined) {
      const summary = containmentSummaryText({ ...view, headline: disableHeadline(view.outcome) });
      await tellUser(deps, job.responseUrl, `${summary}. ${failures.join(' ')}`);
      throw firstError;
    }
  },
};

async function reportInThread(deps: SlackAppDeps, job: DisableUserJob, view: ContainmentReportView): Promise<void> {
  const report = renderContainmentReport(view);
  await deps.slack.chat.postMessage({
    channel: job.alert.channel,
    thread_ts: job.alert.ts,
    text: report.text,
    blocks: report.blocks,
    unfurl_links: false,
  });
}

/**
 * Records how this run ended in the alert's state (the clicked message seeds it when the alert has
 * none yet) and renders the alert from the state, never from the blocks seen at click time.
 */
async function updateAlert(deps: SlackAppDeps, job: DisableUserJob, view: ContainmentReportView): Promise<void> {
  const ref = { channel: job.alert.channel, ts: job.alert.ts };
  const clicked = { text: job.alert.text, blocks: job.alert.blocks as ReceivedBlock[] };
  // Keyed by the name the button carries, which is how the renderer finds the button to remove.
  await recordContainment(deps, ref, clicked, { user: job.target.u, outcome: view.outcome, by: view.actorUserId, at: view.at });
  await publishAlertState(deps, ref);
}

/**
 * Failures that a retry cannot fix and that changed nothing: refused (root, protected, another
 * account, an account outside the settings), the user not found, or AWS refusing the responder role.
 */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof ContainmentRefusedError ||
    error instanceof ContainmentTargetError ||
    error instanceof AccountRefusedError ||
    (error instanceof AccountAccessError && error.kind === 'denied')
  );
}

async function tellFailure(deps: SlackAppDeps, job: DisableUserJob, error: unknown): Promise<void> {
  const known = isRefusal(error);
  deps.logger[known ? 'warn' : 'error']('disable failed', { iamUser: job.target.u, error: (error as Error).message });
  const text = known
    ? `IAM user ${job.target.u} was not disabled: ${escapeText((error as Error).message)}`
    : `Disabling IAM user ${job.target.u} failed: ${escapeText((error as Error).message)}. Check the user in IAM, then try again.`;
  await tellUser(deps, job.responseUrl, text);
}
