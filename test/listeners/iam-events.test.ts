import { AccessDeniedException, CloudTrailClient, LookupEventsCommand, ThrottlingException } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS } from '../../blocks/ids';
import { fakeEventHistory, iamEvents } from '../history/support/event-history';
import { historyHarness, SIGNING_SECRET } from '../history/support/slack-harness';
import { signedLambdaEvent, slashCommandBody } from '../history/support/slack-requests';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const cloudtrail = mockClient(CloudTrailClient);

describe('/iam-events', () => {
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

  const responsePath = (name: string) => `/commands/T111/111/${name}`;
  const command = (text: string, name: string) =>
    signedLambdaEvent(slashCommandBody(text, `${slack.baseUrl}${responsePath(name)}`), SIGNING_SECRET);

  it('acks "Searching", then replies ephemerally with the events and a More button', async () => {
    // Prepare: 30 IAM events in the last half hour.
    const history = fakeEventHistory(iamEvents(30, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const harness = historyHarness(slack);

    // Act
    const response = await harness.handler(command('limit:10', 'happy'));
    await harness.settled();

    // Assess: the ack, then one ephemeral reply via response_url.
    expect(response.statusCode).toBe(200);
    const ack = JSON.parse(response.body!);
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    expect(ack.text).toContain('Searching CloudTrail for since:24h limit:10');
    const [reply, ...others] = slack.callsTo(responsePath('happy'));
    expect(others).toEqual([]);
    expect(reply!.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(reply!.body.text).toContain('10 IAM events for since:24h limit:10 (more available)');
    expect(blockKitViolations(reply!.body)).toEqual([]);
    const more = (reply!.body.blocks as any[]).find((b) => b.type === 'actions').elements[0];
    expect(more).toMatchObject({ action_id: ACTION_IDS.historyMore, text: { text: 'More' } });
    expect(more.value.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(reply!.body.blocks)).toContain('*CreateAccessKey*');
  });

  it('acks before any AWS call: the reply to Slack does not wait for CloudTrail', async () => {
    // Prepare: the CloudTrail client cannot even be created until the test opens the gate.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let clientRequested = false;
    const history = fakeEventHistory(iamEvents(5, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const harness = historyHarness(slack, {
      cloudtrail: async (region) => {
        clientRequested = true;
        await gate;
        return new CloudTrailClient({ region });
      },
    });

    // Act: the Lambda handler must return while AWS is unreachable.
    const response = await Promise.race([
      harness.handler(command('', 'gate')),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2500)),
    ]);

    // Assess
    expect(response).not.toBe('timeout');
    expect((response as { statusCode: number }).statusCode).toBe(200);
    expect(JSON.parse((response as { body: string }).body).text).toContain('Searching CloudTrail');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
    expect(slack.callsTo(responsePath('gate'))).toHaveLength(0);

    // The job ran on after the ack and answered once AWS was there.
    openGate();
    await harness.settled();
    expect(clientRequested).toBe(true);
    expect(cloudtrail.commandCalls(LookupEventsCommand).length).toBeGreaterThan(0);
    expect(slack.callsTo(responsePath('gate'))[0]!.body.text).toContain('5 IAM events');
  });

  it('answers help in the ack, without a job', async () => {
    const harness = historyHarness(slack);
    const response = await harness.handler(command('help', 'help'));
    const ack = JSON.parse(response.body!);
    expect(ack.response_type).toBe('ephemeral');
    expect(JSON.stringify(ack.blocks)).toContain('since:<N>m|h|d');
    expect(harness.deferred).toEqual([]);
    expect(blockKitViolations(ack)).toEqual([]);
  });

  it('explains bad syntax specifically, escaped, and calls nothing', async () => {
    const harness = historyHarness(slack);
    const response = await harness.handler(command('since:1y limit:500 <!channel>', 'bad'));
    const ack = JSON.parse(response.body!);
    const text = JSON.stringify(ack.blocks);
    expect(text).toContain("I couldn't read that search");
    expect(text).toContain('`since:1y` is not a duration');
    expect(text).toContain('`limit:500` must be a whole number from 1 to 100');
    expect(text).not.toContain('<!channel>');
    expect(harness.deferred).toEqual([]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('tells the user when CloudTrail refuses the search (AccessDenied)', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized to perform: cloudtrail:LookupEvents', $metadata: {} }));
    const harness = historyHarness(slack);

    await harness.handler(command('user:bob', 'denied'));
    await harness.settled();

    const [reply] = slack.callsTo(responsePath('denied'));
    expect(reply!.body.text).toContain('CloudTrail refused the search in us-east-1 (AccessDeniedException)');
    expect(JSON.stringify(reply!.body.blocks)).toContain('cloudtrail:LookupEvents');
    expect(blockKitViolations(reply!.body)).toEqual([]);
  });

  it('survives throttling: retries, and when it persists says so and offers More', async () => {
    cloudtrail.on(LookupEventsCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const harness = historyHarness(slack);

    const response = await harness.handler(command('event:CreateUser', 'throttled'));
    await harness.settled();

    expect(response.statusCode).toBe(200);
    const [reply] = slack.callsTo(responsePath('throttled'));
    const blocks = JSON.stringify(reply!.body.blocks);
    expect(blocks).toContain('CloudTrail is throttling lookups');
    expect(blocks).toContain(ACTION_IDS.historyMore);
    expect(cloudtrail.commandCalls(LookupEventsCommand).length).toBeGreaterThan(3);
  });

  it('says plainly when nothing matched', async () => {
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory([]).lookup);
    const harness = historyHarness(slack);

    await harness.handler(command('user:nobody since:2h', 'empty'));
    await harness.settled();

    const [reply] = slack.callsTo(responsePath('empty'));
    expect(reply!.body.text).toBe('No IAM events matched user:nobody since:2h limit:20');
    expect(JSON.stringify(reply!.body.blocks)).not.toContain(ACTION_IDS.historyMore);
  });

  it('tells the user when the search cannot be started', async () => {
    const harness = historyHarness(slack, {
      defer: async () => {
        throw new Error('Lambda Invoke refused');
      },
    });

    const response = await harness.handler(command('', 'nodefer'));

    expect(response.statusCode).toBe(200);
    expect(slack.callsTo(responsePath('nodefer'))[0]!.body.text).toContain('The search could not be started');
  });

  it('refuses a request with a bad signature', async () => {
    const harness = historyHarness(slack);
    const event = signedLambdaEvent(slashCommandBody('', `${slack.baseUrl}${responsePath('forged')}`), SIGNING_SECRET, {
      signature: 'v0=invalid',
    });

    const response = await harness.handler(event);

    expect(response.statusCode).toBe(401);
    expect(harness.deferred).toEqual([]);
  });
});
