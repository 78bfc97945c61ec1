import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseNotifierInput } from '../../app/events/parse-input';
import { createLogger } from '../../app/logger';
import { type NotifyOutcome, processNotifierInput } from '../../app/notifier/notify';
import { redriveQueue } from '../../app/notifier/redrive';
import { createUserEvent, installSlackLedger, type SlackLedger, snsDelivery, stopLoggingEvent } from '../../bench/burst-workload';
import { runRedrive } from '../../cli/commands/redrive';
import { recordedIo } from '../cli/cli-io';
import { container } from '../notifier/containers';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createStateTable, stateStore } from './support/state-table';

/**
 * `redrive` against dead-letter queues on moto's SQS, with the real SQS client: messages are
 * hidden by ReceiveMessage for their visibility timeout, come back when it ends, and leave only
 * through DeleteMessage, as in SQS. The two kinds of dead letter are made the way AWS makes them:
 * Lambda's asynchronous-invocation DLQ holds the invocation payload (the SNS event) with the error
 * in message attributes, and the subscription DLQ holds the SNS notification, here written into the
 * queue by moto's SNS itself.
 */

const sqs = new SQSClient({});
const sns = new SNSClient({});
const logger = createLogger('iam-alerts-cli');
const STATE_TABLE = 'redrive-test-state';
let queueCount = 0;
let slack: FakeSlack;
let ledger: SlackLedger;

beforeAll(() => createStateTable(STATE_TABLE));
beforeEach(async () => {
  slack = await startFakeSlack();
  ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
});
afterEach(() => slack.close());

/** A dead-letter queue of its own for each test (moto is shared by the whole run). */
async function createDlq(): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `redrive-test-dlq-${++queueCount}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

/** What Lambda's asynchronous-invocation DLQ receives when the notifier failed an event every time. */
async function sendAsyncDeadLetter(queueUrl: string, record: Record<string, unknown>): Promise<string> {
  const { MessageId } = await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(snsDelivery(record)),
      MessageAttributes: {
        RequestID: { DataType: 'String', StringValue: `req-${String(record.eventID)}` },
        ErrorCode: { DataType: 'Number', StringValue: '200' },
        ErrorMessage: { DataType: 'String', StringValue: 'SlackConfigError: channel_not_found' },
      },
    }),
  );
  return MessageId as string;
}

/** What the subscription DLQ receives when SNS cannot deliver to the notifier: SNS's notification. */
async function sendSubscriptionDeadLetter(queueArn: string, record: Record<string, unknown>): Promise<void> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `redrive-test-alerts-${queueCount}` }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
  const records = snsDelivery(record).Records as Array<{ Sns: { Message: string } }>;
  await sns.send(new PublishCommand({ TopicArn, Message: records[0]?.Sns.Message }));
}

async function queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
}

/** The bodies of the queue's messages, read without hiding them (visibility timeout 0). */
async function peek(queueUrl: string): Promise<Array<Record<string, unknown>>> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
  );
  return Messages.map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
}

/** The event IDs in a notifier payload, as the notifier reads them. */
const eventIdsOf = (payload: unknown) => parseNotifierInput(payload).map((item) => (item.ok ? item.eventId : `unreadable: ${item.reason}`));

describe('redrive on moto SQS', () => {
  it('deletes each dead letter once it is replayed, and the one that fails again stays in the queue', async () => {
    const dlq = await createDlq();
    await sendAsyncDeadLetter(dlq.url, stopLoggingEvent('rd-async-1'));
    await sendSubscriptionDeadLetter(dlq.arn, createUserEvent('rd-sub-1', 'ci', 'u1'));
    const failingId = await sendAsyncDeadLetter(dlq.url, stopLoggingEvent('rd-fails-1'));
    const letters = await peek(dlq.url);
    expect(letters.filter((body) => body.Type === 'Notification' && typeof body.TopicArn === 'string')).toHaveLength(1);
    expect(letters.filter((body) => Array.isArray(body.Records))).toHaveLength(2);
    const replayed: string[] = [];

    const summary = await redriveQueue(
      dlq.url,
      {
        sqs,
        logger,
        replay: async (payload) => {
          const ids = eventIdsOf(payload);
          if (ids.includes('rd-fails-1')) throw new Error('Slack is still down');
          replayed.push(...ids);
        },
      },
      { visibilityTimeoutSeconds: 1 },
    );

    expect(summary).toMatchObject({ queueUrl: dlq.url, received: 3, replayed: 2 });
    expect(summary.failed).toEqual([{ messageId: failingId, error: 'Error: Slack is still down' }]);
    // Both shapes became notifier input that reads as the original event.
    expect(replayed.sort()).toEqual(['rd-async-1', 'rd-sub-1']);
    const depth = await queueDepth(dlq.url);
    expect(depth.visible + depth.inFlight).toBe(1);
    // Once its visibility timeout has passed, the failed letter is back, and only it.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        VisibilityTimeout: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages.map((m) => m.MessageId)).toEqual([failingId]);
    expect(eventIdsOf(JSON.parse(Messages[0]?.Body ?? '{}'))).toEqual(['rd-fails-1']);
    expect(Number(Messages[0]?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(2);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const retry = await redriveQueue(dlq.url, { sqs, logger, replay: async () => undefined }, { visibilityTimeoutSeconds: 1 });

    expect(retry).toMatchObject({ received: 1, replayed: 1, failed: [] });
    expect(await queueDepth(dlq.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('posts each event once through the notifier, even when a letter is redriven twice', async () => {
    const dlq = await createDlq();
    // The critical event is in the queue twice (both DLQs caught it); the other one's first redrive
    // posts it but dies before DeleteMessage, so it is redriven again.
    await sendAsyncDeadLetter(dlq.url, stopLoggingEvent('rd-twice-critical'));
    await sendSubscriptionDeadLetter(dlq.arn, stopLoggingEvent('rd-twice-critical'));
    await sendAsyncDeadLetter(dlq.url, createUserEvent('rd-twice-user', 'ci', 'u2'));
    const outcomes: NotifyOutcome[] = [];
    const notifier =
      (options: { interruptAfter?: string } = {}) =>
      async (payload: unknown) => {
        outcomes.push(...(await processNotifierInput(payload, container(slack.apiUrl, { store: stateStore(STATE_TABLE) }))));
        if (options.interruptAfter && eventIdsOf(payload).includes(options.interruptAfter)) {
          throw new Error('redrive lost its connection before DeleteMessage');
        }
      };

    const first = await redriveQueue(
      dlq.url,
      { sqs, logger, replay: notifier({ interruptAfter: 'rd-twice-user' }) },
      { visibilityTimeoutSeconds: 1 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await redriveQueue(dlq.url, { sqs, logger, replay: notifier() }, { visibilityTimeoutSeconds: 1 });

    expect(first).toMatchObject({ received: 3, replayed: 2 });
    expect(first.failed).toHaveLength(1);
    expect(second).toMatchObject({ received: 1, replayed: 1, failed: [] });
    expect(ledger.deliveries(['rd-twice-critical', 'rd-twice-user'])).toEqual(
      new Map([
        ['rd-twice-critical', 1],
        ['rd-twice-user', 1],
      ]),
    );
    expect(outcomes.map((o) => `${o.status} ${'eventId' in o ? o.eventId : ''}`).sort()).toEqual([
      'duplicate rd-twice-critical',
      'duplicate rd-twice-user',
      'posted rd-twice-critical',
      'posted rd-twice-user',
    ]);
    expect(await queueDepth(dlq.url)).toEqual({ visible: 0, inFlight: 0 });
  });
});

describe('iam-alerts redrive --local on moto', () => {
  const env = () => ({
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_API_URL: slack.apiUrl,
    STATE_TABLE_NAME: STATE_TABLE,
  });

  it('drains a queue with the clients from the environment, skipping the event already posted', async () => {
    const dlq = await createDlq();
    await processNotifierInput(snsDelivery(stopLoggingEvent('rd-cli-posted')), container(slack.apiUrl, { store: stateStore(STATE_TABLE) }));
    await sendAsyncDeadLetter(dlq.url, stopLoggingEvent('rd-cli-posted'));
    await sendSubscriptionDeadLetter(dlq.arn, stopLoggingEvent('rd-cli-new'));
    const io = recordedIo({ env: env() });

    const code = await runRedrive(['--queue-url', dlq.url, '--local'], io);

    expect(io.out()).toBe(`${dlq.url}: 2 received, 2 replayed, 0 failed again\n`);
    expect(code).toBe(0);
    expect(ledger.deliveries(['rd-cli-posted', 'rd-cli-new'])).toEqual(
      new Map([
        ['rd-cli-posted', 1],
        ['rd-cli-new', 1],
      ]),
    );
    // Both posts are the StopLogging alert itself, not an "Unrecognised event" quoting the letter.
    expect(ledger.topLevel().map((m) => m.json.includes('StopLogging') && !m.json.includes('Unrecognised event'))).toEqual([true, true]);
    expect(await queueDepth(dlq.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('exits 1 and leaves the letter queued when the notifier fails it again', async () => {
    slack.respond('chat.postMessage', () => ({ kind: 'error', error: 'channel_not_found' }));
    const dlq = await createDlq();
    const messageId = await sendAsyncDeadLetter(dlq.url, stopLoggingEvent('rd-cli-fails'));
    const io = recordedIo({ env: env() });

    const code = await runRedrive(['--queue-url', dlq.url, '--local'], io);

    expect(code).toBe(1);
    expect(io.out()).toContain(`${dlq.url}: 1 received, 0 replayed, 1 failed again\n  ${messageId}: SlackConfigError:`);
    expect(await queueDepth(dlq.url)).toEqual({ visible: 0, inFlight: 1 });
  });
});
