import { IAMClient, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudTrailRecord } from '../../app/events/cloudtrail-record';
import { describeActor } from '../../app/events/identity';
import { createLogger } from '../../app/logger';
import { createSlackClient } from '../../app/slack/web-client';
import { type ActorMappingDeps, mapActorToSlackUser } from '../../app/triage/actor-mapping';
import { ownerTagReader } from '../../app/triage/owner-tags';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { asIdentityCenterUser, CRITICAL_BY_IAM_USER, HIGH_BY_IAM_USER, ROOT_SIGN_IN, sample } from './support/triage-fixtures';

const HOME = '751203476945';
const iam = mockClient(IAMClient);
const logger = createLogger('test');

describe('mapActorToSlackUser', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
    iam.reset();
  });
  afterEach(() => slack.close());

  const deps = (overrides: Partial<ActorMappingDeps> = {}): ActorMappingDeps => ({
    slack: createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0 }),
    logger,
    ownerMap: {},
    ownerTags: ownerTagReader(async () => new IAMClient({}), HOME, logger),
    ...overrides,
  });
  const highRecord = sample(HIGH_BY_IAM_USER);
  const christophe = describeActor(highRecord);

  it('1. asks whom the IAM user’s iam-alerts:owner-slack tag names, checked with users.info', async () => {
    iam.on(ListUserTagsCommand, { UserName: 'christophe' }).resolves({ Tags: [{ Key: 'iam-alerts:owner-slack', Value: 'U0CHRIS' }] });

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0MAPPED' } }), christophe, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0CHRIS', via: 'owner-tag' });
    expect(slack.callsTo('users.info').map((c) => c.body.user)).toEqual(['U0CHRIS']);
  });

  it('1. finds the owner of an iam-alerts:owner-email tag with users.lookupByEmail', async () => {
    iam.on(ListUserTagsCommand).resolves({
      Tags: [
        { Key: 'Team', Value: 'platform' },
        { Key: 'iam-alerts:owner-email', Value: 'chris@example.com' },
      ],
    });
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0CHRIS', deleted: false } } }));

    const mapping = await mapActorToSlackUser(deps(), christophe, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0CHRIS', via: 'owner-tag' });
    expect(slack.callsTo('users.lookupByEmail').map((c) => c.body.email)).toEqual(['chris@example.com']);
  });

  it('2. asks an Identity Center user by the email Identity Center gives the session', async () => {
    const sso = describeActor(asIdentityCenterUser(highRecord, 'jane@example.com'));
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0JANE' } } }));

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { 'jane@example.com': 'U0MAPPED' } }), sso, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0JANE', via: 'identity-center' });
    expect(iam.calls()).toEqual([]);
  });

  it('2. never takes the session name of a look-alike role (AWSReservedSSO_ name, outside Identity Center’s path) for an email to DM', async () => {
    const record = asIdentityCenterUser(highRecord, 'ceo@example.com');
    record.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${HOME}:role/AWSReservedSSO_DevAdmin_635426549a280cc6`;
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0CEO' } } }));

    const mapping = await mapActorToSlackUser(deps(), describeActor(record), HOME);

    expect(mapping).toMatchObject({ kind: 'none' });
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('3. falls back to CONFIRM_USER_MAP, the account-qualified entry first', async () => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });

    const both = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0ANY', [`${HOME}:christophe`]: 'U0HOME' } }), christophe, HOME);
    const plain = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0ANY' } }), christophe, HOME);

    expect(both).toEqual({ kind: 'found', userId: 'U0HOME', via: 'settings' });
    expect(plain).toEqual({ kind: 'found', userId: 'U0ANY', via: 'settings' });
  });

  it('tries the owner-slack tag before the owner-email tag, and both before the map', async () => {
    iam.on(ListUserTagsCommand).resolves({
      Tags: [
        { Key: 'iam-alerts:owner-email', Value: 'chris@example.com' },
        { Key: 'iam-alerts:owner-slack', Value: 'U0SLACKTAG' },
      ],
    });
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0EMAILTAG' } } }));

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0MAPPED' } }), christophe, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0SLACKTAG', via: 'owner-tag' });
    expect(slack.callsTo('users.lookupByEmail')).toEqual([]);
  });

  it('falls from a tag naming nobody to the owner-email tag, then to the map: the three sources in order', async () => {
    iam.on(ListUserTagsCommand).resolves({
      Tags: [
        { Key: 'iam-alerts:owner-slack', Value: 'U0GONE' },
        { Key: 'iam-alerts:owner-email', Value: 'chris@example.com' },
      ],
    });
    slack.respond('users.info', (call) =>
      call.body.user === 'U0GONE' ? { kind: 'error', error: 'user_not_found' } : { kind: 'ok', body: { user: { id: call.body.user } } },
    );
    slack.script('users.lookupByEmail', { kind: 'error', error: 'users_not_found' });

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0MAPPED' } }), christophe, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0MAPPED', via: 'settings' });
    expect(slack.calls.map((c) => c.method)).toEqual(['users.info', 'users.lookupByEmail', 'users.info']);
  });

  it('reads no tags in another account: the map decides there', async () => {
    const elsewhere = describeActor(sample(CRITICAL_BY_IAM_USER)); // christophe in 229654561268

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0ANY' } }), elsewhere, '229654561268');

    expect(mapping).toEqual({ kind: 'found', userId: 'U0ANY', via: 'settings' });
    expect(iam.calls()).toEqual([]);
  });

  it('goes on to the next source when the tags cannot be read (iam:ListUserTags denied)', async () => {
    iam.on(ListUserTagsCommand).rejects(Object.assign(new Error('not authorized to perform: iam:ListUserTags'), { name: 'AccessDenied' }));

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0ANY' } }), christophe, HOME);

    expect(mapping).toEqual({ kind: 'found', userId: 'U0ANY', via: 'settings' });
  });

  it('never asks about root, and makes no call to find out', async () => {
    const root = describeActor(sample(ROOT_SIGN_IN).detail);

    const mapping = await mapActorToSlackUser(deps({ ownerMap: { root: 'U0ROOT' } }), root, HOME);

    expect(mapping).toMatchObject({ kind: 'none', reason: expect.stringContaining('root') });
    expect(slack.calls).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });

  it('never asks about an AWS service or a role session, even one named in the map', async () => {
    const service = describeActor({
      ...highRecord,
      userIdentity: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' },
    } as CloudTrailRecord);
    const role = describeActor({
      ...highRecord,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${HOME}:assumed-role/deploy/jane@example.com`, accountId: HOME },
    } as CloudTrailRecord);

    const map = { 'cloudformation.amazonaws.com': 'U0SVC', deploy: 'U0DEPLOY', 'jane@example.com': 'U0JANE' };
    expect(await mapActorToSlackUser(deps({ ownerMap: map }), service, HOME)).toMatchObject({ kind: 'none' });
    expect(await mapActorToSlackUser(deps({ ownerMap: map }), role, HOME)).toMatchObject({ kind: 'none' });
    expect(slack.calls).toEqual([]);
  });

  it.each([
    ['deactivated', { deleted: true }, 'deactivated in Slack'],
    ['a bot', { is_bot: true }, 'a bot, not a person'],
    ['a single-channel guest', { is_ultra_restricted: true }, 'a guest of the workspace'],
    ['a multi-channel guest', { is_restricted: true }, 'a guest of the workspace'],
    ['from another organisation', { is_stranger: true }, 'not a member of this workspace'],
  ])('never DMs someone %s, and tries the next source', async (_what, fields, reason) => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'iam-alerts:owner-slack', Value: 'U0TAGGED' }] });
    slack.respond('users.info', (call) => ({
      kind: 'ok',
      body: { user: { id: call.body.user, ...(call.body.user === 'U0TAGGED' ? fields : {}) } },
    }));

    const mapped = await mapActorToSlackUser(deps({ ownerMap: { christophe: 'U0MAPPED' } }), christophe, HOME);
    const nobody = await mapActorToSlackUser(deps(), christophe, HOME);

    expect(mapped).toEqual({ kind: 'found', userId: 'U0MAPPED', via: 'settings' });
    expect(nobody).toEqual({ kind: 'none', reason: 'nobody it maps to may be asked', refused: [{ via: 'owner-tag', reason }] });
  });

  it('asks nobody when the email has no Slack user', async () => {
    const sso = describeActor(asIdentityCenterUser(highRecord, 'ghost@example.com'));
    slack.script('users.lookupByEmail', { kind: 'error', error: 'users_not_found' });

    expect(await mapActorToSlackUser(deps(), sso, HOME)).toMatchObject({
      kind: 'none',
      refused: [{ via: 'identity-center', reason: 'no such Slack user' }],
    });
  });

  it('ignores an owner tag that is neither a Slack user ID nor an email (no lookup of it)', async () => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'iam-alerts:owner-slack', Value: '<!channel>' }] });

    expect(await mapActorToSlackUser(deps(), christophe, HOME)).toEqual({
      kind: 'none',
      reason: 'the actor maps to no Slack user',
      refused: [],
    });
    expect(slack.calls).toEqual([]);
  });
});
