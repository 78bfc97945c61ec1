import { TAGS } from '../../app/containment/tags';
import { ACTION_IDS } from '../../blocks/ids';
import { makeUser, mutatingCommands, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_CHANNEL, ALERT_TS, type Harness, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

type Msg = { text: string; blocks: Array<Record<string, any>>; ts?: string };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));
const REPORT_TS = '1714557700.000200';

describe('Re-enable button', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER,U0SECOND' });
  });
  afterEach(() => h.close());

  /** Disables mallory and returns the thread report as Slack would send it back in a click. */
  async function disabledReport(): Promise<Msg & { ts: string; thread_ts: string }> {
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER' });
    await h.runDeferredJobs();
    const posted = h.slack.callsTo('chat.postMessage')[0]!.body as unknown as Msg;
    h.iam.resetHistory();
    return { text: posted.text, blocks: posted.blocks, ts: REPORT_TS, thread_ts: ALERT_TS };
  }

  it('removes the deny policy, reactivates exactly the keys iam-alerts deactivated, and says the password cannot come back', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    const report = await disabledReport();

    await h.click({ actionId: ACTION_IDS.reenableUser, userId: 'U0SECOND', message: report });
    const [outcome] = await h.runDeferredJobs();

    expect(outcome).toEqual({ ok: true });
    expect(user.attachedPolicies).toEqual([]);
    expect(user.accessKeys).toEqual([
      { id: 'AKIAMALLORYACTIVE001', status: 'Active' },
      { id: 'AKIAMALLORYINACTIVE1', status: 'Inactive' },
    ]);
    expect(user.loginProfile).toBe(false);
    expect(user.tags.has(TAGS.deactivatedKeys)).toBe(false);
    expect(user.tags.get(TAGS.reenabledBy)).toBe('slack:U0SECOND');

    const reply = h.slack.callsTo('chat.postMessage')[1]!.body as unknown as Msg & { channel: string; thread_ts: string };
    expect(reply).toMatchObject({ channel: ALERT_CHANNEL, thread_ts: ALERT_TS });
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('re-enabled* by <@U0SECOND>');
    expect(text).toContain('Reactivate access keys iam-alerts deactivated (done): reactivated AKIAMALLORYACTIVE001');
    expect(text).toContain('The console password was deleted and *cannot come back*');
    expect(blockKitViolations(reply)).toEqual([]);

    // The report loses its Re-enable button.
    const updates = h.slack.callsTo('chat.update').map((c) => c.body as unknown as Msg & { ts: string });
    expect(buttons(updates.find((u) => u.ts === REPORT_TS)!)).toEqual([]);
    // The alert says so, and offers Disable User again.
    const alert = updates.filter((u) => u.ts === ALERT_TS).at(-1)!;
    expect(JSON.stringify(alert.blocks)).toMatch(/:unlock: User `mallory` disabled by <@U0RESPONDER> at .*; re-enabled by <@U0SECOND> at /);
    expect(buttons(alert)).toEqual([ACTION_IDS.acknowledge, ACTION_IDS.disableUser]);
    expect(blockKitViolations(alert)).toEqual([]);
  });

  it('refuses a non-responder with an ephemeral message and no AWS call', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    const report = await disabledReport();
    h.lambda.resetHistory();

    await h.click({ actionId: ACTION_IDS.reenableUser, userId: 'U0INTRUDER', message: report });

    expect(h.lambda.calls()).toEqual([]);
    expect(h.iam.calls()).toEqual([]);
    expect(h.ephemeralReplies().at(-1)).toMatch(/^Only responders may do this/);
  });

  it('is idempotent: pressed twice, the second run changes no key', async () => {
    const user = makeUser();
    serveIamUsers(h.iam, [user]);
    const report = await disabledReport();
    await h.click({ actionId: ACTION_IDS.reenableUser, userId: 'U0RESPONDER', message: report });
    await h.click({ actionId: ACTION_IDS.reenableUser, userId: 'U0RESPONDER', message: report });

    await h.runDeferredJobs();

    expect(mutatingCommands(h.iam).filter((c) => c === 'UpdateAccessKey')).toHaveLength(1);
    const second = JSON.stringify(h.slack.callsTo('chat.postMessage')[2]!.body);
    expect(second).toContain('Remove deny-all policy (already so)');
    expect(second).toContain('no access keys recorded as deactivated by iam-alerts');
  });
});
