import { AccessDeniedException, CloudTrailClient, LookupEventsCommand, ThrottlingException } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { startHistoryCursor } from '../../app/history/cursor';
import { HistoryLookupError } from '../../app/history/errors';
import { matchesQuery } from '../../app/history/history-event';
import { defaultThrottleBackoff, type LookupIamHistoryOptions, lookupIamHistory } from '../../app/history/lookup';
import { createLookupPacer } from '../../app/history/pacer';
import { type HistoryQuery, parseHistoryCommand } from '../../app/history/query';
import { fakeEventHistory, iamEvents, type StoredEvent } from './support/event-history';
import { type VirtualTime, virtualTime } from './support/virtual-time';

const cloudtrail = mockClient(CloudTrailClient);

function query(text: string): HistoryQuery {
  const parsed = parseHistoryCommand(text);
  if (parsed.kind !== 'query') throw new Error(`bad test query: ${text}`);
  return parsed.query;
}

function options(time: VirtualTime, overrides: Partial<LookupIamHistoryOptions> = {}): LookupIamHistoryOptions {
  return {
    clientFor: async (region) => new CloudTrailClient({ region }),
    limit: 20,
    pacer: createLookupPacer({ now: time.now, sleep: time.sleep }),
    budgetMs: 20_000,
    now: time.now,
    sleep: time.sleep,
    ...overrides,
  };
}

const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

describe('defaultThrottleBackoff', () => {
  it('doubles from 0.5 s to at most 8 s, jittered between half and all of that', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => defaultThrottleBackoff(n, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect([1, 5].map((n) => defaultThrottleBackoff(n, () => 0))).toEqual([250, 4000]);
  });
});

describe('lookupIamHistory', () => {
  let time: VirtualTime;
  beforeEach(() => {
    cloudtrail.reset();
    time = virtualTime('2026-11-22T06:00:00Z');
  });

  it('pages with NextToken, keeping StartTime and EndTime identical on every call, and merges IAM and sign-in events by time', async () => {
    // Prepare: 150 events in the last 150 minutes; 100 from IAM, 50 from sign-in.
    const history = fakeEventHistory(iamEvents(150, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const q = query('limit:100');
    const cursor = startHistoryCursor(q, ['us-east-1'], time.clock());

    // Act
    const first = await lookupIamHistory(cursor, options(time, { limit: 100, filter: (e) => matchesQuery(e, q) }));

    // Assess: newest first, no gaps, and every call used the same window.
    expect(first.stop).toBe('limit');
    expect(first.events.map((e) => e.id)).toEqual(iamEvents(100, '2026-11-22T05:59:00Z').map((e) => e.id));
    const withToken = history.inputs.filter((i) => i.NextToken);
    expect(withToken.length).toBeGreaterThan(0);
    for (const input of history.inputs) {
      expect(input.StartTime).toEqual(new Date(cursor.startTime * 1000));
      expect(input.EndTime).toEqual(new Date(cursor.endTime * 1000));
      expect(input.MaxResults).toBe(50);
    }
    expect(new Set(history.inputs.map((i) => i.LookupAttributes?.[0]?.AttributeValue))).toEqual(
      new Set(['iam.amazonaws.com', 'signin.amazonaws.com']),
    );

    // Act again, later: More continues the same query from the cursor.
    time.advance(10 * 60_000);
    const second = await lookupIamHistory(first.cursor!, options(time, { limit: 100, filter: (e) => matchesQuery(e, q) }));
    expect(second.stop).toBe('exhausted');
    expect(second.cursor).toBeUndefined();
    expect(second.events.map((e) => e.id)).toEqual(
      iamEvents(150, '2026-11-22T05:59:00Z')
        .slice(100)
        .map((e) => e.id),
    );
    // The fake refuses a NextToken with changed parameters, so success proves the window was kept.
    for (const input of history.inputs) expect(input.EndTime).toEqual(new Date(cursor.endTime * 1000));
  });

  it('retries ThrottlingException with backoff and then returns everything', async () => {
    const history = fakeEventHistory(iamEvents(30, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).rejectsOnce(throttled()).callsFake(history.lookup);
    const q = query('limit:100');

    const result = await lookupIamHistory(
      startHistoryCursor(q, ['us-east-1'], time.clock()),
      options(time, { limit: 100, filter: (e) => matchesQuery(e, q), backoffMs: (n) => defaultThrottleBackoff(n, () => 1) }),
    );

    expect(result.events).toHaveLength(30);
    expect(result.stop).toBe('exhausted');
    expect(result.throttled).toBe(3);
    expect(time.sleeps).toEqual(expect.arrayContaining([500, 1000, 2000]));
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(5);
  });

  it('never crashes when throttling outlasts the budget: it stops, keeps what it found and can continue', async () => {
    const events = iamEvents(120, '2026-11-22T05:59:00Z').map((e) => ({ ...e, source: 'iam.amazonaws.com', name: 'CreateUser' }));
    const history = fakeEventHistory(events);
    // The first page arrives, then CloudTrail throttles every call.
    cloudtrail.on(LookupEventsCommand).callsFakeOnce(history.lookup).rejects(throttled());
    const q = query('event:CreateUser limit:100');
    const cursor = startHistoryCursor(q, ['us-east-1'], time.clock());

    const result = await lookupIamHistory(cursor, options(time, { limit: 100, budgetMs: 10_000, filter: (e) => matchesQuery(e, q) }));

    expect(result.stop).toBe('throttled');
    expect(result.events).toHaveLength(50);
    const [stream] = result.cursor!.streams;
    // It stopped before reading page 2: resuming starts at page 2's token, nothing skipped.
    expect(stream).toMatchObject({ key: 'EventName', value: 'CreateUser', skip: 0, done: false, token: expect.any(String) });
    expect(time.sleeps.filter((ms) => ms >= 500).length).toBeGreaterThan(2);

    // Later, CloudTrail has calmed down: More picks up exactly where it stopped.
    cloudtrail.reset();
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const more = await lookupIamHistory(result.cursor!, options(time, { limit: 100, filter: (e) => matchesQuery(e, q) }));
    expect([...result.events, ...more.events].map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('paces calls to 2 per second per region, without making regions wait for each other', async () => {
    const callTimes: Array<{ region: string; at: number }> = [];
    const events = iamEvents(300, '2026-11-22T05:59:00Z').map((e) => ({ ...e, source: 'iam.amazonaws.com' }));
    const history = fakeEventHistory(events, 10);
    cloudtrail.on(LookupEventsCommand).callsFake(async (input, getClient) => {
      const region = await (getClient() as CloudTrailClient).config.region();
      callTimes.push({ region, at: time.now() });
      return history.lookup(input);
    });
    const q = query('limit:100');

    await lookupIamHistory(
      startHistoryCursor(q, ['us-east-1', 'eu-west-1'], time.clock()),
      options(time, { limit: 100, filter: (e) => matchesQuery(e, q) }),
    );

    for (const region of ['us-east-1', 'eu-west-1']) {
      const times = callTimes.filter((c) => c.region === region).map((c) => c.at);
      expect(times.length).toBeGreaterThan(5);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(500);
    }
    // Within one second of virtual time, both regions were called: they have separate limits.
    const firstSecond = callTimes.filter((c) => c.at < callTimes[0]!.at + 1000);
    expect(new Set(firstSecond.map((c) => c.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
  });

  it('stops at the time budget with a cursor, even when CloudTrail answers', async () => {
    const events = iamEvents(1000, '2026-11-22T05:59:00Z').map((e) => ({ ...e, name: 'ListUsers', source: 'iam.amazonaws.com' }));
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory(events).lookup);
    // Every IAM event is read, none matches the IP: only the budget can stop it.
    const q = query('ip:192.0.2.1 since:90d');

    const result = await lookupIamHistory(
      startHistoryCursor(q, ['us-east-1'], time.clock()),
      options(time, { budgetMs: 2_000, filter: (e) => matchesQuery(e, q) }),
    );

    expect(result.stop).toBe('budget');
    expect(result.events).toEqual([]);
    expect(result.cursor).toBeDefined();
  });

  it('resumes inside a page: re-reads it with the same token and skips what was shown', async () => {
    const history = fakeEventHistory(iamEvents(40, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const q = query('limit:7');
    const cursor = startHistoryCursor(q, ['us-east-1'], time.clock());
    const seen: string[] = [];
    let next: typeof cursor | undefined = cursor;
    let pages = 0;
    while (next && pages < 20) {
      const page = await lookupIamHistory(next, options(time, { limit: 7, filter: (e) => matchesQuery(e, q) }));
      seen.push(...page.events.map((e) => e.id));
      next = page.cursor;
      pages++;
    }
    expect(seen).toEqual(iamEvents(40, '2026-11-22T05:59:00Z').map((e) => e.id));
    expect(pages).toBe(6);
  });

  it('finds a user as caller and as the user acted on, once each, with Username and ResourceName lookups', async () => {
    const events: StoredEvent[] = [
      { id: 'a', time: '2026-11-22T05:00:00Z', name: 'CreateAccessKey', source: 'iam.amazonaws.com', username: 'bob' },
      {
        id: 'b',
        time: '2026-11-22T04:00:00Z',
        name: 'CreateUser',
        source: 'iam.amazonaws.com',
        username: 'admin',
        resources: [{ type: 'AWS::IAM::User', name: 'bob' }],
        record: { requestParameters: { userName: 'bob' } },
      },
      // Both lookups return this one: bob acting on himself.
      {
        id: 'c',
        time: '2026-11-22T03:00:00Z',
        name: 'ChangePassword',
        source: 'iam.amazonaws.com',
        username: 'bob',
        resources: [{ type: 'AWS::IAM::User', name: 'bob' }],
      },
      { id: 'd', time: '2026-11-22T02:00:00Z', name: 'GetObject', source: 's3.amazonaws.com', username: 'bob' },
      { id: 'e', time: '2026-11-22T01:00:00Z', name: 'CreateUser', source: 'iam.amazonaws.com', username: 'admin' },
    ];
    const history = fakeEventHistory(events);
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const q = query('user:bob');

    const result = await lookupIamHistory(
      startHistoryCursor(q, ['us-east-1'], time.clock()),
      options(time, { filter: (e) => matchesQuery(e, q) }),
    );

    expect(result.events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(history.inputs.map((i) => i.LookupAttributes?.[0])).toEqual([
      { AttributeKey: 'Username', AttributeValue: 'bob' },
      { AttributeKey: 'ResourceName', AttributeValue: 'bob' },
    ]);
  });

  it('uses EventName for event: and filters ip: in code', async () => {
    const events: StoredEvent[] = [
      {
        id: 'x',
        time: '2026-11-22T05:00:00Z',
        name: 'ConsoleLogin',
        source: 'signin.amazonaws.com',
        record: { sourceIPAddress: '203.0.113.7' },
      },
      { id: 'y', time: '2026-11-22T04:00:00Z', name: 'ConsoleLogin', source: 'signin.amazonaws.com' },
    ];
    const history = fakeEventHistory(events);
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    const q = query('event:ConsoleLogin ip:203.0.113.7');

    const result = await lookupIamHistory(
      startHistoryCursor(q, ['us-east-1'], time.clock()),
      options(time, { filter: (e) => matchesQuery(e, q) }),
    );

    expect(result.events.map((e) => e.id)).toEqual(['x']);
    expect(history.inputs).toHaveLength(1);
    expect(history.inputs[0]!.LookupAttributes).toEqual([{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }]);
  });

  it('turns AccessDenied into a HistoryLookupError naming the region, without retrying', async () => {
    cloudtrail
      .on(LookupEventsCommand)
      .rejects(new AccessDeniedException({ message: 'User is not authorized to perform: cloudtrail:LookupEvents', $metadata: {} }));

    const attempt = lookupIamHistory(startHistoryCursor(query(''), ['eu-west-1'], time.clock()), options(time));

    await expect(attempt).rejects.toBeInstanceOf(HistoryLookupError);
    await expect(attempt).rejects.toMatchObject({ kind: 'access-denied', region: 'eu-west-1', code: 'AccessDeniedException' });
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });
});
