import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../support/corpus';
import { signedFunctionUrlEvent } from '../../support/slack-requests';

/**
 * Slack requests as Slack sends them: bodies built from the real payloads in
 * `test/fixtures/slack/` (see test/fixtures/PROVENANCE.md), signed with Slack's v0 scheme
 * (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`), wrapped as a Lambda Function URL event.
 */

export { slackSignature } from '../../support/slack-requests';

/** A Function URL (payload v2) event carrying a Slack request signed with `signingSecret`. */
export function signedLambdaEvent(
  rawBody: string,
  signingSecret: string,
  options: { timestamp?: number; signature?: string } = {},
): Record<string, unknown> {
  return signedFunctionUrlEvent(rawBody, { ...options, secret: signingSecret });
}

/** The bolt-js AwsLambdaReceiver slash command body, as `/iam-events <text>` answered at `responseUrl`. */
export function slashCommandBody(text: string, responseUrl: string): string {
  const raw = readFileSync(join(FIXTURES_DIR, 'slack/bolt-js/slash_command__AwsLambdaReceiver.spec_L174.txt'), 'utf8').trim();
  const params = new URLSearchParams(raw);
  params.set('command', '/iam-events');
  params.set('text', text);
  params.set('response_url', responseUrl);
  return params.toString();
}

/** The bolt-python block_actions body, as a click on a button with `actionId` and `value`. */
export function blockActionsBody(actionId: string, value: string, responseUrl: string): string {
  const payload = JSON.parse(
    readFileSync(join(FIXTURES_DIR, 'slack/bolt-python/block_actions__test_block_actions__body_L161.json'), 'utf8'),
  ) as Record<string, any>;
  payload.response_url = responseUrl;
  payload.actions = [{ ...payload.actions[0], action_id: actionId, block_id: 'history.more.1', value }];
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
