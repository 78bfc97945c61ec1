import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  checkBotInChannel,
  checkFunctionUrl,
  checkLookupEvents,
  checkRule,
  checkSlackSecret,
  checkSlackSigningSecret,
  checkSlackToken,
  checkSocketModeToken,
  checkStack,
  checkSubscriptions,
  checkTopicPolicy,
  checkTrailLogging,
  readNotifierChannels,
} from '../../app/doctor/checks';
import { createSlackClient } from '../../app/slack/web-client';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { awsError, deployedStack, TOPIC_ARN, TOPIC_POLICY } from './doctor-fixtures';

const cloudformation = mockClient(CloudFormationClient);
const cloudtrail = mockClient(CloudTrailClient);
const eventbridge = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);

beforeEach(() => {
  for (const mock of [cloudformation, cloudtrail, eventbridge, lambda, secrets, sns]) mock.reset();
});

describe('checkStack', () => {
  it('passes for a completed stack and hands back its outputs', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployedStack());
    const { result, outputs } = await checkStack(new CloudFormationClient({}), 'IamAlerts');
    expect(result).toEqual(expect.objectContaining({ ok: true, name: 'CloudFormation stack IamAlerts' }));
    expect(outputs?.AlertTopicArn).toBe(TOPIC_ARN);
  });

  it('fails when the stack does not exist, pointing at cdk deploy and --stack', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id IamAlerts does not exist'));
    const { result } = await checkStack(new CloudFormationClient({}), 'IamAlerts');
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('npx cdk deploy');
    expect(result.fix).toContain('--stack');
  });

  it('fails for a rolled-back stack', async () => {
    cloudformation.on(DescribeStacksCommand).resolves(deployedStack({ StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }));
    const { result } = await checkStack(new CloudFormationClient({}), 'IamAlerts');
    expect(result).toEqual(expect.objectContaining({ ok: false, detail: 'status UPDATE_ROLLBACK_COMPLETE' }));
  });

  it('says how to sign in when AWS credentials are missing', async () => {
    cloudformation.on(DescribeStacksCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const { result } = await checkStack(new CloudFormationClient({}), 'IamAlerts');
    expect(result.fix).toContain('aws sso login');
  });
});

describe('checkSlackSecret', () => {
  it('passes when the secret holds a bot token, never shows it, and says whether the signing secret is still there', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-secret-bot-token' }) });
    const { result, botToken, holdsSigningSecret } = await checkSlackSecret(new SecretsManagerClient({}), 'arn:secret', 'iam-alerts/slack');
    expect(result.ok).toBe(true);
    expect(botToken).toBe('xoxb-secret-bot-token');
    expect(holdsSigningSecret).toBe(false);
    expect(JSON.stringify(result)).not.toMatch(/xoxb-secret/);

    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'old' }) });
    expect((await checkSlackSecret(new SecretsManagerClient({}), 'arn:secret', 'iam-alerts/slack')).holdsSigningSecret).toBe(true);
  });

  it.each([
    [
      'has no value yet',
      () =>
        secrets
          .on(GetSecretValueCommand)
          .rejects(
            awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"),
          ),
      'has no value yet',
    ],
    [
      'holds the placeholder',
      () => secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"SLACK_BOT_TOKEN":"REPLACE_ME"}' }),
      'SLACK_BOT_TOKEN',
    ],
    ['is not JSON', () => secrets.on(GetSecretValueCommand).resolves({ SecretString: 'xoxb-pasted-alone' }), 'is not JSON'],
  ])('fails when it %s, with the put-secret-value command to fix it', async (_, arrange, detail) => {
    arrange();
    const { result } = await checkSlackSecret(new SecretsManagerClient({}), 'arn:secret', 'iam-alerts/slack');
    expect(result.ok).toBe(false);
    expect(result.detail).toContain(detail);
    expect(result.fix).toContain(
      `aws secretsmanager put-secret-value --secret-id iam-alerts/slack --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}'`,
    );
    expect(JSON.stringify(result)).not.toContain('xoxb-pasted-alone');
  });
});

describe('checkSlackSigningSecret', () => {
  const bot = (holdsSigningSecret: boolean) => ({ secretName: 'iam-alerts/slack', holdsSigningSecret });
  const check = (holdsSigningSecret: boolean) =>
    checkSlackSigningSecret(new SecretsManagerClient({}), 'arn:signing', 'iam-alerts/slack-signing-secret', bot(holdsSigningSecret));
  const filled = () => secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 'shh-1234' }) });
  const placeholder = () => secrets.on(GetSecretValueCommand).resolves({ SecretString: '{}' });

  it('passes when the signing secret is in its own secret only, and never shows it', async () => {
    filled();
    const result = await check(false);
    expect(result).toMatchObject({ ok: true, detail: 'iam-alerts/slack-signing-secret holds it, and only the Slack function may read it' });
    expect(JSON.stringify(result)).not.toContain('shh-1234');
  });

  it('fails while it is still in the bot-token secret, which the notifier reads, saying how to move it', async () => {
    placeholder();
    const result = await check(true);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('still in iam-alerts/slack, which the notifier can read');
    expect(result.fix).toContain(
      `aws secretsmanager put-secret-value --secret-id iam-alerts/slack-signing-secret --secret-string '{"SLACK_SIGNING_SECRET":"..."}'`,
    );
    expect(result.fix).toContain(
      `aws secretsmanager put-secret-value --secret-id iam-alerts/slack --secret-string '{"SLACK_BOT_TOKEN":"xoxb-..."}'`,
    );
  });

  it('fails when a copy is left in the bot-token secret after the move', async () => {
    filled();
    const result = await check(true);
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('still in iam-alerts/slack too') });
    expect(result.fix).toContain('--secret-id iam-alerts/slack ');
  });

  it('fails when there is no signing secret anywhere', async () => {
    placeholder();
    const result = await check(false);
    expect(result).toMatchObject({ ok: false, detail: expect.stringContaining('has no SLACK_SIGNING_SECRET') });
    expect(result.fix).toContain('--secret-id iam-alerts/slack-signing-secret');
  });
});

describe('readNotifierChannels', () => {
  it('reads the channel and the per-severity channels from the notifier environment', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: { Variables: { SLACK_CHANNEL_ID: 'C0ALERTS', SLACK_CHANNEL_BY_SEVERITY: 'critical=C0CRIT,high=C0ALERTS' } },
    });
    const { result, channels } = await readNotifierChannels(new LambdaClient({}), 'notifier');
    expect(result.ok).toBe(true);
    expect(channels).toEqual(['C0ALERTS', 'C0CRIT']);
  });

  it('fails when the notifier has no channel', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: {} } });
    const { result } = await readNotifierChannels(new LambdaClient({}), 'notifier');
    expect(result.fix).toContain('slackChannelId');
  });
});

describe('checkFunctionUrl', () => {
  const url = 'https://abc.lambda-url.us-east-1.on.aws/';

  it('passes for an unsigned Function URL equal to the stack output', async () => {
    lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: url, AuthType: 'NONE' });
    expect((await checkFunctionUrl(new LambdaClient({}), 'IamAlerts-Slack', url)).ok).toBe(true);
  });

  it('fails when the URL needs IAM auth (Slack cannot sign), or is missing', async () => {
    lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: url, AuthType: 'AWS_IAM' });
    expect((await checkFunctionUrl(new LambdaClient({}), 'IamAlerts-Slack', url)).detail).toContain("Slack's requests are refused");
    lambda.on(GetFunctionUrlConfigCommand).rejects(awsError('ResourceNotFoundException', 'The resource you requested does not exist.'));
    expect((await checkFunctionUrl(new LambdaClient({}), 'IamAlerts-Slack', url)).detail).toContain('has no Function URL');
  });
});

describe('Slack checks (real @slack/web-api against the local fake)', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  const client = (token = 'xoxb-test') => createSlackClient(token, { apiUrl: slack.apiUrl, retries: 0 });

  it('checkSlackToken passes when auth.test does, and explains a refused token', async () => {
    expect(await checkSlackToken(client())).toEqual(
      expect.objectContaining({ ok: true, detail: 'signed in as iam-alerts in workspace Fake' }),
    );
    slack.script('auth.test', { kind: 'error', error: 'invalid_auth' });
    const refused = await checkSlackToken(client());
    expect(refused).toEqual(expect.objectContaining({ ok: false, detail: 'Slack refused the bot token (invalid_auth)' }));
    expect(refused.fix).toContain('Bot User OAuth Token');
  });

  it('checkSocketModeToken passes when apps.connections.open does, and explains the wrong kind of token', async () => {
    expect((await checkSocketModeToken(client('xapp-1'))).ok).toBe(true);
    expect(slack.callsTo('apps.connections.open').at(-1)?.headers.authorization).toBe('Bearer xapp-1');
    slack.script('apps.connections.open', { kind: 'error', error: 'not_allowed_token_type' });
    const refused = await checkSocketModeToken(client('xoxb-wrong'));
    expect(refused.ok).toBe(false);
    expect(refused.fix).toContain('connections:write');
  });

  it('checkBotInChannel passes for a member, and says /invite otherwise', async () => {
    slack.script('conversations.info', { kind: 'ok', body: { channel: { id: 'C0ALERTS', name: 'aws-security-alerts', is_member: true } } });
    expect(await checkBotInChannel(client(), 'C0ALERTS')).toEqual(
      expect.objectContaining({ ok: true, detail: 'member of #aws-security-alerts' }),
    );

    slack.script('conversations.info', {
      kind: 'ok',
      body: { channel: { id: 'C0ALERTS', name: 'aws-security-alerts', is_member: false } },
    });
    const outside = await checkBotInChannel(client(), 'C0ALERTS');
    expect(outside).toEqual(expect.objectContaining({ ok: false, fix: 'in Slack, open #aws-security-alerts and run /invite @iam-alerts' }));

    slack.script('conversations.info', { kind: 'error', error: 'channel_not_found' });
    expect((await checkBotInChannel(client(), 'C0NOPE')).fix).toContain('Channel ID');
  });

  it('checkBotInChannel skips (does not fail) when the app lacks channels:read, which manifest.yml does not ask for', async () => {
    slack.script('conversations.info', { kind: 'error', error: 'missing_scope' });
    expect(await checkBotInChannel(client(), 'C0ALERTS')).toEqual(expect.objectContaining({ ok: true, skipped: true }));
  });
});

describe('checkTrailLogging', () => {
  it('passes for a logging trail', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    expect(await checkTrailLogging(new CloudTrailClient({}), 'iam-alerts-trail')).toEqual(
      expect.objectContaining({ ok: true, name: 'Trail iam-alerts-trail logging' }),
    );
  });

  it('fails for a stopped trail with the start-logging command', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    expect((await checkTrailLogging(new CloudTrailClient({}), 'iam-alerts-trail')).fix).toContain(
      'aws cloudtrail start-logging --name iam-alerts-trail',
    );
  });

  it('fails for a missing trail', async () => {
    cloudtrail.on(GetTrailStatusCommand).rejects(awsError('TrailNotFoundException', 'Unknown trail'));
    expect(await checkTrailLogging(new CloudTrailClient({}), 'x')).toEqual(expect.objectContaining({ ok: false, detail: 'no such trail' }));
  });
});

describe('checkLookupEvents', () => {
  it('passes when the event history is readable, and names the permission when it is not', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
    expect((await checkLookupEvents(new CloudTrailClient({}), 'us-east-1')).ok).toBe(true);
    cloudtrail.on(LookupEventsCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    expect((await checkLookupEvents(new CloudTrailClient({}), 'us-east-1')).fix).toContain('cloudtrail:LookupEvents');
  });
});

describe('checkRule', () => {
  const events = [
    { event: { id: '1', 'detail-type': 'AWS API Call via CloudTrail' }, description: 'sample 05-create-user.json (CreateUser)' },
  ];

  it('passes for an enabled rule whose pattern matches the sample events', async () => {
    eventbridge.on(DescribeRuleCommand).resolves({ State: 'ENABLED', EventPattern: '{"source":["aws.iam"]}' });
    eventbridge.on(TestEventPatternCommand).resolves({ Result: true });
    const result = await checkRule(new EventBridgeClient({}), 'IamAlerts-api-calls-iam', events);
    expect(result).toEqual(expect.objectContaining({ ok: true, detail: 'enabled; matches sample 05-create-user.json (CreateUser)' }));
    expect(eventbridge.commandCalls(TestEventPatternCommand)[0]!.args[0].input).toEqual({
      EventPattern: '{"source":["aws.iam"]}',
      Event: JSON.stringify(events[0]!.event),
    });
  });

  it('counts the read-only-events state as enabled', async () => {
    eventbridge.on(DescribeRuleCommand).resolves({ State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', EventPattern: '{}' });
    eventbridge.on(TestEventPatternCommand).resolves({ Result: true });
    expect((await checkRule(new EventBridgeClient({}), 'r', events)).ok).toBe(true);
  });

  it('fails for a disabled rule with the enable-rule command', async () => {
    eventbridge.on(DescribeRuleCommand).resolves({ State: 'DISABLED', EventPattern: '{}' });
    expect(await checkRule(new EventBridgeClient({}), 'IamAlerts-x', events)).toEqual(
      expect.objectContaining({ ok: false, fix: 'aws events enable-rule --name IamAlerts-x' }),
    );
  });

  it('fails when the pattern does not match an event it exists for', async () => {
    eventbridge.on(DescribeRuleCommand).resolves({ State: 'ENABLED', EventPattern: '{"source":["aws.s3"]}' });
    eventbridge.on(TestEventPatternCommand).resolves({ Result: false });
    const result = await checkRule(new EventBridgeClient({}), 'IamAlerts-api-calls-iam', events);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('does not match sample 05-create-user.json (CreateUser)');
    expect(result.fix).toContain('npx cdk deploy');
  });
});

describe('checkTopicPolicy', () => {
  it('passes when EventBridge may publish, and notes the topic key', async () => {
    sns
      .on(GetTopicAttributesCommand)
      .resolves({ Attributes: { Policy: JSON.stringify(TOPIC_POLICY), KmsMasterKeyId: 'arn:aws:kms:key/1' } });
    const result = await checkTopicPolicy(new SNSClient({}), TOPIC_ARN);
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('its key policy must also allow events.amazonaws.com');
  });

  it('fails when no statement lets events.amazonaws.com publish', async () => {
    const policy = { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'SNS:Publish' }] };
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { Policy: JSON.stringify(policy) } });
    const result = await checkTopicPolicy(new SNSClient({}), TOPIC_ARN);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('EventBridge drops every alert');
  });
});

describe('checkSubscriptions', () => {
  const notifier = {
    Protocol: 'lambda',
    Endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:IamAlerts-Notifier',
    SubscriptionArn: `${TOPIC_ARN}:1`,
  };

  it('passes when every subscription is confirmed and the notifier is one of them', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [notifier, { Protocol: 'email', Endpoint: 'sec@example.com', SubscriptionArn: `${TOPIC_ARN}:2` }],
    });
    expect(await checkSubscriptions(new SNSClient({}), TOPIC_ARN, 'IamAlerts-Notifier')).toEqual(
      expect.objectContaining({ ok: true, detail: '2 confirmed (lambda, email)' }),
    );
  });

  it('fails for an unconfirmed email subscription, saying where to click', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolvesOnce({ Subscriptions: [notifier], NextToken: 'page-2' })
      .resolvesOnce({ Subscriptions: [{ Protocol: 'email', Endpoint: 'sec@example.com', SubscriptionArn: 'PendingConfirmation' }] });
    const result = await checkSubscriptions(new SNSClient({}), TOPIC_ARN, 'IamAlerts-Notifier');
    expect(result).toEqual(expect.objectContaining({ ok: false, detail: 'waiting for confirmation: email sec@example.com' }));
    expect(result.fix).toContain('email sent to sec@example.com');
  });

  it('fails when the notifier is not subscribed', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    expect((await checkSubscriptions(new SNSClient({}), TOPIC_ARN, 'IamAlerts-Notifier')).detail).toContain('is not subscribed');
  });
});
