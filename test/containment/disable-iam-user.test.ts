import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { DENY_ALL_POLICY_NAME, disableIamUser } from '../../app/containment/disable-iam-user';
import { ContainmentRefusedError, ContainmentTargetError } from '../../app/containment/errors';
import { reenableIamUser } from '../../app/containment/reenable-iam-user';
import { TAGS } from '../../app/containment/tags';
import { awsError, makeUser, mutatingCommands, serveIamUsers } from './iam-user-model';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({});
const NOW = new Date('2024-05-01T10:05:00.000Z');

const request = (overrides: Partial<Parameters<typeof disableIamUser>[1]> = {}) => ({
  userName: 'mallory',
  accountId: '123456789012',
  eventId: 'b7d1f7a0-0000-4000-8000-000000000001',
  actorUserId: 'U0RESPONDER',
  now: NOW,
  protectedPatterns: ['break-glass-*', 'admin'],
  ...overrides,
});

beforeEach(() => iamMock.reset());

describe('disableIamUser', () => {
  it('runs every step and leaves the user with no way in', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('disabled');
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      ['Delete console password', 'done'],
      ['Deactivate access keys', 'done'],
      ['Deactivate signing certificates', 'done'],
      ['Deactivate SSH public keys', 'done'],
      ['Deactivate service-specific credentials', 'done'],
      ['Attach deny-all policy', 'done'],
      ['Tag the user', 'done'],
    ]);
    expect(user.loginProfile).toBe(false);
    expect(user.accessKeys.every((k) => k.status === 'Inactive')).toBe(true);
    expect(user.certificates[0]!.status).toBe('Inactive');
    expect(user.sshKeys[0]!.status).toBe('Inactive');
    expect(user.serviceCredentials[0]!.status).toBe('Inactive');
    expect(JSON.parse(user.inlinePolicies.get(DENY_ALL_POLICY_NAME)!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'IamAlertsDisabledUser', Effect: 'Deny', Action: '*', Resource: '*' }],
    });
    expect(Object.fromEntries(user.tags)).toEqual({
      [TAGS.deactivatedKeys]: 'AKIAMALLORYACTIVE001',
      [TAGS.disabledBy]: 'slack:U0RESPONDER',
      [TAGS.disabledAt]: '2024-05-01T10:05:00.000Z',
      [TAGS.alertEvent]: 'b7d1f7a0-0000-4000-8000-000000000001',
    });
  });

  it('records only the keys it deactivated, not keys that were already inactive', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(result.steps[1]!.detail).toBe('deactivated AKIAMALLORYACTIVE001');
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('is idempotent: a second run reports each step as already so and changes nothing but the tags', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    await disableIamUser(iam, request());
    iamMock.resetHistory();

    const again = await disableIamUser(iam, request({ actorUserId: 'U0SECOND' }));

    expect(again.outcome).toBe('disabled');
    expect(again.steps.map((s) => s.status)).toEqual(['already', 'already', 'already', 'already', 'already', 'already', 'done']);
    expect(again.steps[0]!.detail).toBe('no console password');
    // Deleting a login profile that is not there is how IAM says "already so" (NoSuchEntity).
    expect(mutatingCommands(iamMock)).toEqual(['DeleteLoginProfile', 'TagUser']);
    // The record of deactivated keys survives the repeat (it found nothing new to deactivate).
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('reports a partial failure with the AWS error and still runs the other steps', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user], {
      PutUserPolicy: awsError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/slack is not authorized to perform: iam:PutUserPolicy',
      ),
    });

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('partial');
    const policy = result.steps.find((s) => s.label === 'Attach deny-all policy')!;
    expect(policy).toMatchObject({
      status: 'failed',
      error: { name: 'AccessDenied', message: expect.stringContaining('iam:PutUserPolicy') },
    });
    expect(result.steps.find((s) => s.label === 'Tag the user')!.status).toBe('done');
    expect(user.accessKeys[0]!.status).toBe('Inactive');
  });

  it('reports which key could not be deactivated', async () => {
    const user = makeUser({
      accessKeys: [
        { id: 'AKIAMALLORYKEY000001', status: 'Active' },
        { id: 'AKIAMALLORYKEY000002', status: 'Active' },
      ],
    });
    serveIamUsers(iamMock, [user], {
      UpdateAccessKey: (input) => (input.AccessKeyId === 'AKIAMALLORYKEY000002' ? awsError('Throttling', 'Rate exceeded') : undefined),
    });

    const result = await disableIamUser(iam, request());

    expect(result.steps[1]).toMatchObject({
      status: 'failed',
      detail: 'deactivated AKIAMALLORYKEY000001; could not change AKIAMALLORYKEY000002',
      error: { name: 'Throttling' },
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYKEY000001');
  });

  it('says so when the keys were deactivated but could not be recorded for Re-enable', async () => {
    serveIamUsers(iamMock, [makeUser()], { TagUser: awsError('AccessDenied', 'not authorized to perform: iam:TagUser') });

    const result = await disableIamUser(iam, request());

    expect(result.steps[1]).toMatchObject({ status: 'failed', detail: expect.stringContaining('could not record them for Re-enable') });
    expect(result.outcome).toBe('partial');
  });

  it('fails every step when IAM refuses everything, and says failed', async () => {
    const denied = awsError('AccessDenied', 'denied');
    serveIamUsers(iamMock, [makeUser()], {
      DeleteLoginProfile: denied,
      ListAccessKeys: denied,
      ListSigningCertificates: denied,
      ListSSHPublicKeys: denied,
      ListServiceSpecificCredentials: denied,
      GetUserPolicy: denied,
      TagUser: denied,
    });

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('failed');
    expect(result.steps.every((s) => s.status === 'failed')).toBe(true);
  });

  it.each([
    ['root', 'root'],
    ['protected by a glob', 'break-glass-ops'],
    ['protected by name', 'admin'],
  ])('refuses %s without any IAM call', async (_why, userName) => {
    serveIamUsers(iamMock, [makeUser({ userName })]);

    await expect(disableIamUser(iam, request({ userName }))).rejects.toBeInstanceOf(ContainmentRefusedError);
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('refuses a user whose ARN is in another account than the alert', async () => {
    serveIamUsers(iamMock, [makeUser({ accountId: '999999999999' })]);

    await expect(disableIamUser(iam, request())).rejects.toThrow(/account 999999999999.*nothing was changed/);
    expect(mutatingCommands(iamMock)).toEqual([]);
  });

  it('refuses when IAM spells the name as a protected one, whatever spelling the alert used', async () => {
    // IAM user names are unique case-insensitively and IAM accepts any case in requests.
    serveIamUsers(iamMock, [makeUser({ userName: 'admin' })]);

    await expect(disableIamUser(iam, request({ userName: 'ADMIN' }))).rejects.toThrow('IAM user admin is protected');
    expect(mutatingCommands(iamMock)).toEqual([]);
  });

  it('disables a user whose name differs from a protected one only in case, as the IAM Deny on user/admin allows', async () => {
    serveIamUsers(iamMock, [makeUser({ userName: 'Admin' })]);

    const result = await disableIamUser(iam, request({ userName: 'Admin' }));

    expect(result.userName).toBe('Admin');
    expect(result.outcome).toBe('disabled');
  });

  it('changes nothing for a user that does not exist', async () => {
    serveIamUsers(iamMock, []);

    await expect(disableIamUser(iam, request())).rejects.toThrow(ContainmentTargetError);
    await expect(disableIamUser(iam, request())).rejects.toThrow('IAM user mallory does not exist');
    expect(mutatingCommands(iamMock)).toEqual([]);
  });
});

describe('reenableIamUser', () => {
  it('removes the deny policy and reactivates exactly the keys iam-alerts deactivated', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    await disableIamUser(iam, request());

    const result = await reenableIamUser(iam, { ...request(), actorUserId: 'U0OTHER' });

    expect(result.outcome).toBe('reenabled');
    expect(user.inlinePolicies.has(DENY_ALL_POLICY_NAME)).toBe(false);
    expect(user.accessKeys).toEqual([
      { id: 'AKIAMALLORYACTIVE001', status: 'Active' },
      { id: 'AKIAMALLORYINACTIVE1', status: 'Inactive' },
    ]);
    expect(user.tags.has(TAGS.deactivatedKeys)).toBe(false);
    expect(user.tags.get(TAGS.reenabledBy)).toBe('slack:U0OTHER');
    // The console password does not come back, and other credentials stay off.
    expect(user.loginProfile).toBe(false);
    expect(user.sshKeys[0]!.status).toBe('Inactive');
  });

  it('is idempotent: a second Re-enable changes no key', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    await disableIamUser(iam, request());
    await reenableIamUser(iam, request());
    user.accessKeys[0]!.status = 'Inactive'; // someone deactivates it on purpose afterwards
    iamMock.resetHistory();

    const again = await reenableIamUser(iam, request());

    expect(again.steps.map((s) => s.status)).toEqual(['already', 'already', 'already']);
    expect(user.accessKeys[0]!.status).toBe('Inactive');
    // Removing a policy that is not there is how IAM says "already so" (NoSuchEntity).
    expect(mutatingCommands(iamMock)).toEqual(['DeleteUserPolicy']);
  });

  it('reports a key deleted since, and a key it could not reactivate is kept for a retry', async () => {
    const user = makeUser({ tags: new Map([[TAGS.deactivatedKeys, 'AKIADELETEDKEY000001 AKIAMALLORYACTIVE001']]) });
    user.accessKeys[0]!.status = 'Inactive';
    serveIamUsers(iamMock, [user], {
      UpdateAccessKey: (i) => (i.AccessKeyId === 'AKIAMALLORYACTIVE001' ? awsError('Throttling', 'Rate exceeded') : undefined),
    });

    const result = await reenableIamUser(iam, request());

    expect(result.outcome).toBe('partial');
    expect(result.steps[1]).toMatchObject({
      status: 'failed',
      error: { name: 'Throttling', message: expect.stringContaining('deleted since: AKIADELETEDKEY000001') },
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });
});
