import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { readTriage } from '../../app/triage/triage-state';
import { ACTION_IDS } from '../../blocks/ids';
import { TRIAGE_ACTION_IDS } from '../../blocks/render-triage';
import { handler } from '../../handlers/slack';
import { makeUser, serveIamUsers } from '../containment/iam-user-model';
import {
  ALERT_CHANNEL,
  blockActionPayload,
  functionUrlEvent,
  type Harness,
  interactionBody,
  lambdaContext,
  STATE_TABLE,
  startHarness,
} from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';
import { HIGH_BY_IAM_USER, notifierDeps, postAtClock, sample, type TestClock, testClock } from '../triage/support/triage-fixtures';

type Message = { ts: string; channel: string; text: string; blocks: Array<Record<string, any>> };

/**
 * The answers to "Was this you?", clicked in the DM and sent through the real Slack handler, signed
 * as Slack signs them; the question was asked by the real notifier on the same (modelled) table.
 */
describe('Was this you? answers', () => {
  let h: Harness;
  let clock: TestClock;
  let alert: { channel: string; ts: string };
  let dm: Message;

  /** The notifier posts and asks `minutesAgo` before the answer (the listener's clock is the real one). */
  async function askChristophe(minutesAgo: number) {
    clock = testClock(Date.now() - minutesAgo * 60_000);
    postAtClock(h.slack, clock);
    const store = new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE);
    const deps = notifierDeps(h.slack.apiUrl, store, clock, { settings: { ownerMap: { christophe: 'U0CHRIS' } } });
    const [outcome] = await processNotifierInput(sample(HIGH_BY_IAM_USER), deps);
    alert = { channel: ALERT_CHANNEL, ts: (outcome as { ts: string }).ts };
    const asked = h.slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'DU0CHRIS')!;
    dm = {
      ts: `${Math.floor(clock.now() / 1000)}.000002`,
      channel: 'DU0CHRIS',
      text: String(asked.body.text),
      blocks: asked.body.blocks as any[],
    };
    h.slack.calls.length = 0;
  }
  beforeEach(async () => {
    h = await startHarness({ RESPONDER_USERGROUP_ID: 'S0RESPONDERS', ESCALATE_AFTER_MINUTES: 'critical=15,high=60' });
    await askChristophe(0);
  });
  afterEach(() => h.close());

  const answer = (which: 'yes' | 'no', userId = 'U0CHRIS') =>
    h.click({
      actionId: which === 'yes' ? TRIAGE_ACTION_IDS.confirmYes : TRIAGE_ACTION_IDS.confirmNo,
      userId,
      channel: dm.channel,
      value: JSON.stringify({ c: alert.channel, t: alert.ts }),
      message: { ts: dm.ts, text: dm.text, blocks: dm.blocks },
    });
  const threadNotes = () => h.slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === alert.ts);
  const triage = () =>
    readTriage({ store: new DynamoDbStore(new DynamoDBClient({}), STATE_TABLE), logger: createLogger('test'), now: Date.now }, alert);

  it('Yes: the thread says who answered and when, the DM loses its buttons, the alert stays as it is', async () => {
    const result = await answer('yes');

    expect(result).toMatchObject({ statusCode: 200 });
    const [note] = threadNotes();
    expect(note!.body.channel).toBe(ALERT_CHANNEL);
    expect(JSON.stringify(note!.body.blocks)).toMatch(/<@U0CHRIS> answered \*Yes, it was me\* at <!date\^\d+\^/);
    expect(JSON.stringify(note!.body.blocks)).toContain('matched by CONFIRM_USER_MAP');
    const [dmUpdate] = h.slack.callsTo('chat.update');
    expect(dmUpdate!.body).toMatchObject({ channel: 'DU0CHRIS', ts: dm.ts });
    expect((dmUpdate!.body.blocks as any[]).some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(dmUpdate!.body.blocks)).toContain('You answered *Yes, it was me*');
    expect(h.slack.callsTo('chat.update').filter((c) => c.body.channel === ALERT_CHANNEL)).toEqual([]);
    expect((await triage())?.ask?.answer).toEqual({ value: 'yes', at: expect.any(Number) });
    for (const call of [note!, dmUpdate!]) expect(blockKitViolations(call.body)).toEqual([]);
  });

  it('No: the alert turns critical, the responder group is called in, and Disable User for the actor tops the thread note', async () => {
    await answer('no');

    const update = h.slack.callsTo('chat.update').find((c) => c.body.channel === ALERT_CHANNEL && c.body.ts === alert.ts)!;
    const blocks = update.body.blocks as any[];
    expect(blocks[0].text.text).toMatch(/^Critical: /);
    expect(blocks[1].text.text).toMatch(/^:red_circle: /);
    expect(String(update.body.text)).toMatch(/^\[Critical\]/);
    expect(JSON.stringify(blocks)).toContain('Raised to *critical*: <@U0CHRIS> answered that this was not them');
    expect(blockKitViolations(update.body)).toEqual([]);

    const [note] = threadNotes();
    const noteBlocks = note!.body.blocks as any[];
    expect(noteBlocks[0].type).toBe('actions');
    const [disable] = noteBlocks[0].elements;
    expect(disable.action_id).toBe(ACTION_IDS.disableActingUser);
    expect(JSON.parse(disable.value)).toEqual({ u: 'christophe', a: '751203476945', e: '62e290e2-ee95-4a7c-a9f8-db4ef462b12d' });
    expect(disable.confirm.text.text).toContain('christophe');
    expect(JSON.stringify(noteBlocks)).toContain("<@U0CHRIS> answered *No, it wasn't me*");
    expect(JSON.stringify(noteBlocks)).toContain('<!subteam^S0RESPONDERS> please look at it now.');
    expect(blockKitViolations(note!.body)).toEqual([]);

    const state = await triage();
    expect(state?.raisedAt).toEqual(expect.any(Number));
    // The next escalation is due at the critical interval from the answer, no longer the high one.
    expect(state?.escalation.nextAt).toBe(state!.raisedAt! + 15 * 60);
  });

  it('the thread’s Disable User acts on the alert: its job reports under the alert and updates it', async () => {
    await answer('no');
    const note = threadNotes()[0]!;
    const button = (note.body.blocks as any[])[0].elements[0];

    await h.click({
      actionId: button.action_id,
      userId: 'U0RESPONDER',
      value: button.value,
      message: { ts: '1714557601.000900', thread_ts: alert.ts, text: String(note.body.text), blocks: note.body.blocks as any[] },
    });

    const [job] = h.deferredJobs();
    expect(job!.iamAlertsJob).toMatchObject({
      kind: 'disable-user',
      payload: { target: { u: 'christophe' }, alert: { channel: ALERT_CHANNEL, ts: alert.ts } },
    });

    const user = makeUser({ userName: 'christophe', accountId: '751203476945' });
    serveIamUsers(h.iam, [user]);
    h.slack.calls.length = 0;
    expect(await h.runDeferredJobs()).toEqual([{ ok: true }]);

    expect(user.attachedPolicies).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
    const [report] = threadNotes();
    expect(JSON.stringify(report!.body.blocks)).toContain('disabled* by <@U0RESPONDER>');
    // The alert, still critical, now says christophe is disabled and no longer offers the button.
    const update = h.slack.callsTo('chat.update').find((c) => c.body.channel === ALERT_CHANNEL && c.body.ts === alert.ts)!;
    const blocks = update.body.blocks as any[];
    expect(blocks[0].text.text).toMatch(/^Critical: /);
    expect(JSON.stringify(blocks)).toMatch(/User `christophe` disabled by <@U0RESPONDER>/);
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => JSON.parse(e.value ?? '{}').u));
    expect(buttons).not.toContain('christophe');
  });

  it('keeps the thread’s Disable User for responders: the actor who answered No may not press it, nor anyone else', async () => {
    await answer('no');
    const note = threadNotes()[0]!;
    const button = (note.body.blocks as any[])[0].elements[0];
    const message = { ts: '1714557601.000900', thread_ts: alert.ts, text: String(note.body.text), blocks: note.body.blocks as any[] };

    for (const userId of ['U0CHRIS', 'U0SOMEONE']) await h.click({ actionId: button.action_id, userId, value: button.value, message });

    expect(h.ephemeralReplies()).toEqual([
      expect.stringMatching(/^Only responders may do this/),
      expect.stringMatching(/^Only responders may do this/),
    ]);
    expect(h.deferredJobs()).toEqual([]);
  });

  it('refuses anyone but the person asked, and records nothing', async () => {
    await answer('no', 'U0SOMEONE');

    expect(h.ephemeralReplies()).toEqual(['Only the person this question was sent to can answer it.']);
    expect(threadNotes()).toEqual([]);
    expect(h.slack.callsTo('chat.update')).toEqual([]);
    expect((await triage())?.ask?.answer).toBeUndefined();
  });

  it('takes one answer: a second click (even the other button) changes nothing', async () => {
    await answer('yes');
    await answer('no');

    expect(h.ephemeralReplies()).toEqual(['You already answered “Yes, it was me”; the answer stands.']);
    expect(threadNotes()).toHaveLength(1);
    expect(h.slack.callsTo('chat.update').filter((c) => c.body.channel === ALERT_CHANNEL)).toEqual([]);
    expect((await triage())?.ask?.answer?.value).toBe('yes');
  });

  it('refuses a button edited to name an alert nobody was asked about', async () => {
    await h.click({
      actionId: TRIAGE_ACTION_IDS.confirmNo,
      userId: 'U0CHRIS',
      channel: dm.channel,
      value: JSON.stringify({ c: alert.channel, t: '1600000000.000001' }),
      message: { ts: dm.ts, text: dm.text, blocks: dm.blocks },
    });

    expect(h.ephemeralReplies()).toEqual(['This question is no longer open: iam-alerts has no record of asking it.']);
    expect(threadNotes()).toEqual([]);
  });

  it('refuses an answer from another conversation than the DM it was asked in', async () => {
    await h.click({
      actionId: TRIAGE_ACTION_IDS.confirmYes,
      userId: 'U0CHRIS',
      channel: 'C0ELSEWHERE',
      value: JSON.stringify({ c: alert.channel, t: alert.ts }),
      message: { ts: dm.ts, text: dm.text, blocks: dm.blocks },
    });

    expect(h.ephemeralReplies()).toEqual(['Only the person this question was sent to can answer it.']);
  });

  it('takes an answer that comes after the time to answer, and says so in the thread', async () => {
    // A fresh table: the notifier paces the channel by its clock, which here runs 45 minutes behind.
    await h.close();
    h = await startHarness({ RESPONDER_USERGROUP_ID: 'S0RESPONDERS' });
    await askChristophe(45); // CONFIRM_TIMEOUT_MINUTES is 30

    await answer('yes');

    const [note] = threadNotes();
    expect(JSON.stringify(note!.body.blocks)).toContain('answered after the time to answer');
    expect((await triage())?.ask?.answer?.value).toBe('yes');
  });

  it('records one answer when Slack’s signed request is replayed (within its 5-minute window)', async () => {
    const event = functionUrlEvent(
      interactionBody(
        blockActionPayload({
          actionId: TRIAGE_ACTION_IDS.confirmNo,
          userId: 'U0CHRIS',
          channel: dm.channel,
          value: JSON.stringify({ c: alert.channel, t: alert.ts }),
          message: { ts: dm.ts, text: dm.text, blocks: dm.blocks },
          responseUrl: h.responseUrl,
        }),
      ),
    );

    expect(await handler(event, lambdaContext)).toMatchObject({ statusCode: 200 });
    expect(await handler(event, lambdaContext)).toMatchObject({ statusCode: 200 });

    expect(threadNotes()).toHaveLength(1);
    expect(h.slack.callsTo('chat.update').filter((c) => c.body.channel === ALERT_CHANNEL)).toHaveLength(1);
    expect(h.ephemeralReplies()).toEqual(["You already answered “No, it wasn't me”; the answer stands."]);
  });

  it('refuses a button whose value is not an alert reference, and records nothing', async () => {
    await h.click({
      actionId: TRIAGE_ACTION_IDS.confirmNo,
      userId: 'U0CHRIS',
      channel: dm.channel,
      value: JSON.stringify({ c: alert.channel, t: '<!channel>' }),
      message: { ts: dm.ts, text: dm.text, blocks: dm.blocks },
    });

    expect(h.ephemeralReplies()).toEqual(['This answer button carries a value iam-alerts does not understand; nothing was recorded.']);
    expect(threadNotes()).toEqual([]);
    expect(h.slack.callsTo('chat.update')).toEqual([]);
    expect((await triage())?.ask?.answer).toBeUndefined();
  });

  it('tells the person the truth when Slack refuses the thread note: the answer is recorded, the responders must be told', async () => {
    h.slack.respond('chat.postMessage', () => ({ kind: 'error', error: 'not_in_channel' }));

    await answer('no');

    expect(h.ephemeralReplies()).toEqual([
      "Your answer is recorded and the alert is now critical, but iam-alerts could not post it in the alert's thread (not_in_channel). Please tell the security responders directly.",
    ]);
    const state = await triage();
    expect(state?.ask?.answer?.value).toBe('no');
    expect(state?.raisedAt).toEqual(expect.any(Number));
  });
});
