import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { LEGACY_DENY_POLICY_NAME } from '../../app/containment/deny-policy';
import { DISABLE_STEPS, disableIamUser } from '../../app/containment/disable-iam-user';
import { ContainmentRefusedError, ContainmentTargetError } from '../../app/containment/errors';
import { REENABLE_STEPS, reenableIamUser } from '../../app/containment/reenable-iam-user';
import { TAGS } from '../../app/containment/tags';
import type { StepView } from '../../blocks/render-containment';
import { fakeEventHistory } from '../history/support/event-history';
import { virtualTime } from '../history/support/virtual-time';
import { loadCloudTrailCorpus } from '../support/corpus';
import { awsError, type IamUserState, makeUser, mutatingCommands, sentCommands, serveIamUsers } from './iam-user-model';

const iamMock = mockClient(IAMClient);
const cloudtrailMock = mockClient(CloudTrailClient);
const iam = new IAMClient({});
const NOW = new Date('2024-05-01T10:05:00.000Z');
const DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

const request = (overrides: Partial<Parameters<typeof disableIamUser>[1]> = {}) => ({
  userName: 'mallory',
  accountId: '123456789012',
  eventId: 'b7d1f7a0-0000-4000-8000-000000000001',
  actorUserId: 'U0RESPONDER',
  now: NOW,
  protectedPatterns: ['break-glass-*', 'admin'],
  ...overrides,
});
const step = (result: { steps: StepView[] }, label: string) => result.steps.find((s) => s.label === label);

beforeEach(() => {
  iamMock.reset();
  cloudtrailMock.reset();
});

describe('disableIamUser', () => {
  it('runs every step and leaves the user with no way in', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('disabled');
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      ['Attach deny-all policy', 'done'],
      ['Delete console password', 'done'],
      ['Deactivate access keys', 'done'],
      ['Deactivate signing certificates', 'done'],
      ['Deactivate SSH public keys', 'done'],
      ['Deactivate service-specific credentials', 'done'],
      ['Re-check access keys', 'already'],
      ['Tag the user', 'done'],
    ]);
    expect(user.attachedPolicies).toEqual([DENY_ALL]);
    expect(user.inlinePolicies.size).toBe(0);
    expect(user.loginProfile).toBe(false);
    expect(user.accessKeys.every((k) => k.status === 'Inactive')).toBe(true);
    expect(user.certificates[0]!.status).toBe('Inactive');
    expect(user.sshKeys[0]!.status).toBe('Inactive');
    expect(user.serviceCredentials[0]!.status).toBe('Inactive');
    expect(Object.fromEntries(user.tags)).toEqual({
      [TAGS.deactivatedKeys]: 'AKIAMALLORYACTIVE001',
      [TAGS.disabledBy]: 'slack:U0RESPONDER',
      [TAGS.disabledAt]: '2024-05-01T10:05:00.000Z',
      [TAGS.alertEvent]: 'b7d1f7a0-0000-4000-8000-000000000001',
    });
    expect(result.findings).toEqual({ lateAccessKeys: [], userDeleted: false });
  });

  it('attaches the deny before any other change, and writes no policy of its own', async () => {
    serveIamUsers(iamMock, [makeUser()]);

    await disableIamUser(iam, request());

    // The deny is the one step that also stops sessions already issued: nothing may come first.
    expect(mutatingCommands(iamMock)[0]).toBe('AttachUserPolicy');
    expect(sentCommands(iamMock)).not.toContain('PutUserPolicy');
    const attach = iamMock.calls().find((c) => c.args[0].constructor.name === 'AttachUserPolicyCommand')!;
    expect(attach.args[0].input).toEqual({ UserName: 'mallory', PolicyArn: DENY_ALL });
  });

  it("attaches the AWSDenyAll of the user's own partition", async () => {
    const user = makeUser({ partition: 'aws-us-gov' });
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(user.attachedPolicies).toEqual(['arn:aws-us-gov:iam::aws:policy/AWSDenyAll']);
    expect(step(result, DISABLE_STEPS.deny)).toMatchObject({ status: 'done', detail: expect.stringContaining('arn:aws-us-gov:') });
  });

  it('records only the keys it deactivated, not keys that were already inactive', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(step(result, DISABLE_STEPS.accessKeys)!).toMatchObject({ detail: 'deactivated AKIAMALLORYACTIVE001' });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('deactivates a key created right after the deny, does not record it for Re-enable, and says so', async () => {
    const user = makeUser({ accessKeys: [{ id: 'AKIAMALLORYACTIVE001', status: 'Active', createDate: new Date('2023-01-01T00:00:00Z') }] });
    serveIamUsers(iamMock, [user], {
      // Someone with IAM rights makes a key for the user while the deny is being attached.
      AttachUserPolicy: () => {
        user.accessKeys.push({ id: 'AKIALATEKEYATTACKER1', status: 'Active', createDate: new Date('2024-05-01T10:05:00Z') });
        return undefined;
      },
    });

    const result = await disableIamUser(iam, request());

    expect(user.accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Inactive']);
    expect(result.findings.lateAccessKeys).toEqual(['AKIALATEKEYATTACKER1']);
    expect(step(result, DISABLE_STEPS.accessKeys)).toMatchObject({
      status: 'done',
      detail:
        'deactivated AKIAMALLORYACTIVE001, AKIALATEKEYATTACKER1; AKIALATEKEYATTACKER1 created while containment ran: not recorded for Re-enable',
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
    expect(result.outcome).toBe('disabled');

    await reenableIamUser(iam, request());
    expect(user.accessKeys).toEqual([
      expect.objectContaining({ id: 'AKIAMALLORYACTIVE001', status: 'Active' }),
      expect.objectContaining({ id: 'AKIALATEKEYATTACKER1', status: 'Inactive' }),
    ]);
  });

  it('finds a key created after its first pass over the keys, in the final re-check', async () => {
    const user = makeUser({ accessKeys: [{ id: 'AKIAMALLORYACTIVE001', status: 'Active' }] });
    serveIamUsers(iamMock, [user], {
      ListSigningCertificates: () => {
        user.accessKeys.push({ id: 'AKIALATEKEYATTACKER2', status: 'Active' });
        return undefined;
      },
    });

    const result = await disableIamUser(iam, request());

    expect(user.accessKeys.map((k) => k.status)).toEqual(['Inactive', 'Inactive']);
    expect(result.findings.lateAccessKeys).toEqual(['AKIALATEKEYATTACKER2']);
    expect(step(result, DISABLE_STEPS.recheck)).toMatchObject({
      status: 'done',
      detail: 'deactivated AKIALATEKEYATTACKER2; AKIALATEKEYATTACKER2 created while containment ran: not recorded for Re-enable',
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('deactivates again, and keeps recorded, a key of the user that was reactivated while it ran', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user], {
      ListSSHPublicKeys: () => {
        user.accessKeys[0]!.status = 'Active';
        return undefined;
      },
    });

    const result = await disableIamUser(iam, request());

    expect(user.accessKeys[0]!.status).toBe('Inactive');
    expect(result.findings.lateAccessKeys).toEqual([]);
    expect(step(result, DISABLE_STEPS.recheck)).toMatchObject({ status: 'done', detail: 'deactivated AKIAMALLORYACTIVE001' });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('is idempotent: a second run reports each step as already so and changes nothing but the tags', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    await disableIamUser(iam, request());
    iamMock.resetHistory();

    const again = await disableIamUser(iam, request({ actorUserId: 'U0SECOND' }));

    expect(again.outcome).toBe('disabled');
    expect(again.steps.map((s) => s.status)).toEqual(['already', 'already', 'already', 'already', 'already', 'already', 'already', 'done']);
    expect(step(again, DISABLE_STEPS.password)!.detail).toBe('no console password');
    // Deleting a login profile that is not there is how IAM says "already so" (NoSuchEntity).
    expect(mutatingCommands(iamMock)).toEqual(['DeleteLoginProfile', 'TagUser']);
    // The record of deactivated keys survives the repeat (it found nothing new to deactivate).
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });

  it('reports a partial failure with the AWS error and still runs the other steps', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user], {
      AttachUserPolicy: awsError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/slack is not authorized to perform: iam:AttachUserPolicy',
      ),
    });

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('partial');
    expect(step(result, DISABLE_STEPS.deny)).toMatchObject({
      status: 'failed',
      error: { name: 'AccessDenied', message: expect.stringContaining('iam:AttachUserPolicy') },
    });
    expect(step(result, DISABLE_STEPS.tag)!.status).toBe('done');
    expect(user.accessKeys[0]!.status).toBe('Inactive');
  });

  it('says what to do when the user already has as many managed policies as IAM allows', async () => {
    const others = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::123456789012:policy/team-${i}`);
    const user = makeUser({ attachedPolicies: others });
    serveIamUsers(iamMock, [user]);

    const result = await disableIamUser(iam, request());

    expect(step(result, DISABLE_STEPS.deny)).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('detach one by hand and run Disable User again'),
      error: { name: 'LimitExceededException' },
    });
    expect(result.outcome).toBe('partial');
    expect(user.attachedPolicies).toEqual(others);
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

    expect(step(result, DISABLE_STEPS.accessKeys)).toMatchObject({
      status: 'failed',
      detail: 'deactivated AKIAMALLORYKEY000001; could not change AKIAMALLORYKEY000002',
      error: { name: 'Throttling' },
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYKEY000001');
  });

  it('says so when the keys were deactivated but could not be recorded for Re-enable', async () => {
    serveIamUsers(iamMock, [makeUser()], { TagUser: awsError('AccessDenied', 'not authorized to perform: iam:TagUser') });

    const result = await disableIamUser(iam, request());

    expect(step(result, DISABLE_STEPS.accessKeys)).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining('could not record them for Re-enable'),
    });
    expect(result.outcome).toBe('partial');
  });

  it('fails every step when IAM refuses everything, and says failed', async () => {
    const denied = awsError('AccessDenied', 'denied');
    serveIamUsers(iamMock, [makeUser()], {
      ListAttachedUserPolicies: denied,
      DeleteLoginProfile: denied,
      ListAccessKeys: denied,
      ListSigningCertificates: denied,
      ListSSHPublicKeys: denied,
      ListServiceSpecificCredentials: denied,
      TagUser: denied,
    });

    const result = await disableIamUser(iam, request());

    expect(result.outcome).toBe('failed');
    expect(result.steps.every((s) => s.status === 'failed')).toBe(true);
  });

  it('says plainly that the user was deleted half way, and stops instead of failing every later step', async () => {
    const users: IamUserState[] = [makeUser()];
    serveIamUsers(iamMock, users, {
      // The user is deleted right after its first key is deactivated.
      UpdateAccessKey: () => {
        queueMicrotask(() => users.splice(0, 1));
        return undefined;
      },
    });

    const result = await disableIamUser(iam, request());

    expect(result.findings.userDeleted).toBe(true);
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      ['Attach deny-all policy', 'done'],
      ['Delete console password', 'done'],
      ['Deactivate access keys', 'failed'],
    ]);
    expect(step(result, DISABLE_STEPS.accessKeys)).toMatchObject({
      detail: expect.stringMatching(/could not record them for Re-enable; the user was deleted meanwhile$/),
      error: { name: 'NoSuchEntityException' },
    });
    expect(result.outcome).toBe('partial');
  });

  it('does not take a key deleted meanwhile for a deleted user', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user], {
      UpdateAccessKey: () => {
        user.accessKeys.shift();
        return awsError('NoSuchEntityException', 'The Access Key with id AKIAMALLORYACTIVE001 cannot be found.');
      },
    });

    const result = await disableIamUser(iam, request());

    expect(result.findings.userDeleted).toBe(false);
    expect(result.steps).toHaveLength(8);
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

  describe('role sessions the deny does not cut', () => {
    const corpusEvent = (key: string) => {
      const record = loadCloudTrailCorpus().find((r) => r.key === key)!.value;
      return {
        id: String(record.eventID),
        time: String(record.eventTime),
        name: String(record.eventName),
        source: String(record.eventSource),
        username: 'christophe',
        record,
      };
    };

    it('looks up the roles the user assumed in the last 12 hours, beside the IAM steps', async () => {
      serveIamUsers(iamMock, [makeUser({ userName: 'christophe' })]);
      // A real AssumeRole by IAM user christophe (stratus-red-team detonation logs), 7.5 minutes before the run.
      const history = fakeEventHistory([corpusEvent('stratus-red-team-detonation-logs:9')]);
      cloudtrailMock.on(LookupEventsCommand).callsFake(history.lookup);
      const time = virtualTime('2024-07-31T20:00:00Z');

      const result = await disableIamUser(
        iam,
        request({
          userName: 'christophe',
          assumedRoles: { clientFor: async (region) => new CloudTrailClient({ region }), regions: ['us-east-1'], ...time },
        }),
      );

      expect(result.outcome).toBe('disabled');
      expect(result.findings.assumedRoles).toEqual({
        sinceHours: 12,
        regions: ['us-east-1'],
        roles: [
          {
            arn: 'arn:aws:iam::321848314756:role/stratus-red-team-get-usr-data-role',
            times: 1,
            last: { epochSeconds: Date.parse('2024-07-31T19:52:33Z') / 1000, iso: '2024-07-31T19:52:33.000Z' },
          },
        ],
      });
      expect(history.inputs[0]!.LookupAttributes).toEqual([{ AttributeKey: 'Username', AttributeValue: 'christophe' }]);
    });

    it('still disables the user when CloudTrail cannot be read, and carries the error to the report', async () => {
      serveIamUsers(iamMock, [makeUser()]);
      cloudtrailMock
        .on(LookupEventsCommand)
        .rejects(awsError('AccessDeniedException', 'not authorized to perform: cloudtrail:LookupEvents'));
      const time = virtualTime('2024-05-01T10:05:00Z');

      const result = await disableIamUser(
        iam,
        request({ assumedRoles: { clientFor: async (region) => new CloudTrailClient({ region }), regions: ['us-east-1'], ...time } }),
      );

      expect(result.outcome).toBe('disabled');
      expect(result.findings.assumedRoles).toMatchObject({ roles: [], error: expect.stringContaining('AccessDeniedException') });
    });
  });
});

describe('reenableIamUser', () => {
  it('detaches AWSDenyAll and reactivates exactly the keys iam-alerts deactivated', async () => {
    const user = makeUser();
    serveIamUsers(iamMock, [user]);
    await disableIamUser(iam, request());

    const result = await reenableIamUser(iam, { ...request(), actorUserId: 'U0OTHER' });

    expect(result.outcome).toBe('reenabled');
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      [REENABLE_STEPS.deny, 'done'],
      [REENABLE_STEPS.keys, 'done'],
      [REENABLE_STEPS.tags, 'done'],
    ]);
    expect(user.attachedPolicies).toEqual([]);
    expect(user.accessKeys).toEqual([
      { id: 'AKIAMALLORYACTIVE001', status: 'Active' },
      { id: 'AKIAMALLORYINACTIVE1', status: 'Inactive' },
    ]);
    expect(user.tags.has(TAGS.deactivatedKeys)).toBe(false);
    expect(user.tags.get(TAGS.reenabledBy)).toBe('slack:U0OTHER');
    // The console password does not come back, and other credentials stay off.
    expect(user.loginProfile).toBe(false);
    expect(user.sshKeys[0]!.status).toBe('Inactive');
    expect(sentCommands(iamMock)).not.toContain('DeleteUserPolicy');
  });

  it('removes the inline deny policy of a user disabled by an earlier version', async () => {
    const user = makeUser({
      inlinePolicies: new Map([
        [LEGACY_DENY_POLICY_NAME, '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'],
      ]),
      tags: new Map([
        [TAGS.disabledBy, 'slack:U0RESPONDER'],
        [TAGS.deactivatedKeys, 'AKIAMALLORYACTIVE001'],
      ]),
    });
    user.accessKeys[0]!.status = 'Inactive';
    serveIamUsers(iamMock, [user]);

    const result = await reenableIamUser(iam, request());

    expect(result.outcome).toBe('reenabled');
    expect(result.steps.map((s) => [s.label, s.status])).toEqual([
      [REENABLE_STEPS.deny, 'already'],
      [REENABLE_STEPS.legacy, 'done'],
      [REENABLE_STEPS.keys, 'done'],
      [REENABLE_STEPS.tags, 'done'],
    ]);
    expect(user.inlinePolicies.size).toBe(0);
    expect(user.accessKeys[0]!.status).toBe('Active');
  });

  it('says what to do when IAM no longer lets it remove the legacy inline policy', async () => {
    const user = makeUser({ inlinePolicies: new Map([[LEGACY_DENY_POLICY_NAME, '{}']]) });
    serveIamUsers(iamMock, [user], {
      DeleteUserPolicy: awsError('AccessDenied', 'not authorized to perform: iam:DeleteUserPolicy'),
    });

    const result = await reenableIamUser(iam, request());

    expect(step(result, REENABLE_STEPS.legacy)).toMatchObject({
      status: 'failed',
      detail: expect.stringContaining(
        'legacyDenyPolicyRemoval is off, or the user lacks the iam-alerts:disabled-by tag): delete it by hand',
      ),
      error: { name: 'AccessDenied' },
    });
    expect(result.outcome).toBe('partial');
    expect(user.inlinePolicies.has(LEGACY_DENY_POLICY_NAME)).toBe(true);
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
    // Detaching a policy that is not attached is how IAM says "already so" (NoSuchEntity).
    expect(mutatingCommands(iamMock)).toEqual(['DetachUserPolicy']);
  });

  it('reports a key deleted since, and a key it could not reactivate is kept for a retry', async () => {
    const user = makeUser({ tags: new Map([[TAGS.deactivatedKeys, 'AKIADELETEDKEY000001 AKIAMALLORYACTIVE001']]) });
    user.accessKeys[0]!.status = 'Inactive';
    serveIamUsers(iamMock, [user], {
      UpdateAccessKey: (i) => (i.AccessKeyId === 'AKIAMALLORYACTIVE001' ? awsError('Throttling', 'Rate exceeded') : undefined),
    });

    const result = await reenableIamUser(iam, request());

    expect(result.outcome).toBe('partial');
    expect(step(result, REENABLE_STEPS.keys)).toMatchObject({
      status: 'failed',
      error: { name: 'Throttling', message: expect.stringContaining('deleted since: AKIADELETEDKEY000001') },
    });
    expect(user.tags.get(TAGS.deactivatedKeys)).toBe('AKIAMALLORYACTIVE001');
  });
});
