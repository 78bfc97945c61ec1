import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../app/config';
import { createIamAlertsApp } from '../../infra/app';

/**
 * The triage loop in the synthesized template (issue 14): the scheduler run every minute with no
 * more than it needs, the notifier's owner-tag read, the settings each function gets.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

type Json = Record<string, any>;

function synth(context: Record<string, unknown> = {}): Json {
  const { app, stack } = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [], ...context },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  app.synth();
  return Template.fromStack(stack).toJSON();
}

const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe('the triage loop in the stack', () => {
  const template = synth({
    responderUsergroupId: 'S0RESPONDERS',
    escalateAfterMinutes: 'critical=10,high=30',
    confirmTimeoutMinutes: '20',
    confirmUserMap: { alice: 'U0ALICE', '123456789012:ci': 'ops@example.com' },
    digestAt: '09:00',
    digestTimeZone: 'Europe/Berlin',
  });
  const resources = () => Object.entries(template.Resources as Record<string, Json>);
  const fn = (description: string) =>
    resources().find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.startsWith(description))!;
  const roleStatements = (roleId: string) =>
    resources()
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: Json) => role.Ref === roleId))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Json[]);
  const roleOf = (description: string) => fn(description)[1].Properties.Role['Fn::GetAtt'][0] as string;
  const environment = (description: string): Record<string, unknown> => fn(description)[1].Properties.Environment.Variables;
  /** As Lambda sets it: pseudo parameters and joins resolved, other references as placeholders. */
  const value = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const ref = (v as Json).Ref;
    if (ref) return ({ 'AWS::AccountId': '111111111111', 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1' } as Json)[ref] ?? 'x';
    const join = (v as Json)['Fn::Join'];
    return join ? (join[1] as unknown[]).map(value).join(join[0]) : 'x';
  };
  const resolved = (description: string) => Object.fromEntries(Object.entries(environment(description)).map(([k, v]) => [k, value(v)]));

  it('runs the scheduler every minute on the minute through EventBridge Scheduler, never retrying a run', () => {
    const schedules = resources().filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const [schedulerId] = fn('iam-alerts scheduler');
    expect(schedules[0]![1].Properties).toMatchObject({
      Name: 'IamAlerts-triage',
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: { 'Fn::GetAtt': [schedulerId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    });
    const invoke = resources().find(
      ([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig' && r.Properties.FunctionName.Ref === schedulerId,
    )!;
    expect(invoke[1].Properties).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  it('lets only EventBridge Scheduler of this account use the schedule’s role, and that role only invoke the scheduler', () => {
    const schedule = resources().find(([, r]) => r.Type === 'AWS::Scheduler::Schedule')![1];
    const roleId = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const role = template.Resources[roleId];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const [schedulerId] = fn('iam-alerts scheduler');
    expect(roleStatements(roleId).map((s) => ({ Action: s.Action, Resource: s.Resource }))).toEqual([
      { Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [schedulerId, 'Arn'] } },
    ]);
  });

  it('gives the scheduler the bot token and its items of the table, and nothing else: no IAM, no CloudTrail, no other item', () => {
    const statements = roleStatements(roleOf('iam-alerts scheduler'));
    const actions = statements.flatMap((s) => list(s.Action)).sort();
    expect(actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    const secret = statements.find((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))!;
    expect(secret.Resource).toEqual({ Ref: resources().find(([, r]) => r.Properties?.Name === 'IamAlerts/slack')![0] });
    const get = statements.find((s) => s.Action === 'dynamodb:GetItem')!;
    const put = statements.find((s) => s.Action === 'dynamodb:PutItem')!;
    expect(get.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alert#*', 'triage#*'] } });
    expect(put.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['triage#*'] } });
  });

  it('lets the notifier read IAM users’ tags, in this account only, and no other new IAM action', () => {
    const owner = roleStatements(roleOf('iam-alerts notifier')).filter((s) => list(s.Action).some((a: string) => a.startsWith('iam:')));
    expect(owner).toEqual([
      expect.objectContaining({
        Sid: 'ReadIamUserOwnerTags',
        Action: 'iam:ListUserTags',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*']] },
      }),
    ]);
    expect(environment('iam-alerts notifier').HOME_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('passes each function the triage settings, as the runtime reads them', () => {
    for (const description of ['iam-alerts notifier', 'iam-alerts Slack app', 'iam-alerts scheduler']) {
      const config = loadConfig(resolved(description));
      expect(config.triage).toEqual({
        confirmSeverities: ['critical', 'high'],
        confirmTimeoutMinutes: 20,
        ownerMap: { alice: 'U0ALICE', '123456789012:ci': 'ops@example.com' },
        escalateAfterMinutes: { critical: 10, high: 30 },
        digest: { hour: 9, minute: 0, timeZone: 'Europe/Berlin' },
      });
    }
    const scheduler = loadConfig(resolved('iam-alerts scheduler'));
    expect(scheduler.responders.userGroupId).toBe('S0RESPONDERS');
    expect(scheduler.slack.channelId).toBe('C0ALERTS');
    expect(environment('iam-alerts scheduler').STATE_TABLE_NAME).toEqual({
      Ref: resources().find(([, r]) => r.Type === 'AWS::DynamoDB::Table')![0],
    });
  });

  it('refuses at synth what the functions would refuse, naming the setting', () => {
    expect(() => synth({ escalateAfterMinutes: 'critical=soon' })).toThrow(
      /escalateAfterMinutes \(-c escalateAfterMinutes=… or ESCALATE_AFTER_MINUTES\)/,
    );
    expect(() => synth({ digestAt: '25:00' })).toThrow(/digestAt/);
    expect(() => synth({ digestTimeZone: 'Mars/Olympus_Mons' })).toThrow(/digestTimeZone/);
    expect(() => synth({ confirmUserMap: 'alice=<!channel>' })).toThrow(/confirmUserMap/);
    expect(() => synth({ confirmSeverities: 'urgent' })).toThrow(/confirmSeverities/);
  });
});
