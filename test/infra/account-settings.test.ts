import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../app/config';
import { createIamAlertsApp } from '../../infra/app';

/**
 * What the functions need from the stack for the application half of issue 10: the notifier gets
 * SLACK_CHANNEL_BY_ACCOUNT, and in an organization the organization and home account (names from
 * ListAccounts); both functions may call organizations:ListAccounts only in an organization, with
 * the finding acknowledged; the environment each function is given loads as a valid config.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
type Json = Record<string, any>;
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;
const ORG = 'o-a1b2c3d4e5';

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-accounts-'));
  const built = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [], ...context },
    outdir,
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  built.app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { template: Template.fromStack(built.stack).toJSON(), report };
}

const functionNamed = (template: Json, description: RegExp) =>
  Object.values(template.Resources as Record<string, Json>).find(
    (r) => r.Type === 'AWS::Lambda::Function' && description.test(r.Properties.Description ?? ''),
  )!;
const environmentOf = (fn: Json): Record<string, unknown> => fn.Properties.Environment.Variables;
/** The function's environment as Lambda would set it, tokens of the account resolved. */
const resolvedEnvironment = (fn: Json): Record<string, string> =>
  Object.fromEntries(
    Object.entries(environmentOf(fn)).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v).includes('AWS::AccountId') ? '111111111111' : 'x',
    ]),
  );
const roleActions = (template: Json, fn: Json): string[] => {
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.Resources as Record<string, Json>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
};

describe('stack settings for accounts', () => {
  const org = synth({ organizationId: ORG, slackChannelByAccount: '222222222222=C0PROD', memberAccountIds: '222222222222' });
  const single = synth({});

  it('passes the notifier its account channels, and in an organization the organization and home account', () => {
    const notifier = functionNamed(org.template, /notifier/);

    expect(environmentOf(notifier)).toMatchObject({
      SLACK_CHANNEL_BY_ACCOUNT: '222222222222=C0PROD',
      ORGANIZATION_ID: ORG,
      HOME_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
    });
    const config = loadConfig(resolvedEnvironment(notifier));
    expect(config.slack.channelByAccount).toEqual({ '222222222222': 'C0PROD' });
    expect(config.accounts.organizationId).toBe(ORG);
    expect(environmentOf(functionNamed(single.template, /notifier/))).not.toHaveProperty('ORGANIZATION_ID');
  });

  it('gives both functions an environment that loads, in both modes', () => {
    for (const { template } of [org, single]) {
      for (const pattern of [/notifier/, /Slack app/])
        expect(() => loadConfig(resolvedEnvironment(functionNamed(template, pattern)))).not.toThrow();
    }
  });

  it('lets both functions list the organization’s accounts only in an organization, with the finding acknowledged', () => {
    for (const pattern of [/notifier/, /Slack app/]) {
      expect(roleActions(org.template, functionNamed(org.template, pattern))).toContain('organizations:ListAccounts');
      expect(roleActions(single.template, functionNamed(single.template, pattern))).not.toContain('organizations:ListAccounts');
    }
    const nag = org.report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions');
    expect(nag.violations).toEqual([]);
  });

  it('refuses an account channel keyed by anything but an account ID', () => {
    expect(() => synth({ slackChannelByAccount: 'prod=C0PROD' })).toThrow(/slackChannelByAccount.*12-digit account IDs/);
  });
});
