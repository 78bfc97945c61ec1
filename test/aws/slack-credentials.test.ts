import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, loadConfig } from '../../app/config';
import { snsDelivery, stopLoggingEvent } from '../../bench/burst-workload';
import { makeSlackCredentials, secretReader } from '../../handlers/deps';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createStateTable } from './support/state-table';

/**
 * The Slack credentials as deployed functions get them: from the Secrets Manager secret named by
 * SLACK_SECRET_ARN, read through Powertools Parameters with the real Secrets Manager client
 * (moto's). Covers what the stack leaves behind (the `{}` placeholder) and what operators get
 * wrong, and the notifier handler reading the token once per cold start.
 */

const secrets = new SecretsManagerClient({});
const BOT_TOKEN = 'xoxb-1111111111-2222222222-secretfromsecretsmanager';
const SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';
let secretCount = 0;

/** Creates a secret (a unique name per test: moto is shared by the whole run) and returns its ARN. */
async function createSecret(value: string): Promise<string> {
  const { ARN } = await secrets.send(
    new CreateSecretCommand({ Name: `slack-credentials-test/slack-${++secretCount}`, SecretString: value }),
  );
  return ARN as string;
}

/** The messages and names of an error and every cause behind it. */
function causeChain(error: unknown): Array<{ name: string; message: string }> {
  const chain: Array<{ name: string; message: string }> = [];
  for (let e = error as Error | undefined; e; e = e.cause as Error | undefined) chain.push({ name: e.name, message: e.message });
  return chain;
}

describe('Slack credentials from Secrets Manager (moto)', () => {
  it('reads the tokens from a filled-in secret', async () => {
    const arn = await createSecret(
      JSON.stringify({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_APP_TOKEN: 'xapp-1-A0-1-abc' }),
    );

    const credentials = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: arn }), secretReader());

    expect(credentials).toEqual({ botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, appToken: 'xapp-1-A0-1-abc' });
  });

  it('finds the secret by name as well as by ARN', async () => {
    const arn = await createSecret(JSON.stringify({ SLACK_BOT_TOKEN: BOT_TOKEN }));
    const name = `slack-credentials-test/slack-${secretCount}`;
    expect(arn).toMatch(new RegExp(`:secret:${name}-\\w{6}$`));

    const credentials = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: name }), secretReader());

    expect(credentials.botToken).toBe(BOT_TOKEN);
  });

  it('rejects the placeholder {} the stack creates, naming the secret and how to fill it in', async () => {
    const arn = await createSecret('{}');

    const error = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: arn }), secretReader()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`the Slack secret ${arn} is not filled in`);
    expect((error as Error).message).toContain('SLACK_BOT_TOKEN');
  });

  it('rejects a secret holding the wrong kind of token without repeating any value it holds', async () => {
    const userToken = 'xoxp-3333333333-4444444444-usertokenvalue';
    const arn = await createSecret(JSON.stringify({ SLACK_BOT_TOKEN: userToken, SLACK_SIGNING_SECRET: SIGNING_SECRET }));

    const error = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: arn }), secretReader()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(arn);
    expect((error as Error).message).toContain('SLACK_BOT_TOKEN must be a bot token');
    const said = JSON.stringify(causeChain(error));
    expect(said).not.toContain(userToken);
    expect(said).not.toContain(SIGNING_SECRET);
  });

  it('names a secret that does not exist, with Secrets Manager ResourceNotFoundException behind it', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-credentials-test/never-created-AbCdEf';

    const error = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: arn }), secretReader()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`cannot read the Slack secret ${arn}`);
    expect(causeChain(error).map((e) => e.name)).toContain('ResourceNotFoundException');
  });

  it('names a secret scheduled for deletion, with the error Secrets Manager gives', async () => {
    const arn = await createSecret(JSON.stringify({ SLACK_BOT_TOKEN: BOT_TOKEN }));
    await secrets.send(new DeleteSecretCommand({ SecretId: arn, RecoveryWindowInDays: 7 }));

    const error = await makeSlackCredentials(loadConfig({ SLACK_SECRET_ARN: arn }), secretReader()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`cannot read the Slack secret ${arn}`);
    expect(causeChain(error).map((e) => e.name)).toContain('InvalidRequestException');
    expect(JSON.stringify(causeChain(error))).not.toContain(BOT_TOKEN);
  });

  it('does not read the secret when the bot token is in the environment', async () => {
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:slack-credentials-test/not-there-AbCdEf';

    const credentials = await makeSlackCredentials(
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-from-the-environment', SLACK_SECRET_ARN: missing }),
      secretReader(),
    );

    expect(credentials.botToken).toBe('xoxb-from-the-environment');
  });
});

describe('notifier handler with its token in Secrets Manager (moto)', () => {
  const STATE_TABLE = 'slack-credentials-test-state';
  const savedEnv = { ...process.env };
  const lambdaContext = { awsRequestId: 'req-secret', getRemainingTimeInMillis: () => 30_000 };
  let slack: FakeSlack;

  beforeAll(() => createStateTable(STATE_TABLE));
  beforeEach(async () => {
    slack = await startFakeSlack();
    process.env = { ...savedEnv, SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl, STATE_TABLE_NAME: STATE_TABLE };
    delete process.env.SLACK_BOT_TOKEN;
    resetNotifierForTests();
  });
  afterEach(async () => {
    process.env = { ...savedEnv };
    resetNotifierForTests();
    await slack.close();
  });

  it('posts with the bot token from the secret, read once per cold start', async () => {
    const arn = await createSecret(JSON.stringify({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET }));
    process.env.SLACK_SECRET_ARN = arn;

    const first = await handler(snsDelivery(stopLoggingEvent('secret-e2e-1')), lambdaContext);
    // The operator rotates the token: a warm container keeps the one it read, a new one reads the new one.
    await secrets.send(
      new PutSecretValueCommand({ SecretId: arn, SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-rotated-token' }) }),
    );
    await handler(snsDelivery(stopLoggingEvent('secret-e2e-2')), lambdaContext);
    resetNotifierForTests();
    await handler(snsDelivery(stopLoggingEvent('secret-e2e-3')), lambdaContext);
    const redelivery = await handler(snsDelivery(stopLoggingEvent('secret-e2e-1')), lambdaContext);

    expect(first.outcomes).toEqual([expect.objectContaining({ status: 'posted', eventId: 'secret-e2e-1', channel: 'C0ALERTS' })]);
    expect(slack.callsTo('chat.postMessage').map((c) => c.headers.authorization)).toEqual([
      `Bearer ${BOT_TOKEN}`,
      `Bearer ${BOT_TOKEN}`,
      'Bearer xoxb-rotated-token',
    ]);
    expect(redelivery.outcomes).toEqual([expect.objectContaining({ status: 'duplicate', eventId: 'secret-e2e-1' })]);
  });

  it('fails the invocation on the placeholder secret, posting nothing and naming the secret', async () => {
    const arn = await createSecret('{}');
    process.env.SLACK_SECRET_ARN = arn;

    await expect(handler(snsDelivery(stopLoggingEvent('secret-e2e-4')), lambdaContext)).rejects.toThrow(
      `the Slack secret ${arn} is not filled in`,
    );
    expect(slack.calls).toHaveLength(0);
  });
});
