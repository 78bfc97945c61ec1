import type { AlertRule, TargetSpec } from './rule';

/**
 * The default rule catalog: every event iam-alerts alerts on, with its severity, title and why.
 * Operators change it without editing code through an `ALERT_RULES_FILE` (see `catalog-config.ts`);
 * the CDK stack builds its EventBridge patterns from the same effective catalog, and
 * `docs/ALERTS.md` documents it. Add an event here and the tests, infra and docs pick it up.
 */

const IAM = 'iam.amazonaws.com';
const user = (param = 'userName'): TargetSpec => ({ kind: 'user', param });
const role: TargetSpec = { kind: 'role', param: 'roleName' };
const group: TargetSpec = { kind: 'group', param: 'groupName' };

const trail: TargetSpec = { kind: 'trail', param: 'name' };

/** A rule on one API call of `eventSource`: the common case, kept to one line of data each. */
const apiCall =
  (eventSource: string) =>
  (
    id: string,
    eventName: string,
    title: string,
    severity: AlertRule['severity'],
    why: string,
    extra: Partial<Pick<AlertRule, 'target' | 'escalations' | 'deletesTarget'>> = {},
  ): AlertRule => ({ id, title, severity, why, match: { kind: 'api-call', eventSource, eventNames: [eventName] }, ...extra });

const iam = apiCall(IAM);
const cloudtrail = apiCall('cloudtrail.amazonaws.com');

export const OFFENSIVE_USER_AGENTS = ['TruffleHog', 'Pacu', 'S3 Browser', 'kali', 'parrot'] as const;

export const DEFAULT_RULES: readonly AlertRule[] = [
  // Root
  {
    id: 'root-console-sign-in',
    title: 'Root console sign-in',
    severity: 'critical',
    why: 'The root user can do anything, including closing the account; AWS advises never to use it day to day.',
    match: { kind: 'console-sign-in', identityTypes: ['Root'], when: 'any' },
  },
  {
    id: 'root-activity',
    title: 'Root user activity',
    severity: 'critical',
    why: 'Any change made with root credentials bypasses every IAM guardrail and is rarely legitimate.',
    match: { kind: 'root-activity' },
  },
  // Console sign-ins of IAM users
  {
    id: 'iam-user-sign-in-failed',
    title: 'Failed console sign-in',
    severity: 'medium',
    why: 'Repeated failures are password guessing; one failure for a user who never signs in is worth a look.',
    match: { kind: 'console-sign-in', identityTypes: ['IAMUser'], when: 'failure' },
    target: user(),
  },
  {
    id: 'iam-user-sign-in-without-mfa',
    title: 'Console sign-in without MFA',
    severity: 'medium',
    why: 'A password alone protects this console session; a stolen password is enough to get in.',
    match: { kind: 'console-sign-in', identityTypes: ['IAMUser'], when: 'success-without-mfa' },
    target: user(),
  },
  // IAM users and their credentials
  iam(
    'iam-create-user',
    'CreateUser',
    'IAM user created',
    'medium',
    'New long-lived identities are the usual persistence step after a compromise.',
    { target: user() },
  ),
  iam('iam-delete-user', 'DeleteUser', 'IAM user deleted', 'medium', 'Deleting users can destroy evidence or lock out the real owner.', {
    target: user(),
    deletesTarget: true,
  }),
  iam(
    'iam-create-login-profile',
    'CreateLoginProfile',
    'Console password created',
    'high',
    'Gives a user (or a backdoor) console access.',
    { target: user(), escalations: ['credential-for-other-user'] },
  ),
  iam(
    'iam-update-login-profile',
    'UpdateLoginProfile',
    'Console password changed',
    'high',
    "Changing someone else's password is account takeover.",
    { target: user(), escalations: ['credential-for-other-user'] },
  ),
  iam(
    'iam-delete-login-profile',
    'DeleteLoginProfile',
    'Console password deleted',
    'medium',
    'Removes console access; can lock out the real owner.',
    { target: user() },
  ),
  iam(
    'iam-create-access-key',
    'CreateAccessKey',
    'Access key created',
    'high',
    'Long-lived access keys are the most common way credentials leak; a key made for another user is a backdoor.',
    { target: user(), escalations: ['credential-for-other-user'] },
  ),
  iam(
    'iam-update-access-key',
    'UpdateAccessKey',
    'Access key status changed',
    'medium',
    'Re-activating a disabled key revives old credentials.',
    { target: user() },
  ),
  iam(
    'iam-delete-access-key',
    'DeleteAccessKey',
    'Access key deleted',
    'low',
    'Usually hygiene; during an incident it can also remove evidence.',
    { target: user() },
  ),
  iam('iam-attach-user-policy', 'AttachUserPolicy', 'Policy attached to IAM user', 'high', 'Direct privilege grant to a user.', {
    target: user(),
    escalations: ['admin-policy-attached'],
  }),
  iam('iam-detach-user-policy', 'DetachUserPolicy', 'Policy detached from IAM user', 'low', 'Changes what a user may do.', {
    target: user(),
  }),
  iam(
    'iam-put-user-policy',
    'PutUserPolicy',
    'Inline policy set on IAM user',
    'high',
    'Inline policies are easy to miss in reviews and often grant too much.',
    { target: user(), escalations: ['wildcard-policy'] },
  ),
  iam('iam-delete-user-policy', 'DeleteUserPolicy', 'Inline policy deleted from IAM user', 'low', 'Changes what a user may do.', {
    target: user(),
  }),
  iam('iam-add-user-to-group', 'AddUserToGroup', 'IAM user added to group', 'medium', 'Grants everything the group may do.', {
    target: user(),
  }),
  iam('iam-remove-user-from-group', 'RemoveUserFromGroup', 'IAM user removed from group', 'low', 'Changes what a user may do.', {
    target: user(),
  }),
  iam(
    'iam-put-user-permissions-boundary',
    'PutUserPermissionsBoundary',
    'Permissions boundary set on IAM user',
    'medium',
    'Changes the ceiling of what a user may do.',
    { target: user() },
  ),
  iam(
    'iam-delete-user-permissions-boundary',
    'DeleteUserPermissionsBoundary',
    'Permissions boundary removed from IAM user',
    'high',
    "Removing a boundary lifts the ceiling on a user's permissions.",
    { target: user() },
  ),
  iam(
    'iam-deactivate-mfa-device',
    'DeactivateMFADevice',
    'MFA device deactivated',
    'medium',
    'Without MFA a stolen password is enough to sign in.',
    { target: user(), escalations: ['mfa-removed'] },
  ),
  iam(
    'iam-delete-virtual-mfa-device',
    'DeleteVirtualMFADevice',
    'Virtual MFA device deleted',
    'medium',
    'Without MFA a stolen password is enough to sign in.',
    { target: { kind: 'mfa-device', param: 'serialNumber' }, escalations: ['mfa-removed'] },
  ),
  // Groups
  iam('iam-create-group', 'CreateGroup', 'IAM group created', 'low', 'New groups are a way to hand out permissions quietly.', {
    target: group,
  }),
  iam('iam-delete-group', 'DeleteGroup', 'IAM group deleted', 'low', 'Changes who may do what.', { target: group }),
  iam(
    'iam-attach-group-policy',
    'AttachGroupPolicy',
    'Policy attached to IAM group',
    'high',
    'Grants permissions to every member at once.',
    { target: group, escalations: ['admin-policy-attached'] },
  ),
  iam('iam-put-group-policy', 'PutGroupPolicy', 'Inline policy set on IAM group', 'high', 'Grants permissions to every member at once.', {
    target: group,
    escalations: ['wildcard-policy'],
  }),
  // Roles and policies
  iam(
    'iam-create-role',
    'CreateRole',
    'IAM role created',
    'medium',
    'A role trusted by an outside account is a backdoor that survives password resets.',
    { target: role },
  ),
  iam(
    'iam-attach-role-policy',
    'AttachRolePolicy',
    'Policy attached to IAM role',
    'high',
    'Grants permissions to whoever can assume the role.',
    { target: role, escalations: ['admin-policy-attached'] },
  ),
  iam(
    'iam-put-role-policy',
    'PutRolePolicy',
    'Inline policy set on IAM role',
    'high',
    'Grants permissions to whoever can assume the role.',
    { target: role, escalations: ['wildcard-policy'] },
  ),
  iam(
    'iam-update-assume-role-policy',
    'UpdateAssumeRolePolicy',
    'Role trust policy changed',
    'high',
    'Changes who may assume the role: the classic cross-account backdoor.',
    { target: role },
  ),
  iam(
    'iam-put-role-permissions-boundary',
    'PutRolePermissionsBoundary',
    'Permissions boundary set on IAM role',
    'medium',
    'Changes the ceiling of what a role may do.',
    { target: role },
  ),
  iam(
    'iam-delete-role-permissions-boundary',
    'DeleteRolePermissionsBoundary',
    'Permissions boundary removed from IAM role',
    'high',
    "Removing a boundary lifts the ceiling on a role's permissions.",
    { target: role },
  ),
  iam(
    'iam-create-policy-version',
    'CreatePolicyVersion',
    'Managed policy version created',
    'high',
    'Rewrites what every holder of the policy may do (a known privilege escalation path).',
    { target: { kind: 'policy', param: 'policyArn' }, escalations: ['wildcard-policy'] },
  ),
  iam(
    'iam-set-default-policy-version',
    'SetDefaultPolicyVersion',
    'Default policy version changed',
    'high',
    'Switching to an older, broader version is a known privilege escalation path.',
    { target: { kind: 'policy', param: 'policyArn' } },
  ),
  // Identity providers and account settings
  iam(
    'iam-create-saml-provider',
    'CreateSAMLProvider',
    'SAML provider created',
    'high',
    'A new identity provider can mint sessions for any role that trusts it.',
    { target: { kind: 'provider', param: 'name' } },
  ),
  iam(
    'iam-update-saml-provider',
    'UpdateSAMLProvider',
    'SAML provider updated',
    'high',
    'Swapping the metadata hands federation to someone else.',
    { target: { kind: 'provider', param: 'sAMLProviderArn' } },
  ),
  iam(
    'iam-delete-saml-provider',
    'DeleteSAMLProvider',
    'SAML provider deleted',
    'high',
    'Breaks single sign-on, or removes evidence of a rogue provider.',
    { target: { kind: 'provider', param: 'sAMLProviderArn' } },
  ),
  iam(
    'iam-create-oidc-provider',
    'CreateOpenIDConnectProvider',
    'OIDC provider created',
    'high',
    'A new identity provider can mint sessions for any role that trusts it.',
    { target: { kind: 'provider', param: 'url' } },
  ),
  iam(
    'iam-update-password-policy',
    'UpdateAccountPasswordPolicy',
    'Account password policy changed',
    'medium',
    'Weakening the password policy makes guessing easier.',
    { target: { kind: 'account' } },
  ),
  iam(
    'iam-delete-password-policy',
    'DeleteAccountPasswordPolicy',
    'Account password policy deleted',
    'high',
    'Removes every password requirement in the account.',
    { target: { kind: 'account' } },
  ),
  // IAM Identity Center: who may federate in
  ...(['sso.amazonaws.com', 'sso-directory.amazonaws.com'] as const).map(
    (eventSource): AlertRule => ({
      id: `identity-center-idp-change-${eventSource.split('.')[0]}`,
      title: 'Identity Center identity provider changed',
      severity: 'high',
      why: 'Connecting or swapping the external identity provider hands sign-in to every account to whoever runs it.',
      match: {
        kind: 'api-call',
        eventSource,
        eventNames: [
          'AssociateDirectory',
          'DisassociateDirectory',
          'EnableExternalIdPConfigurationForDirectory',
          'DisableExternalIdPConfigurationForDirectory',
        ],
      },
    }),
  ),
  // CloudTrail tampering
  cloudtrail(
    'cloudtrail-stop-logging',
    'StopLogging',
    'CloudTrail logging stopped',
    'critical',
    'Attackers stop logging first; nothing after this is recorded.',
    { target: trail },
  ),
  cloudtrail(
    'cloudtrail-delete-trail',
    'DeleteTrail',
    'CloudTrail trail deleted',
    'critical',
    'Deleting the trail removes the audit log for every region it covered.',
    { target: trail },
  ),
  cloudtrail(
    'cloudtrail-update-trail',
    'UpdateTrail',
    'CloudTrail trail changed',
    'high',
    'Pointing a trail elsewhere or narrowing it hides later activity.',
    { target: trail },
  ),
  // Offensive tooling
  {
    id: 'offensive-tool-user-agent',
    title: 'Offensive tool used against IAM',
    severity: 'high',
    why: 'TruffleHog, Pacu, S3 Browser, Kali and Parrot in a user agent mean leaked keys being tested or an attack toolkit.',
    match: { kind: 'offensive-user-agent', eventSources: [IAM, 'sts.amazonaws.com'], userAgentContains: [...OFFENSIVE_USER_AGENTS] },
  },
];
