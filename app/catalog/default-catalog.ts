import type { AlertRule, RuleMatch, TargetSpec } from './rule';

type ApiCallMatch = Extract<RuleMatch, { kind: 'api-call' }>;

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

/** A rule on several calls of one service, or with conditions on the request: the rule written out. */
const apiCalls =
  (eventSource: string) =>
  (
    id: string,
    eventNames: string[],
    title: string,
    severity: AlertRule['severity'],
    why: string,
    extra: Partial<Pick<AlertRule, 'target' | 'escalations'>> & Pick<ApiCallMatch, 'requestParameters' | 'check'> = {},
  ): AlertRule => {
    const { requestParameters, check, ...rest } = extra;
    return {
      id,
      title,
      severity,
      why,
      match: {
        kind: 'api-call',
        eventSource,
        eventNames,
        ...(requestParameters ? { requestParameters } : {}),
        ...(check ? { check } : {}),
      },
      ...rest,
    };
  };

const iam = apiCall(IAM);
const iamCalls = apiCalls(IAM);
const cloudtrail = apiCall('cloudtrail.amazonaws.com');
const cloudtrailCalls = apiCalls('cloudtrail.amazonaws.com');
const rolesAnywhere = apiCalls('rolesanywhere.amazonaws.com');
const guardduty = apiCalls('guardduty.amazonaws.com');
const securityhub = apiCalls('securityhub.amazonaws.com');
const config = apiCalls('config.amazonaws.com');
const accessAnalyzer = apiCalls('access-analyzer.amazonaws.com');
const organizations = apiCalls('organizations.amazonaws.com');

const detector: TargetSpec = { kind: 'detector', param: 'detectorId' };

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
  iamCalls(
    'iam-enable-mfa-device-for-other-user',
    ['EnableMFADevice'],
    'MFA device registered for another user',
    'high',
    "Whoever registers a device on someone else's user holds that user's second factor. Registering your own is routine and stays quiet; CreateVirtualMFADevice names no user, so this call is where a device is bound to one.",
    { target: user(), check: 'for-another-user' },
  ),
  iam(
    'iam-update-user',
    'UpdateUser',
    'IAM user renamed or moved',
    'medium',
    'A new name can hide a backdoor among real users or move a user past rules that go by name (protected users, mutes); a new path changes which path-scoped policies apply.',
    { target: { kind: 'user', param: 'userName', newNameParam: 'newUserName' } },
  ),
  iam(
    'iam-upload-ssh-public-key',
    'UploadSSHPublicKey',
    'SSH public key uploaded',
    'high',
    'An SSH key lets its holder use CodeCommit as this user: a credential outside access keys and passwords that few reviews look at; one made for another user is a backdoor.',
    { target: user(), escalations: ['credential-for-other-user'] },
  ),
  iam(
    'iam-upload-signing-certificate',
    'UploadSigningCertificate',
    'Signing certificate uploaded',
    'high',
    'An X.509 signing certificate is a credential of its own for the services that accept requests signed with it; one made for another user is a backdoor.',
    { target: user(), escalations: ['credential-for-other-user'] },
  ),
  iam(
    'iam-create-service-specific-credential',
    'CreateServiceSpecificCredential',
    'Service-specific credential created',
    'high',
    'A user name and password for CodeCommit, Amazon Keyspaces or Bedrock that works without access keys; one made for another user is a backdoor.',
    { target: user(), escalations: ['credential-for-other-user'] },
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
  // IAM Roles Anywhere: role sessions for certificates from outside AWS
  rolesAnywhere(
    'roles-anywhere-trust-anchor-changed',
    ['CreateTrustAnchor', 'UpdateTrustAnchor', 'EnableTrustAnchor'],
    'IAM Roles Anywhere trust anchor changed',
    'high',
    'A trust anchor lets anyone holding a certificate from its certificate authority get role sessions from outside AWS: a new or swapped authority is a backdoor that no IAM user or key shows.',
    { target: { kind: 'trust-anchor', param: 'name' } },
  ),
  rolesAnywhere(
    'roles-anywhere-profile-changed',
    ['CreateProfile', 'UpdateProfile', 'EnableProfile'],
    'IAM Roles Anywhere profile changed',
    'high',
    'A profile names the roles a trusted certificate may assume: a role added here is handed to every certificate the trust anchors accept.',
    { target: { kind: 'profile', param: 'name' } },
  ),
  rolesAnywhere(
    'roles-anywhere-crl-removed',
    ['DeleteCrl', 'DisableCrl'],
    'IAM Roles Anywhere revocation list removed',
    'medium',
    'Without its certificate revocation list, a trust anchor accepts revoked certificates again.',
  ),
  // Console sessions minted from API credentials
  apiCalls('signin.amazonaws.com')(
    'signin-token-outside-console',
    ['GetSigninToken'],
    'Console sign-in token made outside the console',
    'medium',
    "Tools such as aws_consoler turn stolen API credentials into a console session this way, without MFA. IAM Identity Center's portal calls it for every SSO sign-in (user agent Jersey/...), and those stay quiet; mute your own identity broker by actor or user agent.",
    { check: 'outside-console' },
  ),
  // Tampering with the audit and detection tooling: CloudTrail
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
  cloudtrailCalls(
    'cloudtrail-management-events-stopped',
    ['PutEventSelectors'],
    'CloudTrail management events switched off',
    'critical',
    'The trail keeps running but stops recording the calls that change things: as blind as StopLogging, and quieter. New selectors that still log management events (adding data events, say) are not alerted.',
    { target: { kind: 'trail', param: 'trailName' }, check: 'management-events-stopped' },
  ),
  cloudtrailCalls(
    'cloudtrail-insights-turned-off',
    ['PutInsightSelectors'],
    'CloudTrail Insights switched off',
    'medium',
    'Insights flag unusual bursts of API calls or errors, such as a script creating users or a key being tried; switching them off removes that alarm. Insight selectors never stop management events, and changing which Insights run is not alerted.',
    { target: { kind: 'trail', param: 'trailName' }, check: 'insights-turned-off' },
  ),
  cloudtrailCalls(
    'cloudtrail-event-data-store-stopped',
    ['StopEventDataStoreIngestion', 'DeleteEventDataStore'],
    'CloudTrail Lake event data store stopped or deleted',
    'critical',
    "An event data store can be the organization's audit log: stopped, it records nothing more; deleted, its history goes after the seven-day wait.",
    { target: { kind: 'event-data-store', param: 'eventDataStore' } },
  ),
  // GuardDuty tampering
  guardduty(
    'guardduty-detector-deleted',
    ['DeleteDetector'],
    'GuardDuty detector deleted',
    'critical',
    'Deleting the detector switches GuardDuty off in this region and deletes its findings: threats from now on go unseen.',
    { target: detector },
  ),
  guardduty(
    'guardduty-detector-suspended',
    ['UpdateDetector'],
    'GuardDuty detector suspended',
    'critical',
    'A suspended detector stops analysing logs in this region (its old findings stay); attackers suspend it before they act. Updates that leave it enabled are not alerted.',
    { target: detector, requestParameters: { enable: [false] } },
  ),
  guardduty(
    'guardduty-member-disassociated',
    ['DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount', 'DisassociateMembers', 'DeleteMembers'],
    'GuardDuty member account disassociated',
    'high',
    "A member account cut from the GuardDuty administrator keeps its findings to itself: the security team's account no longer sees them.",
    { target: detector },
  ),
  guardduty(
    'guardduty-findings-export-changed',
    ['DeletePublishingDestination', 'UpdatePublishingDestination'],
    'GuardDuty findings export changed',
    'high',
    'Findings exported to S3 stop, or go to a bucket someone else chose.',
    { target: detector },
  ),
  guardduty(
    'guardduty-filter-archives-findings',
    ['CreateFilter', 'UpdateFilter'],
    'GuardDuty filter archives findings',
    'high',
    'A filter with the ARCHIVE action is a suppression rule: matching findings are archived as they arrive and nobody sees them. Filters that only save a view (NOOP) are not alerted.',
    { target: detector, requestParameters: { action: ['ARCHIVE'] } },
  ),
  guardduty(
    'guardduty-trusted-ip-list-changed',
    ['CreateIPSet', 'UpdateIPSet'],
    'GuardDuty trusted IP list changed',
    'high',
    'GuardDuty raises no findings for traffic from a trusted IP list: addresses added here go unseen.',
    { target: detector },
  ),
  // Security Hub tampering
  securityhub(
    'securityhub-disabled',
    ['DisableSecurityHub'],
    'Security Hub disabled',
    'critical',
    'Security Hub stops collecting findings and running its standards checks in this region.',
  ),
  securityhub(
    'securityhub-standards-disabled',
    ['BatchDisableStandards'],
    'Security Hub standard disabled',
    'high',
    "A disabled standard stops checking the account's configuration against it, and its findings are archived.",
  ),
  securityhub(
    'securityhub-findings-suppressed',
    ['BatchUpdateFindings'],
    'Security Hub findings suppressed',
    'high',
    'Suppressed findings leave every default view and count: the way to hide what an attack set off. Other triage (NOTIFIED, RESOLVED, notes) is not alerted.',
    { requestParameters: { 'Workflow.Status': ['SUPPRESSED'] } },
  ),
  securityhub(
    'securityhub-findings-archived',
    ['UpdateFindings'],
    'Security Hub findings archived',
    'high',
    'UpdateFindings archives every finding its filters match, in bulk: they are gone from view.',
    { requestParameters: { RecordState: ['ARCHIVED'] } },
  ),
  securityhub(
    'securityhub-member-disassociated',
    ['DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount', 'DisassociateMembers', 'DeleteMembers'],
    'Security Hub member account disassociated',
    'high',
    "A member account cut from the Security Hub administrator keeps its findings to itself: the security team's account no longer sees them.",
  ),
  // AWS Config, IAM Access Analyzer, VPC flow logs, CloudWatch Logs
  config(
    'config-recorder-stopped',
    ['StopConfigurationRecorder', 'DeleteConfigurationRecorder'],
    'AWS Config recorder stopped or deleted',
    'high',
    'AWS Config stops recording resource changes: later changes leave no configuration history and raise no compliance findings.',
    { target: { kind: 'configuration-recorder', param: 'configurationRecorderName' } },
  ),
  config(
    'config-delivery-channel-deleted',
    ['DeleteDeliveryChannel'],
    'AWS Config delivery channel deleted',
    'high',
    'Without a delivery channel Config delivers no configuration history or snapshots, and its recorder cannot run.',
    { target: { kind: 'delivery-channel', param: 'deliveryChannelName' } },
  ),
  accessAnalyzer(
    'access-analyzer-deleted',
    ['DeleteAnalyzer'],
    'IAM Access Analyzer analyzer deleted',
    'high',
    'Buckets, roles and keys shared outside the account or organization are no longer reported.',
    { target: { kind: 'analyzer', param: 'analyzerName' } },
  ),
  accessAnalyzer(
    'access-analyzer-archive-rule-changed',
    ['CreateArchiveRule', 'UpdateArchiveRule'],
    'IAM Access Analyzer archive rule changed',
    'high',
    'An archive rule archives matching findings as they arrive: a role or bucket shared with an outside account then goes unreported.',
    { target: { kind: 'analyzer', param: 'analyzerName' } },
  ),
  apiCalls('ec2.amazonaws.com')(
    'vpc-flow-logs-deleted',
    ['DeleteFlowLogs'],
    'VPC flow logs deleted',
    'high',
    'Flow logs record which addresses talked to what; without them a network investigation is blind from now on.',
  ),
  apiCalls('logs.amazonaws.com')(
    'logs-trail-log-group-changed',
    ['DeleteLogGroup', 'DeleteLogStream', 'PutRetentionPolicy'],
    "CloudTrail's log group deleted or its retention changed",
    'high',
    "A trail that sends to CloudWatch Logs feeds alarms from there; deleting its log group or a stream, or cutting retention, removes that copy of the audit log. The notifier cannot know every trail's log group, so this watches the names CloudTrail gives them (aws-cloudtrail-logs-*, CloudTrail/*); add a rule with rules.add for other names.",
    {
      target: { kind: 'log-group', param: 'logGroupName' },
      requestParameters: { logGroupName: [{ prefix: 'aws-cloudtrail-logs-' }, { prefix: 'CloudTrail/' }] },
    },
  ),
  // Organizations and account settings
  organizations(
    'organizations-leave',
    ['LeaveOrganization'],
    'Account leaving the organization',
    'critical',
    "An account that leaves escapes every SCP and the organization's trail, GuardDuty and Security Hub, and answers to nobody but whoever holds it.",
  ),
  organizations(
    'organizations-policy-detached-or-deleted',
    ['DetachPolicy', 'DeletePolicy'],
    'Organization policy detached or deleted',
    'high',
    'Detaching or deleting a service control policy lifts the guardrails it set on every account below. The record names only the policy ID, so tag, backup and other policy types alert too.',
    { target: { kind: 'organization-policy', param: 'policyId' } },
  ),
  organizations(
    'organizations-scp-type-disabled',
    ['DisablePolicyType'],
    'Service control policies disabled',
    'critical',
    'Disabling the policy type at the root detaches every service (or resource) control policy in the organization at once. Other policy types (tag, backup) are not alerted.',
    { requestParameters: { policyType: ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'] } },
  ),
  apiCalls('account.amazonaws.com')(
    'account-region-enabled-or-disabled',
    ['EnableRegion', 'DisableRegion'],
    'Region enabled or disabled',
    'medium',
    "A newly enabled region is one where GuardDuty, Config and this bot's forwarders may not run yet: a quiet place to start resources. Disabling one cuts off access to whatever runs there.",
    { target: { kind: 'region', param: 'regionName' } },
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
