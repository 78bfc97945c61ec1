import type { App } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { ACTION_IDS } from '../../../blocks/ids';
import { alreadyAcknowledgedText, readAcknowledgement, renderAcknowledged } from '../../../blocks/render-acknowledged';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage } from '../../slack/payloads';
import type { SlackAppDeps } from '../../slack-deps';

/**
 * Acknowledge: anyone in the channel may. The alert is updated in place ("Acknowledged by @x at
 * <time>", the Acknowledge button gone, Disable User kept). The message itself is the record, so a
 * second click reads it from the payload, changes nothing and tells the clicker who was first.
 * Only Slack is called (chat.update), never AWS, so this runs inline after the ack.
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
    const previous = readAcknowledgement(message.blocks);
    if (previous) {
      logger.info('already acknowledged', { acknowledgedBy: previous.userId });
      await tellUser(deps, payload.response_url, alreadyAcknowledgedText(previous));
      return;
    }
    const now = deps.clock();
    const blocks = renderAcknowledged(message.blocks, {
      userId: payload.user.id,
      epochSeconds: Math.floor(now.getTime() / 1000),
      iso: now.toISOString(),
    });
    try {
      await deps.slack.chat.update({
        channel: message.channel,
        ts: message.ts,
        text: message.text,
        blocks: blocks as unknown as KnownBlock[],
      });
      logger.info('acknowledged alert', { channel: message.channel, ts: message.ts });
    } catch (error) {
      logger.error('could not update the alert', { error: (error as Error).message });
      await tellUser(deps, payload.response_url, `Could not mark the alert acknowledged: ${(error as Error).message}`);
    }
  });
}
