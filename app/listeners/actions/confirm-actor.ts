import type { App } from '@slack/bolt';
import * as z from 'zod';
import { escapeText } from '../../../blocks/mrkdwn';
import { CONFIRM_ACTION_ID } from '../../../blocks/render-triage';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage, parseButtonValue } from '../../slack/payloads';
import type { SlackAppDeps } from '../../slack-deps';
import { answerQuestion } from '../../triage/answer';
import { triageDepsOf } from '../../triage/triage-deps';

const slackId = z.string().regex(/^[A-Z0-9]{2,40}$/);
/** What the answer buttons carry: the alert the question is about. */
const answerValueSchema = z.strictObject({ c: slackId, t: z.string().regex(/^\d{1,12}\.\d{1,8}$/) });

/**
 * "Yes, it was me" / "No, it wasn't me" in the DM the notifier sent the actor: acks, then records
 * the answer (only the person asked, only once: `app/triage/answer.ts`) and says it in the alert's
 * thread. Only the state table and Slack are called, so it runs inline after the ack, like
 * Acknowledge. The clicker is `body.user.id` as Slack signed it; the button only names the alert.
 */
export function registerConfirmActorAction(app: App, deps: SlackAppDeps): void {
  app.action(CONFIRM_ACTION_ID, async ({ ack, body, action }) => {
    await ack();
    const parsed = blockActionBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('confirm answer: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const actionId = (action as { action_id?: unknown }).action_id;
    const answer = typeof actionId === 'string' ? CONFIRM_ACTION_ID.exec(actionId)?.[1] : undefined;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'confirm-actor', slackUser: payload.user.id } });
    const ref = parseButtonValue(answerValueSchema, (action as { value?: unknown }).value);
    const dm = clickedMessage(payload);
    if ((answer !== 'yes' && answer !== 'no') || !ref || !dm) {
      logger.warn('confirm answer: malformed button or message');
      await tellUser(
        deps,
        payload.response_url,
        'This answer button carries a value iam-alerts does not understand; nothing was recorded.',
      );
      return;
    }
    try {
      const result = await answerQuestion(
        { ...triageDepsOf(deps), clock: deps.clock },
        { ref: { channel: ref.c, ts: ref.t }, userId: payload.user.id, answer, dm },
      );
      if (result.kind === 'refused') {
        logger.warn('answer refused', { reason: result.reason, channel: ref.c, ts: ref.t });
        await tellUser(deps, payload.response_url, result.message);
        return;
      }
      logger.info('answer recorded', { answer, late: result.late, channel: ref.c, ts: ref.t });
      if (result.noteError) {
        await tellUser(
          deps,
          payload.response_url,
          `Your answer is recorded${answer === 'no' ? ' and the alert is now critical' : ''}, but iam-alerts could not post it in the alert's thread (${escapeText(result.noteError)}). Please tell the security responders directly.`,
        );
      }
    } catch (error) {
      logger.error('could not record the answer', { error: (error as Error).message });
      await tellUser(
        deps,
        payload.response_url,
        `Could not record your answer: ${escapeText((error as Error).message)}. Please try again.`,
      );
    }
  });
}
