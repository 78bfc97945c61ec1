import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { OWNER_TAGS, ownerOf, qualify } from '../../app/onboarding/qualify';

/** samples/05-create-user.json (a real CreateUser record), as the user onboarding sees. */
function createUser(userName: string, tags: Array<{ key: string; value: string }> = [], overrides: Record<string, unknown> = {}) {
  const sample = JSON.parse(readFileSync(join(__dirname, '../../samples/05-create-user.json'), 'utf8'));
  return cloudTrailRecordSchema.parse({ ...sample, requestParameters: { userName, tags }, ...overrides });
}

const auto = { mode: 'auto' as const, emailDomains: ['example.com'] };
const HOME = '229654561268';

describe('qualify', () => {
  it('takes a user named by an address in an allowed domain, the address being the owner', () => {
    const result = qualify(createUser('jane@example.com'), 'evt-1', auto, { homeAccountId: HOME });

    expect(result).toEqual({
      kind: 'candidate',
      candidate: {
        eventId: 'evt-1',
        accountId: HOME,
        userName: 'jane@example.com',
        createdBy: 'IAM user christophe',
        owner: { email: 'jane@example.com', source: 'the user name' },
      },
    });
  });

  it('leaves out every other user: other domains, look-alike domains, plain names, the domain in other capitals', () => {
    for (const name of ['jane@example.org', 'jane@evil.example.com', 'jane@example.com.evil', 'malicious-iam-user', 'Jane@EXAMPLE.COM']) {
      expect(qualify(createUser(name), 'evt', auto)).toMatchObject({ kind: 'not-qualified' });
    }
  });

  it('takes a user created with an owner tag, whatever its name', () => {
    const slack = qualify(createUser('svc-jane', [{ key: OWNER_TAGS.slack, value: 'U0JANE' }]), 'evt', auto);
    const email = qualify(createUser('svc-jane', [{ key: OWNER_TAGS.email, value: 'jane@example.com' }]), 'evt', auto);

    expect(slack).toMatchObject({ kind: 'candidate', candidate: { owner: { slackUserId: 'U0JANE', source: OWNER_TAGS.slack } } });
    expect(email).toMatchObject({ kind: 'candidate', candidate: { owner: { email: 'jane@example.com', source: OWNER_TAGS.email } } });
  });

  it('refuses an owner-email tag outside the allowed domains: a user’s creator cannot send its password anywhere', () => {
    const result = qualify(createUser('svc-x', [{ key: OWNER_TAGS.email, value: 'mallory@evil.test' }]), 'evt', auto);

    expect(result).toEqual({ kind: 'not-qualified', reason: `${OWNER_TAGS.email} is not an address in example.com` });
  });

  it('reads an address in the owner-slack tag as the Slack account’s address', () => {
    expect(ownerOf('svc', { [OWNER_TAGS.slack]: 'jane@example.com' }, ['example.com'])).toEqual({
      slackEmail: 'jane@example.com',
      source: OWNER_TAGS.slack,
    });
    expect(ownerOf('svc', { [OWNER_TAGS.slack]: 'jane' }, ['example.com'])).toEqual({
      reason: `${OWNER_TAGS.slack} is neither a Slack user ID nor an address in example.com`,
    });
  });

  it('does nothing when onboarding is off, for a failed CreateUser, or for another call', () => {
    expect(qualify(createUser('jane@example.com'), 'evt', { ...auto, mode: 'off' })).toMatchObject({ kind: 'not-qualified' });
    expect(qualify(createUser('jane@example.com', [], { errorCode: 'AccessDenied' }), 'evt', auto)).toMatchObject({
      kind: 'not-qualified',
    });
    expect(qualify(createUser('jane@example.com', [], { eventName: 'DeleteUser' }), 'evt', auto)).toMatchObject({ kind: 'not-qualified' });
  });

  it('refuses, with a reason for the thread, a qualifying user in another account than iam-alerts’ own', () => {
    const result = qualify(createUser('jane@example.com'), 'evt', auto, { homeAccountId: '111122223333' });

    expect(result).toEqual({
      kind: 'refused',
      userName: 'jane@example.com',
      accountId: HOME,
      reason: 'iam-alerts creates sign-in details only in its own account (111122223333)',
    });
  });
});
