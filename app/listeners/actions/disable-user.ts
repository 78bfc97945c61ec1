import type { App } from '@slack/bolt';
import { DISABLE_USER_ACTION_ID } from '../../../blocks/ids';
import { escapeText } from '../../../blocks/mrkdwn';
import type { DisableUserJob } from '../../containment/disable-user-job';
import { protectionReason } from '../../containment/protected-users';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage, parseButtonValue, userButtonValueSchema } from '../../slack/payloads';
import { authorizeResponder } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';

/**
 * Disable User: acks, checks that the clicker is a responder, the target is not root or protected
 * and its account is one this deployment may act in (otherwise an ephemeral refusal and no AWS
 * call), then defers the IAM work to the `disable-user` job. No AWS call is made or awaited here.
 * One listener serves every Disable button: the target's, the acting user's, and the single button
 * of alerts posted earlier; the user to disable is always the one in the clicked button's value.
 */
export function registerDisableUserAction(app: App, deps: SlackAppDeps): void {
  app.action(DISABLE_USER_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const parsed = blockActionBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('disable user: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'disable-user', slackUser: payload.user.id } });
    try {
      const target = parseButtonValue(userButtonValueSchema, (action as { value?: unknown }).value);
      if (!target) {
        logger.warn('disable user: malformed button value');
        await tellUser(
          deps,
          payload.response_url,
          'This Disable User button carries a value iam-alerts does not understand; nothing was done.',
        );
        return;
      }
      const verdict = await authorizeResponder(payload.user.id, deps);
      if (!verdict.allowed) {
        logger.warn('disable user refused', { reason: verdict.reason, iamUser: target.u });
        await tellUser(deps, payload.response_url, verdict.message);
        return;
      }
      const protectedBecause = protectionReason(target.u, deps.config.protectedIamUsers);
      if (protectedBecause) {
        logger.warn('disable user refused: protected', { iamUser: target.u });
        await tellUser(deps, payload.response_url, `Not disabled: ${escapeText(protectedBecause)}.`);
        return;
      }
      // Settled by the settings alone, so the clicker hears at once; AWS has its say in the job.
      const account = deps.accounts.check(target.a);
      if (!account.allowed) {
        logger.warn('disable user refused: account', { reason: account.reason, iamUser: target.u, accountId: target.a });
        await tellUser(deps, payload.response_url, `Not disabled: ${escapeText(account.message)}`);
        return;
      }
      const message = clickedMessage(payload);
      if (!message) {
        await tellUser(deps, payload.response_url, 'Could not disable: the alert message was not found in the click.');
        return;
      }
      // A Disable button in an alert's thread (put there when the actor answered that it was not
      // them, issue 14) acts on the alert, the thread's parent: its report goes in that thread and
      // its state (which the triage loop has already written) is what gets updated.
      const alertTs = message.threadTs && message.threadTs !== message.ts ? message.threadTs : message.ts;
      const job: DisableUserJob = {
        target,
        actorUserId: payload.user.id,
        responseUrl: payload.response_url,
        alert: { channel: message.channel, ts: alertTs, text: message.text, blocks: message.blocks },
      };
      await deps.defer('disable-user', job);
      logger.info('disable user deferred', { iamUser: target.u, eventId: target.e });
      await tellUser(
        deps,
        payload.response_url,
        `Disabling IAM user \`${escapeText(target.u)}\`… each step will be reported in the alert's thread.`,
      );
    } catch (error) {
      logger.error('disable user failed before the job started', { error: (error as Error).message });
      await tellUser(deps, payload.response_url, `Could not start disabling the user: ${escapeText((error as Error).message)}`);
    }
  });
}
