import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError, loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { ACTION_IDS } from '../../blocks/ids';
import { secretReader } from '../../handlers/deps';
import { handler } from '../../handlers/slack';
import { makeSlackHandlerSecrets } from '../../handlers/slack-deps';
import { blockActionPayload, functionUrlEvent, interactionBody, lambdaContext, sampleAlert, startHarness } from './slack-harness';

/**
 * The Slack function's secrets (issue 11, item 8): the bot token in `<stack>/slack` (the notifier
 * reads it too), the signing secret in `<stack>/slack-signing-secret`, the job signing key in
 * `<stack>/job-signing-key`. Deployments made before the split keep working from the old
 * combined secret, with a warning that says how to move the signing secret.
 */
const BOT_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/slack-AbCdEf';
const SIGNING_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/slack-signing-secret-GhIjKl';
const KEY_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:IamAlerts/job-signing-key-MnOpQr';
const KEY = 'Zr4dW8qL2mXc7NvB1tYh6KpS3gJf9AeU0oQi5wRz8TyC2uVb7xMn4LkD1sHa6EjG';
const SIGNING_SECRET = '8f14e45fceea167a5a36dedd4bea2543';

describe('makeSlackHandlerSecrets', () => {
  const secrets = mockClient(SecretsManagerClient);
  const logger = createLogger('test');
  let warnings: string[];
  beforeEach(() => {
    secrets.reset();
    warnings = [];
    jest.spyOn(logger, 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(String(args[0]));
    });
  });
  afterAll(() => secrets.restore());

  const serve = (values: Record<string, string>) => {
    for (const [SecretId, SecretString] of Object.entries(values))
      secrets.on(GetSecretValueCommand, { SecretId }).resolves({ SecretString });
  };
  const deployed = () => loadConfig({ SLACK_SECRET_ARN: BOT_ARN, SLACK_SIGNING_SECRET_ARN: SIGNING_ARN, JOB_SIGNING_KEY_ARN: KEY_ARN });

  it('reads the bot token, the signing secret and the job key from their own secrets, in parallel', async () => {
    const started: string[] = [];
    let resolvedBeforeAllStarted = false;
    secrets.on(GetSecretValueCommand).callsFake(async ({ SecretId }: { SecretId: string }) => {
      started.push(SecretId);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (started.length < 3) resolvedBeforeAllStarted = true;
      const values: Record<string, string> = {
        [BOT_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot' }),
        [SIGNING_ARN]: JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET }),
        [KEY_ARN]: KEY,
      };
      return { SecretString: values[SecretId] };
    });

    const read = await makeSlackHandlerSecrets(deployed(), logger, secretReader());

    expect(read).toEqual({
      credentials: { botToken: 'xoxb-bot', signingSecret: SIGNING_SECRET, appToken: undefined },
      signingSecret: SIGNING_SECRET,
      jobSigningKey: KEY,
    });
    expect(started.sort()).toEqual([BOT_ARN, KEY_ARN, SIGNING_ARN].sort());
    expect(resolvedBeforeAllStarted).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('falls back to the signing secret of an older deployment’s combined secret, and says exactly how to move it', async () => {
    serve({
      [BOT_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot', SLACK_SIGNING_SECRET: SIGNING_SECRET }),
      [SIGNING_ARN]: '{}',
      [KEY_ARN]: KEY,
    });

    const read = await makeSlackHandlerSecrets(deployed(), logger, secretReader());

    expect(read.signingSecret).toBe(SIGNING_SECRET);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`SLACK_SIGNING_SECRET is read from ${BOT_ARN}, which the notifier can read too`);
    expect(warnings[0]).toContain(
      `aws secretsmanager put-secret-value --secret-id ${SIGNING_ARN} --secret-string '{"SLACK_SIGNING_SECRET":"..."}'`,
    );
    expect(warnings[0]).toContain(
      `aws secretsmanager put-secret-value --secret-id ${BOT_ARN} --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}'`,
    );
    expect(warnings[0]).not.toContain(SIGNING_SECRET);
  });

  it('uses the signing secret’s own secret once filled in, and asks to remove the old copy', async () => {
    serve({
      [BOT_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot', SLACK_SIGNING_SECRET: 'the-old-copy' }),
      [SIGNING_ARN]: JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET }),
      [KEY_ARN]: KEY,
    });

    const read = await makeSlackHandlerSecrets(deployed(), logger, secretReader());

    expect(read.signingSecret).toBe(SIGNING_SECRET);
    expect(warnings).toEqual([expect.stringContaining(`still in ${BOT_ARN}, which the notifier can read too: remove it`)]);
    expect(warnings.join()).not.toMatch(/the-old-copy|8f14e45f/);
  });

  it('refuses to start without a signing secret anywhere, naming the secret to fill in', async () => {
    serve({ [BOT_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot' }), [SIGNING_ARN]: '{}', [KEY_ARN]: KEY });

    const failure = makeSlackHandlerSecrets(deployed(), logger, secretReader());

    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(
      `SLACK_SIGNING_SECRET is not set: every request from Slack is verified with it. Put it in the secret ${SIGNING_ARN}`,
    );
  });

  it.each([
    ['is missing', undefined, /^JOB_SIGNING_KEY_ARN is not set/],
    ['is too short to be a key', 'short', /must be a string of at least 32 characters/],
  ])('refuses to start when the job signing key %s', async (_why, key, message) => {
    serve({ [BOT_ARN]: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot' }), [SIGNING_ARN]: JSON.stringify({ SLACK_SIGNING_SECRET: 's' }) });
    if (key) serve({ [KEY_ARN]: key });
    const config = key ? deployed() : loadConfig({ SLACK_SECRET_ARN: BOT_ARN, SLACK_SIGNING_SECRET_ARN: SIGNING_ARN });

    const failure = makeSlackHandlerSecrets(config, logger, secretReader());

    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.not.toThrow(/short/);
  });

  it('takes the tokens from the environment locally, reading no Slack secret', async () => {
    serve({ [KEY_ARN]: KEY });
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-env', SLACK_SIGNING_SECRET: 'env-secret', JOB_SIGNING_KEY_ARN: KEY_ARN });

    const read = await makeSlackHandlerSecrets(config, logger, secretReader());

    expect(read.signingSecret).toBe('env-secret');
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([KEY_ARN]);
  });
});

describe('Slack handler with its secrets split', () => {
  it('verifies Slack requests with the signing secret from its own secret, read once per cold start', async () => {
    const h = await startHarness({
      SLACK_BOT_TOKEN: undefined,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_SECRET_ARN: BOT_ARN,
      SLACK_SIGNING_SECRET_ARN: SIGNING_ARN,
    });
    try {
      h.secrets
        .on(GetSecretValueCommand, { SecretId: BOT_ARN })
        .resolves({ SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-bot' }) });
      h.secrets
        .on(GetSecretValueCommand, { SecretId: SIGNING_ARN })
        .resolves({ SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: SIGNING_SECRET }) });
      const click = interactionBody(
        blockActionPayload({
          actionId: ACTION_IDS.acknowledge,
          value: JSON.stringify({ e: 'evt-1', a: '123456789012' }),
          userId: 'U0ANYONE',
          message: sampleAlert(),
          responseUrl: h.responseUrl,
        }),
      );

      const signed = await handler(functionUrlEvent(click, { secret: SIGNING_SECRET }), lambdaContext);
      const signedWithTheTestDefault = await handler(functionUrlEvent(click), lambdaContext);

      expect(signed).toMatchObject({ statusCode: 200 });
      expect(signedWithTheTestDefault).toMatchObject({ statusCode: 401 });
      expect(h.slack.callsTo('chat.update')[0]!.headers.authorization).toBe('Bearer xoxb-bot');
      expect(h.secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
    } finally {
      await h.close();
    }
  });
});
