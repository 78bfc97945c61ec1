import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateLoginProfileCommand, IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { signJob } from '../../app/jobs/envelope';
import type { AlertView } from '../../blocks/alert-view';
import { ACTION_IDS } from '../../blocks/ids';
import { renderAlert } from '../../blocks/render-alert';
import { handler, resetSlackHandlerForTests } from '../../handlers/slack';
import { FIXTURES_DIR } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { interactionBody, signedFunctionUrlEvent } from '../support/slack-requests';
import { type FakeLambda, startFakeLambda } from './support/fake-lambda';
import { createLoadedUser, readUserState } from './support/iam-users';
import { createStateTable } from './support/state-table';

/**
 * Issue 11, item 1 against real AWS APIs (moto): the real `handlers/slack.ts` handler, its IAM
 * client on moto's IAM, its state table on moto's DynamoDB, its three secrets in moto's Secrets
 * Manager, Slack through the local fake, and its self-invocations through a local stand-in for
 * Lambda's Invoke API. Anyone allowed `lambda:InvokeFunction` can send the function an event: a
 * forged job, an unsigned one and a replayed one each change nothing in IAM (read back through
 * the IAM API), while the job a responder's click deferred does disable the user.
 */

const ACCOUNT = '123456789012';
const FUNCTION_NAME = 'forged-jobs-slack';
const STATE_TABLE = 'forged-jobs-state';
const SIGNING_SECRET = 'forged-jobs-signing-secret-6b1f0c2d';
const JOB_SIGNING_KEY = 'Fj3kQ8wZ1pL6xN4cV9bM2tR7yH5sD0gA3eU8oI1uK6qW4zX9cB2nM7vL5jH0fG3d';
const RESPONDER = 'U0RESPONDER';

const iam = new IAMClient({});
const dynamodb = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});
const savedEnv = { ...process.env };
let slack: FakeSlack;
let lambda: FakeLambda;
let requestCount = 0;

const lambdaContext = (awsRequestId = `req-${++requestCount}`) =>
  ({ functionName: FUNCTION_NAME, awsRequestId, getRemainingTimeInMillis: () => 300_000 }) as unknown as Context;

async function createSecret(name: string, value: string): Promise<string> {
  return (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
}

beforeAll(async () => {
  await createStateTable(STATE_TABLE, dynamodb);
  const [botArn, signingArn, keyArn] = await Promise.all([
    createSecret('forged-jobs/slack', JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-forged-jobs-test' })),
    createSecret('forged-jobs/slack-signing-secret', JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET })),
    createSecret('forged-jobs/job-signing-key', JOB_SIGNING_KEY),
  ]);
  slack = await startFakeSlack();
  lambda = await startFakeLambda();
  // The Slack function's environment as the stack sets it; AWS_ENDPOINT_URL (moto) comes from the suite.
  process.env = {
    ...savedEnv,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    STATE_TABLE_NAME: STATE_TABLE,
    SLACK_SECRET_ARN: botArn,
    SLACK_SIGNING_SECRET_ARN: signingArn,
    JOB_SIGNING_KEY_ARN: keyArn,
    SLACK_API_URL: slack.apiUrl,
    RESPONDER_USER_IDS: RESPONDER,
  };
  for (const local of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) delete process.env[local];
  resetSlackHandlerForTests();
});

afterAll(async () => {
  process.env = savedEnv;
  resetSlackHandlerForTests();
  await Promise.all([slack.close(), lambda.close()]);
});

const responseUrl = () => `${slack.baseUrl}/actions/T111/111/forged-jobs`;

/** The alert about `userName`, as the notifier rendered it, with its Disable User button. */
function alertAbout(userName: string) {
  const target = { u: userName, a: ACCOUNT, e: `evt-${userName}` };
  const view: AlertView = {
    severity: 'high',
    title: 'Access key created',
    subject: userName,
    eventName: 'CreateAccessKey',
    eventSource: 'iam.amazonaws.com',
    eventId: target.e,
    outcome: { kind: 'success' },
    actor: { typeLabel: 'IAM user', name: userName },
    target: { kind: 'user', name: userName },
    parameters: [],
    reasons: [],
    accountId: ACCOUNT,
    region: 'us-east-1',
    sourceIp: '198.51.100.7',
    disable: [{ role: 'target', value: target }],
  };
  const rendered = renderAlert(view);
  return { target, text: rendered.text, blocks: JSON.parse(JSON.stringify(rendered.blocks)) as Array<Record<string, any>> };
}

/** A responder's click on Disable User, signed as Slack signs it, through the handler's Function URL path. */
async function clickDisableUser(userName: string): Promise<unknown> {
  const alert = alertAbout(userName);
  const button = alert.blocks.flatMap((b) => b.elements ?? []).find((e: { action_id?: string }) => e.action_id === ACTION_IDS.disableUser);
  const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'slack/bolt-python/block_actions__test_block_actions__body_L161.json'), 'utf8'));
  const ts = '1714557600.000100';
  const payload = {
    ...base,
    user: { ...base.user, id: RESPONDER },
    container: { type: 'message', message_ts: ts, channel_id: 'C0ALERTS', is_ephemeral: false },
    channel: { id: 'C0ALERTS', name: 'aws-security-alerts' },
    message: { type: 'message', subtype: 'bot_message', bot_id: 'B0BOT', ts, text: alert.text, blocks: alert.blocks },
    response_url: responseUrl(),
    actions: [{ action_id: ACTION_IDS.disableUser, block_id: 'alert.actions', type: 'button', value: button.value, action_ts: `${ts}1` }],
  };
  return handler(signedFunctionUrlEvent(interactionBody(payload), { secret: SIGNING_SECRET }), lambdaContext());
}

/** A disable-user job payload for `userName`, as the listener builds it. */
function disablePayload(userName: string) {
  const alert = alertAbout(userName);
  return {
    target: alert.target,
    actorUserId: RESPONDER,
    responseUrl: responseUrl(),
    alert: { channel: 'C0ALERTS', ts: '1714557600.000100', text: alert.text, blocks: alert.blocks },
  };
}

/** The user as it was created: console password, an active and an inactive key, nothing attached. */
async function expectUntouched(userName: string, activeKeyId: string): Promise<void> {
  const state = await readUserState(iam, userName);
  expect(state.hasConsolePassword).toBe(true);
  expect(state.accessKeys[activeKeyId]).toBe('Active');
  expect(state.attachedPolicies).toEqual([]);
  expect(state.inlinePolicies).toEqual({});
  expect(Object.keys(state.tags).filter((k) => k.startsWith('iam-alerts'))).toEqual([]);
}

async function expectDisabled(userName: string): Promise<void> {
  const state = await readUserState(iam, userName);
  expect(state.hasConsolePassword).toBe(false);
  expect(Object.values(state.accessKeys)).toEqual(['Inactive', 'Inactive']);
}

describe('deferred jobs on moto: only the Slack function’s own signed jobs run', () => {
  it('runs the job a responder’s click deferred: the user is disabled in IAM', async () => {
    await createLoadedUser(iam, 'genuine-target');
    const before = lambda.invocations.length;

    const ack = await clickDisableUser('genuine-target');
    const [invocation] = lambda.invocations.slice(before);
    const result = await handler(invocation!.payload, lambdaContext('req-genuine'));

    expect(ack).toMatchObject({ statusCode: 200 });
    expect(invocation).toMatchObject({ functionName: FUNCTION_NAME, invocationType: 'Event' });
    expect(result).toEqual({ ok: true });
    await expectDisabled('genuine-target');
    const nonce = (invocation!.payload as { iamAlertsJob: { nonce: string } }).iamAlertsJob.nonce;
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: STATE_TABLE, Key: { id: { S: `job-nonce#${nonce}` } } }));
    expect(Item?.data?.M?.requestId?.S).toBe('req-genuine');
  });

  it('refuses a forged job (the right shape, a MAC made with another key): nothing changes in IAM', async () => {
    const user = await createLoadedUser(iam, 'forged-target');
    const forged = signJob('disable-user', disablePayload('forged-target'), { key: 'a'.repeat(64), nowMs: Date.now() });

    const result = await handler(forged, lambdaContext());

    expect(result).toEqual({ ok: false, error: 'refused: bad-mac' });
    await expectUntouched('forged-target', user.activeKeyId);
  });

  it('refuses an unsigned job (kind and payload only, as before jobs were signed): nothing changes in IAM', async () => {
    const user = await createLoadedUser(iam, 'unsigned-target');
    const unsigned = { iamAlertsJob: { kind: 'disable-user', payload: disablePayload('unsigned-target') } };

    const result = await handler(unsigned, lambdaContext());

    expect(result).toEqual({ ok: false, error: 'refused: unsigned' });
    await expectUntouched('unsigned-target', user.activeKeyId);
  });

  it('refuses a replayed job: nothing changes in IAM; Lambda’s own retry (same request ID) still runs', async () => {
    const user = await createLoadedUser(iam, 'replay-target');
    const before = lambda.invocations.length;
    await clickDisableUser('replay-target');
    const captured = lambda.invocations.slice(before)[0]!.payload;
    expect(await handler(captured, lambdaContext('req-first'))).toEqual({ ok: true });
    await expectDisabled('replay-target');
    // The user is given its password and key back by hand, so that a replay would show.
    await iam.send(new CreateLoginProfileCommand({ UserName: 'replay-target', Password: 'Correct-Horse-Battery-9' }));
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'replay-target', AccessKeyId: user.activeKeyId, Status: 'Active' }));

    const replay = await handler(captured, lambdaContext('req-attacker'));

    expect(replay).toEqual({ ok: false, error: 'refused: replayed' });
    const afterReplay = await readUserState(iam, 'replay-target');
    expect(afterReplay.hasConsolePassword).toBe(true);
    expect(afterReplay.accessKeys[user.activeKeyId]).toBe('Active');

    // Lambda retrying the first invocation is not a replay: the job runs (and is idempotent).
    expect(await handler(captured, lambdaContext('req-first'))).toEqual({ ok: true });
    await expectDisabled('replay-target');
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'replay-target' }));
    expect(keys.AccessKeyMetadata?.every((k) => k.Status === 'Inactive')).toBe(true);
  });
});
