import type { App } from '@slack/bolt';
import * as z from 'zod';
import { escapeText } from '../../../blocks/mrkdwn';
import { ONBOARDING_ACTION_IDS } from '../../../blocks/render-onboarding';
import { protectionReason } from '../../containment/protected-users';
import type { OnboardUserJob } from '../../onboarding/onboard-user-job';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage, iamUserName, parseButtonValue } from '../../slack/payloads';
import { authorizeResponder } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';

/** The Send sign-in details button's value (`renderOnboardingOffer`): data from a channel, checked again. */
const offerValueSchema = z.strictObject({
  u: iamUserName,
  a: z.string().regex(/^\d{12}$/),
  e: z.string().min(1).max(128),
  c: z.string().max(200),
});

/**
 * Send sign-in details (approve mode): acks, checks that onboarding is in approve mode, the clicker is
 * a responder, the user is not protected and is in iam-alerts' own account (otherwise an ephemeral
 * refusal and no AWS call), then defers the IAM, KMS and SES work to the signed `onboard-user` job.
 */
export function registerSendSignInDetailsAction(app: App, deps: SlackAppDeps): void {
  app.action(ONBOARDING_ACTION_IDS.sendSignInDetails, async ({ ack, body, action }) => {
    await ack();
    const parsed = blockActionBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('send sign-in details: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'send-sign-in-details', slackUser: payload.user.id } });
    try {
      if (deps.config.onboarding.mode !== 'approve') {
        logger.warn('send sign-in details refused: ONBOARDING is not approve');
        await tellUser(deps, payload.response_url, 'Send sign-in details is turned off (ONBOARDING is not approve). Nothing was done.');
        return;
      }
      const value = parseButtonValue(offerValueSchema, (action as { value?: unknown }).value);
      if (!value) {
        logger.warn('send sign-in details: malformed button value');
        await tellUser(deps, payload.response_url, 'This button carries a value iam-alerts does not understand; nothing was done.');
        return;
      }
      const verdict = await authorizeResponder(payload.user.id, deps);
      if (!verdict.allowed) {
        logger.warn('send sign-in details refused', { reason: verdict.reason, iamUser: value.u });
        await tellUser(deps, payload.response_url, verdict.message);
        return;
      }
      const protectedBecause = protectionReason(value.u, deps.config.protectedIamUsers);
      if (protectedBecause) {
        logger.warn('send sign-in details refused: protected', { iamUser: value.u });
        await tellUser(deps, payload.response_url, `Nothing sent: ${escapeText(protectedBecause)}.`);
        return;
      }
      const home = deps.config.accounts.homeAccountId;
      if (home && value.a !== home) {
        logger.warn('send sign-in details refused: account', { iamUser: value.u, accountId: value.a });
        await tellUser(deps, payload.response_url, `Nothing sent: iam-alerts creates sign-in details only in its own account (${home}).`);
        return;
      }
      const message = clickedMessage(payload);
      if (!message) {
        await tellUser(deps, payload.response_url, 'Nothing sent: the offer message was not found in the click.');
        return;
      }
      const job: OnboardUserJob = {
        user: { eventId: value.e, accountId: value.a, userName: value.u, createdBy: value.c },
        approvedBy: payload.user.id,
        responseUrl: payload.response_url,
        offer: { channel: message.channel, ts: message.ts, threadTs: message.threadTs ?? message.ts, blocks: message.blocks },
      };
      await deps.defer('onboard-user', job);
      logger.info('send sign-in details deferred', { iamUser: value.u, eventId: value.e });
      await tellUser(
        deps,
        payload.response_url,
        `Creating a console password for \`${escapeText(value.u)}\` and sending the sign-in details… the outcome will be in this thread.`,
      );
    } catch (error) {
      logger.error('send sign-in details failed before the job started', { error: (error as Error).message });
      await tellUser(deps, payload.response_url, `Could not start: ${escapeText((error as Error).message)}`);
    }
  });
}
