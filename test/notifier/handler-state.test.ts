import { createUserEvent, snsDelivery, stopLoggingEvent } from '../../bench/burst-workload';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { mockStateTable, type TableModel } from '../state/dynamodb-table-model';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/** The deployed shape: the handler finds its table by env, takes its deadline from the Lambda context. */
describe('notifier handler with the state table', () => {
  let slack: FakeSlack;
  let table: TableModel;
  const savedEnv = { ...process.env };
  const lambdaContext = (remainingMs: number) => ({ awsRequestId: 'req-1', getRemainingTimeInMillis: () => remainingMs });

  beforeEach(async () => {
    slack = await startFakeSlack();
    table = mockStateTable('iam-alerts-state');
    Object.assign(process.env, {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_CHANNEL_ID: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      IDEMPOTENCY_TABLE_NAME: 'iam-alerts-state',
      STATE_TABLE_NAME: 'iam-alerts-state',
    });
    resetNotifierForTests();
  });
  afterEach(async () => {
    process.env = { ...savedEnv };
    resetNotifierForTests();
    table.restore();
    await slack.close();
  });

  it('posts an event once across redeliveries, recording it in the table with a TTL', async () => {
    const delivery = snsDelivery(createUserEvent('h-1', 'ci', 'u1'));

    const first = await handler(delivery, lambdaContext(30_000));
    const second = await handler(delivery, lambdaContext(30_000));

    expect(first.outcomes).toEqual([expect.objectContaining({ status: 'posted', eventId: 'h-1' })]);
    expect(second.outcomes).toEqual([expect.objectContaining({ status: 'duplicate', eventId: 'h-1' })]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    const record = table.items.get('event#h-1');
    expect(record).toMatchObject({ data: { status: 'done', channel: 'C0ALERTS' } });
    expect(record?.expiration).toBeGreaterThan(Date.now() / 1000 + 86_400);
  });

  it('fails at once rather than start work it has no time for (less than the 3 s safety margin left)', async () => {
    await expect(handler(snsDelivery(stopLoggingEvent('h-2')), lambdaContext(2_000))).rejects.toThrow(/deadline|no time left|posting slot/);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('publishes SlackConfigError to CloudWatch (EMF on stdout) when the channel is wrong', async () => {
    slack.script('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await expect(handler(snsDelivery(stopLoggingEvent('h-3')), lambdaContext(30_000))).rejects.toThrow(/channel_not_found/);
    } finally {
      spy.mockRestore();
    }
    const emf = lines.map((l) => JSON.parse(l)).find((l) => l._aws);
    expect(emf).toMatchObject({ service: 'iam-alerts-notifier', SlackConfigError: 1 });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('IamAlerts');
  });
});
