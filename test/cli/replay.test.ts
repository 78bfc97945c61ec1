import { AccessDeniedException, CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../cli/main';
import { fakeEventHistory, type StoredEvent } from '../history/support/event-history';
import { loadCloudTrailCorpus } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { recordedIo } from './cli-io';

const cloudtrail = mockClient(CloudTrailClient);

/** The corpus's IAM and sign-in records, as CloudTrail's event history would hold them in the last day. */
function corpusHistory(now: number): StoredEvent[] {
  return (
    loadCloudTrailCorpus()
      .map((r) => r.value)
      .filter((v) => ['iam.amazonaws.com', 'signin.amazonaws.com'].includes(String(v.eventSource)) && typeof v.eventID === 'string')
      // Some corpus records share an eventID (test cases of one rule): give each its own.
      .map((record, i) => ({
        id: `${i}-${String(record.eventID)}`,
        time: new Date(now - (i + 1) * 5 * 60_000).toISOString(),
        name: String(record.eventName),
        source: String(record.eventSource),
        record: {
          ...record,
          eventID: `${i}-${String(record.eventID)}`,
          eventTime: new Date(now - (i + 1) * 5 * 60_000).toISOString().replace('.000Z', 'Z'),
        },
      }))
  );
}

describe('iam-alerts replay', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    cloudtrail.reset();
    slack.calls.length = 0;
  });

  it('--dry-run prints the alerts of the window, with progress, and posts nothing', async () => {
    const io = recordedIo();
    const history = corpusHistory(Date.now());
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory(history, 20).lookup);

    const code = await main(['replay', '--since', '24h', '--dry-run', '--no-link'], io);

    expect(code).toBe(0);
    expect(io.err()).toMatch(/Reading CloudTrail from .* in us-east-1/);
    expect(io.err()).toMatch(/Read \d+ events \(\d+ distinct\) in \d+ LookupEvents calls/);
    expect(io.err()).toContain(`Found ${history.length} events.`);
    expect(io.out()).toContain('■ Critical: Console password changed: alice');
    expect(io.out()).toContain('■ Critical: Root console sign-in');
    expect(io.out()).toMatch(/\d+ events: \d+ alerts, \d+ not in the catalog, 0 unrecognised/);
    expect(slack.calls).toEqual([]);
    // Pacing ran on the fake clock: 2 calls per second.
    expect(io.slept.every((ms) => ms <= 500)).toBe(true);
  });

  it('posts every alert to Slack, oldest first', async () => {
    const io = recordedIo({ env: { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl } });
    const now = Date.now();
    cloudtrail.on(LookupEventsCommand).callsFake(
      fakeEventHistory([
        {
          id: 'new',
          time: new Date(now - 60_000).toISOString(),
          name: 'CreateUser',
          source: 'iam.amazonaws.com',
          record: { requestParameters: { userName: 'bob' } },
        },
        {
          id: 'old',
          time: new Date(now - 3_600_000).toISOString(),
          name: 'CreateUser',
          source: 'iam.amazonaws.com',
          record: { requestParameters: { userName: 'alice' } },
        },
        {
          id: 'skip',
          time: new Date(now - 120_000).toISOString(),
          name: 'ListUsers',
          source: 'iam.amazonaws.com',
          record: { readOnly: true },
        },
      ]).lookup,
    );

    const code = await main(['replay', '--since', '2h'], io);

    expect(code).toBe(0);
    const texts = slack.callsTo('chat.postMessage').map((c) => String(c.body.text));
    expect(texts).toEqual([expect.stringContaining('IAM user created: alice'), expect.stringContaining('IAM user created: bob')]);
    expect(io.out()).toContain('3 events read: 2 alerts posted, 1 not in the catalog.');
  });

  it('needs a Slack token to post, and says so before reading CloudTrail', async () => {
    const io = recordedIo();
    expect(await main(['replay', '--since', '1h'], io)).toBe(1);
    expect(io.err()).toContain('SLACK_BOT_TOKEN');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('names the region and the permission when CloudTrail refuses', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 400 } }));
    const io = recordedIo();
    expect(await main(['replay', '--since', '1h', '--dry-run', '--region', 'eu-west-1'], io)).toBe(1);
    expect(io.err()).toMatch(/eu-west-1/);
  });

  it.each([
    [['replay', '--dry-run'], '--since is required'],
    [['replay', '--since', 'yesterday'], 'expects a duration'],
    [['replay', '--since', '91d'], 'at most 90d'],
    [['replay', '--since', '1h', '--region', 'Mars'], 'region names'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const io = recordedIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(message);
  });
});
