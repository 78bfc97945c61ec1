import { CloudFormationClient, DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { type RedriveSummary, type ReplayPayload, redriveQueue } from '../../app/notifier/redrive';
import { makeNotifierDeps } from '../../handlers/deps';
import { type CliCommand, type CliIo, EXIT, parseCommandArgs, UsageError } from '../command';

const HELP = `Usage: iam-alerts redrive [options]

Replays the notifier's dead-letter queues through the notifier: alerts that failed every retry
(Slack down, a wrong channel or token, a timeout) are posted now. A message leaves its queue only
when its replay succeeded; the notifier's dedupe table keeps events that were already posted from
being posted again.

By default the queues and the notifier function are found in the deployed stack (CloudFormation
DescribeStackResources) and each message is replayed by invoking the notifier Lambda, which has
the Slack secret and the dedupe table. AWS credentials come from the default chain and need
cloudformation:DescribeStackResources, sqs:ReceiveMessage and sqs:DeleteMessage on the queues,
and lambda:InvokeFunction on the notifier (or, with --local, dynamodb:GetItem/PutItem on the table).

Options:
  --stack <name>       the deployed stack (default: IamAlerts)
  --queue-url <url>    a queue to drain instead of the stack's (repeatable)
  --function <name>    the notifier function to invoke instead of the stack's
  --local              replay in this process instead (needs the Slack settings and
                       STATE_TABLE_NAME / IDEMPOTENCY_TABLE_NAME in the environment)
  --max <n>            stop after n messages per queue
  -h, --help           show this help

Examples:
  iam-alerts redrive
  iam-alerts redrive --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/dlq --local

Exit codes: 0 every message replayed, 1 some failed again (they stay queued), 2 wrong usage.
`;

/** Logical ID prefixes of the notifier's dead-letter queues in the stack (infra/stacks). */
const NOTIFIER_DLQ_IDS = ['NotifierAsyncDlq', 'NotifierSubscriptionDlq'];

/** Clients the command uses; tests replace them with mocked ones. */
export interface RedriveClients {
  sqs: SQSClient;
  lambda: LambdaClient;
  cloudformation: CloudFormationClient;
}

/** `iam-alerts redrive`: the dead-letter queues back through the notifier. */
export const redriveCommand: CliCommand = {
  summary: "replay the notifier's dead-letter queues through the notifier",
  help: HELP,
  run: (args, io) => runRedrive(args, io),
};

export async function runRedrive(args: string[], io: CliIo, clients?: Partial<RedriveClients>): Promise<number> {
  const { values } = parseCommandArgs(args, {
    stack: { type: 'string' },
    'queue-url': { type: 'string', multiple: true },
    function: { type: 'string' },
    local: { type: 'boolean' },
    max: { type: 'string' },
  });
  const max = values.max === undefined ? undefined : Number(values.max);
  if (max !== undefined && (!Number.isInteger(max) || max <= 0))
    throw new UsageError(`--max expects a positive whole number, got "${values.max}"`);
  const config = loadConfig(io.env);
  const logger = createLogger('iam-alerts-cli');
  const sqs = clients?.sqs ?? new SQSClient({});

  let queueUrls = values['queue-url'] ?? [];
  let functionName = values.function;
  if (queueUrls.length === 0 || (!functionName && !values.local)) {
    const found = await findStackResources(values.stack ?? 'IamAlerts', clients?.cloudformation ?? new CloudFormationClient({}));
    if (queueUrls.length === 0) queueUrls = found.queueUrls;
    functionName ??= found.functionName;
  }
  if (queueUrls.length === 0) throw new UsageError('no dead-letter queue found: pass --queue-url or --stack');

  let replay: ReplayPayload;
  if (values.local) {
    if (!config.stateTableName && !config.idempotencyTableName) {
      io.stderr.write('Warning: no STATE_TABLE_NAME: events that were already posted may be posted again.\n');
    }
    const deps = await makeNotifierDeps(config, logger);
    replay = async (payload) => {
      await processNotifierInput(payload, deps);
    };
  } else {
    if (!functionName) throw new UsageError('no notifier function found: pass --function, --stack or --local');
    replay = invokeNotifier(clients?.lambda ?? new LambdaClient({}), functionName);
  }

  const summaries: RedriveSummary[] = [];
  for (const queueUrl of queueUrls) {
    io.stderr.write(`Draining ${queueUrl}...\n`);
    summaries.push(await redriveQueue(queueUrl, { sqs, replay, logger }, { max, signal: io.signal }));
  }
  let failed = 0;
  for (const s of summaries) {
    failed += s.failed.length;
    io.stdout.write(`${s.queueUrl}: ${s.received} received, ${s.replayed} replayed, ${s.failed.length} failed again\n`);
    for (const f of s.failed) io.stdout.write(`  ${f.messageId}: ${f.error}\n`);
  }
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

/** Replays by invoking the deployed notifier synchronously: its own secret, table and permissions. */
function invokeNotifier(lambda: LambdaClient, functionName: string): ReplayPayload {
  return async (payload) => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    if (response.FunctionError) {
      const detail = response.Payload ? Buffer.from(response.Payload).toString('utf8').slice(0, 500) : '';
      throw new Error(`the notifier failed (${response.FunctionError}): ${detail}`);
    }
  };
}

async function findStackResources(
  stackName: string,
  cloudformation: CloudFormationClient,
): Promise<{ queueUrls: string[]; functionName?: string }> {
  const { StackResources = [] } = await cloudformation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
  const queueUrls = StackResources.filter(
    (r) => r.ResourceType === 'AWS::SQS::Queue' && NOTIFIER_DLQ_IDS.some((id) => r.LogicalResourceId?.startsWith(id)),
  ).flatMap((r) => (r.PhysicalResourceId ? [r.PhysicalResourceId] : []));
  const functionName = StackResources.find(
    (r) => r.ResourceType === 'AWS::Lambda::Function' && /^Notifier[0-9A-F]{8}$/.test(r.LogicalResourceId ?? ''),
  )?.PhysicalResourceId;
  return { queueUrls, functionName };
}
