import * as z from 'zod';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { endOffer, type OnboardingReportView, renderOnboardingReport } from '../../blocks/render-onboarding';
import type { JobHandler } from '../jobs/types';
import { tellUser } from '../slack/ephemeral';
import { iamUserName } from '../slack/payloads';
import { authorizeResponder } from '../slack/responders';
import type { SlackAppDeps } from '../slack-deps';
import { type OnboardingDeps, onboardIamUser } from './onboard-iam-user';

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);

/** What a Send sign-in details click defers: who, for which new user, and where the offer is. No secret. */
export const onboardUserJobSchema = z.strictObject({
  user: z.strictObject({
    eventId: z.string().min(1).max(128),
    accountId: z.string().regex(/^\d{12}$/),
    userName: iamUserName,
    createdBy: z.string().max(200),
  }),
  /** Slack user ID from the verified click. */
  approvedBy: slackId,
  responseUrl: z.url(),
  offer: z.strictObject({
    channel: slackId,
    ts: z.string().min(1).max(32),
    /** The alert the offer is a reply to: the report goes in its thread. */
    threadTs: z.string().min(1).max(32),
    blocks: z.array(z.looseObject({ type: z.string() })).max(50),
  }),
});
export type OnboardUserJob = z.infer<typeof onboardUserJobSchema>;

/** Onboarding's dependencies on the Slack side: the Slack function's own clients and role (approve mode). */
export function onboardingDepsOf(deps: SlackAppDeps): OnboardingDeps {
  return {
    settings: deps.config.onboarding,
    iam: deps.iam,
    kms: deps.kms,
    ses: deps.ses,
    slack: deps.slack,
    store: deps.store,
    logger: deps.logger,
    clock: deps.clock,
    protectedIamUsers: deps.config.protectedIamUsers,
    homeAccountId: deps.config.accounts.homeAccountId,
    accountAliases: deps.config.accountAliases,
  };
}

/**
 * The deferred half of Send sign-in details (approve mode): checks the clicker again, onboards the
 * user (claimed once per CreateUser event, so a second click, another responder's click or Lambda's
 * retry does nothing again), reports in the alert's thread and marks the offer pressed. It never
 * throws once it has started: a retry could only report "already handled", never make a second password.
 */
export const onboardUserJob: JobHandler<OnboardUserJob> = {
  kind: 'onboard-user',
  schema: onboardUserJobSchema,
  run: async (job, deps) => {
    const logger = deps.logger.createChild({
      persistentKeys: { job: 'onboard-user', slackUser: job.approvedBy, iamUser: job.user.userName, eventId: job.user.eventId },
    });
    if (deps.config.onboarding.mode !== 'approve') {
      logger.warn('onboard-user refused in job: ONBOARDING is not approve');
      await tellUser(deps, job.responseUrl, 'Send sign-in details is turned off (ONBOARDING is not approve). Nothing was done.');
      return;
    }
    const verdict = await authorizeResponder(job.approvedBy, deps);
    if (!verdict.allowed) {
      logger.warn('onboard-user refused in job', { reason: verdict.reason });
      await tellUser(deps, job.responseUrl, verdict.message);
      return;
    }
    const outcome = await onboardIamUser(job.user, onboardingDepsOf(deps), job.approvedBy);
    const report: OnboardingReportView =
      outcome.kind === 'not-qualified'
        ? { kind: 'refused', userName: job.user.userName, approvedBy: job.approvedBy, reason: `it does not qualify (${outcome.reason})` }
        : outcome;
    const now = deps.clock();
    try {
      const message = renderOnboardingReport(report);
      await deps.slack.chat.postMessage({
        channel: job.offer.channel,
        thread_ts: job.offer.threadTs,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
      });
      // Nothing was made on a refusal (an owner nobody can reach, ...): the button stays for another try.
      if (report.kind === 'refused') return;
      await deps.slack.chat.update({
        channel: job.offer.channel,
        ts: job.offer.ts,
        text: `Send sign-in details pressed for ${job.user.userName}`,
        blocks: endOffer(job.offer.blocks as ReceivedBlock[], job.approvedBy, {
          epochSeconds: Math.floor(now.getTime() / 1000),
          iso: now.toISOString(),
        }),
      });
    } catch (error) {
      logger.error('could not report onboarding in Slack', { outcome: report.kind, error: (error as Error).message });
      await tellUser(
        deps,
        job.responseUrl,
        `Onboarding of ${job.user.userName} ended (${report.kind}), but its report could not be posted in the thread.`,
      );
    }
  },
};
