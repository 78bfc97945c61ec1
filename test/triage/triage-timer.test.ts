import { processNotifierInput } from '../../app/notifier/notify';
import { MemoryStore } from '../../app/state/memory-store';
import { runTriageTimer } from '../../app/triage/triage-timer';
import { triageStatePath } from '../../cli/local-bot';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { notifierDeps, postAtClock, ROOT_SIGN_IN, sample, scheduleDeps, testClock } from './support/triage-fixtures';

/** Local mode's stand-in for the scheduler Lambda: the same schedule, every minute, in process. */
describe('runTriageTimer', () => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(() => slack.close());

  it('runs the schedule every minute over the local state until stopped: a critical alert is escalated at 15 minutes', async () => {
    const clock = testClock();
    postAtClock(slack, clock);
    const store = new MemoryStore();
    const [outcome] = await processNotifierInput(sample(ROOT_SIGN_IN), notifierDeps(slack.apiUrl, store, clock));
    const ts = (outcome as { ts: string }).ts;
    const stop = new AbortController();
    const sleeps: number[] = [];
    // The timer's sleep moves the clock; the test stops it after 20 minutes.
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock.set(clock.now() + ms);
      if (sleeps.length >= 20) stop.abort();
    };
    const runs: number[] = [];

    await runTriageTimer(scheduleDeps(slack.apiUrl, store, clock), stop.signal, sleep, { onRun: (r) => runs.push(r.escalated) });

    expect(runs).toHaveLength(20);
    expect(sleeps.every((ms) => ms === 60_000)).toBe(true);
    expect(runs.indexOf(1)).toBe(15);
    const escalations = slack.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === ts);
    expect(escalations).toHaveLength(1);
  });

  it('keeps going after a failed run', async () => {
    const clock = testClock();
    const stop = new AbortController();
    const failing = new MemoryStore();
    let reads = 0;
    failing.get = async () => {
      reads++;
      throw new Error('disk full');
    };
    let sleeps = 0;

    await runTriageTimer(scheduleDeps(slack.apiUrl, failing, clock), stop.signal, async () => {
      if (++sleeps === 3) stop.abort();
    });

    expect(reads).toBe(3);
  });
});

describe('triageStatePath', () => {
  it('keeps the triage state beside the poller’s, where .gitignore already covers it', () => {
    expect(triageStatePath('/home/me/.iam-alerts-state.json')).toBe('/home/me/.iam-alerts-state.triage.json');
    expect(triageStatePath('/tmp/state')).toBe('/tmp/state.triage.json');
  });
});
