import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { recordAcknowledgement } from '../../app/alerts/alert-state';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { createSlackClient } from '../../app/slack/web-client';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { runTriageSchedule, type ScheduleDeps } from '../../app/triage/run-schedule';
import { readTriage } from '../../app/triage/triage-state';
import { makeSchedulerDeps, schedulerDepsOver } from '../../handlers/triage-deps';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { notifierDeps, postAtClock, ROOT_SIGN_IN, sample, type TestClock, testClock } from '../triage/support/triage-fixtures';
import { createStateTable, newWriteRaces, stateClient, type WriteRaces } from './support/state-table';

/**
 * The triage scheduler (issue 14) over the real DynamoDB API (moto): the notifier leaves a critical
 * alert's triage and its due entries in a table shaped like the stack's, and the scheduler, built by
 * its composition root with the bot token from Secrets Manager, escalates it from there, minute by
 * minute on a clock the test moves. Every "container" has its own real DynamoDB client; what they
 * share is the table. What the scheduler reads and writes is recorded, to hold it to the keys its
 * IAM policy allows (`dynamodb:LeadingKeys`: GetItem on `alert#`/`triage#`, PutItem on `triage#`).
 */

const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb);
const secrets = new SecretsManagerClient({});
const logger = createLogger('iam-alerts-scheduler');
let tableCount = 0;
let tableName: string;
let slack: FakeSlack;
let clock: TestClock;
let races: WriteRaces;
/** Keys of the scheduler's table calls, by operation. */
let schedulerCalls: { get: string[]; put: string[] };

beforeEach(async () => {
  tableName = `triage-schedule-test-${++tableCount}`;
  await createStateTable(tableName, dynamodb);
  slack = await startFakeSlack();
  clock = testClock();
  postAtClock(slack, clock);
  races = newWriteRaces();
  schedulerCalls = { get: [], put: [] };
});
afterEach(() => slack.close());

/** The scheduler's store: a client of its own (a Lambda container), each call's key recorded. */
function schedulerStore(): DynamoDbStore {
  const client = stateClient(races);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { id?: { S?: string } | string }; Item?: { id?: { S?: string } | string } };
      const id = input.Key?.id ?? input.Item?.id;
      const key = typeof id === 'string' ? id : (id?.S ?? '?');
      if (/^Get(Item)?Command$/.test(context.commandName ?? '')) schedulerCalls.get.push(key);
      else if (/^Put(Item)?Command$/.test(context.commandName ?? '')) schedulerCalls.put.push(key);
      else throw new Error(`the scheduler called ${context.commandName}, which its role may not`);
      return next(args);
    },
    { step: 'initialize', name: 'recordSchedulerKeys' },
  );
  return new DynamoDbStore(client, tableName);
}

function schedulerDeps(): ScheduleDeps {
  const config = loadConfig({ SLACK_CHANNEL_ID: 'C0ALERTS', RESPONDER_USERGROUP_ID: 'S0RESPONDERS', SLACK_API_URL: slack.apiUrl });
  const client = createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0, timeoutMs: 2_000 });
  return { ...schedulerDepsOver(config, logger, schedulerStore(), client), now: clock.now };
}

async function postRootSignIn(): Promise<{ channel: string; ts: string }> {
  const store = new DynamoDbStore(stateClient(races), tableName);
  const [outcome] = await processNotifierInput(sample(ROOT_SIGN_IN), notifierDeps(slack.apiUrl, store, clock));
  return { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts };
}

/** Runs the schedule once a minute for `minutes`, each run in a new container, as EventBridge Scheduler would. */
async function runFor(minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    clock.advanceMinutes(1);
    await runTriageSchedule(schedulerDeps());
  }
}

const escalations = (alert: { ts: string }) =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.body.thread_ts === alert.ts && JSON.stringify(c.body.blocks).includes('Nobody has acknowledged'));

describe('the triage scheduler on DynamoDB', () => {
  it('reads the bot token from Secrets Manager and the schedule from the table, and escalates at 15 minutes', async () => {
    const { ARN } = await secrets.send(
      new CreateSecretCommand({
        Name: `triage-schedule-test/slack-${tableCount}`,
        SecretString: '{"SLACK_BOT_TOKEN":"xoxb-from-secrets"}',
      }),
    );
    const config = loadConfig({
      SLACK_SECRET_ARN: ARN,
      STATE_TABLE_NAME: tableName,
      SLACK_CHANNEL_ID: 'C0ALERTS',
      RESPONDER_USERGROUP_ID: 'S0RESPONDERS',
      SLACK_API_URL: slack.apiUrl,
    });
    const deps = await makeSchedulerDeps(config, logger);
    const alert = await postRootSignIn();

    clock.advanceMinutes(14);
    expect((await runTriageSchedule({ ...deps, now: clock.now })).escalated).toBe(0);
    clock.advanceMinutes(1);
    expect((await runTriageSchedule({ ...deps, now: clock.now })).escalated).toBe(1);

    const [escalation] = escalations(alert);
    expect(escalation!.headers.authorization).toBe('Bearer xoxb-from-secrets');
    expect(JSON.stringify(escalation!.body.blocks)).toContain('<!subteam^S0RESPONDERS> Nobody has acknowledged this *critical* alert');
  });

  it('escalates twice at most, each run in a new container, and touches only the keys its role may', async () => {
    const alert = await postRootSignIn();

    await runFor(120);

    expect(escalations(alert)).toHaveLength(2);
    expect(schedulerCalls.get.length).toBeGreaterThan(120);
    expect(schedulerCalls.get.filter((k) => !/^(alert|triage)#/.test(k))).toEqual([]);
    expect(schedulerCalls.put.length).toBeGreaterThan(0);
    expect(schedulerCalls.put.filter((k) => !k.startsWith('triage#'))).toEqual([]);
  });

  it('stops the moment the alert is acknowledged, and says why in the triage item', async () => {
    const alert = await postRootSignIn();
    await runFor(15);
    expect(escalations(alert)).toHaveLength(1);

    const slackSide = {
      store: new DynamoDbStore(stateClient(races), tableName),
      slack: createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0 }),
      clock: () => new Date(clock.now()),
      logger,
    };
    await recordAcknowledgement(
      slackSide,
      alert,
      { text: 'alert', blocks: [] },
      { userId: 'U0ACK', epochSeconds: clock.now() / 1000, iso: '' },
    );
    await runFor(60);

    expect(escalations(alert)).toHaveLength(1);
    const triage = await readTriage({ store: new DynamoDbStore(dynamodb, tableName), logger, now: clock.now }, alert);
    expect(triage?.escalation).toEqual({ count: 1, stopped: 'acknowledged' });
  });

  it('catches up after being down, from the cursor in the table, and posts once when three runs overlap', async () => {
    const alert = await postRootSignIn();
    await runFor(5);

    // Down for 40 minutes; then EventBridge Scheduler delivers the same minute to three containers.
    clock.advanceMinutes(40);
    const reports = await Promise.all([
      runTriageSchedule(schedulerDeps()),
      runTriageSchedule(schedulerDeps()),
      runTriageSchedule(schedulerDeps()),
    ]);

    expect(escalations(alert)).toHaveLength(1);
    expect(reports.reduce((n, r) => n + r.escalated, 0)).toBe(1);
    expect(races.conditionalFailures).toBeGreaterThan(0);
    // The cursor item says how far the schedule got: the minute of the catch-up run.
    const { Items } = await documents.send(new ScanCommand({ TableName: tableName }));
    const cursor = Items!.find((i) => i.id === 'triage#cursor');
    expect(cursor?.data).toEqual({ minute: Math.floor(clock.now() / 60_000) });
  });
});
