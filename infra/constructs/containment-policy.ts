import { Aws, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { DENY_ALL_MANAGED_POLICY_NAME } from '../../app/containment/deny-policy';
import { IAM_ALERTS_TAG_PREFIX, TAGS } from '../../app/containment/tags';

/**
 * The IAM actions of Disable User and Re-enable (`app/containment/`), by how far each is trusted.
 * All of them are allowed on `user/*` of one account only, and explicitly denied on protected
 * users. The role may write no policy but AWSDenyAll and no tag outside `iam-alerts:*`: code
 * running in the internet-facing Slack function cannot grant anyone anything (issue 11).
 */
export const SLACK_IAM_ACTIONS = {
  /** Reads, and switching credentials off (or, for Re-enable, keys back on): no condition. */
  credentials: [
    'iam:GetUser',
    'iam:ListAccessKeys',
    'iam:UpdateAccessKey',
    'iam:DeleteLoginProfile',
    'iam:ListSigningCertificates',
    'iam:UpdateSigningCertificate',
    'iam:ListSSHPublicKeys',
    'iam:UpdateSSHPublicKey',
    'iam:ListServiceSpecificCredentials',
    'iam:UpdateServiceSpecificCredential',
    'iam:ListAttachedUserPolicies',
    'iam:GetUserPolicy',
  ],
  /** Only with `iam:PolicyARN` equal to AWS's managed AWSDenyAll. */
  denyAllPolicy: ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'],
  /** Only for tag keys `iam-alerts:*` (`aws:TagKeys`). */
  tags: ['iam:TagUser', 'iam:UntagUser'],
  /**
   * Re-enable removing the inline deny policy of earlier versions: only on users tagged
   * `iam-alerts:disabled-by`, and only while `legacyDenyPolicyRemoval` is on. IAM has no condition
   * key for the policy name, so this is the loosest grant left (docs/DEPLOY.md says what it risks).
   */
  legacyDenyPolicy: ['iam:DeleteUserPolicy'],
} as const;

/**
 * Every IAM action of Disable User and Re-enable: what the Deny on protected users covers. A test
 * checks that every IAM call in `app/containment/` is listed here.
 */
export const DISABLE_USER_ACTIONS = [
  ...SLACK_IAM_ACTIONS.credentials,
  ...SLACK_IAM_ACTIONS.denyAllPolicy,
  ...SLACK_IAM_ACTIONS.tags,
  ...SLACK_IAM_ACTIONS.legacyDenyPolicy,
] as const;

/** Options of {@link containmentStatements}. */
export interface ContainmentPolicyOptions {
  /** IAM user names (`*` globs) never to touch: an explicit Deny, spelled as IAM spells them. */
  readonly protectedUsers: readonly string[];
  /** Allow `iam:DeleteUserPolicy` on users tagged `iam-alerts:disabled-by` (see {@link SLACK_IAM_ACTIONS}). */
  readonly legacyDenyPolicyRemoval: boolean;
}

/**
 * The containment permissions, as policy statements: Disable User and Re-enable on the IAM users of
 * the stack's own account (each write within its condition), the Deny on protected users, and
 * `cloudtrail:LookupEvents` (the containment report and `/iam-events`). One function builds both
 * the central Slack role's grant and the member accounts' `IamAlertsResponder` role, so the two
 * cannot drift apart.
 */
export function containmentStatements(scope: Construct, options: ContainmentPolicyOptions): PolicyStatement[] {
  const stack = Stack.of(scope);
  const userArn = (name: string) => stack.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: name });
  const allUsers = [userArn('*')];
  const statements = [
    new PolicyStatement({ sid: 'DisableUser', actions: [...SLACK_IAM_ACTIONS.credentials], resources: allUsers }),
    new PolicyStatement({
      sid: 'AttachOnlyAwsDenyAll',
      actions: [...SLACK_IAM_ACTIONS.denyAllPolicy],
      resources: allUsers,
      conditions: { ArnEquals: { 'iam:PolicyARN': `arn:${Aws.PARTITION}:iam::aws:policy/${DENY_ALL_MANAGED_POLICY_NAME}` } },
    }),
    new PolicyStatement({
      sid: 'TagOnlyIamAlertsKeys',
      actions: [...SLACK_IAM_ACTIONS.tags],
      resources: allUsers,
      // ForAllValues is also true when the request has no tag keys at all: require them (Null false).
      conditions: {
        'ForAllValues:StringLike': { 'aws:TagKeys': [`${IAM_ALERTS_TAG_PREFIX}*`] },
        Null: { 'aws:TagKeys': 'false' },
      },
    }),
  ];
  if (options.legacyDenyPolicyRemoval) {
    statements.push(
      new PolicyStatement({
        sid: 'RemoveLegacyDenyPolicy',
        actions: [...SLACK_IAM_ACTIONS.legacyDenyPolicy],
        resources: allUsers,
        conditions: { Null: { [`aws:ResourceTag/${TAGS.disabledBy}`]: 'false' } },
      }),
    );
  }
  if (options.protectedUsers.length > 0) {
    statements.push(
      new PolicyStatement({
        sid: 'NeverTouchProtectedUsers',
        effect: Effect.DENY,
        actions: [...DISABLE_USER_ACTIONS],
        // A user's ARN includes its path: user/name and user/some/path/name. IAM compares these
        // case-sensitively, and so does the app (`protectionReason`).
        resources: options.protectedUsers.flatMap((name) => [userArn(name), userArn(`*/${name}`)]),
      }),
    );
  }
  statements.push(new PolicyStatement({ sid: 'IamEventsHistory', actions: ['cloudtrail:LookupEvents'], resources: ['*'] }));
  return statements;
}

/** The cdk-nag acknowledgements every role holding {@link containmentStatements} needs, with their reasons. */
export const CONTAINMENT_NAG_ACKNOWLEDGEMENTS = [
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]',
    reason:
      'Disable User may act on any IAM user of this account (user/*), within conditions: policies only AWSDenyAll (iam:PolicyARN), tags only iam-alerts:* (aws:TagKeys), inline policy deletion only on users tagged iam-alerts:disabled-by; protected users are explicitly denied.',
  },
  {
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudtrail:LookupEvents supports no resource-level permissions (its only resource is *).',
  },
] as const;
