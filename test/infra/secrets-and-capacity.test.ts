import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { JOB_MAX_AGE_SECONDS } from '../../app/jobs/envelope';
import { createIamAlertsApp } from '../../infra/app';

/**
 * Issue 11, items 1, 7 and 8 in the synthesized template: each function reads only the secrets it
 * needs, the job signing key is generated, Lambda delivers no job older than the job side accepts,
 * and concurrency is reserved for the notifier and the triage scheduler and capped for the Slack
 * function. (The cdk-nag check over the whole stack is in iam-alerts-stack.test.ts.)
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

type Json = Record<string, any>;

function synth(context: Record<string, unknown> = {}): Json {
  const { app, stack } = createIamAlertsApp({
    // No bundling: these tests read the template, not the code.
    context: { ...CDK_JSON_CONTEXT, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [], ...context },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  app.synth();
  return Template.fromStack(stack).toJSON();
}

const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

describe('secrets, concurrency and asynchronous delivery in the template', () => {
  let template: Json;
  beforeAll(() => {
    template = synth();
  });

  const resources = () => Object.entries(template.Resources as Record<string, Json>);
  const idOf = (type: string, match: (r: Json) => boolean) => resources().find(([, r]) => r.Type === type && match(r))![0];
  const fn = (description: string) =>
    resources().find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.startsWith(description))!;
  const secretId = (name: string) => idOf('AWS::SecretsManager::Secret', (r) => r.Properties.Name === name);
  /** Every secret a function's role may read (GetSecretValue), as logical IDs. */
  const readableSecrets = (description: string): string[] => {
    const roleId = fn(description)[1].Properties.Role['Fn::GetAtt'][0];
    return resources()
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: Json) => role.Ref === roleId))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as Json[])
      .filter(
        (s) =>
          s.Effect === 'Allow' && list(s.Action).some((a: string) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:*'),
      )
      .flatMap((s) => list(s.Resource).map((r: Json) => r.Ref ?? JSON.stringify(r)))
      .sort();
  };

  it('keeps three secrets: the bot token (the existing one), the signing secret and a generated job signing key', () => {
    const secrets = Object.fromEntries(
      resources()
        .filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret')
        .map(([, r]) => [r.Properties.Name, r.Properties]),
    );
    expect(Object.keys(secrets).sort()).toEqual(['IamAlerts/job-signing-key', 'IamAlerts/slack', 'IamAlerts/slack-signing-secret']);
    // The existing secret keeps its name and its placeholder, so deployments that filled it keep working.
    expect(secrets['IamAlerts/slack'].SecretString).toBe('{}');
    expect(secrets['IamAlerts/slack-signing-secret'].SecretString).toBe('{}');
    expect(secrets['IamAlerts/job-signing-key'].GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
  });

  it('lets the notifier read the bot-token secret only: never the signing secret or the job signing key', () => {
    expect(readableSecrets('iam-alerts notifier')).toEqual([secretId('IamAlerts/slack')]);
    const vars = fn('iam-alerts notifier')[1].Properties.Environment.Variables;
    expect(vars.SLACK_SECRET_ARN).toEqual({ Ref: secretId('IamAlerts/slack') });
    expect(vars.SLACK_SIGNING_SECRET_ARN).toBeUndefined();
    expect(vars.JOB_SIGNING_KEY_ARN).toBeUndefined();
  });

  it('lets the Slack function read all three, and tells it where they are and where its state table is', () => {
    const ids = ['IamAlerts/slack', 'IamAlerts/slack-signing-secret', 'IamAlerts/job-signing-key'].map(secretId);
    expect(readableSecrets('iam-alerts Slack app')).toEqual([...ids].sort());
    expect(fn('iam-alerts Slack app')[1].Properties.Environment.Variables).toMatchObject({
      SLACK_SECRET_ARN: { Ref: ids[0] },
      SLACK_SIGNING_SECRET_ARN: { Ref: ids[1] },
      JOB_SIGNING_KEY_ARN: { Ref: ids[2] },
      STATE_TABLE_NAME: { Ref: idOf('AWS::DynamoDB::Table', () => true) },
    });
  });

  it('outputs the signing secret to fill in', () => {
    expect(template.Outputs.SlackSigningSecretArn.Value).toEqual({ Ref: secretId('IamAlerts/slack-signing-secret') });
    expect(template.Outputs.SlackSigningSecretName).toBeDefined();
  });

  it('has Lambda drop (to the dead-letter queue) any job older than the job side accepts, after at most 2 retries, and retry no scheduler run', () => {
    const [slackId] = fn('iam-alerts Slack app');
    const [schedulerId] = fn('iam-alerts scheduler');
    // Every function's asynchronous delivery, by function: the notifier keeps Lambda's defaults (its
    // retries redeliver alerts, its DLQ keeps the rest), and the triage scheduler never retries a
    // run (the next minute's starts where it stopped: triage-stack.test.ts).
    const configs = resources()
      .filter(([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig')
      .map(([, r]) => r.Properties);
    expect(configs.map((c) => c.FunctionName.Ref).sort()).toEqual([slackId, schedulerId].sort());
    expect(configs.find((c) => c.FunctionName.Ref === slackId)).toMatchObject({
      MaximumEventAgeInSeconds: JOB_MAX_AGE_SECONDS,
      MaximumRetryAttempts: 2,
    });
    expect(configs.find((c) => c.FunctionName.Ref === schedulerId)).toMatchObject({
      MaximumEventAgeInSeconds: 60,
      MaximumRetryAttempts: 0,
    });
  });

  it('reserves concurrency for the notifier (5) and the triage scheduler (1), and caps the Slack function (10) by default', () => {
    expect(fn('iam-alerts notifier')[1].Properties.ReservedConcurrentExecutions).toBe(5);
    expect(fn('iam-alerts Slack app')[1].Properties.ReservedConcurrentExecutions).toBe(10);
    expect(fn('iam-alerts scheduler')[1].Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('reserves what the settings say, and nothing at all with 0 (accounts with a low concurrency quota)', () => {
    const custom = synth({ notifierReservedConcurrency: '20', slackReservedConcurrency: 25, schedulerReservedConcurrency: '2' });
    const none = synth({ notifierReservedConcurrency: '0', slackReservedConcurrency: 0, schedulerReservedConcurrency: 0 });
    const reserved = (t: Json) =>
      Object.values(t.Resources as Record<string, Json>)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => [r.Properties.Description.split(':')[0], r.Properties.ReservedConcurrentExecutions])
        .sort();

    expect(reserved(custom)).toEqual([
      ['iam-alerts Slack app', 25],
      ['iam-alerts notifier', 20],
      ['iam-alerts scheduler', 2],
    ]);
    expect(reserved(none)).toEqual([
      ['iam-alerts Slack app', undefined],
      ['iam-alerts notifier', undefined],
      ['iam-alerts scheduler', undefined],
    ]);
  });

  it('refuses a negative or fractional concurrency, naming the setting', () => {
    expect(() => synth({ slackReservedConcurrency: '-1' })).toThrow(
      /slackReservedConcurrency \(-c slackReservedConcurrency=… or SLACK_RESERVED_CONCURRENCY\)/,
    );
    expect(() => synth({ notifierReservedConcurrency: '2.5' })).toThrow(/notifierReservedConcurrency/);
    expect(() => synth({ schedulerReservedConcurrency: '-1' })).toThrow(
      /schedulerReservedConcurrency \(-c schedulerReservedConcurrency=… or SCHEDULER_RESERVED_CONCURRENCY\)/,
    );
  });
});
