import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../../../blocks/ids';
import { escapeText } from '../../../blocks/mrkdwn';
import type { ReenableUserJob } from '../../containment/reenable-user-job';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage, parseButtonValue, userButtonValueSchema } from '../../slack/payloads';
import { authorizeResponder } from '../../slack/responders';
import type { SlackAppDeps } from '../../slack-deps';

/**
 * Re-enable (on a containment report, responders only): acks, authorises the clicker, defers the
 * IAM work to the `reenable-user` job. Others get an ephemeral refusal and no AWS call is made.
 */
export function registerReenableUserAction(app: App, deps: SlackAppDeps): void {
  app.action(ACTION_IDS.reenableUser, async ({ ack, body, action }) => {
    await ack();
    const parsed = blockActionBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('re-enable: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'reenable-user', slackUser: payload.user.id } });
    try {
      const target = parseButtonValue(userButtonValueSchema, (action as { value?: unknown }).value);
      const message = clickedMessage(payload);
      if (!target || !message) {
        logger.warn('re-enable: malformed button value or message');
        await tellUser(
          deps,
          payload.response_url,
          'This Re-enable button carries a value iam-alerts does not understand; nothing was done.',
        );
        return;
      }
      const verdict = await authorizeResponder(payload.user.id, deps);
      if (!verdict.allowed) {
        logger.warn('re-enable refused', { reason: verdict.reason, iamUser: target.u });
        await tellUser(deps, payload.response_url, verdict.message);
        return;
      }
      const account = deps.accounts.check(target.a);
      if (!account.allowed) {
        logger.warn('re-enable refused: account', { reason: account.reason, iamUser: target.u, accountId: target.a });
        await tellUser(deps, payload.response_url, `Not re-enabled: ${escapeText(account.message)}`);
        return;
      }
      const job: ReenableUserJob = {
        target,
        actorUserId: payload.user.id,
        responseUrl: payload.response_url,
        report: {
          channel: message.channel,
          ts: message.ts,
          threadTs: message.threadTs ?? message.ts,
          text: message.text,
          blocks: message.blocks,
        },
      };
      await deps.defer('reenable-user', job);
      logger.info('re-enable deferred', { iamUser: target.u });
      await tellUser(
        deps,
        payload.response_url,
        `Re-enabling IAM user \`${escapeText(target.u)}\`… the result will be reported in this thread.`,
      );
    } catch (error) {
      logger.error('re-enable failed before the job started', { error: (error as Error).message });
      await tellUser(deps, payload.response_url, `Could not start re-enabling the user: ${escapeText((error as Error).message)}`);
    }
  });
}
