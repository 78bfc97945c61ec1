import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { ACTION_IDS } from '../../blocks/ids';
import { handler } from '../../handlers/slack';
import { fakeEventHistory, iamEvents } from '../history/support/event-history';
import { slashCommandBody } from '../history/support/slack-requests';
import { functionUrlEvent, type Harness, lambdaContext, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

const cloudtrail = mockClient(CloudTrailClient);

/**
 * Through the real Lambda entry point (`handlers/slack.ts`): signature check, Bolt, the
 * self-invocation, and the job run as Lambda would deliver it. Real pacing, so the data is small.
 */
describe('/iam-events through handlers/slack.ts', () => {
  let h: Harness;
  beforeEach(async () => {
    cloudtrail.reset();
    // W111 (the corpus slash command's user) may search: a responder here.
    h = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER,W111' });
  });
  afterEach(() => h.close());

  it('answers the command and its More button, each page from its own self-invocation', async () => {
    const events = iamEvents(8, new Date(Date.now() - 60_000).toISOString());
    const history = fakeEventHistory(events);
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const commandUrl = `${h.slack.baseUrl}/commands/T111/111/command-token`;

    const ack = await handler(functionUrlEvent(slashCommandBody('limit:5', commandUrl)), lambdaContext);
    expect(ack).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((ack as { body: string }).body).text).toContain('Searching CloudTrail');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
    expect(h.deferredJobs().map((j) => j.iamAlertsJob.kind)).toEqual(['history']);

    await h.runDeferredJobs();
    const [first] = h.slack.callsTo('/commands/T111/111/command-token');
    expect(first!.body.text).toContain('5 IAM events for since:24h limit:5 (more available)');
    expect(blockKitViolations(first!.body)).toEqual([]);
    const more = (first!.body.blocks as any[]).find((b) => b.type === 'actions').elements[0].value as string;

    const click = await h.click({ actionId: ACTION_IDS.historyMore, userId: 'W111', value: more });
    expect(click).toMatchObject({ statusCode: 200 });
    await h.runDeferredJobs();

    const replies = h.ephemeralReplies();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('3 IAM events (page 2) for since:24h limit:5');
    const windows = new Set(history.inputs.map((i) => `${i.StartTime?.getTime()}-${i.EndTime?.getTime()}`));
    expect(windows.size).toBe(1);
  });
});
