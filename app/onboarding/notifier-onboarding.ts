import type { RenderedMessage } from '../../blocks/render-alert';
import {
  type OnboardingOfferView,
  type OnboardingReportView,
  renderOnboardingOffer,
  renderOnboardingReport,
} from '../../blocks/render-onboarding';
import type { OnboardingSettings } from '../config';
import type { CloudTrailRecord } from '../events/cloudtrail-record';
import type { Logger } from '../logger';
import { type OnboardingDeps, onboardIamUser } from './onboard-iam-user';
import { type Owner, qualify } from './qualify';

/**
 * Onboarding's part in the notifier: once a CreateUser alert is in Slack (and its event claimed, so
 * a redelivery never gets here), auto mode onboards the new user and reports in the alert's thread;
 * approve mode posts the Send sign-in details offer there instead (in a thread, so that a user whose
 * CreateUser was grouped into a burst gets its own offer too). The notifier needs no AWS permission
 * for approve mode: it decides from the record alone, and the Slack function does the rest.
 */

/** Time onboarding needs after the alert (IAM, KMS, Slack, SES calls): with less left, auto mode does not start. */
export const ONBOARDING_TIME_NEEDED_MS = 10_000;

/** The alert that was posted, as onboarding needs it. */
export interface PostedCreateUser {
  record: CloudTrailRecord;
  eventId: string;
}

export interface NotifierOnboarding {
  /**
   * Runs after the alert for `alert` was delivered. `post` posts in the alert's thread. Never throws.
   * @param deadline epoch ms after which the invocation may end.
   */
  afterAlert(alert: PostedCreateUser, post: (message: RenderedMessage) => Promise<void>, deadline: number): Promise<void>;
}

export type NotifierOnboardingDeps =
  | { mode: 'approve'; settings: OnboardingSettings; logger: Logger; homeAccountId?: string }
  | { mode: 'auto'; onboarding: Omit<OnboardingDeps, 'latestStart'> };

/** The notifier's onboarding step for the configured mode (`undefined` when onboarding is off). */
export function createNotifierOnboarding(deps: NotifierOnboardingDeps): NotifierOnboarding {
  const settings = deps.mode === 'auto' ? deps.onboarding.settings : deps.settings;
  const logger = deps.mode === 'auto' ? deps.onboarding.logger : deps.logger;
  const homeAccountId = deps.mode === 'auto' ? deps.onboarding.homeAccountId : deps.homeAccountId;
  return {
    async afterAlert(alert, post, deadline) {
      try {
        const qualified = qualify(alert.record, alert.eventId, settings, { homeAccountId });
        if (qualified.kind === 'not-qualified') return;
        if (qualified.kind === 'refused') {
          await post(renderOnboardingReport({ kind: 'refused', userName: qualified.userName, reason: qualified.reason }));
          return;
        }
        const { candidate } = qualified;
        if (deps.mode === 'approve') {
          const offer: OnboardingOfferView = {
            userName: candidate.userName,
            accountId: candidate.accountId,
            eventId: candidate.eventId,
            createdBy: candidate.createdBy,
            recipient: recipientWords(candidate.owner),
            delivery: settings.delivery,
          };
          await post(renderOnboardingOffer(offer));
          logger.info('onboarding: offered Send sign-in details', { iamUser: candidate.userName, eventId: candidate.eventId });
          return;
        }
        const outcome = await onboardIamUser(candidate, { ...deps.onboarding, latestStart: deadline - ONBOARDING_TIME_NEEDED_MS });
        if (outcome.kind !== 'not-qualified') await post(renderOnboardingReport(outcome satisfies OnboardingReportView));
      } catch (error) {
        // The alert is in Slack and its event done: a failure here must not fail (and so repost) it.
        logger.error('onboarding step failed after the alert', { eventId: alert.eventId, error: (error as Error).message });
      }
    },
  };
}

/** Whom the details would go to, in words for responders: an address, or a Slack user ID (not a mention: no ping). */
export function recipientWords(owner: Owner): string {
  const parts = [owner.slackUserId ? `Slack user ${owner.slackUserId}` : owner.slackEmail, owner.email].filter(
    (p, i, all): p is string => typeof p === 'string' && all.indexOf(p) === i,
  );
  return `${parts.join(' / ')} (from ${owner.source})`;
}
