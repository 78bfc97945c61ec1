import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeMoreButton, startHistoryCursor } from '../../app/history/cursor';
import { ACTION_IDS } from '../../blocks/ids';
import { fakeEventHistory, iamEvents } from '../history/support/event-history';
import { historyHarness, SIGNING_SECRET } from '../history/support/slack-harness';
import { blockActionsBody, signedLambdaEvent, slashCommandBody } from '../history/support/slack-requests';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const cloudtrail = mockClient(CloudTrailClient);

describe('the More button of /iam-events', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    cloudtrail.reset();
    slack.calls.length = 0;
  });

  const moreValueOf = (body: Record<string, unknown>): string | undefined =>
    (body.blocks as any[]).find((b) => b.type === 'actions')?.elements.find((e: any) => e.action_id === ACTION_IDS.historyMore)?.value;
  const click = (value: string, name: string) =>
    signedLambdaEvent(blockActionsBody(ACTION_IDS.historyMore, value, `${slack.baseUrl}/actions/T111/111/${name}`), SIGNING_SECRET);

  it('continues the same query page by page, with the window fixed when the command ran', async () => {
    // Prepare: 130 events (87 IAM, 43 sign-in); pages of 50, so IAM needs a second LookupEvents page.
    const events = iamEvents(130, '2026-11-22T05:59:00Z');
    const history = fakeEventHistory(events);
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const harness = historyHarness(slack);
    await harness.handler(signedLambdaEvent(slashCommandBody('limit:50', `${slack.baseUrl}/commands/T111/111/first`), SIGNING_SECRET));
    await harness.settled();
    const first = slack.callsTo('/commands/T111/111/first')[0]!.body;

    // Act: click More twice, minutes apart.
    harness.time.advance(5 * 60_000);
    const ack = await harness.handler(click(moreValueOf(first)!, 'second'));
    await harness.settled();
    const second = slack.callsTo('/actions/T111/111/second')[0]!.body;
    harness.time.advance(5 * 60_000);
    await harness.handler(click(moreValueOf(second)!, 'third'));
    await harness.settled();
    const third = slack.callsTo('/actions/T111/111/third')[0]!.body;

    // Assess: an empty ack, each page a new ephemeral message with the next 10, in order.
    expect(ack.statusCode).toBe(200);
    expect(ack.body ?? '').toBe('');
    expect(second).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(second.text).toContain('50 IAM events (page 2)');
    expect(third.text).toContain('30 IAM events (page 3)');
    const ids = (body: Record<string, unknown>) =>
      events.filter((e) => JSON.stringify(body.blocks).includes(new Date(e.time).toISOString().replace('.000Z', 'Z'))).map((e) => e.id);
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(events.map((e) => e.id));
    expect(moreValueOf(third)).toBeUndefined();
    for (const body of [first, second, third]) expect(blockKitViolations(body)).toEqual([]);
    // Every LookupEvents call of the three pages used the window fixed by the command.
    const windows = new Set(history.inputs.map((i) => `${i.StartTime?.toISOString()}..${i.EndTime?.toISOString()}`));
    expect(windows).toEqual(new Set(['2026-11-21T06:00:00.000Z..2026-11-22T06:00:00.000Z']));
    expect(history.inputs.filter((i) => i.NextToken).length).toBeGreaterThan(0);
  });

  it('refuses a button value it did not write, and says so', async () => {
    const harness = historyHarness(slack);

    const response = await harness.handler(click('{"v":1,"q":"<!channel>"}', 'tampered'));
    await harness.settled();

    expect(response.statusCode).toBe(200);
    const [reply] = slack.callsTo('/actions/T111/111/tampered');
    expect(reply!.body.text).toContain('This More button cannot be continued');
    expect(harness.deferred).toEqual([]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('refuses to search a region that HISTORY_REGIONS does not list', async () => {
    const harness = historyHarness(slack, { regions: 'us-east-1' });
    const query = { sinceMinutes: 60, limit: 20 };
    const value = encodeMoreButton({ query, cursor: startHistoryCursor(query, ['ap-southeast-2'], new Date()), page: 2 });

    await harness.handler(click(value, 'foreign'));
    await harness.settled();

    expect(slack.callsTo('/actions/T111/111/foreign')[0]!.body.text).toContain('cannot be continued');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('says so when CloudTrail no longer accepts the page token', async () => {
    const history = fakeEventHistory(iamEvents(120, '2026-11-22T05:59:00Z').map((e) => ({ ...e, name: 'CreateUser' })));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const harness = historyHarness(slack);
    const query = { event: 'CreateUser', sinceMinutes: 1440, limit: 20 };
    const cursor = startHistoryCursor(query, ['us-east-1'], harness.time.clock());
    // A token minted for other parameters: CloudTrail answers InvalidNextTokenException.
    const stale = { ...cursor, streams: cursor.streams.map((s) => ({ ...s, token: Buffer.from('0000|50').toString('base64url') })) };

    await harness.handler(click(encodeMoreButton({ query, cursor: stale, page: 2 }), 'stale'));
    await harness.settled();

    const [reply] = slack.callsTo('/actions/T111/111/stale');
    expect(reply!.body.text).toContain('This search can no longer be continued');
    expect(reply!.body.text).toContain('/iam-events event:CreateUser since:24h limit:20');
  });
});
