import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadConfig } from '../../app/config';
import { createIamAlertsApp } from '../../infra/app';
import { ONBOARDING_IAM_ACTIONS } from '../../infra/constructs/onboarding-policy';
import { readSettings } from '../../infra/settings';

/**
 * What onboarding (issue 13) asks of the stack: nothing at all while it is off; in auto mode the
 * notifier onboards and the Slack function only reveals; in approve mode the Slack function does it
 * all and the notifier gets nothing. Every grant is narrowed (the users that can qualify, the purpose
 * in the encryption context, the one SES sender), and cdk-nag stays clean.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
type Json = Record<string, any>;
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;
const BASE = { slackChannelId: 'C0ALERTS', responderUserIds: 'U0RESPONDER', protectedIamUsers: 'break-glass-*' };
const ONBOARDING = { onboardingEmailDomains: 'example.com', onboardingDelivery: 'both', onboardingFromEmail: 'iam@example.com' };

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-onboarding-'));
  const built = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...BASE, ...context },
    outdir,
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  built.app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { template: Template.fromStack(built.stack).toJSON(), report };
}

const resourcesOf = (template: Json) => Object.values(template.Resources as Record<string, Json>);
const functionNamed = (template: Json, description: RegExp) =>
  resourcesOf(template).find((r) => r.Type === 'AWS::Lambda::Function' && description.test(r.Properties.Description ?? ''))!;
const statementsOf = (template: Json, fn: Json): Json[] => {
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return resourcesOf(template)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === role))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
};
const actionsOf = (statements: Json[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const sid = (statements: Json[], name: string) => statements.find((s) => s.Sid === name);
const environmentOf = (fn: Json): Record<string, unknown> => fn.Properties.Environment.Variables;
const resolvedEnvironment = (fn: Json): Record<string, string> =>
  Object.fromEntries(
    Object.entries(environmentOf(fn)).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v).includes('AccountId') ? '111111111111' : 'arn:x',
    ]),
  );
const ONBOARDING_ACTIONS = [
  ...ONBOARDING_IAM_ACTIONS.user,
  ...ONBOARDING_IAM_ACTIONS.account,
  'kms:Encrypt',
  'kms:Decrypt',
  'ses:SendEmail',
];
const ONBOARDING_SIDS = [
  'OnboardEmailNamedUsers',
  'OnboardOwnerEmailTaggedUsers',
  'OnboardOwnerSlackTaggedUsers',
  'OnboardingAccountReads',
  'NeverOnboardProtectedUsers',
  'SealOnboardingPasswords',
  'RevealOnboardingPasswords',
  'SendSignInEmail',
  'SlackSideOnboardingItems',
  'NoOwnerTagWrites',
];
const USER_ACTIONS = [...ONBOARDING_IAM_ACTIONS.user].sort();
const nagViolations = (report: Json) => report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions').violations;

describe('onboarding in the stack', () => {
  const baseline = synth({});
  const off = synth({ onboarding: 'off', ...ONBOARDING });
  const auto = synth({ onboarding: 'auto', ...ONBOARDING });
  const approve = synth({ onboarding: 'approve', ...ONBOARDING });

  it('off: the template is the one without any onboarding setting, and grants nothing for it', () => {
    expect(off.template).toEqual(baseline.template);
    const text = JSON.stringify(off.template);
    for (const name of ONBOARDING_SIDS) expect(text).not.toContain(name);
    for (const action of ['iam:CreateLoginProfile', 'iam:GetLoginProfile', 'ses:SendEmail']) expect(text).not.toContain(`"${action}"`);
    expect(text).not.toContain('ONBOARDING');
  });

  it('auto: the notifier may onboard only users that can qualify, never protected ones, with the key and the one sender', () => {
    const notifier = statementsOf(auto.template, functionNamed(auto.template, /notifier/));

    expect(sid(notifier, 'OnboardEmailNamedUsers')).toMatchObject({
      Effect: 'Allow',
      Action: USER_ACTIONS,
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*@example.com']] },
    });
    expect(sid(notifier, 'OnboardOwnerEmailTaggedUsers')!.Condition).toEqual({
      Null: { 'iam:ResourceTag/iam-alerts:owner-email': 'false' },
    });
    expect(sid(notifier, 'OnboardOwnerSlackTaggedUsers')!.Condition).toEqual({
      Null: { 'iam:ResourceTag/iam-alerts:owner-slack': 'false' },
    });
    expect(sid(notifier, 'NeverOnboardProtectedUsers')).toMatchObject({
      Effect: 'Deny',
      Action: USER_ACTIONS,
    });
    expect(JSON.stringify(sid(notifier, 'NeverOnboardProtectedUsers')!.Resource)).toContain(':user/break-glass-*');
    expect(sid(notifier, 'OnboardingAccountReads')).toMatchObject({
      Action: ['iam:GetAccountPasswordPolicy', 'iam:ListAccountAliases'],
      Resource: '*',
    });
    expect(sid(notifier, 'SealOnboardingPasswords')).toMatchObject({
      Action: 'kms:Encrypt',
      Condition: { StringEquals: { 'kms:EncryptionContext:iam-alerts:purpose': 'onboarding-password' } },
    });
    const ses = sid(notifier, 'SendSignInEmail')!;
    expect(ses).toMatchObject({ Action: 'ses:SendEmail', Condition: { StringEquals: { 'ses:FromAddress': 'iam@example.com' } } });
    expect(JSON.stringify(ses.Resource)).toContain(':identity/iam@example.com');
    expect(JSON.stringify(ses.Resource)).toContain(':identity/example.com');
    // Only these: no IAM write beyond CreateLoginProfile, and no Decrypt.
    const iamActions = actionsOf(notifier).filter((a) => a.startsWith('iam:'));
    expect(iamActions.filter((a) => !(ONBOARDING_ACTIONS as string[]).includes(a))).toEqual([]);
    expect(actionsOf(notifier)).not.toContain('kms:Decrypt');
  });

  it('auto: the Slack function may only reveal: Decrypt with the purpose, its onboarding items, and never write an owner tag', () => {
    const slack = statementsOf(auto.template, functionNamed(auto.template, /Slack app/));

    expect(sid(slack, 'RevealOnboardingPasswords')).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:EncryptionContext:iam-alerts:purpose': 'onboarding-password' } },
    });
    expect(sid(slack, 'SlackSideOnboardingItems')).toMatchObject({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['onboarding#*'] } },
    });
    expect(sid(slack, 'NoOwnerTagWrites')).toMatchObject({
      Effect: 'Deny',
      Action: 'iam:TagUser',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['iam-alerts:owner-email', 'iam-alerts:owner-slack'] } },
    });
    expect(actionsOf(slack)).not.toContain('iam:CreateLoginProfile');
    expect(actionsOf(slack)).not.toContain('kms:Encrypt');
    expect(actionsOf(slack)).not.toContain('ses:SendEmail');
  });

  it('approve: the Slack function onboards (in its signed job); the notifier, which only offers, gets nothing new', () => {
    const notifier = statementsOf(approve.template, functionNamed(approve.template, /notifier/));
    const slack = statementsOf(approve.template, functionNamed(approve.template, /Slack app/));

    expect(notifier).toEqual(statementsOf(baseline.template, functionNamed(baseline.template, /notifier/)));
    for (const name of [
      'OnboardEmailNamedUsers',
      'NeverOnboardProtectedUsers',
      'SealOnboardingPasswords',
      'RevealOnboardingPasswords',
      'SendSignInEmail',
    ]) {
      expect(sid(slack, name)).toBeDefined();
    }
  });

  it('creates one rotating key for the held passwords, and none without Slack delivery', () => {
    const keys = (template: Json) => resourcesOf(template).filter((r) => r.Type === 'AWS::KMS::Key');
    const emailOnly = synth({ onboarding: 'auto', ...ONBOARDING, onboardingDelivery: 'email' });

    expect(keys(auto.template)).toHaveLength(keys(baseline.template).length + 1);
    expect(keys(auto.template).every((k) => k.Properties.EnableKeyRotation === true)).toBe(true);
    expect(keys(emailOnly.template)).toHaveLength(keys(baseline.template).length);
    const sids = JSON.stringify(emailOnly.template);
    expect(sids).not.toContain('SealOnboardingPasswords');
    expect(sids).not.toContain('RevealOnboardingPasswords');
    expect(sids).toContain('SendSignInEmail');
  });

  it('gives both functions an environment that loads, naming the mode, the key and the home account', () => {
    for (const built of [auto, approve]) {
      for (const pattern of [/notifier/, /Slack app/]) {
        const fn = functionNamed(built.template, pattern);
        const config = loadConfig(resolvedEnvironment(fn));
        expect(config.onboarding).toMatchObject({ emailDomains: ['example.com'], delivery: 'both', fromEmail: 'iam@example.com' });
        expect(config.onboarding.kmsKeyId).toBeDefined();
        expect(config.accounts.homeAccountId).toBe('111111111111');
      }
    }
  });

  it('keeps cdk-nag clean in both modes', () => {
    expect(nagViolations(auto.report)).toEqual([]);
    expect(nagViolations(approve.report)).toEqual([]);
  });
});

describe('onboarding settings', () => {
  it('need the sender when delivery includes email', () => {
    expect(() => readSettings((k) => ({ onboarding: 'auto', onboardingDelivery: 'email' })[k])).toThrow(
      /onboardingFromEmail \(-c onboardingFromEmail=… or ONBOARDING_FROM_EMAIL\): is required when onboardingDelivery includes email/,
    );
    expect(readSettings((k) => ({ onboardingEmailDomains: 'Example.COM' })[k])).toMatchObject({
      onboarding: 'off',
      onboardingDelivery: 'slack',
      onboardingEmailDomains: ['example.com'],
    });
  });
});

describe('ONBOARDING_IAM_ACTIONS', () => {
  it('lists every IAM call onboarding makes', () => {
    const dir = join(PROJECT_ROOT, 'app/onboarding');
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      if (!text.includes("'@aws-sdk/client-iam'")) continue;
      // `new XCommand(` or, with the client loaded on first use, `new (await iamSdk()).XCommand(`.
      for (const match of text.matchAll(/new (?:\(await \w+\(\)\)\.)?(\w+)Command\(/g)) used.add(`iam:${match[1]}`);
    }
    expect([...used].sort()).toEqual([...ONBOARDING_IAM_ACTIONS.user, ...ONBOARDING_IAM_ACTIONS.account].sort());
  });
});
