import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS } from '../../blocks/ids';
import { ALERT_CHANNEL, ALERT_TS, type Harness, sampleAlert, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

type Msg = { text: string; blocks: Array<Record<string, any>> };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));

describe('Acknowledge button', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ RESPONDER_USER_IDS: undefined });
  });
  afterEach(() => h.close());

  it('lets anyone acknowledge: the alert says who and when, loses Acknowledge and keeps Disable User', async () => {
    const alert = sampleAlert();

    const result = await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE', message: alert });

    expect(result).toMatchObject({ statusCode: 200 });
    const [update] = h.slack.callsTo('chat.update');
    const body = update!.body as unknown as Msg & { channel: string; ts: string };
    expect(body).toMatchObject({ channel: ALERT_CHANNEL, ts: ALERT_TS, text: alert.text });
    expect(JSON.stringify(body.blocks)).toMatch(/Acknowledged by <@U0ANYONE> at <!date\^\d+\^/);
    expect(buttons(body)).toEqual([ACTION_IDS.disableUser]);
    // Everything else in the alert is kept as it was.
    expect(body.blocks.slice(0, 3)).toEqual(alert.blocks.slice(0, 3));
    expect(blockKitViolations(body)).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.lambda.calls()).toEqual([]);
  });

  it('changes nothing on a second click and tells the clicker who acknowledged first', async () => {
    await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0FIRST', message: sampleAlert() });
    const acknowledged = h.slack.callsTo('chat.update')[0]!.body as unknown as Msg;
    const ackValue = JSON.stringify({ e: 'b7d1f7a0-0000-4000-8000-000000000001', a: '123456789012' });

    // Slack clients that still show the old message can send another click on it.
    await h.click({
      actionId: ACTION_IDS.acknowledge,
      userId: 'U0SECOND',
      value: ackValue,
      message: { text: acknowledged.text, blocks: acknowledged.blocks },
    });

    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(/^Already acknowledged by <@U0FIRST> at <!date\^\d+\^/)]);
  });

  it('works on an alert without a Disable User button, leaving no empty actions block', async () => {
    const alert = sampleAlert({ disable: [] });

    await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE', message: alert });

    const body = h.slack.callsTo('chat.update')[0]!.body as unknown as Msg;
    expect(body.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blockKitViolations(body)).toEqual([]);
  });

  it('tells the clicker, and changes nothing, when the state table cannot be written', async () => {
    await h.close();
    h = await startHarness({ RESPONDER_USER_IDS: undefined, STATE_TABLE_NAME: 'iam-alerts-state' });
    const dynamodb = mockClient(DynamoDBDocumentClient);
    dynamodb.on(GetCommand).resolves({});
    dynamodb
      .on(PutCommand)
      .rejects(Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' }));
    try {
      const result = await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE', message: sampleAlert() });

      expect(result).toMatchObject({ statusCode: 200 });
      expect(h.slack.callsTo('chat.update')).toEqual([]);
      expect(h.ephemeralReplies()).toEqual([
        expect.stringMatching(/^Could not mark the alert acknowledged: could not write alert#C0ALERTS#/),
      ]);
    } finally {
      dynamodb.restore();
    }
  });

  it('tells the clicker when Slack refuses the update', async () => {
    h.slack.script('chat.update', { kind: 'error', error: 'cant_update_message' });

    const result = await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE', message: sampleAlert() });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining('cant_update_message')]);
  });
});
