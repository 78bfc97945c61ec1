import { MAX_EVENTS_PER_BURST } from '../../app/notifier/burst-grouping';
import { processNotifierInput } from '../../app/notifier/notify';
import { MemoryStore } from '../../app/state/memory-store';
import { burstWorkload, createUserEvent, installSlackLedger, type SlackLedger, snsDelivery } from '../../bench/burst-workload';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { container } from './containers';

/** Burst grouping against the local Slack fake, with containers sharing one in-memory store. */
describe('burst grouping', () => {
  let slack: FakeSlack;
  let ledger: SlackLedger;
  beforeEach(async () => {
    slack = await startFakeSlack();
    ledger = installSlackLedger(slack, { intervalMs: 0, retryAfterSeconds: 0 });
  });
  afterEach(() => slack.close());

  it('posts a lone event exactly as without grouping: one top-level alert, no thread, no update', async () => {
    const store = new MemoryStore();
    const grouped = await processNotifierInput(snsDelivery(createUserEvent('lone-1', 'ci', 'u1')), container(slack.apiUrl, { store }));
    const plain = await processNotifierInput(
      snsDelivery(createUserEvent('lone-1', 'ci', 'u1')),
      container(slack.apiUrl, { store: 'none' }),
    );

    expect(grouped).toEqual([expect.objectContaining({ status: 'posted', eventId: 'lone-1', severity: 'medium' })]);
    expect(plain[0]?.status).toBe('posted');
    const [a, b] = slack.callsTo('chat.postMessage').map((c) => ({ text: c.body.text, blocks: c.body.blocks, thread: c.body.thread_ts }));
    expect(a).toEqual(b);
    expect(slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('gathers 60 events by one actor under one parent with a running count, critical ones apart', async () => {
    const store = new MemoryStore();
    const work = burstWorkload(66, { actors: 1, criticalEvery: 11, prefix: 'apply' });

    const outcomes = (await Promise.all(work.deliveries.map((d) => processNotifierInput(d, container(slack.apiUrl, { store }))))).flat();

    const top = ledger.topLevel();
    expect(top).toHaveLength(1 + work.criticalIds.length);
    const parent = top.find((m) => m.json.includes('CreateUser'));
    const replies = ledger.accepted.filter((m) => m.threadTs);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.threadTs === parent?.ts)).toBe(true);
    expect([...ledger.deliveries(work.eventIds).values()].every((n) => n === 1)).toBe(true);
    expect(outcomes.filter((o) => o.status === 'grouped')).toHaveLength(59);
    // The parent's last update carries the final count.
    const updates = slack.callsTo('chat.update');
    const last = updates.at(-1)?.body as { ts: string; text: string; blocks: Array<Record<string, unknown>> };
    expect(last.ts).toBe(parent?.ts);
    expect(JSON.stringify(last.blocks)).toContain('59 more events');
    for (const call of [...slack.callsTo('chat.postMessage'), ...updates]) {
      expect(blockKitViolations(call.body as { text: string; blocks: Array<Record<string, unknown>> })).toEqual([]);
    }
    expect(slack.calls.length / work.eventIds.length).toBeLessThanOrEqual(1.2);
  });

  it('escapes what an attacker controls in the grouped lines', async () => {
    const store = new MemoryStore();
    await processNotifierInput(snsDelivery(createUserEvent('esc-1', 'ci', 'u1')), container(slack.apiUrl, { store }));
    await processNotifierInput(snsDelivery(createUserEvent('esc-2', 'ci', '<!channel> & co')), container(slack.apiUrl, { store }));

    const reply = ledger.accepted.find((m) => m.threadTs);
    expect(reply?.json).toContain('&lt;!channel&gt; &amp; co');
    expect(reply?.json).not.toContain('<!channel>');
  });

  it(`continues under a second parent after ${MAX_EVENTS_PER_BURST} events, losing and doubling none`, async () => {
    const store = new MemoryStore();
    const work = burstWorkload(MAX_EVENTS_PER_BURST + 20, { actors: 1, criticalEvery: 0, prefix: 'huge' });

    for (let i = 0; i < work.deliveries.length; i += 40) {
      await Promise.all(work.deliveries.slice(i, i + 40).map((d) => processNotifierInput(d, container(slack.apiUrl, { store }))));
    }

    expect(ledger.topLevel()).toHaveLength(2);
    expect([...ledger.deliveries(work.eventIds).values()].every((n) => n === 1)).toBe(true);
  });

  it('starts a new parent when the window has passed', async () => {
    const store = new MemoryStore();
    let now = Date.parse('2024-05-01T10:00:00Z');
    const deps = () => ({ ...container(slack.apiUrl, { store }), clock: () => now });

    await processNotifierInput(snsDelivery(createUserEvent('win-1', 'ci', 'u1')), deps());
    now += 301_000;
    await processNotifierInput(snsDelivery(createUserEvent('win-2', 'ci', 'u2')), deps());

    expect(ledger.topLevel()).toHaveLength(2);
  });
});
