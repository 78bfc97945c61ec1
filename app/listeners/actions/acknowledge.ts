import type { App } from '@slack/bolt';
import { ACTION_IDS } from '../../../blocks/ids';
import { escapeText } from '../../../blocks/mrkdwn';
import { alreadyAcknowledgedText } from '../../../blocks/render-acknowledged';
import { publishAlertState, recordAcknowledgement } from '../../alerts/alert-state';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage } from '../../slack/payloads';
import type { SlackAppDeps } from '../../slack-deps';
import { noteAcknowledged } from '../../triage/response-index';

/**
 * Acknowledge: anyone in the channel may. The acknowledgement is recorded in the alert's state
 * (one conditional write) and the alert is rendered from that state ("Acknowledged by @x at
 * <time>", the Acknowledge button gone, Disable User and any containment status kept). A second
 * click changes nothing and tells the clicker who was first, from the state. Only the state table
 * and Slack are called, never IAM or CloudTrail, so this runs inline after the ack.
 */
export function registerAcknowledgeAction(app: App, deps: SlackAppDeps): void {
  app.action(ACTION_IDS.acknowledge, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('acknowledge: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'acknowledge', slackUser: payload.user.id } });
    const message = clickedMessage(payload);
    if (!message) {
      await tellUser(deps, payload.response_url, 'Could not acknowledge: this alert message was not found in the click.');
      return;
    }
    const ref = { channel: message.channel, ts: message.ts };
    try {
      const now = deps.clock();
      const first = await recordAcknowledgement(deps, ref, message, {
        userId: payload.user.id,
        epochSeconds: Math.floor(now.getTime() / 1000),
        iso: now.toISOString(),
      });
      if (first) {
        logger.info('already acknowledged', { acknowledgedBy: first.userId });
        await tellUser(deps, payload.response_url, alreadyAcknowledgedText(first));
        return;
      }
      // For the Home tab and the digest (issue 14); escalation reads the alert's state itself.
      await noteAcknowledged(deps, ref, { userId: payload.user.id, epochSeconds: Math.floor(now.getTime() / 1000) });
      await publishAlertState(deps, ref);
      logger.info('acknowledged alert', ref);
    } catch (error) {
      logger.error('could not acknowledge the alert', { error: (error as Error).message });
      await tellUser(deps, payload.response_url, `Could not mark the alert acknowledged: ${escapeText((error as Error).message)}`);
    }
  });
}
