import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { OWNER_TAGS } from '../../app/onboarding/qualify';
import { ENCRYPTION_CONTEXT_KEYS, ENCRYPTION_PURPOSE, ONBOARDING_KEY_PREFIX } from '../../app/onboarding/sealed-password';
import type { Settings } from '../settings';
import type { AlertsFunction } from './alerts-function';

/**
 * What onboarding (issue 13) may do, and which function may do it. With `onboarding` off nothing
 * here is created: no key, no statement, no environment.
 *
 * - `auto`: the notifier onboards (IAM, KMS Encrypt, SES); the Slack function only reveals (KMS
 *   Decrypt, its `onboarding#` state items).
 * - `approve`: the notifier only posts the offer, and gets nothing; the Slack function does it all in
 *   its signed job.
 *
 * Whichever onboards may read tags of, and create the first console password of, only the users
 * that can qualify: named `*@<domain>` for each of `onboardingEmailDomains`, or carrying an owner tag
 * (`iam:ResourceTag`), never a protected one (explicit Deny); it may read the account's password
 * policy and alias; encrypt only with the purpose `onboarding-password` in the encryption context;
 * send email only from the one identity (`ses:FromAddress`). The Slack role may never write an
 * owner tag, so it cannot make any user qualify.
 */

/** The IAM actions of `app/onboarding/iam-login.ts`; a test keeps the two in step. */
export const ONBOARDING_IAM_ACTIONS = {
  /** On the users that can qualify only. */
  user: ['iam:ListUserTags', 'iam:GetLoginProfile', 'iam:CreateLoginProfile'],
  /** Account-wide reads with no resource-level permissions. */
  account: ['iam:GetAccountPasswordPolicy', 'iam:ListAccountAliases'],
} as const;

export interface OnboardingGrantProps {
  readonly settings: Pick<
    Settings,
    'onboarding' | 'onboardingEmailDomains' | 'onboardingDelivery' | 'onboardingFromEmail' | 'protectedIamUsers'
  >;
  readonly notifier: AlertsFunction;
  readonly slack: AlertsFunction;
  readonly table: ITable;
}

/**
 * Grants and configures onboarding on the two functions.
 * @returns the KMS key the passwords are held under until revealed (Slack delivery), if any.
 */
export function addOnboarding(scope: Construct, props: OnboardingGrantProps): { key?: Key } {
  const { settings, notifier, slack } = props;
  if (settings.onboarding === 'off') return {};
  const stack = Stack.of(scope);
  const worker = settings.onboarding === 'auto' ? notifier : slack;
  const slackDelivery = settings.onboardingDelivery !== 'email';
  const emailDelivery = settings.onboardingDelivery !== 'slack';

  const key = slackDelivery
    ? new Key(scope, 'OnboardingKey', {
        description: 'iam-alerts: holds one-time console passwords (at most a day) until their recipient reveals them',
        enableKeyRotation: true,
        // It only ever holds ciphertexts that expire within a day: nothing to keep after the stack.
        removalPolicy: RemovalPolicy.DESTROY,
        pendingWindow: Duration.days(7),
      })
    : undefined;

  const environment: Record<string, string> = {
    ONBOARDING: settings.onboarding,
    ONBOARDING_DELIVERY: settings.onboardingDelivery,
    // Whether a user qualifies, and (onboarding only in) which account: both functions decide it.
    HOME_ACCOUNT_ID: Aws.ACCOUNT_ID,
    ...(settings.onboardingEmailDomains.length > 0 ? { ONBOARDING_EMAIL_DOMAINS: settings.onboardingEmailDomains.join(',') } : {}),
    ...(settings.onboardingFromEmail ? { ONBOARDING_FROM_EMAIL: settings.onboardingFromEmail } : {}),
    ...(key ? { ONBOARDING_KMS_KEY_ID: key.keyArn } : {}),
  };
  for (const fn of [notifier, slack]) for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);

  const userArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: name });
  const purpose = { StringEquals: { [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEYS.purpose}`]: ENCRYPTION_PURPOSE } };
  const statements: PolicyStatement[] = [];
  if (settings.onboardingEmailDomains.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'OnboardEmailNamedUsers',
        actions: [...ONBOARDING_IAM_ACTIONS.user],
        // IAM compares ARNs case-sensitively: the domains are lower case, as the user names must be.
        resources: settings.onboardingEmailDomains.map((domain) => userArn(`*@${domain}`)),
      }),
    );
  }
  for (const [sid, tag] of [
    ['OnboardOwnerEmailTaggedUsers', OWNER_TAGS.email],
    ['OnboardOwnerSlackTaggedUsers', OWNER_TAGS.slack],
  ] as const) {
    statements.push(
      new PolicyStatement({
        sid,
        actions: [...ONBOARDING_IAM_ACTIONS.user],
        resources: [userArn('*')],
        conditions: { Null: { [`iam:ResourceTag/${tag}`]: 'false' } },
      }),
    );
  }
  statements.push(new PolicyStatement({ sid: 'OnboardingAccountReads', actions: [...ONBOARDING_IAM_ACTIONS.account], resources: ['*'] }));
  if (settings.protectedIamUsers.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'NeverOnboardProtectedUsers',
        effect: Effect.DENY,
        actions: [...ONBOARDING_IAM_ACTIONS.user],
        resources: settings.protectedIamUsers.flatMap((name) => [userArn(name), userArn(`*/${name}`)]),
      }),
    );
  }
  if (key) {
    statements.push(
      new PolicyStatement({ sid: 'SealOnboardingPasswords', actions: ['kms:Encrypt'], resources: [key.keyArn], conditions: purpose }),
    );
  }
  if (emailDelivery && settings.onboardingFromEmail) {
    const from = settings.onboardingFromEmail;
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    statements.push(
      new PolicyStatement({
        sid: 'SendSignInEmail',
        actions: ['ses:SendEmail'],
        // The address's own identity or its domain's, whichever was verified; either way only this sender.
        resources: [identity(from), identity(from.slice(from.lastIndexOf('@') + 1))],
        conditions: { StringEquals: { 'ses:FromAddress': from } },
      }),
    );
  }
  for (const statement of statements) worker.addToRolePolicy(statement);

  if (key) {
    slack.addToRolePolicy(
      new PolicyStatement({ sid: 'RevealOnboardingPasswords', actions: ['kms:Decrypt'], resources: [key.keyArn], conditions: purpose }),
    );
  }
  // The Slack side's onboarding items: held passwords (Reveal), and in approve mode the claims.
  slack.addToRolePolicy(
    new PolicyStatement({
      sid: 'SlackSideOnboardingItems',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [props.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ONBOARDING_KEY_PREFIX}*`] } },
    }),
  );
  // The Slack role may write iam-alerts:* tags (Disable User): never the owner tags, which would make any user qualify.
  slack.addToRolePolicy(
    new PolicyStatement({
      sid: 'NoOwnerTagWrites',
      effect: Effect.DENY,
      actions: ['iam:TagUser'],
      resources: [userArn('*')],
      conditions: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [OWNER_TAGS.email, OWNER_TAGS.slack] } },
    }),
  );

  Validations.of(worker.role!).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]',
      reason:
        'Onboarding reads tags of and creates the first console password of users carrying an owner tag only (iam:ResourceTag condition), never a protected user (explicit Deny), never over an existing password (IAM refuses).',
    },
    {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'iam:GetAccountPasswordPolicy and iam:ListAccountAliases support no resource-level permissions; both only read.',
    },
    ...settings.onboardingEmailDomains.map((domain) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*@${domain}]`,
      reason: `Onboarding acts on the users named by an address in ${domain} (ONBOARDING_EMAIL_DOMAINS), never a protected one, never over an existing password.`,
    })),
  );
  return { key };
}
