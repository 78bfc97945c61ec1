import { Writable } from 'node:stream';
import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { notifierPayloadFromDlqBody } from '../../app/notifier/redrive';
import { createUserEvent, installSlackLedger, type SlackLedger, snsDelivery, stopLoggingEvent } from '../../bench/burst-workload';
import type { CliIo } from '../../cli/command';
import { runRedrive } from '../../cli/commands/redrive';
import { mockStateTable, type TableModel } from '../state/dynamodb-table-model';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/IamAlerts-NotifierAsyncDlq';

/** An SQS queue modelled in the test: receive hides messages, delete removes them. */
function mockQueue(bodies: string[]) {
  const sqs = mockClient(SQSClient);
  const queue = new Map(bodies.map((body, i) => [`m-${i}`, body]));
  const hidden = new Set<string>();
  sqs.on(ReceiveMessageCommand).callsFake(async (input) => {
    const visible = [...queue.entries()].filter(([id]) => !hidden.has(id)).slice(0, input.MaxNumberOfMessages ?? 1);
    for (const [id] of visible) hidden.add(id);
    return { Messages: visible.map(([id, body]) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: body })) };
  });
  sqs.on(DeleteMessageCommand).callsFake(async (input) => {
    queue.delete(String(input.ReceiptHandle).slice(3));
    return {};
  });
  return { sqs, queue };
}

/** The SNS message body of an EventBridge delivery (what a subscription DLQ notification carries). */
function snsMessage(record: Record<string, unknown>): string {
  const records = snsDelivery(record).Records as Array<{ Sns: { Message: string } }>;
  return records[0]?.Sns.Message ?? '';
}

function cliIo(env: NodeJS.ProcessEnv): CliIo & { out: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stdout: { write: (t: string) => sink.write(t) },
    stderr: { write: () => true },
    stdin: process.stdin,
    env,
    cwd: process.cwd(),
    signal: new AbortController().signal,
    out: () => text,
  };
}

describe('notifierPayloadFromDlqBody', () => {
  it('rebuilds the SNS event from a subscription DLQ notification, and passes async DLQ payloads through', () => {
    const event = snsDelivery(stopLoggingEvent('p-1'));
    const notification = { Type: 'Notification', MessageId: 'x', Message: '{"a":1}' };

    expect(notifierPayloadFromDlqBody(JSON.stringify(event))).toEqual(event);
    expect(notifierPayloadFromDlqBody(JSON.stringify(notification))).toEqual({
      Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: notification }],
    });
    expect(notifierPayloadFromDlqBody(JSON.stringify({ requestPayload: event }))).toEqual(event);
    expect(notifierPayloadFromDlqBody('not json')).toBe('not json');
  });
});

describe('iam-alerts redrive', () => {
  let slack: FakeSlack;
  let ledger: SlackLedger;
  let table: TableModel;
  const env = () => ({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_API_URL: slack.apiUrl,
    STATE_TABLE_NAME: 'iam-alerts-state',
    IDEMPOTENCY_TABLE_NAME: 'iam-alerts-state',
  });
  beforeEach(async () => {
    slack = await startFakeSlack();
    ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
    table = mockStateTable('iam-alerts-state');
  });
  afterEach(async () => {
    table.restore();
    await slack.close();
  });

  it('--local replays every dead letter once, skips what was already posted, and empties the queue', async () => {
    const { sqs, queue } = mockQueue([
      JSON.stringify(snsDelivery(stopLoggingEvent('dlq-1'))),
      JSON.stringify(snsDelivery(stopLoggingEvent('dlq-already'))),
      JSON.stringify({
        Type: 'Notification',
        MessageId: 'n',
        Message: snsMessage(createUserEvent('dlq-2', 'ci', 'u')),
      }),
      '{"truncated": ',
    ]);
    // The event of the second message reached Slack before its invocation failed.
    const io0 = cliIo(env());
    table.items.set('event#dlq-already', { id: 'event#dlq-already', version: 1, expiration: 4_000_000_000, data: { status: 'done' } });

    const code = await runRedrive(['--queue-url', QUEUE, '--local'], io0, { sqs: sqs as unknown as SQSClient });

    expect(code).toBe(0);
    expect(queue.size).toBe(0);
    expect(io0.out()).toContain('4 received, 4 replayed, 0 failed again');
    expect(ledger.deliveries(['dlq-1', 'dlq-already']).get('dlq-1')).toBe(1);
    expect(ledger.deliveries(['dlq-already']).get('dlq-already')).toBe(0);
    // Unreadable letters become fallback alerts rather than circling forever.
    expect(ledger.topLevel().filter((m) => m.json.includes('Unrecognised event'))).toHaveLength(1);
    expect(ledger.deliveries(['dlq-2']).get('dlq-2')).toBe(1);
  });

  it('leaves a letter that fails again in the queue and exits 1', async () => {
    slack.respond('chat.postMessage', () => ({ kind: 'error', error: 'channel_not_found' }));
    const { sqs, queue } = mockQueue([JSON.stringify(snsDelivery(stopLoggingEvent('dlq-3')))]);
    const io = cliIo(env());

    const code = await runRedrive(['--queue-url', QUEUE, '--local'], io, { sqs: sqs as unknown as SQSClient });

    expect(code).toBe(1);
    expect(queue.size).toBe(1);
    expect(io.out()).toMatch(/1 failed again[\s\S]*channel_not_found/);
  });

  it('finds the queues and the notifier in the stack and replays through the Lambda by default', async () => {
    const { sqs, queue } = mockQueue([JSON.stringify(snsDelivery(stopLoggingEvent('dlq-4')))]);
    const cloudformation = mockClient(CloudFormationClient);
    cloudformation.on(DescribeStackResourcesCommand, { StackName: 'IamAlerts' }).resolves({
      StackResources: [
        {
          LogicalResourceId: 'NotifierAsyncDlq1A2B3C4D',
          PhysicalResourceId: QUEUE,
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'SlackAsyncDlqAAAA0000',
          PhysicalResourceId: 'https://sqs/other',
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
        {
          LogicalResourceId: 'Notifier5F1C0E6B',
          PhysicalResourceId: 'IamAlerts-Notifier',
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(),
        },
      ],
    });
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: Buffer.from('{"outcomes":[]}') as never });

    const code = await runRedrive([], cliIo(env()), {
      sqs: sqs as unknown as SQSClient,
      cloudformation: cloudformation as unknown as CloudFormationClient,
      lambda: lambda as unknown as LambdaClient,
    });

    expect(code).toBe(0);
    expect(queue.size).toBe(0);
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: 'IamAlerts-Notifier', InvocationType: 'RequestResponse' });
    expect(JSON.parse(Buffer.from(invoke?.Payload as Uint8Array).toString())).toEqual(snsDelivery(stopLoggingEvent('dlq-4')));
    cloudformation.restore();
    lambda.restore();
  });
});
