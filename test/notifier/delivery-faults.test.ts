import { DeadlineError, EventInProgressError, SlackConfigError, SlackDeliveryError } from '../../app/notifier/errors';
import { type NotifyOutcome, processNotifierInput } from '../../app/notifier/notify';
import {
  burstWorkload,
  createUserEvent,
  installSlackLedger,
  type SlackLedger,
  snsDelivery,
  stopLoggingEvent,
} from '../../bench/burst-workload';
import { mockStateTable, type TableModel } from '../state/dynamodb-table-model';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { container } from './containers';

/**
 * Fault injection against the local Slack fake, with the real @slack/web-api client and the
 * DynamoDB state table modelled behind aws-sdk-client-mock. Each "container" is its own deps
 * object (own clients) sharing the one table. The question each test answers: is every event in
 * Slack exactly once?
 */

let slack: FakeSlack;
let ledger: SlackLedger;
let table: TableModel;

beforeEach(async () => {
  slack = await startFakeSlack();
  ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
  table = mockStateTable('iam-alerts-state');
});
afterEach(async () => {
  table.restore();
  await slack.close();
});

/** Runs deliveries the way Lambda does: a failed invocation is retried, up to `attempts` times. */
async function deliverWithRetries(
  delivery: unknown,
  makeContainer: () => ReturnType<typeof container>,
  attempts = 20,
): Promise<NotifyOutcome[]> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await processNotifierInput(delivery, makeContainer(), { deadline: Date.now() + 10_000 });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw lastError;
}

function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('notifier delivery under faults', () => {
  it('posts one alert when five containers receive the same event at once, and redeliveries stay silent', async () => {
    const delivery = snsDelivery(stopLoggingEvent('dup-critical-1'));

    const first = await Promise.allSettled(Array.from({ length: 5 }, () => processNotifierInput(delivery, container(slack.apiUrl))));
    const later = await processNotifierInput(delivery, container(slack.apiUrl));

    expect(ledger.deliveries(['dup-critical-1']).get('dup-critical-1')).toBe(1);
    const failures = first.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    // The losers of the race either saw the claim in progress (and fail, to be retried) or saw it done.
    for (const failure of failures) expect(failure).toBeInstanceOf(EventInProgressError);
    expect(later).toEqual([expect.objectContaining({ status: 'duplicate', eventId: 'dup-critical-1', channel: 'C0ALERTS' })]);
  });

  it('delivers a reordered, duplicated burst through a 429 storm: none lost, none doubled, one parent per actor', async () => {
    ledger = installSlackLedger(slack, { intervalMs: 40, retryAfterSeconds: 0 });
    const work = burstWorkload(48, { actors: 3, criticalEvery: 12, prefix: 'storm' });
    const deliveries = shuffled([...work.deliveries, ...work.deliveries.slice(0, 12)]);

    const results = await Promise.allSettled(deliveries.map((d) => deliverWithRetries(d, () => container(slack.apiUrl))));

    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    expect(ledger.rateLimited).toBeGreaterThan(0);
    expect([...ledger.deliveries(work.eventIds).values()].every((n) => n === 1)).toBe(true);
    expect(ledger.topLevel()).toHaveLength(work.actors.length + work.criticalIds.length);
    const critical = ledger.topLevel().filter((m) => m.json.includes('StopLogging'));
    expect(critical).toHaveLength(work.criticalIds.length);
  });

  it('rides out 500s and timeouts with the client retries, posting once', async () => {
    slack.script('chat.postMessage', { kind: 'http', status: 500 }, { kind: 'hang', ms: 600 }, { kind: 'http', status: 503 });

    const outcomes = await processNotifierInput(snsDelivery(stopLoggingEvent('flaky-1')), container(slack.apiUrl, { timeoutMs: 150 }));

    expect(outcomes).toEqual([expect.objectContaining({ status: 'posted', eventId: 'flaky-1' })]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(4);
    expect(ledger.deliveries(['flaky-1']).get('flaky-1')).toBe(1);
  });

  it('fails the invocation when Slack stays down, and the retry posts the event exactly once', async () => {
    slack.script('chat.postMessage', ...Array.from({ length: 4 }, () => ({ kind: 'http' as const, status: 500 })));
    const delivery = snsDelivery(createUserEvent('outage-1', 'terraform', 'u1'));

    await expect(processNotifierInput(delivery, container(slack.apiUrl))).rejects.toBeInstanceOf(SlackDeliveryError);
    const retry = await processNotifierInput(delivery, container(slack.apiUrl));
    const redelivery = await processNotifierInput(delivery, container(slack.apiUrl));

    expect(retry).toEqual([expect.objectContaining({ status: 'posted', eventId: 'outage-1' })]);
    expect(redelivery).toEqual([expect.objectContaining({ status: 'duplicate' })]);
    expect(ledger.deliveries(['outage-1']).get('outage-1')).toBe(1);
  });

  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    'on %s fails loudly, counts SlackConfigError, and posts after the fix',
    async (error) => {
      slack.script('chat.postMessage', { kind: 'error', error });
      const deps = container(slack.apiUrl);
      const delivery = snsDelivery(stopLoggingEvent(`config-${error}`));

      const failure = await processNotifierInput(delivery, deps).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(SlackConfigError);
      expect((failure as SlackConfigError).slackError).toBe(error);
      const emf = deps.metrics.serializeMetrics();
      expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
        Namespace: 'IamAlerts',
        Dimensions: [['service']],
        Metrics: [{ Name: 'SlackConfigError', Unit: 'Count' }],
      });
      expect(emf).toMatchObject({ service: 'iam-alerts-notifier', SlackConfigError: 1 });
      // Once the operator has fixed the channel, the retry (or the DLQ redrive) posts it, once.
      await processNotifierInput(delivery, container(slack.apiUrl));
      expect(ledger.deliveries([`config-${error}`]).get(`config-${error}`)).toBe(1);
    },
  );

  it('fails instead of waiting past the deadline on a long Retry-After, and the retry posts once', async () => {
    slack.script('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 30 });
    const delivery = snsDelivery(stopLoggingEvent('deadline-1'));
    const started = Date.now();

    await expect(processNotifierInput(delivery, container(slack.apiUrl), { deadline: Date.now() + 2_000 })).rejects.toBeInstanceOf(
      DeadlineError,
    );
    expect(Date.now() - started).toBeLessThan(1_500);
    // The failed claim was released, so the retry need not wait for its lease to run out.
    const retry = await processNotifierInput(delivery, container(slack.apiUrl), { deadline: Date.now() + 10_000 });

    expect(retry).toEqual([expect.objectContaining({ status: 'posted' })]);
    expect(ledger.deliveries(['deadline-1']).get('deadline-1')).toBe(1);
  });

  it('waits out a short Retry-After within the deadline', async () => {
    slack.script('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const started = Date.now();

    const outcomes = await processNotifierInput(snsDelivery(stopLoggingEvent('wait-1')), container(slack.apiUrl), {
      deadline: Date.now() + 5_000,
    });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'posted' })]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails a grouped event still waiting for its parent at the deadline; its retry lands it in the thread once', async () => {
    // The parent's post hangs past the member's deadline (Slack slow), then succeeds on the client's retry.
    slack.script('chat.postMessage', { kind: 'hang', ms: 400 });
    const parent = processNotifierInput(
      snsDelivery(createUserEvent('slow-parent', 'ci', 'u1')),
      container(slack.apiUrl, { timeoutMs: 250 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const member = snsDelivery(createUserEvent('late-member', 'ci', 'u2'));

    await expect(processNotifierInput(member, container(slack.apiUrl), { deadline: Date.now() + 150 })).rejects.toBeInstanceOf(
      DeadlineError,
    );
    await parent;
    const retry = await deliverWithRetries(member, () => container(slack.apiUrl));

    expect(retry).toEqual([expect.objectContaining({ status: 'grouped', eventId: 'late-member' })]);
    expect(ledger.deliveries(['slow-parent', 'late-member'])).toEqual(
      new Map([
        ['slow-parent', 1],
        ['late-member', 1],
      ]),
    );
    expect(ledger.topLevel()).toHaveLength(1);
  });

  it('turns poison input into one fallback alert, however often it is redelivered', async () => {
    const poison = { Records: [{ EventSource: 'aws:sns', Sns: { Message: '{"not": "cloudtrail"' } }] };

    const first = await processNotifierInput(poison, container(slack.apiUrl));
    const again = await processNotifierInput(poison, container(slack.apiUrl));

    expect(first).toEqual([expect.objectContaining({ status: 'rejected' })]);
    expect(again).toEqual([expect.objectContaining({ status: 'duplicate' })]);
    expect(ledger.topLevel()).toHaveLength(1);
    expect(ledger.topLevel()[0]?.json).toContain('Unrecognised event');
  });

  it('delivers the other items of a batch when one fails, and the retry adds only the failed one', async () => {
    const batch = [stopLoggingEvent('batch-1'), stopLoggingEvent('batch-2'), stopLoggingEvent('batch-3')];
    slack.script('chat.postMessage', { kind: 'ok' }, { kind: 'error', error: 'not_in_channel' });

    await expect(processNotifierInput(batch, container(slack.apiUrl))).rejects.toBeInstanceOf(SlackConfigError);
    const retry = await processNotifierInput(batch, container(slack.apiUrl));

    expect(retry.map((o) => o.status)).toEqual(['duplicate', 'posted', 'duplicate']);
  });
});
