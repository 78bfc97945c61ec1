import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  AlreadyInOrganizationException,
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Context } from 'aws-lambda';
import { signJob } from '../../app/jobs/envelope';
import { ACTION_IDS } from '../../blocks/ids';
import { handler as notifierHandler, resetNotifierForTests } from '../../handlers/notifier';
import { resetSlackHandlerForTests, handler as slackHandler } from '../../handlers/slack';
import { FIXTURES_DIR, loadCloudTrailCorpus, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { interactionBody, signedFunctionUrlEvent } from '../support/slack-requests';
import { type FakeLambda, startFakeLambda } from './support/fake-lambda';
import { createLoadedUser, readUserState } from './support/iam-users';
import { createStateTable } from './support/state-table';

/**
 * Issue 10 against real AWS APIs (moto keeps IAM per account, and AssumeRole into another account's
 * role gives credentials that moto routes to that account): the real notifier and Slack handlers,
 * their state table on moto's DynamoDB, their secrets in moto's Secrets Manager, the organization in
 * moto's Organizations, Slack through the local fake, and the Slack function's self-invocations
 * through a local stand-in for Lambda's Invoke API.
 *
 * Done when (issue 10): a ConsoleLogin without MFA recorded in eu-north-1 of a member account,
 * delivered as EventBridge delivers a forwarded event, reaches the channel with its account and
 * region named; Disable User on it then locks the user out in that member account, through the
 * responder role.
 */

const HOME = '123456789012';
const FUNCTION_NAME = 'member-accounts-slack';
const STATE_TABLE = 'member-accounts-state';
const SIGNING_SECRET = 'member-accounts-signing-secret-3c9a';
const JOB_SIGNING_KEY = 'Mb7kQ2wZ9pL4xN1cV6bM8tR3yH0sD5gA7eU2oI9uK4qW1zX6cB3nM8vL2jH5fG0d';
const RESPONDER = 'U0RESPONDER';
const ALERT_TS = '1714557600.000100';

const savedEnv = { ...process.env };
let slack: FakeSlack;
let lambda: FakeLambda;
let member: string;
let outsider: string;
let requests = 0;

const lambdaContext = (awsRequestId = `req-${++requests}`) =>
  ({ functionName: FUNCTION_NAME, awsRequestId, getRemainingTimeInMillis: () => 300_000 }) as unknown as Context;

/** An administrator's IAM client in `account` (moto: AssumeRole from the default account into any role there). */
const adminIn = (account: string) =>
  new IAMClient({
    credentials: fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'test-admin' },
    }),
  });
const homeIam = new IAMClient({});

/** The organization in moto, with two accounts: the member (with the member stack's role) and one outside the allow-list. */
async function createOrganization(): Promise<{ member: string; outsider: string }> {
  const organizations = new OrganizationsClient({});
  try {
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  } catch (error) {
    if (!(error instanceof AlreadyInOrganizationException)) throw error;
    await organizations.send(new DescribeOrganizationCommand({}));
  }
  const create = async (name: string) =>
    (await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!
      .AccountId!;
  return { member: await create('production'), outsider: await create('sandbox') };
}

/** What the member stack deploys in each member account (infra/stacks/member-account-stack.ts): the responder role. */
async function deployResponderRole(account: string): Promise<void> {
  await adminIn(account).send(
    new CreateRoleCommand({
      RoleName: 'IamAlertsResponder',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HOME}:role/IamAlerts-Slack` }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
}

beforeAll(async () => {
  ({ member, outsider } = await createOrganization());
  await deployResponderRole(member);
  const dynamodb = new DynamoDBClient({});
  await createStateTable(STATE_TABLE, dynamodb);
  const secrets = new SecretsManagerClient({});
  const secret = async (name: string, value: string) =>
    (await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
  const [botArn, signingArn, keyArn] = await Promise.all([
    secret('member-accounts/slack', JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-member-accounts' })),
    secret('member-accounts/slack-signing-secret', JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET })),
    secret('member-accounts/job-signing-key', JOB_SIGNING_KEY),
  ]);
  slack = await startFakeSlack();
  lambda = await startFakeLambda();
  // Both functions' environment as the stack sets it in an organization with an allow-list.
  process.env = {
    ...savedEnv,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    STATE_TABLE_NAME: STATE_TABLE,
    IDEMPOTENCY_TABLE_NAME: STATE_TABLE,
    SLACK_SECRET_ARN: botArn,
    SLACK_SIGNING_SECRET_ARN: signingArn,
    JOB_SIGNING_KEY_ARN: keyArn,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: 'C0ALERTS',
    SLACK_CHANNEL_BY_ACCOUNT: `${member}=C0PROD`,
    RESPONDER_USER_IDS: RESPONDER,
    HOME_ACCOUNT_ID: HOME,
    ORGANIZATION_ID: 'o-a1b2c3d4e5',
    MEMBER_ACCOUNT_IDS: member,
  };
  for (const local of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) delete process.env[local];
  resetNotifierForTests();
  resetSlackHandlerForTests();
});

afterAll(async () => {
  process.env = savedEnv;
  resetNotifierForTests();
  resetSlackHandlerForTests();
  await Promise.all([slack.close(), lambda.close()]);
});

/** AWS's own ConsoleLogin-without-MFA record (CloudTrail User Guide), recorded in `region` of `account` for `userName`. */
function signInWithoutMfa(account: string, region: string, userName: string): Record<string, unknown> {
  const original = loadCloudTrailCorpus().find((r) => r.key === 'awsdocs-cloudtrail-user-guide:1')!.value;
  const moved = JSON.parse(JSON.stringify(original).replaceAll('111122223333', account).replaceAll('anaya', userName));
  return { ...moved, awsRegion: region, recipientAccountId: account, eventID: `e2e-${account}-${userName}` };
}

/** As EventBridge delivers an event forwarded from another region or account: the same detail, its original account and region. */
function forwarded(record: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: `forwarded-${String(record.eventID)}`,
    'detail-type': 'AWS Console Sign In via CloudTrail',
    source: 'aws.signin',
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/** A responder's signed click on the Disable User button of `message`, through the Slack handler's Function URL path. */
async function clickDisable(message: { channel: string; ts: string; text: string; blocks: Array<Record<string, any>> }) {
  const button = message.blocks
    .flatMap((b) => b.elements ?? [])
    .find((e: { action_id?: string }) => e.action_id === ACTION_IDS.disableUser);
  const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'slack/bolt-python/block_actions__test_block_actions__body_L161.json'), 'utf8'));
  const payload = {
    ...base,
    user: { ...base.user, id: RESPONDER },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: 'aws-security-alerts' },
    message: { type: 'message', subtype: 'bot_message', bot_id: 'B0BOT', ts: message.ts, text: message.text, blocks: message.blocks },
    response_url: `${slack.baseUrl}/actions/T111/111/member-accounts`,
    actions: [
      { action_id: ACTION_IDS.disableUser, block_id: 'alert.actions', type: 'button', value: button.value, action_ts: `${message.ts}1` },
    ],
  };
  return slackHandler(signedFunctionUrlEvent(interactionBody(payload), { secret: SIGNING_SECRET }), lambdaContext());
}

/** Delivers the jobs the Slack handler deferred since `from`, as Lambda would. */
async function runJobsSince(from: number): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const invocation of lambda.invocations.slice(from)) results.push(await slackHandler(invocation.payload, lambdaContext()));
  return results;
}

const ephemeralReplies = () => slack.calls.filter((c) => c.method.startsWith('/actions/')).map((c) => String(c.body.text));

describe('a member account’s sign-in, end to end (issue 10, Done when)', () => {
  it('reaches the channel with its account and region named; Disable User locks the user out in that account through its responder role', async () => {
    // Prepare: anaya in the member account, and an unrelated anaya in the home account.
    await createLoadedUser(adminIn(member), 'anaya');
    const bystander = await createLoadedUser(homeIam, 'anaya');
    const event = toSnsEvent(forwarded(signInWithoutMfa(member, 'eu-north-1', 'anaya')));

    // Act 1: the notifier gets the forwarded event from the central topic.
    const { outcomes } = await notifierHandler(event, lambdaContext());

    // Assess 1: one alert, in the member account's channel, naming the account (with its name) and the region.
    expect(outcomes).toMatchObject([{ status: 'posted', eventName: 'ConsoleLogin', channel: 'C0PROD' }]);
    const [post] = slack.callsTo('chat.postMessage');
    const alert = post!.body as { channel: string; text: string; blocks: Array<Record<string, any>> };
    const shown = JSON.stringify(alert.blocks);
    expect(shown).toContain(`*Account*\\n\`${member}\` (production)`);
    expect(shown).toContain('*Region*\\neu-north-1');
    expect(shown).toMatch(/without MFA/i);

    // Act 2: a responder presses Disable User on that alert; Lambda delivers the deferred job.
    const before = lambda.invocations.length;
    const ack = await clickDisable({ ...alert, ts: ALERT_TS });
    const results = await runJobsSince(before);

    // Assess 2: anaya is locked out in the member account, as IAM there says; the home account's anaya is untouched.
    expect(ack).toMatchObject({ statusCode: 200 });
    expect(results).toEqual([{ ok: true }]);
    const locked = await readUserState(adminIn(member), 'anaya');
    expect(locked.hasConsolePassword).toBe(false);
    expect(Object.values(locked.accessKeys)).toEqual(['Inactive', 'Inactive']);
    expect(locked.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
    expect(locked.tags['iam-alerts:disabled-by']).toBe(`slack:${RESPONDER}`);
    const home = await readUserState(homeIam, 'anaya');
    expect(home.hasConsolePassword).toBe(true);
    expect(home.accessKeys[bystander.activeKeyId]).toBe('Active');
    expect(home.attachedPolicies).toEqual([]);
    const report = JSON.stringify(slack.callsTo('chat.postMessage').at(-1)!.body);
    expect(report).toContain(`(account \`${member}\`)`);
    // The member account saw a session of its IamAlertsResponder named for the responder.
    const moto = (await (await fetch(`${process.env.MOTO_ENDPOINT}/moto-api/data.json`)).json()) as {
      sts: { AssumedRole: Array<{ role_arn: string; session_name: string }> };
    };
    const sessions = moto.sts.AssumedRole;
    expect(sessions).toContainEqual(
      expect.objectContaining({ role_arn: `arn:aws:iam::${member}:role/IamAlertsResponder`, session_name: `iam-alerts-${RESPONDER}` }),
    );
  });

  it('posts the same sign-in once when it arrives again, through another forwarder', async () => {
    const record = signInWithoutMfa(member, 'eu-north-1', 'twice');
    const posts = slack.callsTo('chat.postMessage').length;

    const first = await notifierHandler(toSnsEvent(forwarded(record)), lambdaContext());
    const again = await notifierHandler(toSnsEvent({ ...forwarded(record), id: 'from-the-member-us-east-1-forwarder' }), lambdaContext());

    expect(first.outcomes).toMatchObject([{ status: 'posted' }]);
    expect(again.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(slack.callsTo('chat.postMessage').length).toBe(posts + 1);
  });
});

describe('Disable User across accounts on moto: refusals', () => {
  it('refuses an account outside MEMBER_ACCOUNT_IDS, at the click and in a signed job alike: nothing changes there', async () => {
    const admin = adminIn(outsider);
    await deployResponderRole(outsider);
    const user = await createLoadedUser(admin, 'outside-user');
    const notified = await notifierHandler(
      toSnsEvent(forwarded(signInWithoutMfa(outsider, 'eu-north-1', 'outside-user'))),
      lambdaContext(),
    );
    const alert = slack.callsTo('chat.postMessage').at(-1)!.body as { channel: string; text: string; blocks: Array<Record<string, any>> };
    expect(notified.outcomes).toMatchObject([{ status: 'posted', channel: 'C0ALERTS' }]);
    const before = lambda.invocations.length;

    await clickDisable({ ...alert, ts: '1714557700.000100' });
    const job = signJob(
      'disable-user',
      {
        target: { u: 'outside-user', a: outsider, e: `e2e-${outsider}-outside-user` },
        actorUserId: RESPONDER,
        responseUrl: `${slack.baseUrl}/actions/T111/111/member-accounts`,
        alert: { channel: alert.channel, ts: '1714557700.000100', text: alert.text, blocks: alert.blocks },
      },
      { key: JOB_SIGNING_KEY, nowMs: Date.now() },
    );
    const result = await slackHandler(job, lambdaContext());

    expect(lambda.invocations.length).toBe(before);
    expect(result).toEqual({ ok: true });
    expect(ephemeralReplies().slice(-2)).toEqual([
      `Not disabled: account ${outsider} is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS lists the others it may). Add it there, or act in that account by hand.`,
      `IAM user outside-user was not disabled: account ${outsider} is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS lists the others it may). Add it there, or act in that account by hand.`,
    ]);
    const state = await readUserState(admin, 'outside-user');
    expect(state.hasConsolePassword).toBe(true);
    expect(state.accessKeys[user.activeKeyId]).toBe('Active');
    expect(state.attachedPolicies).toEqual([]);
  });
});
