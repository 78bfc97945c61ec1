import { GetUserCommand } from '@aws-sdk/client-iam';
import { ACTION_IDS } from '../../blocks/ids';
import { handler } from '../../handlers/slack';
import { makeUser, serveIamUsers } from '../containment/iam-user-model';
import { ALERT_CHANNEL, ALERT_TS, type Harness, lambdaContext, sampleAlert, startHarness } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

/**
 * Clicks on one alert that overlap, through the real Slack handler (signed clicks, deferred jobs
 * run as Lambda would run them, Slack through the local fake, IAM mocked at the SDK layer). What
 * counts is the message Slack holds at the end: every click must show on it.
 */

type Msg = { text: string; blocks: Array<Record<string, any>> };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));
const statusLines = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'context' && /^alert\.(ack|state)/.test(b.block_id)).map((b) => b.elements[0].text as string);

const EVENT = 'b7d1f7a0-0000-4000-8000-000000000001';
/** alice made mallory an access key: Disable mallory (target) and Disable alice (who did it). */
const twoUserAlert = () =>
  sampleAlert({
    actor: { typeLabel: 'IAM user', name: 'alice' },
    disable: [
      { role: 'target', value: { u: 'mallory', a: '123456789012', e: EVENT } },
      { role: 'actor', value: { u: 'alice', a: '123456789012', e: EVENT } },
    ],
  });

/** A promise to hold IAM with, and a way to know a job reached it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let arrivals = 0;
  const arrived: Array<() => void> = [];
  return {
    open,
    /** Holds the caller until `open()`. */
    hold: async () => {
      arrivals++;
      for (const notify of arrived.splice(0)) notify();
      await opened;
    },
    /** Resolves once `n` callers are held. */
    reached: async (n: number) => {
      while (arrivals < n) await new Promise<void>((resolve) => arrived.push(resolve));
    },
  };
}

/** The first `runs` GetUser calls (the first IAM call of a Disable run) answered only once the gate opens. */
function holdGetUser(h: Harness, held: ReturnType<typeof gate>, runs: number): void {
  const getUser = async (input: { UserName: string }) => {
    await held.hold();
    return { User: { UserName: input.UserName, Arn: `arn:aws:iam::123456789012:user/${input.UserName}` } };
  };
  // One chain: each callsFakeOnce answers the next call, later calls fall back to the IAM model.
  let behaviour = h.iam.on(GetUserCommand).callsFakeOnce(getUser);
  for (let run = 1; run < runs; run++) behaviour = behaviour.callsFakeOnce(getUser);
}

describe('overlapping clicks on one alert', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ RESPONDER_USER_IDS: 'U0RESPONDER,U0SECOND' });
  });
  afterEach(() => h.close());

  const held = () => h.slack.heldMessage(ALERT_CHANNEL, ALERT_TS) as Msg;

  it('an Acknowledge made while a Disable job runs stays on the alert', async () => {
    serveIamUsers(h.iam, [makeUser()]);
    const iam = gate();
    holdGetUser(h, iam, 1);
    const alert = sampleAlert();
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alert });
    const job = h.runDeferredJobs();
    await iam.reached(1);

    // Slack still shows the alert as posted: that is the message the click carries.
    await h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0ANYONE', message: alert });
    expect(statusLines(held())).toEqual([expect.stringContaining('Acknowledged by <@U0ANYONE>')]);
    iam.open();
    expect(await job).toEqual([{ ok: true }]);

    const message = held();
    expect(statusLines(message)).toEqual([
      expect.stringContaining('Acknowledged by <@U0ANYONE>'),
      expect.stringMatching(/^:lock: User `mallory` disabled by <@U0RESPONDER> at /),
    ]);
    expect(buttons(message)).toEqual([]);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('the two Disable buttons of one alert, pressed together, both show, even when their updates land out of order', async () => {
    serveIamUsers(h.iam, [makeUser(), makeUser({ userName: 'alice', accessKeys: [{ id: 'AKIAALICEACTIVE00001', status: 'Active' }] })]);
    const iam = gate();
    holdGetUser(h, iam, 2);
    const alert = twoUserAlert();
    await h.click({ actionId: ACTION_IDS.disableUser, userId: 'U0RESPONDER', message: alert });
    await h.click({ actionId: ACTION_IDS.disableActingUser, userId: 'U0SECOND', message: alert });
    // The first update of the alert is slow: it lands after the second.
    h.slack.script('chat.update', { kind: 'hang', ms: 400 });

    const jobs = Promise.all(h.deferredEvents().map((job) => handler(job, lambdaContext)));
    await iam.reached(2);
    iam.open();
    expect(await jobs).toEqual([{ ok: true }, { ok: true }]);

    const message = held();
    const lines = statusLines(message);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^:lock: User `mallory` disabled by <@U0RESPONDER> at /),
        expect.stringMatching(/^:lock: User `alice` disabled by <@U0SECOND> at /),
      ]),
    );
    expect(buttons(message)).toEqual([ACTION_IDS.acknowledge]);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('two Acknowledge clicks at once: the alert names one, and the other clicker is told who was first', async () => {
    const alert = sampleAlert();

    await Promise.all([
      h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0FIRST', message: alert }),
      h.click({ actionId: ACTION_IDS.acknowledge, userId: 'U0SECOND', message: alert }),
    ]);

    const lines = statusLines(held());
    expect(lines).toEqual([expect.stringMatching(/Acknowledged by <@(U0FIRST|U0SECOND)>/)]);
    const winner = /<@(U0\w+)>/.exec(lines[0]!)![1];
    expect(h.ephemeralReplies()).toEqual([expect.stringMatching(new RegExp(`^Already acknowledged by <@${winner}> at `))]);
  });
});
