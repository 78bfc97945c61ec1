import { buildAlertView } from '../../app/alerts/build-alert-view';
import { buildCatalog, DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { type CloudTrailRecord, cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';

const ACCOUNT = '123456789012';
const alice = { type: 'IAMUser', userName: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, principalId: 'AIDA1' };
const root = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, principalId: ACCOUNT };
const role = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/terraform-ci/build-42`,
  accountId: ACCOUNT,
  principalId: 'AROA1:build-42',
  sessionContext: { sessionIssuer: { type: 'Role', userName: 'terraform-ci', arn: `arn:aws:iam::${ACCOUNT}:role/terraform-ci` } },
};
const sso = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@example.com`,
  accountId: ACCOUNT,
  principalId: 'AROA2:jane@example.com',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA2',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
      accountId: ACCOUNT,
      userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    },
  },
};

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal user agent of IAM Identity Center's portal.
const SSO_PORTAL_AGENT = 'Jersey/${project.version}';

function record(fields: Record<string, unknown>): CloudTrailRecord {
  return cloudTrailRecordSchema.parse({
    eventSource: 'iam.amazonaws.com',
    eventID: 'e-1',
    eventTime: '2024-05-01T10:00:00Z',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCOUNT,
    sourceIPAddress: '198.51.100.1',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: alice,
    ...fields,
  });
}

/** The users offered for Disable User, as "name (role)", in button order. */
const offered = (view: { disable: Array<{ role: string; value: { u: string } }> }) => view.disable.map((d) => `${d.value.u} (${d.role})`);

function alertFor(fields: Record<string, unknown>, catalog = DEFAULT_CATALOG) {
  const r = record(fields);
  const classification = classifyEvent(r, catalog);
  if (classification.kind !== 'alert') throw new Error(`expected an alert, got: ${classification.reason}`);
  return { classification, view: buildAlertView(r, 'e-1', classification) };
}

describe('classifyEvent', () => {
  it('alerts on CreateUser and targets the new user for Disable User', () => {
    const { classification, view } = alertFor({ eventName: 'CreateUser', requestParameters: { userName: 'mallory' } });
    expect(classification.rule.id).toBe('iam-create-user');
    expect(view.title).toBe('IAM user created');
    expect(view.subject).toBe('mallory');
    expect(view.disable).toEqual([
      { role: 'target', value: { u: 'mallory', a: ACCOUNT, e: 'e-1' } },
      { role: 'actor', value: { u: 'alice', a: ACCOUNT, e: 'e-1' } },
    ]);
  });

  it('targets the acting IAM user, not requestParameters.userName, when the call failed', () => {
    const { view } = alertFor({
      eventName: 'CreateAccessKey',
      requestParameters: { userName: 'bob' },
      errorCode: 'AccessDenied',
      errorMessage: 'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:CreateAccessKey',
    });
    expect(view.outcome).toMatchObject({ kind: 'denied', error: 'AccessDenied' });
    expect(offered(view)).toEqual(['alice (actor)']);
  });

  it('offers no target for a failed sign-in whose user name AWS hid', () => {
    const { view } = alertFor({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      userIdentity: { type: 'IAMUser', accountId: ACCOUNT, principalId: ACCOUNT, userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      responseElements: { ConsoleLogin: 'Failure' },
      errorMessage: 'No username found in supplied account',
      additionalEventData: { MFAUsed: 'No' },
    });
    expect(view.title).toBe('Failed console sign-in');
    expect(view.disable).toEqual([]);
  });

  it('offers nobody for a failed sign-in of a real user: the user named is the victim of the guessing', () => {
    const { view } = alertFor({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      userIdentity: { type: 'IAMUser', accountId: ACCOUNT, principalId: 'AIDA1', userName: 'alice' },
      responseElements: { ConsoleLogin: 'Failure' },
      errorMessage: 'Failed authentication',
      additionalEventData: { MFAUsed: 'No' },
    });
    expect(view.title).toBe('Failed console sign-in');
    expect(view.target).toEqual({ kind: 'user', name: 'alice' });
    expect(view.disable).toEqual([]);
  });

  it('offers the signed-in user after a sign-in without MFA', () => {
    const { view } = alertFor({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: { MFAUsed: 'No' },
    });
    expect(offered(view)).toEqual(['alice (actor)']);
  });

  it('offers both users when one IAM user changes another: the target and who did it', () => {
    for (const eventName of ['CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'AttachUserPolicy', 'AddUserToGroup']) {
      expect(offered(alertFor({ eventName, requestParameters: { userName: 'mallory' } }).view)).toEqual([
        'mallory (target)',
        'alice (actor)',
      ]);
    }
    // A change to oneself offers that user once.
    expect(offered(alertFor({ eventName: 'CreateAccessKey', requestParameters: { userName: 'alice' } }).view)).toEqual(['alice (target)']);
  });

  it('gives root, roles and SSO users no Disable button of their own', () => {
    expect(alertFor({ eventName: 'CreateRole', userIdentity: role, requestParameters: { roleName: 'x' } }).view.disable).toEqual([]);
    expect(alertFor({ eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com', userIdentity: sso }).view.disable).toEqual([]);
    expect(alertFor({ eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', userIdentity: root }).view.disable).toEqual([]);
    expect(offered(alertFor({ eventName: 'CreateUser', userIdentity: role, requestParameters: { userName: 'svc' } }).view)).toEqual([
      'svc (target)',
    ]);
    expect(offered(alertFor({ eventName: 'CreateLoginProfile', userIdentity: sso, requestParameters: { userName: 'svc' } }).view)).toEqual([
      'svc (target)',
    ]);
    expect(offered(alertFor({ eventName: 'CreateAccessKey', userIdentity: root, requestParameters: { userName: 'svc' } }).view)).toEqual([
      'svc (target)',
    ]);
  });

  it('targets the caller for CreateAccessKey without userName, and the actor after DeleteUser', () => {
    expect(offered(alertFor({ eventName: 'CreateAccessKey', requestParameters: {} }).view)).toEqual(['alice (actor)']);
    expect(alertFor({ eventName: 'CreateAccessKey', userIdentity: root, requestParameters: {} }).view.disable).toEqual([]);
    expect(offered(alertFor({ eventName: 'DeleteUser', requestParameters: { userName: 'gone' } }).view)).toEqual(['alice (actor)']);
  });

  it('offers no button for a name IAM would never accept', () => {
    expect(offered(alertFor({ eventName: 'CreateUser', requestParameters: { userName: '<!channel>' } }).view)).toEqual(['alice (actor)']);
    expect(offered(alertFor({ eventName: 'CreateUser', requestParameters: { userName: 'x'.repeat(65) } }).view)).toEqual(['alice (actor)']);
  });

  it('offers no button without a 12-digit account ID to check the user against', () => {
    for (const account of [undefined, '', '12345', '1234567890123', '12345678901x']) {
      const r = record({ eventName: 'CreateUser', requestParameters: { userName: 'mallory' }, recipientAccountId: account });
      const withoutAccount = { ...r, userIdentity: { ...r.userIdentity, accountId: account } } as CloudTrailRecord;
      const classification = classifyEvent(withoutAccount, DEFAULT_CATALOG);
      if (classification.kind !== 'alert') throw new Error('expected an alert');
      expect(buildAlertView(withoutAccount, 'e-1', classification).disable).toEqual([]);
    }
  });

  it('describes assumed roles by role and session, and SSO users by name', () => {
    expect(alertFor({ eventName: 'CreateRole', userIdentity: role }).view.actor).toMatchObject({
      typeLabel: 'Assumed role',
      name: 'terraform-ci',
      detail: 'session build-42',
    });
    expect(alertFor({ eventName: 'CreateRole', userIdentity: sso }).view.actor).toMatchObject({
      typeLabel: 'SSO user',
      name: 'jane@example.com',
    });
    // A role anyone may create with that name, outside Identity Center's reserved path: a role.
    const lookalike = {
      ...sso,
      sessionContext: {
        sessionIssuer: {
          ...sso.sessionContext.sessionIssuer,
          arn: `arn:aws:iam::${ACCOUNT}:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
        },
      },
    };
    expect(alertFor({ eventName: 'CreateRole', userIdentity: lookalike }).view.actor).toMatchObject({
      typeLabel: 'Assumed role',
      name: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    });
    const { sessionContext: _none, ...withoutIssuer } = sso;
    expect(alertFor({ eventName: 'CreateRole', userIdentity: withoutIssuer }).view.actor).toMatchObject({ typeLabel: 'Assumed role' });
    expect(alertFor({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root }).view.actor.name).toBe('root');
  });

  it('raises severity for admin policies, wildcard inline policies, MFA removal and keys for someone else', () => {
    const admin = alertFor({
      eventName: 'AttachUserPolicy',
      requestParameters: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
    expect(admin.classification.severity).toBe('critical');
    expect(admin.view.reasons).toContain('AdministratorAccess attached');

    const star = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(
      alertFor({ eventName: 'PutUserPolicy', requestParameters: { userName: 'bob', policyDocument: encodeURIComponent(star) } })
        .classification.severity,
    ).toBe('critical');
    const narrow = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    expect(
      alertFor({ eventName: 'PutUserPolicy', requestParameters: { userName: 'bob', policyDocument: narrow } }).classification.severity,
    ).toBe('high');

    expect(
      alertFor({ eventName: 'DeactivateMFADevice', requestParameters: { userName: 'bob', serialNumber: 'arn:mfa' } }).classification
        .severity,
    ).toBe('high');
    expect(alertFor({ eventName: 'CreateAccessKey', requestParameters: { userName: 'bob' } }).classification.severity).toBe('critical');
    expect(alertFor({ eventName: 'CreateAccessKey', requestParameters: { userName: 'alice' } }).classification.severity).toBe('high');
  });

  it('alerts on root console sign-ins and non-read-only root calls, not on read-only ones', () => {
    expect(alertFor({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: root }).classification.severity).toBe(
      'critical',
    );
    expect(
      alertFor({ eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', userIdentity: root, readOnly: false }).view.title,
    ).toBe('Root user activity');
    expect(classifyEvent(record({ eventName: 'ListUsers', userIdentity: root, readOnly: true }), DEFAULT_CATALOG).kind).toBe('ignored');
  });

  it('flags offensive tools even on calls that are otherwise ignored', () => {
    const r = { eventName: 'GetCallerIdentity', eventSource: 'sts.amazonaws.com', userAgent: 'TruffleHog' };
    expect(alertFor(r).classification.rule.id).toBe('offensive-tool-user-agent');
    expect(classifyEvent(record({ ...r, userAgent: 'aws-cli/2.0' }), DEFAULT_CATALOG)).toMatchObject({ kind: 'ignored' });
    const created = alertFor({ eventName: 'CreateUser', userAgent: 'S3 Browser 9.5.5', requestParameters: { userName: 'x' } });
    expect(created.classification.severity).toBe('high');
    expect(created.view.userAgent?.flagged).toBe(true);
  });

  it('ignores AssumeRole, IAM user sign-ins with MFA and service-linked roles made by AWS services', () => {
    const ignored = (fields: Record<string, unknown>) => classifyEvent(record(fields), DEFAULT_CATALOG);
    expect(ignored({ eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com' })).toMatchObject({ kind: 'ignored' });
    expect(
      ignored({
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        additionalEventData: { MFAUsed: 'Yes' },
        responseElements: { ConsoleLogin: 'Success' },
      }),
    ).toEqual({ kind: 'ignored', reason: 'IAM user signed in with MFA' });
    expect(
      ignored({ eventName: 'CreateServiceLinkedRole', userIdentity: { ...alice, invokedBy: 'autoscaling.amazonaws.com' } }),
    ).toMatchObject({
      kind: 'ignored',
      reason: 'service-linked role created by an AWS service',
    });
  });

  it('drops a failed call that refused nobody to low, and keeps denials, root and offensive tools where they were', () => {
    const exists = alertFor({
      eventName: 'CreateUser',
      requestParameters: { userName: 'svc' },
      errorCode: 'EntityAlreadyExists',
      errorMessage: 'User with name svc already exists.',
    });
    expect(exists.classification).toMatchObject({
      severity: 'low',
      reasons: ['failed with EntityAlreadyExists: nothing changed, and nobody was refused'],
    });
    expect(exists.view.outcome).toMatchObject({ kind: 'failed', error: 'EntityAlreadyExists' });
    expect(offered(exists.view)).toEqual(['alice (actor)']);
    expect(
      alertFor({ eventName: 'CreateAccessKey', requestParameters: { userName: 'bob' }, errorCode: 'LimitExceeded' }).classification
        .severity,
    ).toBe('low');

    expect(
      alertFor({ eventName: 'CreateAccessKey', requestParameters: { userName: 'bob' }, errorCode: 'AccessDenied' }).classification.severity,
    ).toBe('high');
    expect(alertFor({ eventName: 'CreateUser', userIdentity: root, errorCode: 'EntityAlreadyExists' }).classification.severity).toBe(
      'critical',
    );
    expect(alertFor({ eventName: 'CreateUser', userAgent: 'Pacu/1.5', errorCode: 'NoSuchEntity' }).classification).toMatchObject({
      severity: 'high',
      reasons: ['failed with NoSuchEntity: nothing changed, and nobody was refused', 'Offensive tool used against IAM (Pacu/1.5)'],
    });
    // Failed console sign-ins keep theirs: guessing is the news.
    expect(
      alertFor({
        eventName: 'ConsoleLogin',
        eventSource: 'signin.amazonaws.com',
        responseElements: { ConsoleLogin: 'Failure' },
        errorMessage: 'Failed authentication',
      }).classification.severity,
    ).toBe('medium');
  });

  it('alerts on a rule with request conditions only when the request meets them, and says why it did not', () => {
    const guardduty = { eventSource: 'guardduty.amazonaws.com', eventName: 'UpdateDetector' };
    expect(alertFor({ ...guardduty, requestParameters: { detectorId: 'd1', enable: false } }).classification).toMatchObject({
      rule: { id: 'guardduty-detector-suspended' },
      severity: 'critical',
    });
    expect(classifyEvent(record({ ...guardduty, requestParameters: { detectorId: 'd1', enable: true } }), DEFAULT_CATALOG)).toEqual({
      kind: 'ignored',
      reason:
        'UpdateDetector does not qualify for guardduty-detector-suspended: requestParameters.enable must be false (the request has true)',
    });
  });

  it('alerts on an MFA device registered for another user, offering that user and who did it, and not on your own', () => {
    const other = alertFor({
      eventName: 'EnableMFADevice',
      requestParameters: { userName: 'bob', serialNumber: 'arn:aws:iam::123456789012:mfa/x' },
    });
    expect(other.classification).toMatchObject({ rule: { id: 'iam-enable-mfa-device-for-other-user' }, severity: 'high' });
    expect(offered(other.view)).toEqual(['bob (target)', 'alice (actor)']);
    expect(
      classifyEvent(record({ eventName: 'EnableMFADevice', requestParameters: { userName: 'alice' } }), DEFAULT_CATALOG),
    ).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('alice registered an MFA device for itself'),
    });
    // Root's own device is root activity, as before.
    expect(
      alertFor({ eventName: 'EnableMFADevice', userIdentity: root, requestParameters: { userName: 'AWS ROOT USER' } }).classification.rule
        .id,
    ).toBe('root-activity');
    // CreateVirtualMFADevice names no user: the device is bound to one by EnableMFADevice.
    expect(
      classifyEvent(record({ eventName: 'CreateVirtualMFADevice', requestParameters: { virtualMFADeviceName: 'bob' } }), DEFAULT_CATALOG)
        .kind,
    ).toBe('ignored');
  });

  it('offers a renamed user under its new name, and a user who renamed itself once', () => {
    const renamed = alertFor({ eventName: 'UpdateUser', requestParameters: { userName: 'svc', newUserName: 'svc-legacy' } });
    expect(renamed.view.subject).toBe('svc');
    expect(renamed.view.parameters).toContainEqual({ label: 'New user name', value: 'svc-legacy' });
    expect(offered(renamed.view)).toEqual(['svc-legacy (target)', 'alice (actor)']);
    expect(offered(alertFor({ eventName: 'UpdateUser', requestParameters: { userName: 'alice', newUserName: 'alice2' } }).view)).toEqual([
      'alice2 (target)',
    ]);
    expect(offered(alertFor({ eventName: 'UpdateUser', requestParameters: { userName: 'bob', newPath: '/ops/' } }).view)).toEqual([
      'bob (target)',
      'alice (actor)',
    ]);
  });

  it('raises credentials outside access keys made for another user to critical', () => {
    for (const eventName of ['UploadSSHPublicKey', 'UploadSigningCertificate', 'CreateServiceSpecificCredential']) {
      expect(alertFor({ eventName, requestParameters: { userName: 'bob' } }).classification.severity).toBe('critical');
      expect(alertFor({ eventName, requestParameters: { userName: 'alice' } }).classification.severity).toBe('high');
    }
  });

  it('alerts on GetSigninToken outside the console, for any identity, and not from the SSO portal', () => {
    const signin = { eventName: 'GetSigninToken', eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn' };
    const federated = { type: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/x`, accountId: ACCOUNT };
    for (const userIdentity of [federated, role, sso, root]) {
      expect(alertFor({ ...signin, userIdentity, userAgent: 'python-requests/2.31.0' }).classification).toMatchObject({
        rule: { id: 'signin-token-outside-console' },
        severity: 'medium',
      });
    }
    expect(classifyEvent(record({ ...signin, userIdentity: sso, userAgent: SSO_PORTAL_AGENT }), DEFAULT_CATALOG).kind).toBe('ignored');
  });

  it('obeys operator mutes and severity overrides', () => {
    const catalog = buildCatalog({
      rules: { severity: { CreateRole: 'low' }, disable: ['iam-create-group'] },
      mute: [{ actorArn: 'arn:aws:sts::*:assumed-role/terraform-ci/*', reason: 'Terraform pipeline' }],
    });
    expect(classifyEvent(record({ eventName: 'CreateUser', userIdentity: role }), catalog)).toEqual({
      kind: 'ignored',
      reason: 'muted (Terraform pipeline): actorArn=arn:aws:sts::*:assumed-role/terraform-ci/*',
    });
    expect(alertFor({ eventName: 'CreateRole' }, catalog).classification.severity).toBe('low');
    expect(classifyEvent(record({ eventName: 'CreateGroup' }), catalog).kind).toBe('ignored');
    expect(alertFor({ eventName: 'CreateUser' }, catalog).classification.kind).toBe('alert');
  });
});
