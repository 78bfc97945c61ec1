import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { CloudFormationClient, DescribeStacksCommand, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient, GetTrailStatusCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, TestEventPatternCommand } from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import { regionalEventPatternsFor } from '../../app/catalog/regional-forwarding';
import { main } from '../../cli/main';
import { recordedIo } from '../cli/cli-io';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import {
  awsError,
  CENTRAL_BUS_ARN,
  deployedStack,
  OPS_TOPIC_ARN,
  SIGNING_SECRET_ARN,
  SLACK_ROLE_ARN,
  SLACK_SECRET_ARN,
  TOPIC_ARN,
  TOPIC_POLICY,
} from './doctor-fixtures';

const cloudformation = mockClient(CloudFormationClient);
const cloudtrail = mockClient(CloudTrailClient);
const eventbridge = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);
const secrets = mockClient(SecretsManagerClient);
const sns = mockClient(SNSClient);
const account = mockClient(AccountClient);
const iam = mockClient(IAMClient);

const patterns = eventPatternsFor(DEFAULT_CATALOG);
const ruleNames = patterns.map((p) => `IamAlerts-${p.id}`.slice(0, 64));
const forwarded = regionalEventPatternsFor(DEFAULT_CATALOG);
const forwardRuleNames = forwarded.map((p) => `IamAlerts-fwd-${p.id}`.slice(0, 64));

/** Every AWS answer of a healthy deployment. */
function healthyDeployment(): void {
  cloudformation.on(DescribeStacksCommand).resolves(deployedStack({}, { EventRuleNames: ruleNames.join(',') }));
  secrets
    .on(GetSecretValueCommand, { SecretId: SLACK_SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-deployed' }) });
  secrets
    .on(GetSecretValueCommand, { SecretId: SIGNING_SECRET_ARN })
    .resolves({ SecretString: JSON.stringify({ SLACK_SIGNING_SECRET: 's' }) });
  lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: { SLACK_CHANNEL_ID: 'C0ALERTS' } } });
  lambda.on(GetFunctionUrlConfigCommand).resolves({ FunctionUrl: 'https://abc.lambda-url.us-east-1.on.aws/', AuthType: 'NONE' });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  eventbridge.on(DescribeRuleCommand).callsFake((input) => ({
    Name: input.Name,
    State: 'ENABLED',
    EventPattern: JSON.stringify(
      (ruleNames.includes(input.Name) ? patterns[ruleNames.indexOf(input.Name)] : forwarded[forwardRuleNames.indexOf(input.Name)])!.pattern,
    ),
  }));
  // The forwarder in eu-north-1 sends to the central bus; the account has no other region enabled.
  eventbridge
    .on(ListTargetsByRuleCommand)
    .resolves({ Targets: [{ Id: 'CentralEventBus', Arn: CENTRAL_BUS_ARN, RoleArn: 'arn:aws:iam::123456789012:role/fwd' }] });
  account.on(ListRegionsCommand).resolves({
    Regions: [
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-north-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
    ],
  });
  eventbridge.on(TestEventPatternCommand).resolves({ Result: true });
  sns.on(GetTopicAttributesCommand).resolves({ Attributes: { Policy: JSON.stringify(TOPIC_POLICY) } });
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC_ARN }).resolves({
    Subscriptions: [
      {
        Protocol: 'lambda',
        Endpoint: 'arn:aws:lambda:us-east-1:123456789012:function:IamAlerts-Notifier',
        SubscriptionArn: `${TOPIC_ARN}:1`,
      },
    ],
  });
  sns.on(ListSubscriptionsByTopicCommand, { TopicArn: OPS_TOPIC_ARN }).resolves({ Subscriptions: [] });
}

describe('iam-alerts doctor', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    for (const mock of [cloudformation, cloudtrail, eventbridge, lambda, secrets, sns, account, iam]) mock.reset();
    slack.calls.length = 0;
    slack.respond('conversations.info', (call) => ({
      kind: 'ok',
      body: { channel: { id: call.body.channel, name: 'alerts', is_member: true } },
    }));
  });

  describe('against a deployed stack', () => {
    it('passes every check of a healthy deployment and exits 0', async () => {
      healthyDeployment();
      const io = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });

      const code = await main(['doctor'], io);

      expect(io.out()).not.toContain('FAIL');
      expect(code).toBe(0);
      expect(io.out()).toContain('Checking the deployed stack IamAlerts');
      expect(io.out()).toContain('PASS Slack secret filled in');
      expect(io.out()).toContain('PASS Slack signing secret in its own secret');
      expect(io.out()).toContain('PASS Slack bot token valid');
      expect(io.out()).toContain('PASS Bot in channel C0ALERTS: member of #alerts');
      expect(io.out()).toContain('PASS Slack request URL: https://abc.lambda-url.us-east-1.on.aws/');
      expect(io.out()).toContain('PASS Trail iam-alerts-trail logging');
      expect(io.out()).toContain(
        'PASS EventBridge rule IamAlerts-api-calls-iam: enabled; matches sample 02-create-access-key.json (CreateAccessKey)',
      );
      expect(io.out()).toContain('PASS EventBridge rules cover the catalog');
      expect(io.out()).toContain('PASS Alert topic lets EventBridge publish');
      expect(io.out()).toContain(`PASS Forwarder in eu-north-1: ${forwarded.length} rules enabled, sending to ${CENTRAL_BUS_ARN}`);
      expect(io.out()).toContain('PASS Every enabled region has a forwarder');
      // A single account: no member account to check, and nothing said about one.
      expect(io.out()).not.toContain('Member account');
      // The bot token from the secret is what Slack saw.
      expect(slack.callsTo('auth.test')[0]!.headers.authorization).toBe('Bearer xoxb-deployed');
      // Every rule's pattern was tried with at least one event.
      const tested = new Set(eventbridge.commandCalls(TestEventPatternCommand).map((c) => c.args[0].input.EventPattern));
      expect(tested.size).toBe(patterns.length);
    });

    it('exits 1 and prints the fix when a check fails (an unconfirmed email subscription)', async () => {
      healthyDeployment();
      sns.on(ListSubscriptionsByTopicCommand, { TopicArn: OPS_TOPIC_ARN }).resolves({
        Subscriptions: [{ Protocol: 'email', Endpoint: 'sec@example.com', SubscriptionArn: 'PendingConfirmation' }],
      });
      const io = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });

      expect(await main(['doctor', '--stack', 'IamAlerts'], io)).toBe(1);
      expect(io.out()).toContain('FAIL Subscriptions of iam-alerts-ops confirmed: waiting for confirmation: email sec@example.com');
      expect(io.out()).toMatch(/ {4}fix: open the "AWS Notification - Subscription Confirmation" email sent to sec@example.com/);
      expect(io.out()).toMatch(/\d+ passed, 1 failed\./);
    });

    it('reports a rule the catalog has but the deployment lacks', async () => {
      healthyDeployment();
      cloudformation.on(DescribeStacksCommand).resolves(deployedStack({}, { EventRuleNames: ruleNames.slice(1).join(',') }));
      const io = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      expect(await main(['doctor'], io)).toBe(1);
      expect(io.out()).toContain(`FAIL EventBridge rules cover the catalog: no deployed rule for ${patterns[0]!.id}`);
    });

    it('names an enabled opt-in region without a forwarder, and a stack from before forwarding', async () => {
      healthyDeployment();
      account.on(ListRegionsCommand).resolves({
        Regions: [
          { RegionName: 'eu-north-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'me-south-1', RegionOptStatus: 'ENABLED' },
        ],
      });
      const io = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      expect(await main(['doctor'], io)).toBe(1);
      expect(io.out()).toContain('FAIL Every enabled region has a forwarder: enabled without a forwarder: me-south-1 (opt-in)');
      expect(io.out()).toContain('fix: npx cdk deploy --all -c forwarderRegions=eu-north-1,me-south-1');

      const before = deployedStack({}, { EventRuleNames: ruleNames.join(',') });
      before.Stacks![0]!.Outputs = before.Stacks![0]!.Outputs!.filter((o) => !['ForwarderRegions', 'SlackRoleArn'].includes(o.OutputKey!));
      cloudformation.on(DescribeStacksCommand).resolves(before);
      const old = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      expect(await main(['doctor'], old)).toBe(1);
      expect(old.out()).toContain(
        'FAIL Regional forwarders: the stack has no ForwarderRegions or SlackRoleArn output: it predates regional forwarding',
      );
      expect(old.out()).toContain('fix: redeploy with this version: npx cdk deploy --all');
    });

    it('checks member accounts: StackSet instances as delegated administrator, and the responder trust through --member-role', async () => {
      healthyDeployment();
      lambda.on(GetFunctionConfigurationCommand).resolves({
        Environment: { Variables: { SLACK_CHANNEL_ID: 'C0ALERTS', ORGANIZATION_ID: 'o-a1b2c3d4e5', MEMBER_ACCOUNT_IDS: '111111111111' } },
      });
      cloudformation.on(ListStackInstancesCommand).resolves({
        Summaries: [
          { Account: '111111111111', Region: 'us-east-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
          { Account: '222222222222', Region: 'eu-north-1', Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } },
        ],
      });
      const document = {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: SLACK_ROLE_ARN },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      };
      iam.on(GetRoleCommand).resolves({
        Role: {
          RoleName: 'IamAlertsResponder',
          Path: '/',
          RoleId: 'AROAX',
          Arn: 'arn:aws:iam::111111111111:role/IamAlertsResponder',
          CreateDate: new Date(),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(document)),
        },
      });

      // From the Slack function's MEMBER_ACCOUNT_IDS, no member role: the trust is not checked, and it says why.
      const fromEnv = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      expect(await main(['doctor'], fromEnv)).toBe(0);
      expect(fromEnv.out()).toContain('PASS Member account 111111111111: StackSet instances: 1 instances current (us-east-1)');
      expect(fromEnv.out()).toContain(
        'SKIP Member account 111111111111: IamAlertsResponder trust: not checked: reading IAM in 111111111111 needs credentials there',
      );
      expect(cloudformation.commandCalls(ListStackInstancesCommand)[0]!.args[0].input).toEqual({
        StackSetName: 'IamAlerts-member',
        CallAs: 'SELF',
      });

      const flags = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      const code = await main(
        [
          'doctor',
          '--member-accounts',
          '111111111111,222222222222',
          '--member-role',
          'OrganizationAccountAccessRole',
          '--call-as',
          'DELEGATED_ADMIN',
        ],
        flags,
      );
      expect(flags.out()).toContain(
        `PASS Member account 111111111111: IamAlertsResponder trust: trusts ${SLACK_ROLE_ARN} within o-a1b2c3d4e5 only`,
      );
      expect(flags.out()).toContain(
        "FAIL Member account 222222222222: StackSet instances: no us-east-1 instance (it holds IamAlertsResponder and forwards IAM's events)",
      );
      expect(code).toBe(1);
      expect(cloudformation.commandCalls(ListStackInstancesCommand).at(-1)!.args[0].input.CallAs).toBe('DELEGATED_ADMIN');
      expect(iam.commandCalls(GetRoleCommand)).toHaveLength(2);
    });

    it('refuses malformed member accounts or --call-as (exit 2)', async () => {
      expect(await main(['doctor', '--member-accounts', '1234'], recordedIo())).toBe(2);
      expect(await main(['doctor', '--call-as', 'ROOT'], recordedIo())).toBe(2);
    });

    it('skips the Slack checks when the secret is empty, and stops early when there is no stack', async () => {
      healthyDeployment();
      secrets
        .on(GetSecretValueCommand, { SecretId: SLACK_SECRET_ARN })
        .rejects(awsError('ResourceNotFoundException', "can't find the specified secret value for staging label: AWSCURRENT"));
      const io = recordedIo({ env: { SLACK_API_URL: slack.apiUrl } });
      expect(await main(['doctor'], io)).toBe(1);
      expect(io.out()).toContain('SKIP Slack bot token valid: needs the Slack secret filled in');
      expect(slack.callsTo('auth.test')).toHaveLength(0);

      cloudformation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id Other does not exist'));
      const missing = recordedIo();
      expect(await main(['doctor', '--stack', 'Other'], missing)).toBe(1);
      expect(missing.out()).toContain('FAIL CloudFormation stack Other: does not exist in this account and region');
      expect(missing.out()).toContain('0 passed, 1 failed.');
    });
  });

  describe('in local mode', () => {
    const env = () => ({
      SLACK_BOT_TOKEN: 'xoxb-local',
      SLACK_APP_TOKEN: 'xapp-local',
      SLACK_CHANNEL_ID: 'C0ALERTS',
      SLACK_API_URL: slack.apiUrl,
      HISTORY_REGIONS: 'us-east-1,eu-west-1',
      LOCAL_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'iam-alerts-doctor-')), 'state.json'),
    });

    it('checks both tokens, the channel, LookupEvents per region and the state file', async () => {
      cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
      const io = recordedIo({ env: env() });

      expect(await main(['doctor'], io)).toBe(0);
      expect(io.out()).toContain('Checking local mode');
      expect(io.out()).toContain('PASS Slack bot token valid');
      expect(io.out()).toContain('PASS Slack app token (Socket Mode)');
      expect(io.out()).toContain('PASS Bot in channel C0ALERTS');
      expect(io.out()).toContain('PASS CloudTrail event history in us-east-1');
      expect(io.out()).toContain('PASS CloudTrail event history in eu-west-1');
      expect(io.out()).toContain('PASS Local state file');
      expect(slack.callsTo('apps.connections.open')[0]!.headers.authorization).toBe('Bearer xapp-local');
      expect(cloudformation.calls()).toHaveLength(0);
    });

    it('fails with the fix when the bot is not in the channel and AWS refuses', async () => {
      slack.respond('conversations.info', () => ({ kind: 'ok', body: { channel: { id: 'C0ALERTS', name: 'alerts', is_member: false } } }));
      cloudtrail.on(LookupEventsCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
      const io = recordedIo({ env: env() });

      expect(await main(['doctor', '--local'], io)).toBe(1);
      expect(io.out()).toContain('FAIL Bot in channel C0ALERTS: the bot is not a member of #alerts');
      expect(io.out()).toContain('fix: in Slack, open #alerts and run /invite @iam-alerts');
      expect(io.out()).toContain('fix: AWS credentials are missing or expired: run `aws sso login`');
    });

    it('says which tokens to put in .env when they are missing', async () => {
      const io = recordedIo({ env: { HISTORY_REGIONS: 'us-east-1' } });
      cloudtrail.on(LookupEventsCommand).resolves({ Events: [] });
      expect(await main(['doctor', '--local'], io)).toBe(1);
      expect(io.out()).toContain('FAIL Slack bot token valid: SLACK_BOT_TOKEN is not set');
      expect(io.out()).toContain('FAIL Slack app token (Socket Mode): SLACK_APP_TOKEN is not set');
    });
  });

  it('refuses --local together with --stack (exit 2)', async () => {
    const io = recordedIo();
    expect(await main(['doctor', '--local', '--stack', 'X'], io)).toBe(2);
  });
});
