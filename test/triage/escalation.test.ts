import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordAcknowledgement, recordContainment } from '../../app/alerts/alert-state';
import { createLogger } from '../../app/logger';
import { processNotifierInput } from '../../app/notifier/notify';
import { createSlackClient } from '../../app/slack/web-client';
import { FileStore } from '../../app/state/file-store';
import { MemoryStore } from '../../app/state/memory-store';
import type { VersionedStore } from '../../app/state/versioned-store';
import { answerQuestion } from '../../app/triage/answer';
import { runTriageSchedule } from '../../app/triage/run-schedule';
import { readTriage } from '../../app/triage/triage-state';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import {
  HIGH_BY_IAM_USER,
  notifierDeps,
  postAtClock,
  ROOT_SIGN_IN,
  sample,
  scheduleDeps,
  type TestClock,
  testClock,
} from './support/triage-fixtures';

/**
 * Escalation of silence, on a clock the test moves: the scheduler runs every minute (as the
 * EventBridge schedule would) over the state the notifier left.
 */
describe('escalation of unacknowledged alerts', () => {
  let slack: FakeSlack;
  let clock: TestClock;
  beforeEach(async () => {
    slack = await startFakeSlack();
    clock = testClock();
    postAtClock(slack, clock);
  });
  afterEach(() => slack.close());

  async function post(store: VersionedStore, file: string, settings = {}): Promise<{ channel: string; ts: string }> {
    const [outcome] = await processNotifierInput(sample(file), notifierDeps(slack.apiUrl, store, clock, { settings }));
    return { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts };
  }
  /** Runs the schedule each minute up to `minutes` after now, as EventBridge would. */
  async function runFor(store: VersionedStore, minutes: number, settings = {}) {
    for (let i = 0; i < minutes; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock, { settings }));
    }
  }
  const escalations = (alert: { ts: string }) =>
    slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.thread_ts === alert.ts && JSON.stringify(c.body.blocks).includes('Nobody has acknowledged'));

  it('escalates a critical alert after 15 minutes, once more 15 minutes later, and then never again', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);

    await runFor(store, 14);
    expect(escalations(alert)).toHaveLength(0);
    await runFor(store, 1);
    expect(escalations(alert)).toHaveLength(1);
    const first = escalations(alert)[0]!;
    expect(first.body.channel).toBe('C0ALERTS');
    expect(JSON.stringify(first.body.blocks)).toContain(
      '<!subteam^S0RESPONDERS> Nobody has acknowledged this *critical* alert for 15 minutes.',
    );
    expect(JSON.stringify(first.body.blocks)).toContain('Escalation 1 of 2');
    expect(blockKitViolations(first.body)).toEqual([]);

    await runFor(store, 14);
    expect(escalations(alert)).toHaveLength(1);
    await runFor(store, 1);
    expect(escalations(alert)).toHaveLength(2);
    expect(JSON.stringify(escalations(alert)[1]!.body.blocks)).toContain('for 30 minutes.');
    expect(JSON.stringify(escalations(alert)[1]!.body.blocks)).toContain('Escalation 2 of 2');
    expect(JSON.stringify(escalations(alert)[1]!.body.blocks)).toContain('Last reminder.');

    await runFor(store, 120);
    expect(escalations(alert)).toHaveLength(2);
  });

  it('waits 60 minutes for a high alert', async () => {
    const store = new MemoryStore();
    const alert = await post(store, HIGH_BY_IAM_USER);

    await runFor(store, 59);
    expect(escalations(alert)).toHaveLength(0);
    await runFor(store, 1);
    expect(escalations(alert)).toHaveLength(1);
    expect(JSON.stringify(escalations(alert)[0]!.body.blocks)).toContain('*high* alert for 60 minutes');
  });

  it('stops the moment someone acknowledges', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);
    await runFor(store, 15);
    expect(escalations(alert)).toHaveLength(1);

    const deps = {
      store,
      slack: createSlackClient('xoxb-test', { apiUrl: slack.apiUrl }),
      clock: () => new Date(clock.now()),
      logger: createLogger('test'),
    };
    await recordAcknowledgement(deps, alert, { text: 'alert', blocks: [] }, { userId: 'U0ACK', epochSeconds: clock.now() / 1000, iso: '' });
    await runFor(store, 60);

    expect(escalations(alert)).toHaveLength(1);
    expect((await readTriage({ store, logger: createLogger('test'), now: clock.now }, alert))?.escalation).toEqual({
      count: 1,
      stopped: 'acknowledged',
    });
  });

  it('stops once a user is disabled through the alert', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);

    const deps = {
      store,
      slack: createSlackClient('xoxb-test', { apiUrl: slack.apiUrl }),
      clock: () => new Date(clock.now()),
      logger: createLogger('test'),
    };
    const at = { epochSeconds: clock.now() / 1000, iso: '' };
    await recordContainment(deps, alert, { text: 'alert', blocks: [] }, { user: 'mallory', outcome: 'partial', by: 'U0RESPONDER', at });
    await runFor(store, 60);

    expect(escalations(alert)).toHaveLength(0);
    expect((await readTriage({ store, logger: createLogger('test'), now: clock.now }, alert))?.escalation.stopped).toBe('disabled');
  });

  it('survives a restart: a scheduler that was down catches up from the state file, and escalates once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iam-alerts-triage-')), 'state.triage.json');
    const alert = await post(new FileStore(file), ROOT_SIGN_IN);
    await runFor(new FileStore(file), 5);

    // Down for 40 minutes: nothing ran. Then a new process, with a new store over the same file.
    clock.advanceMinutes(40);
    const report = await runTriageSchedule(scheduleDeps(slack.apiUrl, new FileStore(file), clock));

    expect(report).toMatchObject({ minutes: 40, escalated: 1 });
    expect(escalations(alert)).toHaveLength(1);
    // The next one is due 15 minutes after the late escalation, not at once.
    await runFor(new FileStore(file), 14);
    expect(escalations(alert)).toHaveLength(1);
    await runFor(new FileStore(file), 1);
    expect(escalations(alert)).toHaveLength(2);
  });

  it('posts each escalation once when two runs overlap (EventBridge may invoke twice)', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);
    clock.advanceMinutes(15);

    const reports = await Promise.all([
      runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock)),
      runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock)),
      runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock)),
    ]);

    expect(escalations(alert)).toHaveLength(1);
    expect(reports.reduce((n, r) => n + r.escalated, 0)).toBe(1);
  });

  it('tries again next minute when Slack fails, and posts it then', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);
    await runFor(store, 14);
    slack.script('chat.postMessage', { kind: 'error', error: 'fatal_error' });

    await runFor(store, 1);
    expect(escalations(alert)).toHaveLength(1); // the failed attempt reached Slack
    await runFor(store, 1);

    const posted = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === alert.ts);
    expect(posted).toHaveLength(2);
    expect((await readTriage({ store, logger: createLogger('test'), now: clock.now }, alert))?.escalation.count).toBe(1);
  });

  it('mentions the listed responders when there is no group, and nobody when neither is set', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN);
    clock.advanceMinutes(15);
    await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock, { responders: { userIds: ['U0ONE', 'U0TWO'] } }));
    clock.advanceMinutes(15);
    await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock, { responders: { userIds: [] } }));

    const [first, second] = escalations(alert).map((c) => JSON.stringify(c.body.blocks));
    expect(first).toContain('<@U0ONE> <@U0TWO> Nobody has acknowledged');
    expect(second).not.toContain('<@');
    expect(second).not.toContain('<!subteam');
    expect(second).toContain('No responders are configured');
  });

  it('escalates nothing with ESCALATE_AFTER_MINUTES=none', async () => {
    const store = new MemoryStore();
    const alert = await post(store, ROOT_SIGN_IN, { escalateAfterMinutes: {} });
    await runFor(store, 90, { escalateAfterMinutes: {} });

    expect(escalations(alert)).toHaveLength(0);
  });
});

describe('the actor’s time to answer', () => {
  let slack: FakeSlack;
  let clock: TestClock;
  beforeEach(async () => {
    slack = await startFakeSlack();
    clock = testClock();
    postAtClock(slack, clock);
  });
  afterEach(() => slack.close());

  it('is noted in the thread, with the time, when it runs out; once', async () => {
    const store = new MemoryStore();
    const [outcome] = await processNotifierInput(
      sample(HIGH_BY_IAM_USER),
      notifierDeps(slack.apiUrl, store, clock, { settings: { ownerMap: { christophe: 'U0CHRIS' } } }),
    );
    const ts = (outcome as { ts: string }).ts;
    const notes = () => slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);

    for (let i = 0; i < 29; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock));
    }
    expect(notes()).toHaveLength(0);
    for (let i = 0; i < 5; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock));
    }

    expect(notes()).toHaveLength(1);
    const text = JSON.stringify(notes()[0]!.body.blocks);
    expect(text).toMatch(/<@U0CHRIS> has not answered whether this was them within 30 minutes \(asked by DM at <!date\^\d+\^/);
    expect(text).toContain('A later answer will still be noted here.');
    expect(blockKitViolations(notes()[0]!.body)).toEqual([]);
  });
});

describe('escalation after the actor answers', () => {
  let slack: FakeSlack;
  let clock: TestClock;
  beforeEach(async () => {
    slack = await startFakeSlack();
    clock = testClock();
    postAtClock(slack, clock);
  });
  afterEach(() => slack.close());

  /** A high alert whose actor (christophe → U0CHRIS) answers `value` after `minutes`. */
  async function answeredAfter(store: MemoryStore, minutes: number, value: 'yes' | 'no') {
    const [outcome] = await processNotifierInput(
      sample(HIGH_BY_IAM_USER),
      notifierDeps(slack.apiUrl, store, clock, { settings: { ownerMap: { christophe: 'U0CHRIS' } } }),
    );
    const alert = { channel: 'C0ALERTS', ts: (outcome as { ts: string }).ts };
    for (let i = 0; i < minutes; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock));
    }
    const deps = {
      ...scheduleDeps(slack.apiUrl, store, clock),
      clock: () => new Date(clock.now()),
    };
    const result = await answerQuestion(deps, {
      ref: alert,
      userId: 'U0CHRIS',
      answer: value,
      dm: { channel: 'DU0CHRIS', ts: `${Math.floor(clock.now() / 1000)}.000009`, text: 'Did you just do this in AWS?', blocks: [] },
    });
    expect(result).toMatchObject({ kind: 'recorded' });
    return alert;
  }
  const escalations = (alert: { ts: string }) =>
    slack
      .callsTo('chat.postMessage')
      .filter((c) => c.body.thread_ts === alert.ts && JSON.stringify(c.body.blocks).includes('Nobody has acknowledged'));
  async function runFor(store: MemoryStore, minutes: number) {
    for (let i = 0; i < minutes; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock));
    }
  }

  it('still escalates after a Yes: only an acknowledgement (or a disable) silences an alert', async () => {
    const store = new MemoryStore();
    const alert = await answeredAfter(store, 5, 'yes');

    await runFor(store, 54);
    expect(escalations(alert)).toHaveLength(0);
    await runFor(store, 1);

    expect(escalations(alert)).toHaveLength(1);
    expect(JSON.stringify(escalations(alert)[0]!.body.blocks)).toContain('*high* alert for 60 minutes');
  });

  it('escalates a No at the critical interval from the answer, as a critical alert', async () => {
    const store = new MemoryStore();
    const alert = await answeredAfter(store, 5, 'no');

    await runFor(store, 14);
    expect(escalations(alert)).toHaveLength(0);
    await runFor(store, 1);

    expect(escalations(alert)).toHaveLength(1);
    expect(JSON.stringify(escalations(alert)[0]!.body.blocks)).toContain(
      '<!subteam^S0RESPONDERS> Nobody has acknowledged this *critical* alert for 20 minutes.',
    );
  });
});
