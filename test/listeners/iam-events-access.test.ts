import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { encodeMoreButton, startHistoryCursor } from '../../app/history/cursor';
import { historyJob } from '../../app/history/history-job';
import { runJob } from '../../app/jobs/registry';
import { ACTION_IDS } from '../../blocks/ids';
import { fakeEventHistory, iamEvents, type StoredEvent } from '../history/support/event-history';
import { historyHarness, SIGNING_SECRET } from '../history/support/slack-harness';
import { blockActionsBody, signedLambdaEvent, slashCommandBody } from '../history/support/slack-requests';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const cloudtrail = mockClient(CloudTrailClient);

/**
 * Who may search with /iam-events, and what an `event:` search may return. The results name
 * actors and source IPs, and a search shows what responders are doing: responders and the viewer
 * group only, and only the services the alert catalog watches. (W111 is the user of the corpus's
 * slash command and block_actions payloads.)
 */
describe('/iam-events access', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    cloudtrail.reset();
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory(iamEvents(5, '2026-11-22T05:59:00Z')).lookup);
    slack.calls.length = 0;
  });

  const command = (text: string, name: string) =>
    signedLambdaEvent(slashCommandBody(text, `${slack.baseUrl}/commands/T111/111/${name}`), SIGNING_SECRET);

  it('refuses a workspace member who is neither a responder nor a viewer: no job, no CloudTrail call', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: 'S0OTHERS' } });

    const response = await harness.handler(command('user:alice', 'outsider'));
    await harness.settled();

    const ack = JSON.parse(response.body!);
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain('You may not search IAM activity');
    expect(JSON.stringify(ack.blocks)).toContain('HISTORY_VIEWER_USERGROUP_ID');
    expect(harness.deferred).toEqual([]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('refuses everyone when neither responders nor a viewer group are configured, and says how to turn it on', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: '' } });

    const response = await harness.handler(command('', 'unconfigured'));

    expect(JSON.stringify(JSON.parse(response.body!).blocks)).toContain('/iam-events is turned off');
    expect(harness.deferred).toEqual([]);
  });

  it('lets a responder search without any viewer group', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: '', RESPONDER_USER_IDS: 'W111' } });

    await harness.handler(command('limit:3', 'responder'));
    await harness.settled();

    expect(slack.callsTo('/commands/T111/111/responder')[0]!.body.text).toContain('3 IAM events');
  });

  it('says who may search in help, to anyone', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: 'S0OTHERS' } });

    const response = await harness.handler(command('help', 'help'));

    expect(JSON.stringify(JSON.parse(response.body!).blocks)).toContain('Who may search');
  });

  it('refuses the More button to someone who may not search', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: 'S0OTHERS' } });
    const query = { sinceMinutes: 60, limit: 5 };
    const value = encodeMoreButton({ query, cursor: startHistoryCursor(query, ['us-east-1'], harness.time.clock()), page: 2 });

    await harness.handler(
      signedLambdaEvent(blockActionsBody(ACTION_IDS.historyMore, value, `${slack.baseUrl}/actions/T111/111/more`), SIGNING_SECRET),
    );
    await harness.settled();

    expect(slack.callsTo('/actions/T111/111/more')[0]!.body.text).toContain('You may not search IAM activity');
    expect(harness.deferred).toEqual([]);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('re-checks the user in the job itself (defence in depth)', async () => {
    const harness = historyHarness(slack, { env: { HISTORY_VIEWER_USERGROUP_ID: 'S0OTHERS' } });
    const query = { sinceMinutes: 60, limit: 5 };

    await runJob(
      {
        kind: historyJob.kind,
        payload: {
          responseUrl: `${slack.baseUrl}/commands/T111/111/job`,
          userId: 'W111',
          query,
          cursor: startHistoryCursor(query, ['us-east-1'], harness.time.clock()),
          page: 1,
        },
      },
      harness.deps,
    );

    expect(slack.callsTo('/commands/T111/111/job')[0]!.body.text).toContain('You may not search IAM activity');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('limits event: to the services the catalog watches, not any service in CloudTrail', async () => {
    const at = '2026-11-22T05:58:00Z';
    const named = (name: string, source: string, id: string): StoredEvent => ({
      id,
      time: at,
      name,
      source,
      record: { eventID: id, eventTime: at, eventName: name, eventSource: source, userIdentity: { type: 'IAMUser', userName: 'mallory' } },
    });
    cloudtrail
      .on(LookupEventsCommand)
      .callsFake(
        fakeEventHistory([
          named('GetObject', 's3.amazonaws.com', 'ev-s3'),
          named('GetCallerIdentity', 'sts.amazonaws.com', 'ev-sts'),
          named('DeleteDetector', 'guardduty.amazonaws.com', 'ev-gd'),
        ]).lookup,
      );
    const harness = historyHarness(slack, { env: { HISTORY_EVENT_SOURCES: 'sts.amazonaws.com,guardduty.amazonaws.com' } });

    for (const [text, name] of [
      ['event:GetObject', 's3'],
      ['event:GetCallerIdentity', 'sts'],
      ['event:DeleteDetector', 'gd'],
    ] as const) {
      await harness.handler(command(text, name));
    }
    await harness.settled();

    expect(slack.callsTo('/commands/T111/111/s3')[0]!.body.text).toContain('No IAM events matched event:GetObject');
    expect(slack.callsTo('/commands/T111/111/sts')[0]!.body.text).toContain('1 IAM event for event:GetCallerIdentity');
    expect(slack.callsTo('/commands/T111/111/gd')[0]!.body.text).toContain('1 IAM event for event:DeleteDetector');
  });
});
