import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, resetNotifierForTests } from '../../handlers/notifier';
import { blockKitViolations } from '../support/block-kit-limits';
import { toEventBridge, toSnsEvent } from '../support/corpus';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const secrets = mockClient(SecretsManagerClient);
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:iam-alerts/slack-AbCdEf';
let eventCounter = 0;

function createUserEvent(userName: string, extra: Record<string, unknown> = {}) {
  eventCounter += 1;
  return toSnsEvent(
    toEventBridge({
      eventVersion: '1.09',
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventID: `00000000-0000-4000-8000-${String(eventCounter).padStart(12, '0')}`,
      eventTime: '2024-05-01T10:00:00Z',
      eventType: 'AwsApiCall',
      awsRegion: 'us-east-1',
      recipientAccountId: '123456789012',
      sourceIPAddress: '198.51.100.1',
      userAgent: 'aws-cli/2.15.0',
      userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' },
      requestParameters: { userName },
      ...extra,
    }),
  );
}

describe('notifier handler', () => {
  let slack: FakeSlack;
  const savedEnv = { ...process.env };

  beforeEach(async () => {
    slack = await startFakeSlack();
    secrets.reset();
    process.env = { ...savedEnv, SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: 'xoxb-env-token' };
    resetNotifierForTests();
  });
  afterEach(async () => {
    process.env = savedEnv;
    resetNotifierForTests();
    await slack.close();
  });

  it('posts one escaped alert for a hostile user name: nobody is pinged', async () => {
    const { outcomes } = await handler(createUserEvent('<!channel> & <@U024BE7LH>'));

    expect(outcomes).toMatchObject([{ status: 'posted', eventName: 'CreateUser', severity: 'medium' }]);
    const [post] = slack.callsTo('chat.postMessage');
    const body = post!.body as { text: string; blocks: unknown[] };
    const shown = `${body.text}${JSON.stringify(body.blocks).replace(/"value":"(\\.|[^"\\])*"/g, '')}`;
    expect(shown).not.toMatch(/<!channel>|<@U024BE7LH>/);
    expect(shown).toContain('&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;');
    expect(blockKitViolations(body)).toEqual([]);
    expect(post!.headers.authorization).toBe('Bearer xoxb-env-token');
  });

  it('reads the tokens from Secrets Manager once per cold start when they are not in the environment', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    process.env.SLACK_SECRET_ARN = SECRET_ARN;
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({
      SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-from-secret', SLACK_SIGNING_SECRET: 'shh' }),
    });

    await handler(createUserEvent('bob'));
    await handler(createUserEvent('carol'));

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage').map((c) => c.headers.authorization)).toEqual([
      'Bearer xoxb-from-secret',
      'Bearer xoxb-from-secret',
    ]);
  });

  it('says how to fill in an empty secret, without echoing its value', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    process.env.SLACK_SECRET_ARN = SECRET_ARN;
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxp-wrong-kind-of-token' }) });

    const failure = handler(createUserEvent('bob'));

    await expect(failure).rejects.toThrow(/Slack secret .* is not filled in: expected JSON \{"SLACK_BOT_TOKEN": "xoxb-\.\.\."/);
    await expect(failure).rejects.not.toThrow(/xoxp-wrong-kind-of-token/);
    expect(slack.calls).toHaveLength(0);
  });

  it('turns unparseable input into one "Unrecognised event" alert instead of throwing', async () => {
    const { outcomes } = await handler(toSnsEvent('{"this is": "not an event"'));

    expect(outcomes).toMatchObject([{ status: 'rejected', reason: expect.stringContaining('not JSON') }]);
    const [post] = slack.callsTo('chat.postMessage');
    expect((post!.body as { text: string }).text).toMatch(/^Unrecognised event/);
  });

  it('posts nothing for events outside the catalog', async () => {
    const { outcomes } = await handler(
      toSnsEvent(toEventBridge({ eventName: 'ListUsers', eventSource: 'iam.amazonaws.com', readOnly: true })),
    );
    expect(outcomes).toMatchObject([{ status: 'ignored', reason: 'read-only call ListUsers' }]);
    expect(slack.calls).toHaveLength(0);
  });

  it('routes a severity to its own channel when configured', async () => {
    process.env.SLACK_CHANNEL_BY_SEVERITY = 'critical=C0CRITICAL';
    await handler(
      createUserEvent('x', { userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' } }),
    );
    await handler(createUserEvent('y'));
    expect(slack.callsTo('chat.postMessage').map((c) => c.body.channel)).toEqual(['C0CRITICAL', 'C0ALERTS']);
  });

  it('throws when Slack refuses the post, so Lambda retries the event', async () => {
    slack.respond('chat.postMessage', () => ({ kind: 'error', error: 'channel_not_found' }));
    await expect(handler(createUserEvent('bob'))).rejects.toThrow(/channel_not_found/);
  });

  it('retries Slack server errors, then throws when they persist', async () => {
    slack.script('chat.postMessage', { kind: 'http', status: 503 }, { kind: 'http', status: 502 });
    const { outcomes } = await handler(createUserEvent('bob'));
    expect(outcomes).toMatchObject([{ status: 'posted' }]);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);

    slack.respond('chat.postMessage', () => ({ kind: 'http', status: 500 }));
    await expect(handler(createUserEvent('carol'))).rejects.toThrow();
  });
});
