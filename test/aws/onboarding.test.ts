import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  IAMClient,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { passwordProblems } from '../../app/onboarding/password';
import { PASSWORD_HOLD_SECONDS, sealPassword } from '../../app/onboarding/sealed-password';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { ONBOARDING_ACTION_IDS, renderOnboardingDm } from '../../blocks/render-onboarding';
import type * as NotifierHandler from '../../handlers/notifier';
import type * as SlackHandler from '../../handlers/slack';
import { FIXTURES_DIR, toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../support/fake-slack';
import { interactionBody, signedFunctionUrlEvent } from '../support/slack-requests';
import { type FakeLambda, startFakeLambda } from './support/fake-lambda';
import { createStateTable } from './support/state-table';

/**
 * Issue 13 against real AWS APIs (moto's IAM, KMS, SES, DynamoDB and Secrets Manager): the real
 * notifier and Slack handlers, Slack through the local fake, the Slack function's self-invocations
 * through a local stand-in for Lambda's Invoke API. What IAM holds is read back through IAM (and the
 * password itself from moto's own model: AWS would not tell it, moto lets the test check that the
 * one revealed is the one set).
 *
 * Done when (issue 13): with ONBOARDING=auto, a CreateUser for jane@example.com gives Jane a working,
 * reset-required console password; she reads it once, through a modal; the channel shows that it
 * happened, and no password is left in any message, log line, job or table item.
 *
 * Where moto differs from AWS: its CreateLoginProfile ignores PasswordResetRequired (GetLoginProfile
 * always says false) and checks no password policy; so the password is checked here against the
 * policy the test set, and the reset flag in the unit tests (test/onboarding/onboard-iam-user.test.ts,
 * test/notifier/onboarding.test.ts), which see the request. Its SES sends from an identity that
 * exists, verified or not.
 */

const ACCOUNT = '123456789012';
const FUNCTION_NAME = 'onboarding-slack';
const STATE_TABLE = 'onboarding-state';
const SIGNING_SECRET = 'onboarding-signing-secret-5d2e';
const JOB_SIGNING_KEY = 'On7kQ2wZ9pL4xN1cV6bM8tR3yH0sD5gA7eU2oI9uK4qW1zX6cB3nM8vL2jH5fG0d';
const RESPONDER = 'U0RESPONDER';
const ALERT_CHANNEL = 'C0ALERTS';

// Every log line of both functions is captured: they log at DEBUG, and are loaded after this is set.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
const notifier = require('../../handlers/notifier') as typeof NotifierHandler;
const slackFunction = require('../../handlers/slack') as typeof SlackHandler;

const iam = new IAMClient({});
const dynamodb = new DynamoDBClient({});
const savedEnv = { ...process.env };
let slack: FakeSlack;
let lambda: FakeLambda;
let keyArn: string;
let secrets: { bot: string; signing: string; key: string };
let requests = 0;
let events = 0;

const lambdaContext = (awsRequestId = `req-${++requests}`) =>
  ({ functionName: FUNCTION_NAME, awsRequestId, getRemainingTimeInMillis: () => 30_000 }) as unknown as Context;

beforeAll(async () => {
  await createStateTable(STATE_TABLE, dynamodb);
  keyArn = (await new KMSClient({}).send(new CreateKeyCommand({ Description: 'iam-alerts onboarding (test)' }))).KeyMetadata!.Arn!;
  await new SESv2Client({}).send(new CreateEmailIdentityCommand({ EmailIdentity: 'example.com' }));
  const sm = new SecretsManagerClient({});
  const secret = async (name: string, value: string) => (await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }))).ARN!;
  secrets = {
    bot: await secret('onboarding/slack', JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-onboarding' })),
    signing: await secret('onboarding/slack-signing-secret', JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET })),
    key: await secret('onboarding/job-signing-key', JOB_SIGNING_KEY),
  };
  slack = await startFakeSlack();
  lambda = await startFakeLambda();
});

afterAll(async () => {
  process.env = savedEnv;
  notifier.resetNotifierForTests();
  slackFunction.resetSlackHandlerForTests();
  await Promise.all([slack.close(), lambda.close()]);
});

/** Both functions' environment as the stack sets it for `mode`. */
function deploy(mode: 'auto' | 'approve', extra: Record<string, string> = {}): void {
  process.env = {
    ...savedEnv,
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    STATE_TABLE_NAME: STATE_TABLE,
    IDEMPOTENCY_TABLE_NAME: STATE_TABLE,
    SLACK_SECRET_ARN: secrets.bot,
    SLACK_SIGNING_SECRET_ARN: secrets.signing,
    JOB_SIGNING_KEY_ARN: secrets.key,
    SLACK_API_URL: slack.apiUrl,
    SLACK_CHANNEL_ID: ALERT_CHANNEL,
    RESPONDER_USER_IDS: RESPONDER,
    PROTECTED_IAM_USERS: 'break-glass-*',
    HOME_ACCOUNT_ID: ACCOUNT,
    ONBOARDING: mode,
    ONBOARDING_EMAIL_DOMAINS: 'example.com',
    ONBOARDING_DELIVERY: 'slack',
    ONBOARDING_KMS_KEY_ID: keyArn,
    ...extra,
  };
  for (const local of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) delete process.env[local];
  notifier.resetNotifierForTests();
  slackFunction.resetSlackHandlerForTests();
}

/** Creates the user in moto's IAM, as Terraform would, and the CloudTrail record of that call as SNS delivers it. */
async function createUser(userName: string, tags: Array<{ key: string; value: string }> = []) {
  await iam.send(new CreateUserCommand({ UserName: userName, Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) }));
  events += 1;
  // Each from its own actor: users created together would otherwise share one burst thread.
  const actor = `terraform-${events}`;
  return toSnsEvent(
    toEventBridge({
      eventVersion: '1.09',
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventID: `0000000d-0000-4000-8000-${String(events).padStart(12, '0')}`,
      eventTime: new Date().toISOString(),
      eventType: 'AwsApiCall',
      awsRegion: 'us-east-1',
      recipientAccountId: ACCOUNT,
      sourceIPAddress: '198.51.100.1',
      userAgent: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.5',
      userIdentity: { type: 'IAMUser', userName: actor, arn: `arn:aws:iam::${ACCOUNT}:user/${actor}`, accountId: ACCOUNT },
      requestParameters: { userName, ...(tags.length > 0 ? { tags } : {}) },
    }),
  );
}

/** The console password moto holds for `userName` (moto's own model; AWS never tells it). */
async function motoPassword(userName: string): Promise<string | undefined> {
  const data = (await (await fetch(`${process.env.MOTO_ENDPOINT}/moto-api/data.json`)).json()) as {
    iam: { User: Array<{ name: string; password?: string | null }> };
  };
  return data.iam.User.find((u) => u.name === userName)?.password ?? undefined;
}

async function hasConsolePassword(userName: string): Promise<boolean> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw error;
  }
}

/** A signed click on a button of `message` (in `channel`) by `userId`, through the Slack handler's Function URL path. */
async function click(
  actionId: string,
  userId: string,
  channel: string,
  message: { ts: string; thread_ts?: string; text: string; blocks: any[] },
) {
  const button = message.blocks.flatMap((b) => b.elements ?? []).find((e: { action_id?: string }) => e.action_id === actionId);
  const base = JSON.parse(readFileSync(join(FIXTURES_DIR, 'slack/bolt-python/block_actions__test_block_actions__body_L161.json'), 'utf8'));
  const payload = {
    ...base,
    trigger_id: `trigger-${++requests}`,
    user: { ...base.user, id: userId },
    container: { type: 'message', message_ts: message.ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: channel.startsWith('D') ? 'directmessage' : 'aws-security-alerts' },
    message: { type: 'message', subtype: 'bot_message', bot_id: 'B0BOT', ...message },
    response_url: `${slack.baseUrl}/actions/T111/111/onboarding`,
    actions: [{ action_id: actionId, block_id: 'x', type: 'button', value: button.value, action_ts: `${message.ts}1` }],
  };
  return slackFunction.handler(signedFunctionUrlEvent(interactionBody(payload), { secret: SIGNING_SECRET }), lambdaContext());
}

/** The message a call posted, as Slack would send it back with a click on it. */
const asClicked = (call: RecordedCall, ts: string) => ({
  ts,
  ...(call.body.thread_ts ? { thread_ts: String(call.body.thread_ts) } : {}),
  text: String(call.body.text),
  blocks: call.body.blocks as any[],
});
const tsOf = (call: RecordedCall) => `1700000000.${String(slack.calls.indexOf(call) + 1).padStart(6, '0')}`;
const ephemeralReplies = () => slack.calls.filter((c) => c.method.startsWith('/actions/')).map((c) => String(c.body.text));

/**
 * The functions' structured logs (every line the process writes): kept while a test captures them,
 * dropped otherwise so that the suite's output stays readable. Console methods are captured too.
 */
let capture: string[] | undefined;
const writers = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
const intercept =
  (stream: 'stdout' | 'stderr') =>
  (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    if (capture) capture.push(text);
    else if (!text.startsWith('{"level"')) return (writers[stream] as (...args: unknown[]) => boolean)(chunk, ...rest);
    return true;
  };
beforeAll(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(intercept('stdout') as never);
  jest.spyOn(process.stderr, 'write').mockImplementation(intercept('stderr') as never);
});
afterAll(() => jest.restoreAllMocks());

/** Every byte the process writes (the functions' structured logs) while `work` runs. */
async function capturingOutput<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  capture = chunks;
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void chunks.push(args.map(String).join(' '))),
  );
  try {
    return { result: await work(), output: chunks.join('') };
  } finally {
    capture = undefined;
    for (const spy of consoles) spy.mockRestore();
  }
}

describe('onboarding on moto, auto mode (issue 13, Done when)', () => {
  beforeAll(async () => {
    deploy('auto');
    // A stricter policy than AWS's default: the password must meet it.
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 32,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        RequireNumbers: true,
        RequireSymbols: true,
      }),
    );
  });
  afterAll(() => iam.send(new DeleteAccountPasswordPolicyCommand({})));

  it('gives jane@example.com a reset-required password that meets the policy; she reads it once in a modal; it is nowhere else', async () => {
    const createJane = await createUser('jane@example.com');
    const from = slack.calls.length;
    const invocationsBefore = lambda.invocations.length;

    const { result, output } = await capturingOutput(async () => {
      const notified = await notifier.handler(createJane, lambdaContext());
      const dmCall = slack.calls.slice(from).find((c) => c.method === 'chat.postMessage' && String(c.body.channel).startsWith('D'))!;
      const dm = asClicked(dmCall, tsOf(dmCall));
      const started = Date.now();
      const reveal = await click(ONBOARDING_ACTION_IDS.revealPassword, 'UJANE', String(dmCall.body.channel), dm);
      const revealMs = Date.now() - started;
      const again = await click(ONBOARDING_ACTION_IDS.revealPassword, 'UJANE', String(dmCall.body.channel), dm);
      return { notified, reveal, again, revealMs };
    });

    // IAM: a console password, set with the reset flag, meeting the policy.
    const password = await motoPassword('jane@example.com');
    expect(password).toBeDefined();
    expect(await hasConsolePassword('jane@example.com')).toBe(true);
    expect(
      passwordProblems(password!, {
        minimumLength: 32,
        requireUppercase: true,
        requireLowercase: true,
        requireNumbers: true,
        requireSymbols: true,
        minimumCharacterTypes: 0,
      }),
    ).toEqual([]);
    expect(output).toContain('onboarding: console password created (reset required)');
    // The channel: the alert, then in its thread what happened.
    expect(result.notified.outcomes).toMatchObject([{ status: 'posted', eventName: 'CreateUser', channel: ALERT_CHANNEL }]);
    const mine = slack.calls.slice(from);
    const report = mine.find((c) => c.method === 'chat.postMessage' && c.body.thread_ts !== undefined)!;
    expect(report.body.channel).toBe(ALERT_CHANNEL);
    expect(JSON.stringify(report.body.blocks)).toContain(
      'Console password created for `jane@example.com` (reset required at first sign-in); sign-in details sent to <@UJANE> by DM.',
    );
    // Jane: one modal with the very password IAM holds, then the DM says when; the second click shows nothing.
    const opened = mine.filter((c) => c.method === 'views.open');
    expect(opened).toHaveLength(1);
    expect(JSON.stringify(opened[0]!.body.view)).toContain(`\`\`\`${password}\`\`\``);
    expect(JSON.stringify(mine.find((c) => c.method === 'chat.update')!.body.blocks)).toContain('Password revealed at');
    expect(ephemeralReplies().at(-1)).toMatch(/^This password was already revealed/);
    expect(result.reveal).toMatchObject({ statusCode: 200 });
    // The reveal (read, KMS Decrypt, conditional write, views.open) answers well within Slack's 3 seconds.
    expect(result.revealMs).toBeLessThan(2_500);
    // Nowhere else: no other Slack call, no log line, no job, no table item holds it.
    expect(JSON.stringify(mine.filter((c) => c.method !== 'views.open').map((c) => c.body))).not.toContain(password);
    expect(output.length).toBeGreaterThan(1_000);
    expect(output).not.toContain(password);
    expect(JSON.stringify(lambda.invocations.slice(invocationsBefore))).not.toContain(password);
    const items = await DynamoDBDocumentClient.from(dynamodb).send(new ScanCommand({ TableName: STATE_TABLE }));
    expect(JSON.stringify(items.Items)).not.toContain(password);
    expect(JSON.stringify(items.Items)).not.toContain('"ciphertext"');
  });

  it('a redelivered CreateUser makes no second password: the first one stands', async () => {
    const event = await createUser('ross@example.com');
    await notifier.handler(event, lambdaContext());
    const first = await motoPassword('ross@example.com');
    const posts = slack.callsTo('chat.postMessage').length;

    const again = await notifier.handler(event, lambdaContext());

    expect(again.outcomes).toMatchObject([{ status: 'duplicate' }]);
    expect(await motoPassword('ross@example.com')).toBe(first);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posts);
  });

  it('never overwrites a console password the user already has, and says so in the thread', async () => {
    const event = await createUser('kate@example.com');
    await iam.send(new CreateLoginProfileCommand({ UserName: 'kate@example.com', Password: 'Kates-Own-Password-42!' }));

    await notifier.handler(event, lambdaContext());

    expect(await motoPassword('kate@example.com')).toBe('Kates-Own-Password-42!');
    expect(JSON.stringify(slack.callsTo('chat.postMessage').at(-1)!.body.blocks)).toContain(
      '`kate@example.com` already has a console password: left as it is, nothing sent.',
    );
  });

  it('leaves users that do not qualify alone: no login profile, nothing in the thread', async () => {
    const posts = slack.callsTo('chat.postMessage').length;

    await notifier.handler(await createUser('ci-deployer'), lambdaContext());
    await notifier.handler(
      await createUser('mallory@evil.test', [{ key: 'iam-alerts:owner-email', value: 'mallory@evil.test' }]),
      lambdaContext(),
    );

    expect(await hasConsolePassword('ci-deployer')).toBe(false);
    expect(await hasConsolePassword('mallory@evil.test')).toBe(false);
    const added = slack.callsTo('chat.postMessage').slice(posts);
    expect(added).toHaveLength(2);
    expect(added.every((c) => c.body.thread_ts === undefined)).toBe(true);
  });

  it('onboards a user created with an owner-slack tag (read back with ListUserTags), DMing that Slack user', async () => {
    await notifier.handler(await createUser('svc-omar', [{ key: 'iam-alerts:owner-slack', value: 'U0OMAR' }]), lambdaContext());

    expect(await hasConsolePassword('svc-omar')).toBe(true);
    expect(slack.callsTo('chat.postMessage').some((c) => c.body.channel === 'DU0OMAR')).toBe(true);
  });

  it('tells the person to ask for a reset once the password expired unrevealed, and deletes it', async () => {
    const store = new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE);
    const sealedAt = Date.now() - (PASSWORD_HOLD_SECONDS + 60) * 1000;
    const { secretId, expiresAt } = await sealPassword(
      { kms: new KMSClient({}), keyId: keyArn, store, now: () => sealedAt },
      'Stale-Password-Nobody-Saw-1!',
      { recipient: 'U0LATE', accountId: ACCOUNT, userName: 'late@example.com', eventId: 'evt-late' },
    );
    const dm = renderOnboardingDm({
      userName: 'late@example.com',
      accountId: ACCOUNT,
      signInUrl: `https://${ACCOUNT}.signin.aws.amazon.com/console`,
      createdBy: 'IAM user terraform',
      secretId,
      expiresAt: { epochSeconds: expiresAt, iso: new Date(expiresAt * 1000).toISOString() },
    });
    const opened = slack.callsTo('views.open').length;

    await click(ONBOARDING_ACTION_IDS.revealPassword, 'U0LATE', 'DU0LATE', {
      ts: '1700000001.000001',
      text: dm.text,
      blocks: JSON.parse(JSON.stringify(dm.blocks)),
    });

    expect(slack.callsTo('views.open')).toHaveLength(opened);
    expect(ephemeralReplies().at(-1)).toBe('This password expired unrevealed. Ask an administrator to reset your console password.');
    const { value } = await store.get<Record<string, unknown>>(`onboarding#secret#${secretId}`, Math.floor(Date.now() / 1000));
    expect(value).toEqual({ status: 'expired' });
  });
});

describe('onboarding on moto, approve mode', () => {
  beforeAll(() => deploy('approve', { ONBOARDING_DELIVERY: 'both', ONBOARDING_FROM_EMAIL: 'iam@example.com' }));

  it('only a responder’s Send sign-in details creates the password (in the signed job): DM and email, thread report', async () => {
    const notified = await notifier.handler(await createUser('amy@example.com'), lambdaContext());
    const alertTs = (notified.outcomes[0] as { ts: string }).ts;
    const offerCall = slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === alertTs)!;
    const offer = asClicked(offerCall, tsOf(offerCall));
    expect(await hasConsolePassword('amy@example.com')).toBe(false);

    const before = lambda.invocations.length;
    await click(ONBOARDING_ACTION_IDS.sendSignInDetails, 'U0INTRUDER', ALERT_CHANNEL, offer);
    expect(lambda.invocations.length).toBe(before);
    expect(ephemeralReplies().at(-1)).toMatch(/^Only responders may do this/);
    expect(await hasConsolePassword('amy@example.com')).toBe(false);

    await click(ONBOARDING_ACTION_IDS.sendSignInDetails, RESPONDER, ALERT_CHANNEL, offer);
    const jobs = lambda.invocations.slice(before);
    const results = [];
    for (const job of jobs) results.push(await slackFunction.handler(job.payload, lambdaContext()));

    expect(results).toEqual([{ ok: true }]);
    const password = await motoPassword('amy@example.com');
    expect(password).toBeDefined();
    expect(JSON.stringify(jobs)).not.toContain(password);
    const report = slack.callsTo('chat.postMessage').at(-1)!;
    expect(report.body).toMatchObject({ channel: ALERT_CHANNEL, thread_ts: alertTs });
    expect(JSON.stringify(report.body.blocks)).toContain(
      `(approved by <@${RESPONDER}>); sign-in details sent to <@UAMY> by DM, and to amy@example.com by email.`,
    );
    // SES (moto) holds the email: from the one sender, to Amy, with the password IAM holds.
    const data = (await (await fetch(`${process.env.MOTO_ENDPOINT}/moto-api/data.json`)).json()) as {
      ses: { Message: Array<{ source: string; destinations: { ToAddresses: string[] }; body: string }> };
    };
    const email = data.ses.Message.find((m) => m.destinations.ToAddresses.includes('amy@example.com'))!;
    expect(email.source).toBe('iam@example.com');
    expect(email.body).toContain(`<code>${password}</code>`);
  });

  it('reports an unverified sender with SES’s error; the password exists, and the DM still goes out', async () => {
    deploy('approve', { ONBOARDING_DELIVERY: 'both', ONBOARDING_FROM_EMAIL: 'iam@unverified.example.org' });
    const notified = await notifier.handler(await createUser('ben@example.com'), lambdaContext());
    const alertTs = (notified.outcomes[0] as { ts: string }).ts;
    const offerCall = slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === alertTs)!;
    const before = lambda.invocations.length;

    await click(ONBOARDING_ACTION_IDS.sendSignInDetails, RESPONDER, ALERT_CHANNEL, asClicked(offerCall, tsOf(offerCall)));
    for (const job of lambda.invocations.slice(before)) await slackFunction.handler(job.payload, lambdaContext());

    expect(await hasConsolePassword('ben@example.com')).toBe(true);
    const report = JSON.stringify(slack.callsTo('chat.postMessage').at(-1)!.body.blocks);
    expect(report).toContain('sign-in details sent to <@UBEN> by DM.');
    expect(report).toContain('Sending the email failed: MessageRejected: Email address not verified iam@unverified.example.org');
  });
});
