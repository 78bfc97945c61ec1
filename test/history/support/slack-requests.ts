import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from '../../support/corpus';

/**
 * Slack requests as Slack sends them: bodies built from the real payloads in
 * `../shared/corpus/slack/`, signed with Slack's v0 scheme
 * (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`), wrapped as a Lambda Function URL event.
 */

export function slackSignature(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** A Function URL (payload v2) event carrying a signed Slack request. */
export function signedLambdaEvent(
  rawBody: string,
  signingSecret: string,
  options: { timestamp?: number; signature?: string } = {},
): Record<string, unknown> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(signingSecret, timestamp, rawBody),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    requestContext: { http: { method: 'POST', path: '/' } },
    body: rawBody,
    isBase64Encoded: false,
  };
}

/** The bolt-js AwsLambdaReceiver slash command body, as `/iam-events <text>` answered at `responseUrl`. */
export function slashCommandBody(text: string, responseUrl: string): string {
  const raw = readFileSync(join(CORPUS_DIR, 'slack/bolt-js/slash_command__AwsLambdaReceiver.spec_L174.txt'), 'utf8').trim();
  const params = new URLSearchParams(raw);
  params.set('command', '/iam-events');
  params.set('text', text);
  params.set('response_url', responseUrl);
  return params.toString();
}

/** The bolt-python block_actions body, as a click on a button with `actionId` and `value`. */
export function blockActionsBody(actionId: string, value: string, responseUrl: string): string {
  const payload = JSON.parse(
    readFileSync(join(CORPUS_DIR, 'slack/bolt-python/block_actions__test_block_actions__body_L161.json'), 'utf8'),
  ) as Record<string, any>;
  payload.response_url = responseUrl;
  payload.actions = [{ ...payload.actions[0], action_id: actionId, block_id: 'history.more.1', value }];
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
