import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListAttachedUserPoliciesCommand } from '@aws-sdk/client-iam';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountAccess } from '../../app/accounts/account-access';
import { createAccountDirectory } from '../../app/accounts/account-directory';
import { ALERT_STATE_TTL_SECONDS, alertStateKey, publishAlertState, recordAcknowledgement } from '../../app/alerts/alert-state';
import { loadConfig } from '../../app/config';
import { type DisableUserJob, disableUserJob } from '../../app/containment/disable-user-job';
import { createHistoryCloudTrailClient } from '../../app/history/cloudtrail-client';
import { createLogger } from '../../app/logger';
import { postToResponseUrl } from '../../app/slack/response-url';
import { createSlackClient } from '../../app/slack/web-client';
import type { SlackAppDeps } from '../../app/slack-deps';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { ACTION_IDS } from '../../blocks/ids';
import { renderAlert } from '../../blocks/render-alert';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createLoadedUser } from './support/iam-users';
import { createStateTable, newWriteRaces, stateClient, type WriteRaces } from './support/state-table';

/**
 * The Acknowledge race (issue 11, item 6) on moto's DynamoDB, in a table shaped like the stack's
 * (partition key `id`, TTL on `expiration`): an Acknowledge and the two Disable User jobs of one
 * alert, each in its own "container" with its own real DynamoDB client, record their part at the
 * same moment. DynamoDB's conditional writes (moto's here) decide who wins; the losers read again
 * and retry. The Disable jobs run for real against moto's IAM. What counts is the message Slack
 * (the local fake) holds at the end, and the item in the table.
 */

const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb);
const iam = new IAMClient({});
const CHANNEL = 'C0ALERTS';
const EVENT = 'b7d1f7a0-0000-4000-8000-00000000a1e7';
let tableCount = 0;
let tableName: string;
let slack: FakeSlack;
let races: WriteRaces;

beforeEach(async () => {
  tableName = `alert-state-test-${++tableCount}`;
  await createStateTable(tableName, dynamodb);
  races = newWriteRaces();
  slack = await startFakeSlack();
});
afterEach(() => slack.close());

/**
 * A barrier on the first `parties` reads of one item: each read completes, then waits for the
 * others, so every writer reads the same version and all but one lose their conditional write.
 */
function readBarrier(itemKey: string, parties: number) {
  let left = parties;
  const waiting: Array<() => void> = [];
  return (client: DynamoDBClient): DynamoDBClient => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: { id?: string | { S?: string } } }).Key?.id;
        const id = typeof key === 'string' ? key : key?.S;
        const result = await next(args);
        if (/^Get(Item)?Command$/.test(context.commandName ?? '') && id === itemKey && left > 0) {
          left--;
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (left === 0) for (const release of waiting.splice(0)) release();
          });
        }
        return result;
      },
      { step: 'initialize', name: 'readBarrier' },
    );
    return client;
  };
}

/** One Slack Lambda container: its own DynamoDB client on the test's table, IAM and CloudTrail on moto. */
function container(wrap: (client: DynamoDBClient) => DynamoDBClient): SlackAppDeps {
  const config = loadConfig({ SLACK_API_URL: slack.apiUrl, RESPONDER_USER_IDS: 'U0RESPONDER,U0SECOND', AWS_REGION: 'us-east-1' });
  const home = { iam: async () => iam, cloudtrail: (region: string) => createHistoryCloudTrailClient(region) };
  return {
    config,
    logger: createLogger('test'),
    slack: createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0 }),
    ...home,
    accounts: createAccountAccess({ settings: config.accounts, home, directory: createAccountDirectory({ aliases: {} }) }),
    store: new DynamoDbStore(wrap(stateClient(races)), tableName),
    defer: () => Promise.reject(new Error('no job is deferred here')),
    respond: (url, message) => postToResponseUrl(url, message),
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/**
 * One IAM user made another an access key: the alert offers both, as Slack sends it back in a
 * click. (Rendered here, not with the Slack harness's sampleAlert: that module mocks IAMClient.)
 */
function twoUserAlert(ts: string, target: string, actor: string) {
  const alert = renderAlert({
    severity: 'critical',
    title: 'Access key created',
    subject: target,
    eventName: 'CreateAccessKey',
    eventSource: 'iam.amazonaws.com',
    eventId: EVENT,
    outcome: { kind: 'success' },
    actor: { typeLabel: 'IAM user', name: actor },
    target: { kind: 'user', name: target },
    parameters: [],
    reasons: [`made for another user (${target}) by ${actor}`],
    accountId: '123456789012',
    region: 'us-east-1',
    sourceIp: '198.51.100.7',
    disable: [
      { role: 'target', value: { u: target, a: '123456789012', e: EVENT } },
      { role: 'actor', value: { u: actor, a: '123456789012', e: EVENT } },
    ],
  });
  return { channel: CHANNEL, ts, text: alert.text, blocks: JSON.parse(JSON.stringify(alert.blocks)) as ReceivedBlock[] };
}

const disableJob = (alert: ReturnType<typeof twoUserAlert>, user: string, clicker: string): DisableUserJob => ({
  target: { u: user, a: '123456789012', e: EVENT },
  actorUserId: clicker,
  responseUrl: `${slack.baseUrl}/actions/T111/1/${clicker}`,
  alert,
});

type Msg = { text: string; blocks: Array<Record<string, any>> };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));
const statusLines = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'context' && /^alert\.(ack|state)/.test(b.block_id)).map((b) => b.elements[0].text as string);

describe('alert state on moto DynamoDB', () => {
  it('an Acknowledge and both Disable User jobs of one alert, racing on the item, all show on the alert', async () => {
    const [target, actor] = [`alert-race-mallory-${tableCount}`, `alert-race-alice-${tableCount}`];
    await createLoadedUser(iam, target);
    await createLoadedUser(iam, actor);
    const alert = twoUserAlert('1714557600.000100', target, actor);
    const ref = { channel: CHANNEL, ts: alert.ts };
    const barrier = readBarrier(alertStateKey(ref), 3);
    const now = new Date();

    const outcomes = await Promise.all([
      (async () => {
        const deps = container(barrier);
        const first = await recordAcknowledgement(deps, ref, alert, {
          userId: 'U0ANYONE',
          epochSeconds: Math.floor(now.getTime() / 1000),
          iso: now.toISOString(),
        });
        await publishAlertState(deps, ref);
        return first;
      })(),
      disableUserJob.run(disableJob(alert, target, 'U0RESPONDER'), container(barrier)),
      disableUserJob.run(disableJob(alert, actor, 'U0SECOND'), container(barrier)),
    ]);

    // Three writers read version 0; DynamoDB let one create the item and refused the others.
    expect(races.conditionalFailures).toBeGreaterThanOrEqual(2);
    expect(outcomes[0]).toBeUndefined();
    const message = slack.heldMessage(CHANNEL, alert.ts) as Msg;
    const [acknowledged, ...users] = statusLines(message);
    expect(acknowledged).toContain('Acknowledged by <@U0ANYONE>');
    // Moto does not implement ListServiceSpecificCredentials: that step fails there, so "PARTIALLY".
    expect(users).toHaveLength(2);
    expect(users).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`User \`${target}\` PARTIALLY disabled by <@U0RESPONDER>`)),
        expect.stringMatching(new RegExp(`User \`${actor}\` PARTIALLY disabled by <@U0SECOND>`)),
      ]),
    );
    // A partial run keeps the Disable buttons for a retry; Acknowledge is gone.
    expect(buttons(message)).toEqual([ACTION_IDS.disableUser, ACTION_IDS.disableActingUser]);
    expect(blockKitViolations(message)).toEqual([]);
    for (const user of [target, actor]) {
      const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: user }));
      expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toContain('AWSDenyAll');
    }

    // The item: one per alert, versioned by the conditional writes, expiring through the table's TTL.
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { id: alertStateKey(ref) }, ConsistentRead: true }));
    expect(Item).toMatchObject({ version: 3, data: { acknowledged: { userId: 'U0ANYONE' } } });
    expect(Item?.data.users).toHaveLength(2);
    expect(Item?.expiration).toBeGreaterThanOrEqual(Math.floor(now.getTime() / 1000) + ALERT_STATE_TTL_SECONDS);
  });

  it('two Acknowledge clicks in two containers at once: one is recorded, the other learns who was first', async () => {
    const alert = twoUserAlert('1714557600.000200', 'mallory', 'alice');
    const ref = { channel: CHANNEL, ts: alert.ts };
    const barrier = readBarrier(alertStateKey(ref), 2);
    const at = { epochSeconds: 1714557700, iso: '2024-05-01T10:01:40.000Z' };

    const [a, b] = await Promise.all([
      recordAcknowledgement(container(barrier), ref, alert, { userId: 'U0FIRST', ...at }),
      recordAcknowledgement(container(barrier), ref, alert, { userId: 'U0SECOND', ...at }),
    ]);

    expect(races.conditionalFailures).toBe(1);
    const recorded = [a, b].filter((r) => r === undefined);
    const told = [a, b].find((r) => r !== undefined);
    expect(recorded).toHaveLength(1);
    expect(told).toEqual({ userId: a === undefined ? 'U0FIRST' : 'U0SECOND', ...at });
  });
});
