import { GetUserCommand } from '@aws-sdk/client-iam';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { TAGS } from '../../app/containment/tags';
import { ACTION_IDS } from '../../blocks/ids';
import { awsError, makeUser, mutatingCommands, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_CHANNEL, ALERT_TS, FUNCTION_NAME, type Harness, sampleAlert, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

type Msg = { text: string; blocks: Array<Record<string, any>> };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));

describe('Disable User: who may press it', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const cases: Array<{
    who: string;
    env: Record<string, string | undefined>;
    userId: string;
    groupMembers?: string[];
    target?: string;
    allowed: boolean;
    says?: RegExp;
  }> = [
    {
      who: 'a responder listed in RESPONDER_USER_IDS',
      env: { RESPONDER_USER_IDS: 'U0OTHER,U0RESPONDER' },
      userId: 'U0RESPONDER',
      allowed: true,
    },
    {
      who: 'a member of the RESPONDER_USERGROUP_ID group',
      env: { RESPONDER_USER_IDS: undefined, RESPONDER_USERGROUP_ID: 'S0RESPOND' },
      userId: 'U0GROUPIE',
      groupMembers: ['U0X', 'U0GROUPIE'],
      allowed: true,
    },
    {
      who: 'someone neither listed nor in the group',
      env: { RESPONDER_USER_IDS: 'U0RESPONDER', RESPONDER_USERGROUP_ID: 'S0RESPOND' },
      userId: 'U0INTRUDER',
      groupMembers: ['U0GROUPIE'],
      allowed: false,
      says: /^Only responders may do this/,
    },
    {
      who: 'anyone when no responders are configured (fails closed and says how to configure)',
      env: { RESPONDER_USER_IDS: undefined, RESPONDER_USERGROUP_ID: undefined },
      userId: 'U0RESPONDER',
      allowed: false,
      says: /RESPONDER_USER_IDS.*RESPONDER_USERGROUP_ID/,
    },
    {
      who: 'a responder, on a protected user',
      env: { PROTECTED_IAM_USERS: 'admin, break-glass-*' },
      userId: 'U0RESPONDER',
      target: 'break-glass-ops',
      allowed: false,
      says: /break-glass-ops is protected \(PROTECTED_IAM_USERS matches "break-glass-\*"\)/,
    },
    { who: 'a responder, on root', env: {}, userId: 'U0RESPONDER', target: 'root', allowed: false, says: /root user is never disabled/ },
  ];

  it.each(cases)('$who: allowed=$allowed', async ({ env, userId, groupMembers, target, allowed, says }) => {
    h = await startHarness(env);
    if (groupMembers) h.slack.respond('usergroups.users.list', () => ({ kind: 'ok', body: { users: groupMembers } }));
    const value = target ? JSON.stringify({ u: target, a: '123456789012', e: 'evt-1' }) : undefined;

    const result = await h.click({ actionId: ACTION_IDS.disableUser, userId, value });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.iam.calls()).toEqual([]);
    if (allowed) {
      const invokes = h.lambda.commandCalls(InvokeCommand);
      expect(invokes).toHaveLength(1);
      expect(invokes[0]!.args[0].input).toMatchObject({ FunctionName: FUNCTION_NAME, InvocationType: 'Event' });
      expect(h.deferredJobs()[0]!.iamAlertsJob).toMatchObject({
        kind: 'disable-user',
        payload: { actorUserId: userId, target: { u: 'mallory' } },
      });
      expect(h.ephemeralReplies()).toEqual([expect.stringContaining('Disabling IAM user `mallory`')]);
    } else {
      expect(h.lambda.calls()).toEqual([]);
      expect(h.ephemeralReplies()).toEqual([expect.stringMatching(says!)]);
      expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
      expect(h.slack.callsTo('chat.update')).toEqual([]);
    }
    if (groupMembers) expect(h.slack.callsTo('usergroups.users.list')[0]!.body).toMatchObject({ usergroup: 'S0RESPOND' });
  });

  it('fails closed when Slack cannot list the responder group', async () => {
    h = await startHarness({ RESPONDER_USER_IDS: undefined, RESPONDER_USERGROUP_ID: 'S0RESPOND' });
    h.slack.respond('usergroups.users.list', () => ({ kind: 'error', error: 'missing_scope' }));

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0GROUPIE' });

    expect(h.lambda.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining('Could not check whether you are a responder')]);
  });

  it.each([
    ['not JSON', 'mallory'],
    ['an IAM name with characters IAM does not allow', JSON.stringify({ u: 'mallory<!channel>', a: '123456789012', e: 'evt' })],
    ['extra keys', JSON.stringify({ u: 'mallory', a: '123456789012', e: 'evt', admin: true })],
    ['a malformed account', JSON.stringify({ u: 'mallory', a: '12', e: 'evt' })],
  ])('treats a button value that is %s as untrusted and does nothing', async (_why, value) => {
    h = await startHarness();

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', value });

    expect(h.lambda.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining('does not understand')]);
  });

  it('authorises on the verified clicker, not on anything in the button value', async () => {
    h = await startHarness();
    const value = JSON.stringify({ u: 'mallory', a: '123456789012', e: 'evt', user: 'U0RESPONDER' });

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0INTRUDER', value });

    expect(h.lambda.calls()).toEqual([]);
  });
});

describe('Disable User: the two buttons of a change one IAM user made to another', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const EVENT = 'b7d1f7a0-0000-4000-8000-000000000001';
  const twoUserAlert = () =>
    sampleAlert({
      actor: { typeLabel: 'IAM user', name: 'alice' },
      disable: [
        { role: 'target', value: { u: 'mallory', a: '123456789012', e: EVENT } },
        { role: 'actor', value: { u: 'alice', a: '123456789012', e: EVENT } },
      ],
    });

  it.each([
    ['the target button', ACTION_IDS.disableUser, 'mallory'],
    ['the acting user button', ACTION_IDS.disableActingUser, 'alice'],
  ])('%s disables the user it names', async (_which, actionId, user) => {
    const result = await h.click({ actionId, userId: 'U0RESPONDER', message: twoUserAlert() });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.deferredJobs().map((j) => j.iamAlertsJob)).toEqual([
      expect.objectContaining({
        kind: 'disable-user',
        payload: expect.objectContaining({ target: { u: user, a: '123456789012', e: EVENT } }),
      }),
    ]);
    expect(h.ephemeralReplies()).toEqual([expect.stringContaining(`Disabling IAM user \`${user}\``)]);
  });

  it('still honours the single Disable User button of alerts posted before there could be two', async () => {
    // The old renderer put one button with this id, whoever it disabled (here the acting user of a failed call).
    const value = JSON.stringify({ u: 'alice', a: '123456789012', e: EVENT });

    await h.click({ actionId: 'iam_alerts.disable_user', userId: 'U0RESPONDER', value });

    expect(h.deferredJobs()[0]!.iamAlertsJob).toMatchObject({ kind: 'disable-user', payload: { target: { u: 'alice' } } });
  });
});

describe('Disable User: the listener answers before any AWS work', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('answers Slack while IAM would hang: no IAM call is made or awaited in the request', async () => {
    // Any IAM call in the request path would hang the click past Slack's deadline.
    h.iam.on(GetUserCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();

    const result = await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.iam.calls()).toEqual([]);
    expect(h.lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it('tells the user when the job cannot be started', async () => {
    h.lambda.on(InvokeCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded'));

    const result = await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    expect(result).toMatchObject({ statusCode: 200 });
    expect(h.ephemeralReplies()).toEqual([
      expect.stringMatching(
        /Could not start disabling the user: could not confirm that the "disable-user" job started \(Rate exceeded\); it may still run, and trying again is safe/,
      ),
    ]);
  });
});

describe('Disable User: the deferred job', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('disables the user, reports every step in the thread with a Re-enable button, and updates the alert', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    const alert = sampleAlert();
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alert });

    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(user.loginProfile).toBe(false);
    expect(user.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
    expect(user.tags.get(TAGS.disabledBy)).toBe('slack:U0RESPONDER');
    expect(user.tags.get(TAGS.alertEvent)).toBe('b7d1f7a0-0000-4000-8000-000000000001');

    const [report] = h.slack.callsTo('chat.postMessage');
    const reportBody = report!.body as unknown as Msg & { channel: string; thread_ts: string };
    expect(reportBody).toMatchObject({ channel: ALERT_CHANNEL, thread_ts: ALERT_TS });
    const reportText = JSON.stringify(reportBody.blocks);
    expect(reportText).toContain('disabled* by <@U0RESPONDER>');
    for (const step of [
      'Attach deny-all policy (done)',
      'Delete console password (done)',
      'Deactivate access keys (done): deactivated AKIAMALLORYACTIVE001',
      'Deactivate signing certificates (done)',
      'Deactivate SSH public keys (done)',
      'Deactivate service-specific credentials (done)',
      'Re-check access keys (already so)',
      'Tag the user (done)',
    ]) {
      expect(reportText).toContain(step);
    }
    // The job looked up the roles mallory assumed (none in the harness's CloudTrail) and says so.
    expect(reportText).toContain('*Role sessions are not cut.*');
    expect(reportText).toContain('No successful `AssumeRole` by this user in the last 12 h (us-east-1).');
    expect(buttons(reportBody)).toEqual([ACTION_IDS.reenableUser]);
    expect(blockKitViolations(reportBody)).toEqual([]);

    const [update] = h.slack.callsTo('chat.update');
    const updated = update!.body as unknown as Msg & { ts: string };
    expect(updated.ts).toBe(ALERT_TS);
    expect(JSON.stringify(updated.blocks)).toMatch(/User `mallory` disabled by <@U0RESPONDER> at <!date/);
    expect(buttons(updated)).toEqual([ACTION_IDS.acknowledge]);
    expect(blockKitViolations(updated)).toEqual([]);
  });

  it('reports a partial failure as such, with the AWS error, and keeps Disable User for a retry', async () => {
    serveIamUsers(h.iam, [makeUser()], {
      AttachUserPolicy: awsError(
        'AccessDenied',
        'User: arn:aws:sts::123456789012:assumed-role/iam-alerts-slack/x is not authorized to perform: iam:AttachUserPolicy',
      ),
    });
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    await h.runDeferredJobs();

    const report = JSON.stringify(h.slack.callsTo('chat.postMessage')[0]!.body);
    expect(report).toContain('PARTIALLY disabled');
    expect(report).toMatch(/Attach deny-all policy \(failed\) `AccessDenied` User: arn:aws:sts::123456789012:assumed-role/);
    expect(report).toContain('Some steps failed');
    const updated = h.slack.callsTo('chat.update')[0]!.body as unknown as Msg;
    expect(JSON.stringify(updated.blocks)).toContain('PARTIALLY disabled by');
    expect(buttons(updated)).toEqual([ACTION_IDS.acknowledge, ACTION_IDS.disableUser]);
  });

  it('reports "already so" for every step when pressed again', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    await h.runDeferredJobs();
    h.iam.resetHistory();

    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    await h.runDeferredJobs();

    const second = JSON.stringify(h.slack.callsTo('chat.postMessage')[1]!.body);
    expect(second.match(/\(already so\)/g)).toHaveLength(7);
    expect(mutatingCommands(h.iam)).toEqual(['DeleteLoginProfile', 'TagUser']);
  });

  it('tells the user when the IAM user does not exist, and changes nothing', async () => {
    serveIamUsers(h.iam, []);
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(mutatingCommands(h.iam)).toEqual([]);
    expect(h.ephemeralReplies().at(-1)).toBe('IAM user mallory was not disabled: IAM user mallory does not exist');
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('tells the user how it ended when the thread report cannot be posted', async () => {
    serveIamUsers(h.iam, [makeUser()], { AttachUserPolicy: awsError('AccessDenied', 'denied') });
    h.slack.script('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toMatchObject({ ok: false });
    expect(h.ephemeralReplies().at(-1)).toBe(
      "IAM user mallory PARTIALLY disabled; failed: Attach deny-all policy (AccessDenied). The report could not be posted in the alert's thread: An API error occurred: channel_not_found",
    );
  });

  it('still updates the alert when the thread report cannot be posted, and says how it ended when the alert cannot be updated', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    h.slack.script('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    await h.runDeferredJobs();

    expect(JSON.stringify(h.slack.heldMessage(ALERT_CHANNEL, ALERT_TS))).toContain('User `mallory` disabled by <@U0RESPONDER>');

    h.slack.script('chat.update', { kind: 'error', error: 'cant_update_message' });
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toMatchObject({ ok: false });
    expect(h.ephemeralReplies().at(-1)).toBe(
      'IAM user mallory disabled. The alert could not be updated: An API error occurred: cant_update_message',
    );
  });

  it('tells the user when the job fails outright', async () => {
    serveIamUsers(h.iam, [makeUser()], { GetUser: awsError('AccessDenied', 'not authorized to perform: iam:GetUser') });
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });

    await h.runDeferredJobs();

    expect(mutatingCommands(h.iam)).toEqual([]);
    expect(h.ephemeralReplies().at(-1)).toBe(
      'IAM user mallory was not disabled: could not look up IAM user mallory: AccessDenied: not authorized to perform: iam:GetUser',
    );
  });
});
