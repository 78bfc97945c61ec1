import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_IDS } from '../../blocks/ids';
import { handler } from '../../handlers/slack';
import { FIXTURES_DIR } from '../support/corpus';
import {
  blockActionPayload,
  functionUrlEvent,
  type Harness,
  interactionBody,
  lambdaContext,
  sampleAlert,
  startHarness,
} from './slack-harness';

const SIGNING_VECTORS = join(FIXTURES_DIR, 'slack/signing');

describe('Slack handler: request verification', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const ackClick = () =>
    interactionBody(
      blockActionPayload({
        actionId: ACTION_IDS.acknowledge,
        value: JSON.stringify({ e: 'evt-1', a: '123456789012' }),
        userId: 'U0ANYONE',
        message: sampleAlert(),
        responseUrl: h.responseUrl,
      }),
    );

  it('answers a correctly signed click with 200', async () => {
    const result = await handler(functionUrlEvent(ackClick()), lambdaContext);

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('accepts a base64-encoded Function URL body', async () => {
    const result = await handler(functionUrlEvent(ackClick(), { base64: true }), lambdaContext);

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
  });

  it.each([
    ['a signature made with another secret', { secret: 'not-the-secret' }],
    ['a stale timestamp (10 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 600 }],
    ['a timestamp 10 minutes in the future', { timestamp: Math.floor(Date.now() / 1000) + 600 }],
    ['no signature', { signature: '' }],
    ['a malformed signature', { signature: 'v0=invalid' }],
  ])('rejects %s with 401 and does nothing else', async (_why, options) => {
    const result = await handler(functionUrlEvent(ackClick(), options), lambdaContext);

    expect(result).toEqual({ statusCode: 401, body: '' });
    expect(h.slack.calls).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.lambda.calls()).toEqual([]);
  });

  it('rejects a body changed after signing', async () => {
    const body = ackClick();
    const event = functionUrlEvent(body);
    event.body = body.replace('U0ANYONE', 'U0RESPONDER');

    expect(await handler(event, lambdaContext)).toEqual({ statusCode: 401, body: '' });
    expect(h.slack.calls).toEqual([]);
  });

  it("rejects Slack's published example request signed with another secret, and a stale replay of it", async () => {
    const vector = JSON.parse(readFileSync(join(SIGNING_VECTORS, 'slack-docs-signature-vector.json'), 'utf8'));
    const replay = functionUrlEvent(vector.raw_body, {
      signature: vector.headers['X-Slack-Signature'],
      timestamp: Number(vector.headers['X-Slack-Request-Timestamp']),
    });

    expect(await handler(replay, lambdaContext)).toEqual({ statusCode: 401, body: '' });
    expect(h.slack.calls).toEqual([]);
  });

  it('makes no Slack call on a cold start (no auth.test)', async () => {
    await handler(functionUrlEvent(ackClick()), lambdaContext);

    expect(h.slack.calls.map((c) => c.method)).toEqual(['chat.update']);
    expect(h.slack.callsTo('auth.test')).toEqual([]);
  });

  it('never runs a job that arrives as an HTTP body, even a signed one', async () => {
    const body = JSON.stringify({ iamAlertsJob: { kind: 'disable-user', payload: {} } });
    const result = await handler(functionUrlEvent(body, { contentType: 'application/json' }), lambdaContext);

    // Not a Slack body (no type): refused before Bolt, as one no listener matches would be (404).
    expect(result).toMatchObject({ statusCode: 400 });
    expect(h.iam.calls()).toEqual([]);
    expect(h.slack.calls).toEqual([]);
  });
});
