import type { App } from '@slack/bolt';
import * as z from 'zod';
import { escapeText } from '../../../blocks/mrkdwn';
import { type DmEnding, endDm, ONBOARDING_ACTION_IDS, readRevealValue, renderPasswordModal } from '../../../blocks/render-onboarding';
import { handOffBudgetMs } from '../../jobs/ack-deadline';
import { openPassword } from '../../onboarding/sealed-password';
import { tellUser } from '../../slack/ephemeral';
import { blockActionBodySchema, clickedMessage } from '../../slack/payloads';
import type { SlackAppDeps } from '../../slack-deps';

/** A click carries a trigger_id: the modal must be opened with it, within 3 seconds of the click. */
const revealBodySchema = blockActionBodySchema.extend({ trigger_id: z.string().min(1).max(200) });

/** Kept for views.open after the decrypt, out of what is left of Slack's 3 seconds. */
export const MODAL_OPEN_MARGIN_MS = 600;

/**
 * Reveal password, on the owner's onboarding DM: only the Slack user the password was sealed for may
 * open it, and only once. The work stays in the listener, not a deferred job, because the modal
 * needs the click's trigger_id within 3 seconds: one DynamoDB read, one KMS Decrypt (bounded by what
 * is left of Slack's deadline), one conditional write that removes the ciphertext, then `views.open`.
 * The password goes nowhere but the modal: not in a log line, a message, an error, or the state
 * table. The DM then reads "revealed at <time>" (or "expired"), without its button.
 */
export function registerRevealPasswordAction(app: App, deps: SlackAppDeps): void {
  app.action(ONBOARDING_ACTION_IDS.revealPassword, async ({ ack, body, action }) => {
    await ack();
    const parsed = revealBodySchema.safeParse(body);
    if (!parsed.success) {
      deps.logger.warn('reveal password: unexpected payload', { issues: parsed.error.issues.map((i) => i.message) });
      return;
    }
    const payload = parsed.data;
    const logger = deps.logger.createChild({ persistentKeys: { action: 'reveal-password', slackUser: payload.user.id } });
    const startedAt = Date.now();
    const keyId = deps.config.onboarding.kmsKeyId;
    if (!deps.kms || !keyId) {
      logger.error('reveal password: onboarding has no KMS key here (ONBOARDING_KMS_KEY_ID)');
      await tellUser(
        deps,
        payload.response_url,
        'This password cannot be revealed here: ask an administrator to reset your console password.',
      );
      return;
    }
    const secretId = readRevealValue(action as { value?: unknown }) ?? '';
    const message = clickedMessage(payload);
    try {
      const kms = await deps.kms();
      const budgetMs = Math.max(300, handOffBudgetMs(Date.now()) - MODAL_OPEN_MARGIN_MS);
      const result = await openPassword(
        { kms, keyId, store: deps.store, now: () => deps.clock().getTime(), abortSignal: AbortSignal.timeout(budgetMs) },
        secretId,
        payload.user.id,
      );
      switch (result.kind) {
        case 'revealed': {
          const { userName } = result.record;
          try {
            await deps.slack.views.open({
              trigger_id: payload.trigger_id,
              view: renderPasswordModal({ userName, password: result.password }),
            });
          } catch (error) {
            // Too late for the modal (or Slack refused it): the password is gone, so say how to get a new one.
            logger.error('reveal password: the modal could not be opened; the password is deleted', {
              error: (error as { data?: { error?: string } }).data?.error ?? (error as Error).name,
            });
            await endMessage(deps, message, {
              kind: 'unavailable',
              reason:
                'The password could not be shown (Slack did not open the window in time) and has been deleted. Ask an administrator to reset your console password.',
            });
            return;
          }
          const at = deps.clock();
          logger.info('password revealed', { iamUser: userName, accountId: result.record.accountId, revealMs: Date.now() - startedAt });
          await endMessage(deps, message, {
            kind: 'revealed',
            at: { epochSeconds: Math.floor(at.getTime() / 1000), iso: at.toISOString() },
          });
          return;
        }
        case 'not-yours':
          logger.warn('reveal password refused: the clicker is not the recipient', { recipient: result.recipient });
          await tellUser(deps, payload.response_url, 'This password was sent to someone else: only they can reveal it.');
          return;
        case 'already-revealed': {
          const at = new Date(result.revealedAt * 1000);
          await endMessage(deps, message, { kind: 'revealed', at: { epochSeconds: result.revealedAt, iso: at.toISOString() } });
          await tellUser(
            deps,
            payload.response_url,
            'This password was already revealed, and is not shown again. If you lost it, ask an administrator to reset your console password.',
          );
          return;
        }
        case 'expired':
          await endMessage(deps, message, { kind: 'expired' });
          await tellUser(
            deps,
            payload.response_url,
            'This password expired unrevealed. Ask an administrator to reset your console password.',
          );
          return;
        case 'unknown':
          logger.warn('reveal password: no such held password');
          await tellUser(
            deps,
            payload.response_url,
            'There is no password to reveal here. Ask an administrator to reset your console password.',
          );
          return;
      }
    } catch (error) {
      // The ciphertext is kept: the person can press again.
      logger.error('reveal password failed', { error: (error as Error).name, detail: (error as Error).message });
      await tellUser(
        deps,
        payload.response_url,
        `Could not reveal the password just now (${escapeText((error as Error).name)}); press again in a moment.`,
      );
    }
  });
}

/** Rewrites the DM without its button; a failure is logged (the password itself is already handled). */
async function endMessage(deps: SlackAppDeps, message: ReturnType<typeof clickedMessage>, ending: DmEnding): Promise<void> {
  if (!message) return;
  const blocks = endDm(message.blocks, ending);
  try {
    await deps.slack.chat.update({ channel: message.channel, ts: message.ts, text: message.text || 'Your AWS console sign-in', blocks });
  } catch (error) {
    deps.logger.error('could not update the onboarding DM', {
      error: (error as { data?: { error?: string } }).data?.error ?? (error as Error).name,
    });
  }
}
