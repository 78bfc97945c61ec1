import { createLogger } from '../../app/logger';
import { MemoryStore } from '../../app/state/memory-store';
import { indexAcknowledgement, indexDisabledUser, indexGroupedAlert, indexPostedAlert } from '../../app/triage/alert-index';
import { maybeSendDigest } from '../../app/triage/digest';
import { runTriageSchedule } from '../../app/triage/run-schedule';
import { zonedMidnight } from '../../app/triage/zoned-time';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { scheduleDeps, type TestClock, testClock } from './support/triage-fixtures';

const at = (iso: string) => Date.parse(iso) / 1000;
const DIGEST = { hour: 9, minute: 0, timeZone: 'Europe/Berlin' };

/** The daily digest, in Berlin (UTC+2 in May): the local day before, not the UTC one. */
describe('the daily digest', () => {
  let slack: FakeSlack;
  let store: MemoryStore;
  let clock: TestClock;
  beforeEach(async () => {
    slack = await startFakeSlack();
    store = new MemoryStore();
    clock = testClock(Date.parse('2024-04-29T00:00:00Z'));
    const deps = { store, logger: createLogger('test'), now: clock.now };
    const post = (iso: string, severity: 'critical' | 'high' | 'medium', rule: string, headline: string) =>
      indexPostedAlert(deps, { c: 'C0ALERTS', t: `${at(iso)}.000100`, s: severity, r: rule, h: headline, p: at(iso) }, `${rule} title`);
    // 23:30 on the 29th in Berlin: the day before.
    await post('2024-04-29T21:30:00Z', 'high', 'too-early', 'Too early');
    // 00:30 on the 30th: acknowledged after 10 minutes.
    await post('2024-04-29T22:30:00Z', 'critical', 'root-console-sign-in', 'Root signed in');
    await indexAcknowledgement(
      deps,
      { channel: 'C0ALERTS', ts: `${at('2024-04-29T22:30:00Z')}.000100` },
      { userId: 'U0ACK', epochSeconds: at('2024-04-29T22:40:00Z') },
    );
    // Noon: still open.
    await post('2024-04-30T12:00:00Z', 'high', 'iam-update-assume-role-policy', 'Role trust policy changed: admin');
    // 23:59: grouped into a burst.
    clock.set(Date.parse('2024-04-30T21:59:00Z'));
    await indexGroupedAlert(deps, { severity: 'medium', rule: 'iam-create-user', title: 'IAM user created' });
    // 00:30 on May 1st: today, not in yesterday's digest.
    await post('2024-04-30T22:30:00Z', 'high', 'too-late', 'Too late');
    await indexDisabledUser(deps, {
      u: 'mallory',
      a: '123456789012',
      by: 'U0RESPONDER',
      at: at('2024-04-30T10:00:00Z'),
      c: 'C0ALERTS',
      t: '1.1',
    });
    await indexDisabledUser(deps, {
      u: 'trudy',
      a: '123456789012',
      by: 'U0RESPONDER',
      at: at('2024-04-29T10:00:00Z'),
      c: 'C0ALERTS',
      t: '1.2',
    });
  });
  afterEach(() => slack.close());

  const deps = () => scheduleDeps(slack.apiUrl, store, clock, { settings: { digest: DIGEST }, digestChannel: 'C0DIGEST' });

  it('waits for DIGEST_AT in its time zone, then posts one message about the local day before', async () => {
    clock.set(Date.parse('2024-05-01T06:59:00Z')); // 08:59 in Berlin
    expect(await maybeSendDigest(deps(), 'C0DIGEST')).toBe('not-due');
    expect(slack.callsTo('chat.postMessage')).toEqual([]);

    clock.set(Date.parse('2024-05-01T07:00:00Z'));
    expect(await maybeSendDigest(deps(), 'C0DIGEST')).toBe('sent');

    const [digest] = slack.callsTo('chat.postMessage');
    expect(digest!.body.channel).toBe('C0DIGEST');
    expect(digest!.body.text).toBe('iam-alerts digest for 2024-04-30: 3 alerts, 2 still open, 1 users disabled');
    const all = JSON.stringify(digest!.body.blocks);
    expect(all).toContain('*3 alerts*');
    expect(all).toContain('*Critical:* 1');
    expect(all).toContain('*High:* 1');
    expect(all).toContain('*Medium:* 1');
    expect(all).toContain('1 × IAM user created `iam-create-user`');
    expect(all).toContain('Median time to acknowledge: *10 min* (1 of 2 top-level alerts acknowledged)');
    // Open: everything unacknowledged up to the end of that day, the days before included.
    expect(all).toContain('Still open (2)');
    expect(all.indexOf('Role trust policy changed: admin')).toBeLessThan(all.indexOf('Too early'));
    expect(all).not.toContain('Too late');
    expect(all).not.toContain('too-early'); // counted on its own day, not this one
    expect(all).toContain('Disabled that day (1)');
    expect(all).toContain('`mallory`');
    expect(all).not.toContain('trudy');
    expect(blockKitViolations(digest!.body)).toEqual([]);
  });

  it('is sent once a day, whatever runs every minute', async () => {
    clock.set(Date.parse('2024-05-01T07:00:00Z'));
    const reports = await Promise.all([runTriageSchedule(deps()), runTriageSchedule(deps())]);
    for (let i = 0; i < 30; i++) {
      clock.advanceMinutes(1);
      await runTriageSchedule(deps());
    }

    expect(reports.map((r) => r.digest).sort()).toEqual(['already', 'sent']);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('is sent late, the same day, by a scheduler that was down at DIGEST_AT', async () => {
    clock.set(Date.parse('2024-05-01T15:00:00Z'));

    expect((await runTriageSchedule(deps())).digest).toBe('sent');
  });

  it('tries again next minute when Slack refuses it', async () => {
    clock.set(Date.parse('2024-05-01T07:00:00Z'));
    slack.script('chat.postMessage', { kind: 'error', error: 'fatal_error' });

    expect((await runTriageSchedule(deps())).digest).toBe('failed');
    clock.advanceMinutes(1);
    expect((await runTriageSchedule(deps())).digest).toBe('sent');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('is off without DIGEST_AT', async () => {
    clock.set(Date.parse('2024-05-01T07:00:00Z'));

    expect((await runTriageSchedule(scheduleDeps(slack.apiUrl, store, clock, { digestChannel: 'C0DIGEST' }))).digest).toBe('off');
    expect(slack.calls).toEqual([]);
  });
});

describe('zonedMidnight', () => {
  it.each([
    ['UTC', 2024, 5, 1, '2024-05-01T00:00:00.000Z'],
    ['Europe/Berlin', 2024, 5, 1, '2024-04-30T22:00:00.000Z'],
    ['America/New_York', 2024, 3, 10, '2024-03-10T05:00:00.000Z'], // the day clocks go forward (at 2:00)
    ['America/New_York', 2024, 3, 11, '2024-03-11T04:00:00.000Z'],
    ['Asia/Kolkata', 2024, 5, 1, '2024-04-30T18:30:00.000Z'],
    ['America/Sao_Paulo', 2018, 11, 4, '2018-11-04T03:00:00.000Z'], // clocks skipped midnight: the day begins at 01:00
  ])('%s, %i-%i-%i begins at %s', (zone, year, month, day, iso) => {
    expect(new Date(zonedMidnight(year, month, day, zone)).toISOString()).toBe(iso);
  });
});
