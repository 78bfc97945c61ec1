import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { DENY_ALL_POLICY_NAME, disableIamUser } from '../../app/containment/disable-iam-user';
import { ContainmentRefusedError, ContainmentTargetError } from '../../app/containment/errors';
import { reenableIamUser } from '../../app/containment/reenable-iam-user';
import { TAGS } from '../../app/containment/tags';
import { afterFirstCall, createLoadedUser, deleteUserCompletely, readUserState } from './support/iam-users';

/**
 * Disable User and Re-enable against moto's IAM, with the real IAM client: AWS's error codes
 * (NoSuchEntity, LimitExceeded), its quota of two access keys per user and its policy validation
 * are moto's, not the test's. Every assertion reads the user back through the IAM API.
 */

const ACCOUNT = '123456789012';
const iam = new IAMClient({});
const request = (userName: string) => ({
  userName,
  accountId: ACCOUNT,
  eventId: 'b7d1f7a0-0000-4000-8000-00000000e2e1',
  actorUserId: 'U0RESPONDER',
  now: new Date('2026-11-30T12:00:00Z'),
  protectedPatterns: ['break-glass'],
});
const stepStatuses = (steps: Array<{ label: string; status: string }>) => Object.fromEntries(steps.map((s) => [s.label, s.status]));

/** Moto 5 does not implement ListServiceSpecificCredentials (it answers HTTP 500): that one step fails there. */
const MOTO_GAP = 'Deactivate service-specific credentials';

describe('Disable User, then Re-enable, on moto IAM', () => {
  it.each([
    ['a plain name', 'mallory'],
    ['every character IAM allows besides letters and digits', 'm+a=l,l.o@r_y-1'],
  ])('locks out a user with %s, and Re-enable restores exactly what it took', async (_, userName) => {
    const user = await createLoadedUser(iam, userName);

    const disabled = await disableIamUser(iam, request(userName));

    const after = await readUserState(iam, userName);
    expect(after.hasConsolePassword).toBe(false);
    expect(after.accessKeys).toEqual({ [user.activeKeyId]: 'Inactive', [user.inactiveKeyId]: 'Inactive' });
    expect(after.signingCertificates).toEqual({ [user.certificateId]: 'Inactive' });
    expect(after.sshKeys).toEqual({ [user.sshKeyId]: 'Inactive' });
    // MFA is left alone: it protects the real owner, and without a password or keys it opens nothing.
    expect(after.mfaDevices).toEqual([user.mfaSerial]);
    expect(after.inlinePolicies[DENY_ALL_POLICY_NAME]).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'IamAlertsDisabledUser', Effect: 'Deny', Action: '*', Resource: '*' }],
    });
    expect(after.tags).toMatchObject({
      [TAGS.disabledBy]: 'slack:U0RESPONDER',
      [TAGS.disabledAt]: '2026-11-30T12:00:00.000Z',
      [TAGS.alertEvent]: 'b7d1f7a0-0000-4000-8000-00000000e2e1',
      // Only the key that was active is recorded: Re-enable must not revive the other one.
      [TAGS.deactivatedKeys]: user.activeKeyId,
    });
    expect(disabled.userName).toBe(userName);
    expect(stepStatuses(disabled.steps)).toEqual({
      'Delete console password': 'done',
      'Deactivate access keys': 'done',
      'Deactivate signing certificates': 'done',
      'Deactivate SSH public keys': 'done',
      [MOTO_GAP]: 'failed',
      'Attach deny-all policy': 'done',
      'Tag the user': 'done',
    });

    const again = await disableIamUser(iam, request(userName));
    expect(stepStatuses(again.steps)).toMatchObject({
      'Delete console password': 'already',
      'Deactivate access keys': 'already',
      'Deactivate signing certificates': 'already',
      'Deactivate SSH public keys': 'already',
      'Attach deny-all policy': 'already',
    });

    const reenabled = await reenableIamUser(iam, { ...request(userName), actorUserId: 'U0OTHER' });

    const restored = await readUserState(iam, userName);
    expect(reenabled.outcome).toBe('reenabled');
    expect(restored.accessKeys).toEqual({ [user.activeKeyId]: 'Active', [user.inactiveKeyId]: 'Inactive' });
    expect(restored.inlinePolicies).toEqual({});
    expect(restored.hasConsolePassword).toBe(false);
    expect(restored.signingCertificates).toEqual({ [user.certificateId]: 'Inactive' });
    expect(restored.sshKeys).toEqual({ [user.sshKeyId]: 'Inactive' });
    expect(restored.tags[TAGS.deactivatedKeys]).toBeUndefined();
    expect(restored.tags).toMatchObject({ [TAGS.reenabledBy]: 'slack:U0OTHER', [TAGS.disabledBy]: 'slack:U0RESPONDER' });

    const secondReenable = await reenableIamUser(iam, request(userName));
    expect(stepStatuses(secondReenable.steps)).toEqual({
      'Remove deny-all policy': 'already',
      'Reactivate access keys iam-alerts deactivated': 'already',
      'Update the user tags': 'already',
    });
    expect((await readUserState(iam, userName)).accessKeys).toEqual(restored.accessKeys);
  });

  it('refuses a user that does not exist, with IAM NoSuchEntity as the cause', async () => {
    const attempt = disableIamUser(iam, request('nobody-by-this-name'));

    await expect(attempt).rejects.toBeInstanceOf(ContainmentTargetError);
    await expect(attempt).rejects.toThrow('IAM user nobody-by-this-name does not exist');
    await expect(attempt.catch((e: Error) => (e.cause as Error).name)).resolves.toBe('NoSuchEntityException');
  });

  it('refuses a protected user before any IAM call changes it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'break-glass' }));

    await expect(disableIamUser(iam, request('break-glass'))).rejects.toBeInstanceOf(ContainmentRefusedError);
    expect((await readUserState(iam, 'break-glass')).inlinePolicies).toEqual({});
  });

  it('reports every step honestly when the user is deleted half way through', async () => {
    const userName = 'deleted-midway';
    await createLoadedUser(iam, userName);
    const client = new IAMClient({});
    afterFirstCall(client, 'UpdateAccessKeyCommand', () => deleteUserCompletely(iam, userName));

    const result = await disableIamUser(client, request(userName));

    expect(result.outcome).toBe('partial');
    const failed = result.steps.filter((s) => s.status === 'failed' && s.label !== MOTO_GAP);
    expect(failed.length).toBeGreaterThan(0);
    for (const step of failed) expect(step.error?.name).toBe('NoSuchEntityException');
    expect(stepStatuses(result.steps)['Delete console password']).toBe('done');
  });
});
