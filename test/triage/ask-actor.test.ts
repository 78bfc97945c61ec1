import { IAMClient, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { MemoryStore } from '../../app/state/memory-store';
import { readDays } from '../../app/triage/alert-index';
import { readDue } from '../../app/triage/due-queue';
import { ownerTagReader } from '../../app/triage/owner-tags';
import { readTriage } from '../../app/triage/triage-state';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import {
  asIdentityCenterUser,
  CRITICAL_BY_IAM_USER,
  HIGH_BY_IAM_USER,
  MEDIUM_BY_IAM_USER,
  notifierDeps,
  postAtClock,
  ROOT_SIGN_IN,
  sample,
  type TestClock,
  testClock,
} from './support/triage-fixtures';

const iam = mockClient(IAMClient);
const HOME = '751203476945';

/** "Was this you?" from the notifier's side: after the alert is posted, its actor is asked by DM. */
describe('the notifier asks the actor', () => {
  let slack: FakeSlack;
  let store: MemoryStore;
  let clock: TestClock;
  beforeEach(async () => {
    slack = await startFakeSlack();
    store = new MemoryStore();
    clock = testClock();
    postAtClock(slack, clock);
    iam.reset();
    iam.on(ListUserTagsCommand, { UserName: 'christophe' }).resolves({ Tags: [{ Key: 'iam-alerts:owner-slack', Value: 'U0CHRIS' }] });
  });
  afterEach(() => slack.close());

  const withTags = () => ({ ownerTags: ownerTagReader(async () => new IAMClient({}), HOME, createLogger('test')) });
  const dms = () => slack.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D'));

  it('DMs the owner of a high alert’s IAM user: what, from where, with Yes and No', async () => {
    const [outcome] = await processNotifierInput(sample(HIGH_BY_IAM_USER), notifierDeps(slack.apiUrl, store, clock, withTags()));

    expect(outcome).toMatchObject({ status: 'posted', severity: 'high', channel: 'C0ALERTS' });
    expect(slack.callsTo('conversations.open').map((c) => c.body.users)).toEqual(['U0CHRIS']);
    const [dm] = dms();
    expect(dm!.body.channel).toBe('DU0CHRIS');
    const json = JSON.stringify(dm!.body.blocks);
    expect(json).toContain('Did you just do this in AWS?');
    expect(json).toContain('UpdateAssumeRolePolicy');
    expect(json).toContain('from `');
    expect(json).toContain('<#C0ALERTS>');
    const buttons = (dm!.body.blocks as any[]).find((b) => b.type === 'actions').elements;
    expect(buttons.map((b: any) => [b.action_id, b.text.text])).toEqual([
      ['iam_alerts.confirm.yes', 'Yes, it was me'],
      ['iam_alerts.confirm.no', "No, it wasn't me"],
    ]);
    expect(JSON.parse(buttons[0].value)).toEqual({ c: 'C0ALERTS', t: (outcome as { ts: string }).ts });
    expect(blockKitViolations(dm!.body)).toEqual([]);

    const ref = { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts };
    const triage = await readTriage({ store, logger: createLogger('test'), now: clock.now }, ref);
    expect(triage?.ask).toMatchObject({ user: 'U0CHRIS', via: 'owner-tag', dm: { channel: 'DU0CHRIS' } });
    expect(triage?.escalation).toEqual({ count: 0, nextAt: clock.now() / 1000 + 60 * 60 });
    // The answer's time runs out in 30 minutes, the escalation is due in 60: both are scheduled.
    const minute = Math.floor(clock.now() / 60_000);
    expect(await readDue({ store, now: clock.now, logger: createLogger('test') }, minute + 30)).toEqual([
      { c: 'C0ALERTS', t: ref.ts, k: 'confirm-timeout' },
    ]);
    expect(await readDue({ store, now: clock.now, logger: createLogger('test') }, minute + 60)).toEqual([
      { c: 'C0ALERTS', t: ref.ts, k: 'escalate' },
    ]);
  });

  it('escapes what the event controls in the question', async () => {
    const record = sample(HIGH_BY_IAM_USER);
    record.requestParameters.roleName = '<!channel> & <https://evil.example|click>';

    await processNotifierInput(record, notifierDeps(slack.apiUrl, store, clock, withTags()));

    const [dm] = dms();
    const json = JSON.stringify(dm!.body);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(json).toContain('&lt;!channel&gt; &amp;');
  });

  it('asks an Identity Center user by the email in the event', async () => {
    slack.respond('users.lookupByEmail', () => ({ kind: 'ok', body: { user: { id: 'U0JANE' } } }));

    await processNotifierInput(
      asIdentityCenterUser(sample(HIGH_BY_IAM_USER), 'jane@example.com'),
      notifierDeps(slack.apiUrl, store, clock),
    );

    expect(slack.callsTo('users.lookupByEmail').map((c) => c.body.email)).toEqual(['jane@example.com']);
    expect(dms().map((c) => c.body.channel)).toEqual(['DU0JANE']);
  });

  it('asks once, however often the event is delivered', async () => {
    const deps = notifierDeps(slack.apiUrl, store, clock, withTags());
    await processNotifierInput(sample(HIGH_BY_IAM_USER), deps);
    await processNotifierInput(sample(HIGH_BY_IAM_USER), deps);

    expect(dms()).toHaveLength(1);
    expect(slack.callsTo('conversations.open')).toHaveLength(1);
  });

  it('asks nobody about root, and still schedules the critical alert’s escalation', async () => {
    const [outcome] = await processNotifierInput(
      sample(ROOT_SIGN_IN),
      notifierDeps(slack.apiUrl, store, clock, { settings: { ownerMap: { root: 'U0ROOT' } } }),
    );

    expect(outcome).toMatchObject({ status: 'posted', severity: 'critical' });
    expect(slack.callsTo('conversations.open')).toEqual([]);
    expect(dms()).toEqual([]);
    const triage = await readTriage(
      { store, logger: createLogger('test'), now: clock.now },
      { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts },
    );
    expect(triage).toMatchObject({ escalation: { count: 0, nextAt: clock.now() / 1000 + 15 * 60 } });
    expect(triage?.ask).toBeUndefined();
  });

  it('asks nobody about an AWS service', async () => {
    const record = sample(CRITICAL_BY_IAM_USER);
    record.userIdentity = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' };

    await processNotifierInput(
      record,
      notifierDeps(slack.apiUrl, store, clock, { settings: { ownerMap: { 'cloudformation.amazonaws.com': 'U0SVC' } } }),
    );

    expect(slack.callsTo('conversations.open')).toEqual([]);
    expect(dms()).toEqual([]);
  });

  it('asks nobody about a medium alert, and keeps no triage for it, but indexes it for the Home tab', async () => {
    const [outcome] = await processNotifierInput(sample(MEDIUM_BY_IAM_USER), notifierDeps(slack.apiUrl, store, clock, withTags()));

    expect(outcome).toMatchObject({ status: 'posted', severity: 'medium' });
    expect(dms()).toEqual([]);
    const ref = { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts };
    expect(await readTriage({ store, logger: createLogger('test'), now: clock.now }, ref)).toBeUndefined();
    const [day] = await readDays({ store, logger: createLogger('test'), now: clock.now }, ['2024-05-01']);
    expect(day!.alerts).toEqual([
      expect.objectContaining({ c: 'C0ALERTS', t: ref.ts, s: 'medium', r: 'iam-create-user', a: 'IAM user christophe' }),
    ]);
    expect(day!.titles['iam-create-user']).toBe('IAM user created');
  });

  it('notes in the alert’s thread when the DM cannot be sent', async () => {
    slack.script('conversations.open', { kind: 'error', error: 'user_disabled' });

    const [outcome] = await processNotifierInput(sample(HIGH_BY_IAM_USER), notifierDeps(slack.apiUrl, store, clock, withTags()));

    const note = slack.callsTo('chat.postMessage').find((c) => c.body.thread_ts === (outcome as { ts: string }).ts);
    expect(JSON.stringify(note!.body.blocks)).toContain('Could not ask <@U0CHRIS> by DM whether this was them: `user_disabled`');
    expect(blockKitViolations(note!.body)).toEqual([]);
    const triage = await readTriage(
      { store, logger: createLogger('test'), now: clock.now },
      { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts },
    );
    expect(triage?.ask).toMatchObject({ failed: 'user_disabled' });
  });

  it('asks nobody when CONFIRM_SEVERITIES is none', async () => {
    await processNotifierInput(
      sample(HIGH_BY_IAM_USER),
      notifierDeps(slack.apiUrl, store, clock, { ...withTags(), settings: { confirmSeverities: [] } }),
    );

    expect(slack.callsTo('conversations.open')).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });

  it('posts the alert as before when triage fails: the state table refusing is logged, not thrown', async () => {
    const deps = notifierDeps(slack.apiUrl, store, clock, withTags());
    const failing = new MemoryStore();
    let calls = 0;
    // Dedupe claims succeed; the first triage write (the day index) fails.
    failing.put = async function (this: MemoryStore, key, value, expected, expires) {
      if (key.startsWith('triage#') && ++calls === 1) throw new Error('ProvisionedThroughputExceededException');
      return MemoryStore.prototype.put.call(this, key, value, expected, expires);
    };

    const outcomes = await processNotifierInput(sample(HIGH_BY_IAM_USER), { ...deps, store: failing });

    expect(outcomes).toEqual([expect.objectContaining({ status: 'posted' })]);
    expect(dms()).toEqual([]);
  });
});
