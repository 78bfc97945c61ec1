import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { EventInProgressError } from '../../app/notifier/errors';
import { type NotifyOutcome, processNotifierInput } from '../../app/notifier/notify';
import type { NotifierTuning } from '../../app/notifier/run-context';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { StateStoreError, updateWithRetry } from '../../app/state/versioned-store';
import { burstWorkload, installSlackLedger, type SlackLedger, snsDelivery, stopLoggingEvent } from '../../bench/burst-workload';
import { container } from '../notifier/containers';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createStateTable, newWriteRaces, stateClient, stateStore, type WriteRaces } from './support/state-table';

/**
 * Event claims, burst grouping and channel pacing on moto's DynamoDB: the ports of
 * test/notifier/{delivery-faults,burst-grouping}.test.ts and test/state/dynamodb-store.test.ts
 * from the modelled table to the real DynamoDB API. Every "container" has its own real
 * DynamoDBClient and its own Slack client (the real @slack/web-api against the local fake); what
 * they share is the table, and its conditional writes decide every race.
 */

const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb);
let tableCount = 0;
let tableName: string;
let slack: FakeSlack;
let ledger: SlackLedger;
let races: WriteRaces;

beforeEach(async () => {
  // A table per test: bursts are keyed by actor and time window, which tests would otherwise share.
  tableName = `notifier-state-test-${++tableCount}`;
  await createStateTable(tableName, dynamodb);
  races = newWriteRaces();
  slack = await startFakeSlack();
  ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
});
afterEach(() => slack.close());

/** One Lambda container: its own clients, the test's table on moto. */
function motoContainer(tuning: Partial<NotifierTuning> = {}, channelId = 'C0ALERTS') {
  return {
    ...container(slack.apiUrl, { store: stateStore(tableName, races), tuning }),
    config: { slack: { channelId, channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
  };
}

/**
 * Delivers the way Lambda does: a failed invocation (a redelivery finding its event claimed by the
 * one in flight) is retried, here after 250 ms rather than Lambda's minute.
 */
async function deliverWithRetries(delivery: unknown, tuning: Partial<NotifierTuning> = {}, attempts = 80): Promise<NotifyOutcome[]> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await processNotifierInput(delivery, motoContainer(tuning), { deadline: Date.now() + 30_000 });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw lastError;
}

/** Waits for every delivery (none is left running after the test), then fails on the first that failed. */
async function settleAll<T>(work: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function shuffled<T>(items: readonly T[], seed = 11): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('notifier state on moto DynamoDB', () => {
  it('posts an event once when six containers claim it at the same moment, and a redelivery is a duplicate', async () => {
    const delivery = snsDelivery(stopLoggingEvent('moto-race-1'));

    const first = await Promise.allSettled(Array.from({ length: 6 }, () => processNotifierInput(delivery, motoContainer())));
    const later = await processNotifierInput(delivery, motoContainer());

    expect(ledger.deliveries(['moto-race-1']).get('moto-race-1')).toBe(1);
    const posted = first.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])).filter((o) => o.status === 'posted');
    expect(posted).toHaveLength(1);
    // The losers found the claim taken (DynamoDB refused their conditional put, they re-read it) and
    // fail, to be retried; a straggler may find it already done.
    for (const result of first) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(EventInProgressError);
      else expect(result.value.map((o) => o.status)).toEqual([expect.stringMatching(/^(posted|duplicate)$/)]);
    }
    expect(races.conditionalFailures).toBeGreaterThan(0);
    expect(later).toEqual([expect.objectContaining({ status: 'duplicate', eventId: 'moto-race-1', channel: 'C0ALERTS' })]);
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'event#moto-race-1' } } }));
    expect(Item?.data?.M?.status).toEqual({ S: 'done' });
    expect(Item?.data?.M?.ts).toEqual({ S: ledger.accepted[0]?.ts });
  });

  it('groups a shuffled, partly redelivered burst by one actor under one parent: none lost, none doubled', async () => {
    // Moto takes tens of milliseconds for each write of the burst item (DynamoDB a few), and every
    // member appending itself races all the others on it: a dozen events keep this test quick. The
    // window is one no run straddles (with 300 s, a run crossing a boundary rightly opens a second parent).
    const tuning = { pollMs: 150, lingerMs: 150, burstWindowSeconds: 1_000_000_000 };
    const work = burstWorkload(12, { actors: 1, criticalEvery: 6, prefix: 'moto-burst' });
    const deliveries = shuffled([...work.deliveries, ...work.deliveries.slice(0, 3)]);

    const outcomes = (await settleAll(deliveries.map((d) => deliverWithRetries(d, tuning)))).flat();

    expect([...ledger.deliveries(work.eventIds).values()]).toEqual(work.eventIds.map(() => 1));
    const top = ledger.topLevel();
    expect(top).toHaveLength(1 + work.criticalIds.length);
    const parent = top.find((m) => m.json.includes('CreateUser'));
    const replies = ledger.accepted.filter((m) => m.threadTs);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.threadTs === parent?.ts)).toBe(true);
    const count = (status: string) => outcomes.filter((o) => o.status === status).length;
    expect({ posted: count('posted'), grouped: count('grouped'), duplicate: count('duplicate') }).toEqual({
      posted: 1 + work.criticalIds.length,
      grouped: 9,
      duplicate: 3,
    });
    const lastUpdate = slack.callsTo('chat.update').at(-1)?.body as { ts: string; blocks: unknown };
    expect(lastUpdate.ts).toBe(parent?.ts);
    expect(JSON.stringify(lastUpdate.blocks)).toContain('9 more events');
    // The burst as DynamoDB holds it: every member counted, posted, nothing left pending, no lease held.
    const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
    const bursts = Items.filter((item) => String(item.id).startsWith('burst#'));
    expect(bursts).toHaveLength(1);
    expect(bursts[0]?.data).toMatchObject({ total: 10, posted: 9, pending: [], parent: { ts: parent?.ts } });
    expect(bursts[0]?.data.leaseOwner).toBeUndefined();
  });

  it('spaces the posts of concurrent containers to one channel by reserving slots with conditional writes', async () => {
    const intervalMs = 250;
    // Slack's side: refuse (429) a post that comes less than 100 ms after the previous one.
    ledger = installSlackLedger(slack, { intervalMs: 100, retryAfterSeconds: 1 });
    const ids = Array.from({ length: 6 }, (_, i) => `moto-pace-${i}`);
    const started = Date.now();

    const outcomes = await settleAll(
      ids.map((id) => processNotifierInput(snsDelivery(stopLoggingEvent(id)), motoContainer({ postIntervalMs: intervalMs }, 'C0PACING'))),
    );

    expect(outcomes.flat().map((o) => o.status)).toEqual(ids.map(() => 'posted'));
    expect([...ledger.deliveries(ids).values()]).toEqual(ids.map(() => 1));
    expect(ledger.rateLimited).toBe(0);
    const times = slack
      .callsTo('chat.postMessage')
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect((times.at(-1) as number) - started).toBeGreaterThanOrEqual((ids.length - 1) * intervalMs - 50);
    // The containers wanted the same slot; DynamoDB refused the stale conditional puts, sending them to later ones.
    expect(races.conditionalFailures).toBeGreaterThan(0);
    const pace = await new DynamoDbStore(dynamodb, tableName).get<{ next: number }>('pace#C0PACING', Date.now() / 1000);
    expect(pace.version).toBeGreaterThanOrEqual(ids.length);
    expect(pace.value?.next).toBeGreaterThanOrEqual(started + ids.length * intervalMs);
  });
});

describe('DynamoDbStore on moto DynamoDB', () => {
  const NOW = Math.floor(Date.now() / 1000);
  let store: DynamoDbStore;
  beforeEach(() => {
    store = new DynamoDbStore(new DynamoDBClient({}), tableName);
  });

  it('creates a key only when it does not exist yet (ConditionalCheckFailed on the second put)', async () => {
    expect(await store.put('k', { n: 1 }, 0, NOW + 60)).toBe(true);
    expect(await store.put('k', { n: 2 }, 0, NOW + 60)).toBe(false);
    expect(await store.get('k', NOW)).toEqual({ value: { n: 1 }, version: 1 });
  });

  it('rejects a write against a stale version', async () => {
    await store.put('k', { n: 1 }, 0, NOW + 60);
    expect(await store.put('k', { n: 2 }, 1, NOW + 60)).toBe(true);
    expect(await store.put('k', { n: 3 }, 1, NOW + 60)).toBe(false);
    expect(await store.put('k', { n: 3 }, 7, NOW + 60)).toBe(false);
    expect(await store.get('k', NOW)).toEqual({ value: { n: 2 }, version: 2 });
  });

  it('reads an expired item as absent, though TTL has not deleted it yet, and writes against its version', async () => {
    await store.put('k', { n: 1 }, 0, NOW - 1);

    const read = await store.get('k', NOW);

    expect(read).toEqual({ value: undefined, version: 1 });
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'k' } }, ConsistentRead: true }));
    expect(Item?.data).toBeDefined();
    expect(await store.put('k', { n: 2 }, read.version, NOW + 60)).toBe(true);
    expect(await store.get('k', NOW)).toEqual({ value: { n: 2 }, version: 2 });
  });

  it('stores the TTL attribute `expiration` as a Number of epoch seconds, the type TTL acts on', async () => {
    await store.put('event#ttl', { status: 'done' }, 0, NOW + 60.5);

    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'event#ttl' } } }));

    expect(Item).toEqual({
      id: { S: 'event#ttl' },
      version: { N: '1' },
      expiration: { N: String(NOW + 61) },
      data: { M: { status: { S: 'done' } } },
    });
  });

  it('loses no increment when 10 writers with their own clients race on one key', async () => {
    await settleAll(
      Array.from({ length: 10 }, () =>
        updateWithRetry<{ n: number }, void>(
          new DynamoDbStore(stateClient(races), tableName),
          'counter',
          { nowSeconds: () => NOW, expiresAtSeconds: NOW + 60 },
          (current) => ({ next: { n: (current?.n ?? 0) + 1 }, result: undefined }),
        ),
      ),
    );

    expect(await store.get('counter', NOW)).toEqual({ value: { n: 10 }, version: 10 });
    expect(races.conditionalFailures).toBeGreaterThan(0);
  });

  it('fails with StateStoreError, keeping DynamoDB ResourceNotFoundException as the cause, when the table is missing', async () => {
    const missing = new DynamoDbStore(new DynamoDBClient({}), 'notifier-state-test-no-such-table');

    const readError = await missing.get('k', NOW).catch((error: unknown) => error);
    const writeError = await missing.put('k', { n: 1 }, 0, NOW + 60).catch((error: unknown) => error);

    for (const error of [readError, writeError]) {
      expect(error).toBeInstanceOf(StateStoreError);
      expect(((error as Error).cause as Error).name).toBe('ResourceNotFoundException');
    }
    expect((writeError as Error).message).toBe('could not write k to notifier-state-test-no-such-table');
  });
});
