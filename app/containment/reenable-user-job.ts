import type { KnownBlock } from '@slack/types';
import * as z from 'zod';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { escapeText } from '../../blocks/mrkdwn';
import { containmentSummaryText, renderReenableReport, withoutReenableButton } from '../../blocks/render-containment';
import { publishAlertState, recordReenable } from '../alerts/alert-state';
import type { JobHandler } from '../jobs/types';
import { tellUser } from '../slack/ephemeral';
import { userButtonValueSchema } from '../slack/payloads';
import { authorizeResponder } from '../slack/responders';
import { noteReenabled } from '../triage/response-index';
import { alertRefSchema, isRefusal } from './disable-user-job';
import { reenableIamUser } from './reenable-iam-user';

export const reenableUserJobSchema = z.strictObject({
  target: userButtonValueSchema,
  actorUserId: z.string().regex(/^[A-Z0-9]{2,40}$/),
  responseUrl: z.url(),
  /** The containment report whose Re-enable button was clicked (a reply in the alert's thread). */
  report: alertRefSchema.extend({ threadTs: z.string().min(1).max(32) }),
});
export type ReenableUserJob = z.infer<typeof reenableUserJobSchema>;

/**
 * The deferred half of Re-enable: re-checks the clicker, acts in the user's account like Disable
 * User (own credentials or the account's responder role), removes the deny policy and reactivates the
 * recorded keys, reports in the thread, removes the Re-enable button from the report, and records
 * the re-enable in the alert's state so the alert says so (and offers Disable User again).
 */
export const reenableUserJob: JobHandler<ReenableUserJob> = {
  kind: 'reenable-user',
  schema: reenableUserJobSchema,
  run: async (job, deps) => {
    const logger = deps.logger.createChild({
      persistentKeys: { job: 'reenable-user', slackUser: job.actorUserId, iamUser: job.target.u, accountId: job.target.a },
    });
    const verdict = await authorizeResponder(job.actorUserId, deps);
    if (!verdict.allowed) {
      logger.warn('re-enable refused in job', { reason: verdict.reason });
      await tellUser(deps, job.responseUrl, verdict.message);
      return;
    }
    const now = deps.clock();
    let result: Awaited<ReturnType<typeof reenableIamUser>>;
    try {
      // In the user's account, as Disable User was: refused there the same way.
      const account = await deps.accounts.clientsFor(job.target.a, job.actorUserId);
      result = await reenableIamUser(await account.iam(), {
        userName: job.target.u,
        accountId: job.target.a,
        actorUserId: job.actorUserId,
        now,
        protectedPatterns: deps.config.protectedIamUsers,
      });
      logger.info('re-enable finished', { outcome: result.outcome });
    } catch (error) {
      const known = isRefusal(error);
      logger[known ? 'warn' : 'error']('re-enable failed', { error: (error as Error).message });
      await tellUser(deps, job.responseUrl, `Re-enabling IAM user ${job.target.u} failed: ${escapeText((error as Error).message)}`);
      if (known) return;
      throw error;
    }
    const headline = { reenabled: 're-enabled', partial: 'PARTIALLY re-enabled', failed: 'NOT re-enabled' }[result.outcome];
    const at = { epochSeconds: Math.floor(now.getTime() / 1000), iso: now.toISOString() };
    try {
      const report = renderReenableReport({
        userName: result.userName,
        accountId: job.target.a,
        actorUserId: job.actorUserId,
        at,
        outcome: result.outcome,
        steps: result.steps,
      });
      await deps.slack.chat.postMessage({
        channel: job.report.channel,
        thread_ts: job.report.threadTs,
        text: report.text,
        blocks: report.blocks,
        unfurl_links: false,
      });
      // The button stays after a partial run so it can be retried.
      if (result.outcome === 'reenabled') {
        await deps.slack.chat.update({
          channel: job.report.channel,
          ts: job.report.ts,
          text: job.report.text,
          blocks: withoutReenableButton(job.report.blocks as ReceivedBlock[]) as unknown as KnownBlock[],
        });
      }
    } catch (error) {
      logger.error('could not report the re-enable in Slack', { error: (error as Error).message });
      const summary = containmentSummaryText({ userName: result.userName, steps: result.steps, headline });
      await tellUser(
        deps,
        job.responseUrl,
        `${summary}. The report could not be posted in the thread: ${escapeText((error as Error).message)}`,
      );
      throw error;
    }
    // For the Home tab and the digest (issue 14): the user is no longer listed as disabled.
    if (result.outcome === 'reenabled') {
      await noteReenabled(deps, { user: job.target.u, accountId: job.target.a, by: job.actorUserId, at: at.epochSeconds });
    }
    // The alert is the thread's parent. Alerts disabled before alert state existed have none to update.
    const alert = { channel: job.report.channel, ts: job.report.threadTs };
    try {
      const recorded = await recordReenable(deps, alert, job.target.u, { outcome: result.outcome, by: job.actorUserId, at });
      if (recorded) await publishAlertState(deps, alert);
      else logger.info('the alert has no state for this user; only the thread says it was re-enabled', alert);
    } catch (error) {
      logger.error('could not update the alert after the re-enable', { error: (error as Error).message });
      const summary = containmentSummaryText({ userName: result.userName, steps: result.steps, headline });
      await tellUser(deps, job.responseUrl, `${summary}. The alert could not be updated: ${escapeText((error as Error).message)}`);
      throw error;
    }
  },
};
