import {
  type AlertStateDeps,
  alertStateKey,
  publishAlertState,
  recordAcknowledgement,
  recordContainment,
  recordReenable,
} from '../../app/alerts/alert-state';
import { createLogger } from '../../app/logger';
import { createSlackClient } from '../../app/slack/web-client';
import { MemoryStore } from '../../app/state/memory-store';
import type { Versioned } from '../../app/state/versioned-store';
import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { ACTION_IDS } from '../../blocks/ids';
import { acknowledgementBlock } from '../../blocks/render-acknowledged';
import { sampleAlert } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

/**
 * The alert state on the memory store (the same optimistic concurrency as the DynamoDB table) and
 * the real @slack/web-api client against the local Slack fake. Races are set up, not hoped for: a
 * barrier makes the first reads of a key wait for one another, so every writer reads the same
 * version and all but one lose their conditional write.
 */

const REF = { channel: 'C0ALERTS', ts: '1714557600.000100' };
const EVENT = 'b7d1f7a0-0000-4000-8000-000000000001';
const NOW = new Date('2024-05-01T10:00:00Z');
const AT = { epochSeconds: Math.floor(NOW.getTime() / 1000), iso: NOW.toISOString() };

/** A memory store whose first `parties` reads wait for each other, and which counts lost writes. */
class RacingStore extends MemoryStore {
  lostWrites = 0;
  private waiting: Array<() => void> = [];
  constructor(private parties = 0) {
    super();
  }
  override async get<T>(key: string, nowSeconds: number): Promise<Versioned<T>> {
    const read = await super.get<T>(key, nowSeconds);
    if (this.parties > 0) {
      this.parties--;
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        if (this.parties === 0) for (const release of this.waiting.splice(0)) release();
      });
    }
    return read;
  }
  override async put<T>(key: string, value: T, expectedVersion: number, expiresAtSeconds: number): Promise<boolean> {
    const won = await super.put(key, value, expectedVersion, expiresAtSeconds);
    if (!won) this.lostWrites++;
    return won;
  }
}

/** The alert of alice making mallory an access key, as Slack sends it back in a click: two Disable buttons. */
const clicked = () =>
  sampleAlert({
    actor: { typeLabel: 'IAM user', name: 'alice' },
    disable: [
      { role: 'target', value: { u: 'mallory', a: '123456789012', e: EVENT } },
      { role: 'actor', value: { u: 'alice', a: '123456789012', e: EVENT } },
    ],
  }) as { text: string; blocks: ReceivedBlock[] };

type Msg = { text: string; blocks: Array<Record<string, any>> };
const buttons = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));
const statusLines = (m: Msg) =>
  m.blocks.filter((b) => b.type === 'context' && /^alert\.(ack|state)/.test(b.block_id)).map((b) => b.elements[0].text as string);

describe('alert state', () => {
  let slack: FakeSlack;
  let store: RacingStore;
  let deps: AlertStateDeps;
  const useStore = (s: RacingStore) => {
    store = s;
    deps = { ...deps, store: s };
  };

  beforeEach(async () => {
    slack = await startFakeSlack();
    store = new RacingStore();
    deps = {
      store,
      slack: createSlackClient('xoxb-test-token', { apiUrl: slack.apiUrl, retries: 0 }),
      clock: () => NOW,
      logger: createLogger('test'),
    };
  });
  afterEach(() => slack.close());

  const held = () => slack.heldMessage(REF.channel, REF.ts) as Msg;
  const ack = (userId: string) => ({ userId, ...AT });
  const disabled = (user: string, outcome: 'disabled' | 'partial' = 'disabled') => ({ user, outcome, by: 'U0RESPONDER', at: AT });

  it('two Acknowledge clicks at once: one wins the conditional write, the other learns who was first', async () => {
    useStore(new RacingStore(2));

    const [a, b] = await Promise.all([
      recordAcknowledgement(deps, REF, clicked(), ack('U0FIRST')),
      recordAcknowledgement(deps, REF, clicked(), ack('U0SECOND')),
    ]);

    expect(store.lostWrites).toBe(1);
    const winner = a === undefined ? 'U0FIRST' : 'U0SECOND';
    expect([a, b].filter((r) => r === undefined)).toHaveLength(1);
    expect([a, b].find((r) => r !== undefined)).toEqual(ack(winner));
    await publishAlertState(deps, REF);
    expect(statusLines(held())).toEqual([expect.stringContaining(`Acknowledged by <@${winner}>`)]);
  });

  it('an Acknowledge and the two Disable outcomes of one alert, recorded at once, all show', async () => {
    useStore(new RacingStore(3));

    await Promise.all([
      recordAcknowledgement(deps, REF, clicked(), ack('U0ACK')).then(() => publishAlertState(deps, REF)),
      recordContainment(deps, REF, clicked(), disabled('mallory')).then(() => publishAlertState(deps, REF)),
      recordContainment(deps, REF, clicked(), disabled('alice', 'partial')).then(() => publishAlertState(deps, REF)),
    ]);

    expect(store.lostWrites).toBeGreaterThanOrEqual(2);
    const message = held();
    const [acknowledged, ...users] = statusLines(message);
    expect(acknowledged).toContain('Acknowledged by <@U0ACK>');
    // Users are listed in the order their outcomes were recorded, which the race decides.
    expect(users).toHaveLength(2);
    expect(users).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/User `mallory` disabled by/),
        expect.stringMatching(/User `alice` PARTIALLY disabled by/),
      ]),
    );
    expect(buttons(message)).toEqual([ACTION_IDS.disableActingUser]);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('the update Slack applies last shows the latest state, even when two updates land out of order', async () => {
    // The Acknowledge's update is slow: the Disable's, sent later, lands first.
    slack.script('chat.update', { kind: 'hang', ms: 300 });
    await recordAcknowledgement(deps, REF, clicked(), ack('U0ACK'));
    const acknowledging = publishAlertState(deps, REF);
    await until(() => slack.callsTo('chat.update').length === 1);

    await recordContainment(deps, REF, clicked(), disabled('mallory'));
    await publishAlertState(deps, REF);
    expect(statusLines(held())).toHaveLength(2);
    await acknowledging;

    // The slow update carried only the acknowledgement; its writer saw the state had moved on and updated again.
    const updates = slack.callsTo('chat.update').map((c) => c.body as unknown as Msg);
    expect(updates.map((u) => statusLines(u).length)).toEqual([1, 2, 2]);
    expect(statusLines(held())).toEqual([
      expect.stringContaining('Acknowledged by <@U0ACK>'),
      expect.stringContaining('User `mallory` disabled by <@U0RESPONDER>'),
    ]);
  });

  it('starts from the clicked message, taking over an acknowledgement an earlier version wrote into it', async () => {
    const old = clicked();
    const acknowledgedTheOldWay = {
      text: old.text,
      blocks: [...old.blocks.slice(0, -1), acknowledgementBlock(ack('U0EARLIER')) as unknown as ReceivedBlock, old.blocks.at(-1)!],
    };

    const first = await recordAcknowledgement(deps, REF, acknowledgedTheOldWay, ack('U0LATE'));
    await recordContainment(deps, REF, acknowledgedTheOldWay, disabled('mallory'));
    await publishAlertState(deps, REF);

    expect(first).toMatchObject({ userId: 'U0EARLIER', epochSeconds: AT.epochSeconds });
    expect(statusLines(held())).toEqual([
      expect.stringContaining('Acknowledged by <@U0EARLIER>'),
      expect.stringContaining('User `mallory` disabled by'),
    ]);
  });

  it('treats a stored value it cannot read as absent, and starts again from the message', async () => {
    await store.put(alertStateKey(REF), { base: 'not blocks' }, 0, AT.epochSeconds + 3600);

    expect(await recordAcknowledgement(deps, REF, clicked(), ack('U0ACK'))).toBeUndefined();
    await publishAlertState(deps, REF);

    expect(statusLines(held())).toEqual([expect.stringContaining('Acknowledged by <@U0ACK>')]);
  });

  it('records a Re-enable only on an alert whose state has that user, and updates nothing otherwise', async () => {
    const reenabled = { outcome: 'reenabled' as const, by: 'U0LEAD', at: AT };

    expect(await recordReenable(deps, REF, 'mallory', reenabled)).toBe(false);
    expect(await publishAlertState(deps, REF)).toBe(false);
    expect(store.size).toBe(0);
    expect(slack.callsTo('chat.update')).toEqual([]);

    await recordContainment(deps, REF, clicked(), disabled('mallory'));
    expect(await recordReenable(deps, REF, 'alice', reenabled)).toBe(false);
    expect(await recordReenable(deps, REF, 'mallory', reenabled)).toBe(true);
    await publishAlertState(deps, REF);
    expect(statusLines(held())).toEqual([expect.stringMatching(/^:unlock: User `mallory` disabled by .*; re-enabled by <@U0LEAD>/)]);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
