import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { loadConfig } from '../../app/config';
import { createLookupPacer } from '../../app/history/pacer';
import { lookupAttributesForCatalog, lookupWindow } from '../../app/local/lookup-window';
import { createPoller, type PollerDeps } from '../../app/local/poller';
import { fileStateStore } from '../../app/local/state-file';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { makeNotifierDeps } from '../../handlers/deps';
import { fakeEventHistory, type StoredEvent } from '../history/support/event-history';
import { type VirtualTime, virtualTime } from '../history/support/virtual-time';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const cloudtrail = mockClient(CloudTrailClient);
const logger = createLogger('test');

/** An IAM event `minutesAgo` before `now`, that the catalog alerts on (CreateUser of `name`). */
function createUser(id: string, at: number, name = id): StoredEvent {
  return {
    id,
    time: new Date(at).toISOString(),
    name: 'CreateUser',
    source: 'iam.amazonaws.com',
    username: 'admin',
    record: { requestParameters: { userName: name } },
  };
}

describe('local poller', () => {
  let slack: FakeSlack;
  let time: VirtualTime;
  let history: StoredEvent[];
  let calls: Array<{ at: number; region: string; input: LookupEventsCommandInput }>;
  let statePath: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  beforeEach(() => {
    slack.calls.length = 0;
    cloudtrail.reset();
    time = virtualTime('2026-11-22T06:00:00Z');
    history = [];
    calls = [];
    const fake = fakeEventHistory(history);
    cloudtrail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput, getClient) => {
      const region = await (getClient() as CloudTrailClient).config.region();
      calls.push({ at: time.now(), region, input });
      return fake.lookup(input);
    });
    statePath = join(mkdtempSync(join(tmpdir(), 'iam-alerts-poller-')), 'state.json');
  });

  async function makePoller(regions = ['us-east-1'], overrides: Partial<PollerDeps> = {}) {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl });
    const notifierDeps = await makeNotifierDeps(config, logger);
    const pacer = createLookupPacer({ now: time.now, sleep: time.sleep });
    const attributes = lookupAttributesForCatalog(DEFAULT_CATALOG);
    return createPoller(
      {
        fetchWindow: (start, end) =>
          lookupWindow(
            { start, end, regions, attributes },
            { clientFor: async (region) => new CloudTrailClient({ region }), pacer, now: time.now, sleep: time.sleep },
          ),
        notify: (record) => processNotifierInput(record, notifierDeps),
        store: fileStateStore(statePath),
        clock: time.clock,
        sleep: async (ms) => time.sleep(ms),
        logger,
        ...overrides,
      },
      { overlapMs: 15 * 60_000 },
    );
  }

  const postedUsers = () => slack.callsTo('chat.postMessage').map((c) => /IAM user created: (\S+)/.exec(String(c.body.text))?.[1]);

  it('posts each new event once, oldest first, and looks up every catalog source plus root', async () => {
    history.push(createUser('ev-2', time.now() - 2 * 60_000, 'bob'), createUser('ev-1', time.now() - 5 * 60_000, 'alice'));
    const poller = await makePoller();

    const result = await poller.pollOnce();

    expect(result).toEqual(expect.objectContaining({ fetched: 2, posted: 2, duplicates: 0 }));
    expect(postedUsers()).toEqual(['alice', 'bob']);
    const queried = new Set(calls.map((c) => JSON.stringify(c.input.LookupAttributes)));
    expect(queried).toContain(JSON.stringify([{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }]));
    expect(queried).toContain(JSON.stringify([{ AttributeKey: 'EventSource', AttributeValue: 'signin.amazonaws.com' }]));
    expect(queried).toContain(JSON.stringify([{ AttributeKey: 'Username', AttributeValue: 'root' }]));
  });

  it('starts its first window the overlap before now, and each later one the overlap before the last end', async () => {
    const poller = await makePoller();
    const first = await poller.pollOnce();
    expect(first.start.toISOString()).toBe('2026-11-22T05:45:00.000Z');
    time.advance(60_000);
    const second = await poller.pollOnce();
    expect(second.start.getTime()).toBe(first.end.getTime() - 15 * 60_000);
    expect(second.end.getTime()).toBeGreaterThan(first.end.getTime());
  });

  it('does not repost an event an overlapping window returns again', async () => {
    history.push(createUser('ev-1', time.now() - 60_000, 'alice'));
    const poller = await makePoller();
    await poller.pollOnce();
    time.advance(60_000);

    const again = await poller.pollOnce();

    expect(again).toEqual(expect.objectContaining({ fetched: 1, duplicates: 1, posted: 0 }));
    expect(postedUsers()).toEqual(['alice']);
  });

  it('posts an event that reaches LookupEvents late, after its time was already polled', async () => {
    const poller = await makePoller();
    await poller.pollOnce();
    time.advance(60_000);
    // CloudTrail delivers an event from 4 minutes ago only now.
    history.push(createUser('late', time.now() - 4 * 60_000, 'latecomer'));

    const result = await poller.pollOnce();

    expect(result.posted).toBe(1);
    expect(postedUsers()).toEqual(['latecomer']);
  });

  it('after a restart neither reposts nor skips', async () => {
    history.push(createUser('ev-1', time.now() - 3 * 60_000, 'alice'));
    await (await makePoller()).pollOnce();
    // The process stops; while it is down, another event happens; it restarts 5 minutes later.
    time.advance(2 * 60_000);
    history.push(createUser('ev-2', time.now(), 'bob'));
    time.advance(3 * 60_000);

    const restarted = await makePoller();
    const result = await restarted.pollOnce();

    expect(result).toEqual(expect.objectContaining({ duplicates: 1, posted: 1 }));
    expect(postedUsers()).toEqual(['alice', 'bob']);
  });

  it('when Slack fails mid-window, remembers what it posted and posts only the rest next time', async () => {
    history.push(
      createUser('ev-1', time.now() - 3 * 60_000, 'alice'),
      createUser('ev-2', time.now() - 2 * 60_000, 'bob'),
      createUser('ev-3', time.now() - 60_000, 'carol'),
    );
    slack.script('chat.postMessage', { kind: 'ok' }, { kind: 'error', error: 'channel_not_found' });
    const poller = await makePoller();

    await expect(poller.pollOnce()).rejects.toThrow(/channel_not_found/);
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.polledUntil).toBeUndefined();
    expect(saved.seen.map((s: { id: string }) => s.id)).toEqual(['ev-1']);

    time.advance(60_000);
    const retry = await poller.pollOnce();

    expect(retry).toEqual(expect.objectContaining({ duplicates: 1, posted: 2 }));
    // alice once, bob's failed attempt, then bob and carol.
    expect(postedUsers()).toEqual(['alice', 'bob', 'bob', 'carol']);
  });

  it('paces LookupEvents to at most 2 calls per second in each region', async () => {
    // 260 IAM events in the window: six pages from iam.amazonaws.com alone.
    for (let i = 0; i < 260; i++) history.push(createUser(`bulk-${i}`, time.now() - 10 * 60_000 + i * 1000, `user${i}`));
    const poller = await makePoller(['us-east-1', 'eu-west-1']);

    await poller.pollOnce();

    for (const region of ['us-east-1', 'eu-west-1']) {
      const times = calls.filter((c) => c.region === region).map((c) => c.at);
      expect(times.length).toBeGreaterThanOrEqual(12);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    }
    // Every page of one query used the same StartTime and EndTime (NextToken requires it).
    const iamCalls = calls.filter((c) => c.input.LookupAttributes?.[0]?.AttributeValue === 'iam.amazonaws.com');
    expect(new Set(iamCalls.map((c) => `${c.input.StartTime?.toISOString()}/${c.input.EndTime?.toISOString()}`)).size).toBe(1);
    // Both regions return the same fake history: each event is posted once.
    expect(slack.callsTo('chat.postMessage')).toHaveLength(260);
  });

  it('does not mark a window done when stopped while reading it', async () => {
    history.push(createUser('ev-1', time.now() - 60_000, 'alice'));
    const controller = new AbortController();
    const poller = await makePoller(['us-east-1'], {
      fetchWindow: async () => {
        controller.abort();
        return [];
      },
    });

    await poller.pollOnce(controller.signal);

    expect(existsSync(statePath)).toBe(false);
    time.advance(60_000);
    const next = await (await makePoller()).pollOnce();
    expect(next.start.toISOString()).toBe('2026-11-22T05:46:00.000Z');
    expect(postedUsers()).toEqual(['alice']);
  });

  it('writes the state file atomically, leaving no temporary file behind', async () => {
    history.push(createUser('ev-1', time.now() - 60_000));
    await (await makePoller()).pollOnce();
    expect(existsSync(statePath)).toBe(true);
    expect(readdirSync(join(statePath, '..'))).toEqual(['state.json']);
  });

  it('run() polls every interval until stopped, and survives a failed poll', async () => {
    const controller = new AbortController();
    const outcomes: boolean[] = [];
    let polls = 0;
    const poller = await makePoller(['us-east-1'], {
      fetchWindow: async () => {
        polls++;
        if (polls === 2) throw new Error('network down');
        if (polls === 3) controller.abort();
        return [];
      },
    });

    await poller.run(60_000, controller.signal, (report) => outcomes.push(report.ok));

    expect(outcomes).toEqual([true, false, true]);
    expect(time.sleeps.filter((ms) => ms === 60_000)).toHaveLength(3);
  });
});
