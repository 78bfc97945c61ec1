import { CreateLoginProfileCommand } from '@aws-sdk/client-iam';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ONBOARDING_ACTION_IDS, renderOnboardingOffer } from '../../blocks/render-onboarding';
import { mockOnboardingAws, type OnboardingAws } from '../onboarding/support/onboarding-aws';
import { ALERT_CHANNEL, ALERT_TS, type Harness, startHarness } from '../slack/slack-harness';

/**
 * Send sign-in details (approve mode) through the real Slack handler: the click is authorised on
 * the verified clicker, the work runs as a signed deferred job (replayed from the Lambda Invoke the
 * handler made), IAM, KMS and SES mocked at the SDK layer, Slack the local fake.
 */

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OFFER_TS = '1714557600.000300';
const APPROVE = {
  ONBOARDING: 'approve',
  ONBOARDING_EMAIL_DOMAINS: 'example.com',
  ONBOARDING_KMS_KEY_ID: KEY,
  HOME_ACCOUNT_ID: '123456789012',
  PROTECTED_IAM_USERS: 'break-glass-*',
};

let h: Harness;
let aws: OnboardingAws;
afterEach(async () => {
  aws.restore();
  await h.close();
});

async function start(env: Record<string, string | undefined> = {}) {
  h = await startHarness({ ...APPROVE, ...env });
  aws = mockOnboardingAws({ iam: h.iam });
}

/** The offer the notifier posted in the alert's thread, as Slack sends it back with a click. */
function offer(userName = 'jane@example.com', accountId = '123456789012') {
  const rendered = renderOnboardingOffer({
    userName,
    accountId,
    eventId: 'evt-jane',
    createdBy: 'IAM user alice',
    recipient: `${userName} (from the user name)`,
    delivery: 'slack',
  });
  return { ts: OFFER_TS, thread_ts: ALERT_TS, text: rendered.text, blocks: JSON.parse(JSON.stringify(rendered.blocks)) };
}

const click = (userId: string, message = offer()) => h.click({ actionId: ONBOARDING_ACTION_IDS.sendSignInDetails, userId, message });

describe('Send sign-in details', () => {
  it('a responder’s click creates the password in a signed job: DM to the owner, report in the alert’s thread, offer marked', async () => {
    await start();
    aws.users.set('jane@example.com', { tags: {} });

    await click('U0RESPONDER');
    const jobs = h.deferredJobs();
    const results = await h.runDeferredJobs();

    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.iamAlertsJob).toMatchObject({
      kind: 'onboard-user',
      payload: { user: { userName: 'jane@example.com', accountId: '123456789012', eventId: 'evt-jane' }, approvedBy: 'U0RESPONDER' },
    });
    expect(results).toEqual([{ ok: true }]);
    const jane = aws.users.get('jane@example.com')!;
    expect(jane.passwordResetRequired).toBe(true);
    const posts = h.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.body.channel)).toEqual(['DUJANE', ALERT_CHANNEL]);
    expect(posts[1]!.body.thread_ts).toBe(ALERT_TS);
    expect(JSON.stringify(posts[1]!.body.blocks)).toContain('(approved by <@U0RESPONDER>); sign-in details sent to <@UJANE> by DM.');
    const [update] = h.slack.callsTo('chat.update');
    expect(update!.body).toMatchObject({ channel: ALERT_CHANNEL, ts: OFFER_TS });
    expect(JSON.stringify(update!.body.blocks)).toContain('Send sign-in details pressed by <@U0RESPONDER>');
    // The job travelled without any secret in it.
    const invoked = h.lambda.commandCalls(InvokeCommand).map((c) => Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(invoked.join('')).not.toContain(jane.password);
  });

  it.each([
    ['someone who is not a responder', {}, 'U0INTRUDER', 'jane@example.com', '123456789012', /^Only responders may do this/],
    [
      'a responder, with onboarding in auto mode',
      { ONBOARDING: 'auto' },
      'U0RESPONDER',
      'jane@example.com',
      '123456789012',
      /ONBOARDING is not approve/,
    ],
    ['a responder, for a protected user', {}, 'U0RESPONDER', 'break-glass-jane@example.com', '123456789012', /protected/],
    [
      'a responder, for a user in another account',
      {},
      'U0RESPONDER',
      'jane@example.com',
      '444455556666',
      /only in its own account \(123456789012\)/,
    ],
  ])('is refused to %s: no job, no AWS call', async (_who, env, userId, userName, account, says) => {
    await start(env);

    await click(userId, offer(userName, account));

    expect(h.deferredJobs()).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(says)]);
  });

  it('checks the clicker again in the job: a responder taken out of the group meanwhile changes nothing', async () => {
    await start({ RESPONDER_USER_IDS: undefined, RESPONDER_USERGROUP_ID: 'S0RESPOND' });
    aws.users.set('jane@example.com', { tags: {} });
    let members = ['U0GROUPIE'];
    h.slack.respond('usergroups.users.list', () => ({ kind: 'ok', body: { users: members } }));

    await click('U0GROUPIE');
    members = [];
    await h.runDeferredJobs();

    expect(h.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(0);
    expect(h.ephemeralReplies().at(-1)).toMatch(/^Only responders may do this/);
  });

  it('keeps the button when nothing was made (the owner is not in Slack), so that a responder can press it again', async () => {
    await start();
    aws.users.set('jane@example.com', { tags: {} });
    h.slack.respond('users.lookupByEmail', () => ({ kind: 'error', error: 'users_not_found' }));

    await click('U0RESPONDER');
    await h.runDeferredJobs();

    expect(h.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(0);
    expect(h.slack.callsTo('chat.update')).toHaveLength(0);
    expect(JSON.stringify(h.slack.callsTo('chat.postMessage').at(-1)!.body.blocks)).toContain(
      'no Slack user has the address jane@example.com',
    );
  });

  it('two responders pressing it make one password: the second is told it was already handled', async () => {
    await start({ RESPONDER_USER_IDS: 'U0RESPONDER,U0SECOND' });
    aws.users.set('jane@example.com', { tags: {} });

    await click('U0RESPONDER');
    await click('U0SECOND');
    await h.runDeferredJobs();

    expect(h.iam.commandCalls(CreateLoginProfileCommand)).toHaveLength(1);
    const reports = h.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === ALERT_CHANNEL);
    expect(JSON.stringify(reports[1]!.body.blocks)).toContain('were already handled by <@U0RESPONDER>');
  });
});
