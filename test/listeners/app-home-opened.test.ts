import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { processNotifierInput } from '../../app/notifier/notify';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { ACTION_IDS } from '../../blocks/ids';
import { HOME_MAX_BLOCKS } from '../../blocks/render-home';
import { handler } from '../../handlers/slack';
import { makeUser, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_TS, functionUrlEvent, type Harness, lambdaContext, STATE_TABLE, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';
import {
  CRITICAL_BY_IAM_USER,
  HIGH_BY_IAM_USER,
  MEDIUM_BY_IAM_USER,
  notifierDeps,
  postAtClock,
  sample,
  testClock,
} from '../triage/support/triage-fixtures';

/** An Events API request as Slack sends it when someone opens the app's Home tab, signed. */
function homeOpened(userId: string, tab: 'home' | 'messages' = 'home') {
  const body = JSON.stringify({
    token: 'unused-verification-token',
    team_id: 'T0FAKE',
    api_app_id: 'A0IAMALERTS',
    event: { type: 'app_home_opened', user: userId, channel: 'D0HOME', tab, event_ts: `${Math.floor(Date.now() / 1000)}.000100` },
    type: 'event_callback',
    event_id: `Ev${userId}${tab}`,
    event_time: Math.floor(Date.now() / 1000),
  });
  return handler(functionUrlEvent(body, { contentType: 'application/json' }), lambdaContext);
}

describe('the App Home tab', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER', HISTORY_VIEWER_USERGROUP_ID: 'S0VIEWERS' });
    h.slack.respond('usergroups.users.list', () => ({ kind: 'ok', body: { users: ['U0VIEWER'] } }));
  });
  afterEach(() => h.close());

  it('shows a responder what is open, the week, the time to acknowledge and who is disabled, from what the notifier and the buttons recorded', async () => {
    const clock = testClock(Date.now());
    postAtClock(h.slack, clock);
    const deps = notifierDeps(h.slack.apiUrl, new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE), clock);
    const posted: Record<string, { ts: string; text: string; blocks: any[] }> = {};
    for (const file of [HIGH_BY_IAM_USER, CRITICAL_BY_IAM_USER, MEDIUM_BY_IAM_USER]) {
      const [outcome] = await processNotifierInput(sample(file), deps);
      const ts = (outcome as { ts: string }).ts;
      const call = h.slack
        .callsTo('chat.postMessage')
        .find(
          (c) =>
            c.body.ts === undefined &&
            c.body.channel === 'C0ALERTS' &&
            !c.body.thread_ts &&
            !posted[file] &&
            JSON.stringify(c.body.blocks).includes(sample(file).eventID),
        )!;
      posted[file] = { ts, text: String(call.body.text), blocks: call.body.blocks as any[] };
    }
    // The medium alert is acknowledged; christophe is disabled from the critical one.
    await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0RESPONDER', message: posted[MEDIUM_BY_IAM_USER]! });
    serveIamUsers(h.iam, [makeUser({ userName: 'christophe', accountId: '229654561268' })]);
    await h.click({ actionId: ACTION_IDS.disableActingUser, userId: 'U0RESPONDER', message: posted[CRITICAL_BY_IAM_USER]! });
    expect(await h.runDeferredJobs()).toEqual([{ ok: true }]);
    h.slack.calls.length = 0;

    const result = await homeOpened('U0RESPONDER');

    expect(result).toMatchObject({ statusCode: 200 });
    const [publish] = h.slack.callsTo('views.publish');
    expect(publish!.body.user_id).toBe('U0RESPONDER');
    const view = JSON.parse(String(publish!.body.view));
    expect(view.type).toBe('home');
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('Open alerts (2)');
    // Newest first, with links to the messages (the workspace address from auth.test).
    const critical = all.indexOf('Access key created: malicious-iam-user');
    const high = all.indexOf('Role trust policy changed');
    expect(critical).toBeGreaterThan(-1);
    expect(high).toBeGreaterThan(critical);
    expect(all).toContain(`<https://fake.slack.com/archives/C0ALERTS/p${posted[CRITICAL_BY_IAM_USER]!.ts.replace('.', '')}|`);
    expect(all).not.toContain('IAM user created: malicious-iam-user'); // acknowledged
    expect(all).toContain('*3 alerts*');
    expect(all).toContain('*Critical:* 1');
    expect(all).toContain('*High:* 1');
    expect(all).toContain('*Medium:* 1');
    expect(all).toMatch(/Median time to acknowledge: \*\d+ s\* \(1 of 3 top-level alerts acknowledged\)/);
    expect(all).toContain('Disabled and not re-enabled (1)');
    expect(all).toContain(':lock: `christophe` in `229654561268` by <@U0RESPONDER>');
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    expect(blockKitViolations({ text: 'home', blocks: view.blocks }, { maxBlocks: HOME_MAX_BLOCKS })).toEqual([]);
  });

  it('no longer lists a user once re-enabled', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    await h.runDeferredJobs();
    await homeOpened('U0RESPONDER');
    expect(h.slack.callsTo('views.publish')[0]!.body.view).toContain('Disabled and not re-enabled (1)');
    const report = h.slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === ALERT_TS)!;

    await h.click({
      actionId: ACTION_IDS.reenableUser,
      userId: 'U0RESPONDER',
      message: { text: String(report.body.text), blocks: report.body.blocks as any[], ts: '1714557601.000200', thread_ts: ALERT_TS },
    });
    expect((await h.runDeferredJobs()).at(-1)).toEqual({ ok: true });
    await homeOpened('U0RESPONDER');

    expect(h.slack.callsTo('views.publish')[1]!.body.view).toContain('Disabled and not re-enabled (0)');
  });

  it('shows a member of the history viewer group the same tab', async () => {
    await homeOpened('U0VIEWER');

    const view = JSON.parse(String(h.slack.callsTo('views.publish')[0]!.body.view));
    expect(JSON.stringify(view.blocks)).toContain('Open alerts (0)');
  });

  it('shows anyone else only who may see it: no actor, no user, no count', async () => {
    const clock = testClock(Date.now());
    postAtClock(h.slack, clock);
    await processNotifierInput(
      sample(HIGH_BY_IAM_USER),
      notifierDeps(h.slack.apiUrl, new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE), clock),
    );

    await homeOpened('U0STRANGER');

    const view = JSON.parse(String(h.slack.callsTo('views.publish')[0]!.body.view));
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('The triage view is for responders');
    expect(all).not.toContain('christophe');
    expect(all).not.toContain('Role trust policy');
  });

  it('publishes nothing when the Messages tab is opened', async () => {
    await homeOpened('U0RESPONDER', 'messages');

    expect(h.slack.callsTo('views.publish')).toEqual([]);
  });

  it('refuses an event that Slack did not sign', async () => {
    const body = JSON.stringify({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U0RESPONDER', tab: 'home' } });

    const result = await handler(functionUrlEvent(body, { contentType: 'application/json', secret: 'another-secret' }), lambdaContext);

    expect(result).toMatchObject({ statusCode: 401 });
    expect(h.slack.calls).toEqual([]);
  });

  it('answers Slack’s url_verification challenge, so the manifest’s event request URL can be saved', async () => {
    const body = JSON.stringify({ token: 'unused-verification-token', challenge: 'c4Xy9challenge', type: 'url_verification' });

    const result = await handler(functionUrlEvent(body, { contentType: 'application/json' }), lambdaContext);

    expect(result).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(String((result as { body: string }).body))).toEqual({ challenge: 'c4Xy9challenge' });
    expect(h.slack.calls).toEqual([]);
  });

  it('answers Slack 200 when views.publish fails (nothing thrown into Bolt, which would answer 500 and have Slack retry), and publishes again on the next opening', async () => {
    h.slack.script('views.publish', { kind: 'error', error: 'invalid_blocks' });

    expect(await homeOpened('U0RESPONDER')).toMatchObject({ statusCode: 200 });
    expect(await homeOpened('U0RESPONDER')).toMatchObject({ statusCode: 200 });

    expect(h.slack.callsTo('views.publish')).toHaveLength(2);
  });
});
