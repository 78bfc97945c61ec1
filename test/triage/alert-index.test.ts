import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createLogger } from '../../app/logger';
import { MemoryStore } from '../../app/state/memory-store';
import {
  ACTOR_MAX,
  HEADLINE_MAX,
  indexDisabledUser,
  indexGroupedAlert,
  indexPostedAlert,
  indexReenabledUser,
  MAX_ALERTS_PER_DAY,
  MAX_DISABLED_USERS,
  MAX_GROUPED_PER_DAY,
  RULE_ID_MAX,
  readDays,
  readDisabledUsers,
} from '../../app/triage/alert-index';
import { summarise } from '../../app/triage/summary';
import { dayIndexKey } from '../../app/triage/triage-keys';
import { testClock } from './support/triage-fixtures';

/**
 * DynamoDB's size of an item (its documented rules: names and strings in UTF-8 bytes, numbers
 * about one byte per two digits plus one, 3 bytes per map or list plus 1 per element).
 */
function itemBytes(item: Record<string, AttributeValue>): number {
  const value = (v: AttributeValue): number => {
    if (v.S !== undefined) return Buffer.byteLength(v.S);
    if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\./g, '').length / 2) + 1;
    if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
    if (v.L) return 3 + v.L.reduce((n, e) => n + 1 + value(e), 0);
    if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + value(e), 0);
    throw new Error(`unsized attribute ${JSON.stringify(v)}`);
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + value(v), 0);
}

describe('the alert index', () => {
  const clock = testClock(Date.parse('2024-05-01T10:00:00Z'));
  const at = Math.floor(clock.now() / 1000);

  it(`keeps a full day (${MAX_ALERTS_PER_DAY} alerts listed, ${MAX_GROUPED_PER_DAY} grouped, every field at its longest) well below DynamoDB's 400 KB, and still counts the rest`, async () => {
    const store = new MemoryStore();
    const deps = { store, logger: createLogger('test'), now: clock.now };
    const rule = (i: number) => `${'r'.repeat(RULE_ID_MAX - 3)}${String(i % 100).padStart(3, '0')}`;
    // The day as the index leaves it once full (written at once: thousands of single writes are slow here).
    const full = {
      alerts: Array.from({ length: MAX_ALERTS_PER_DAY }, (_, i) => ({
        c: 'C0123456789ABCDEF',
        t: `${at}.${String(i).padStart(6, '0')}`,
        s: 'critical',
        r: rule(i),
        h: 'h'.repeat(HEADLINE_MAX),
        a: 'a'.repeat(ACTOR_MAX),
        p: at,
        k: at + 600,
        ku: 'U0123456789AB',
        x: at + 60,
      })),
      grouped: Array.from({ length: MAX_GROUPED_PER_DAY }, (_, i) => [at + i, 'medium', rule(i)]),
      overflow: { severity: {}, rule: {}, hours: {} },
      titles: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [rule(i), 't'.repeat(HEADLINE_MAX)])),
    };
    await store.put(dayIndexKey('2024-05-01'), full, 0, at + 864_000);
    // And then some: counted only.
    for (let i = 0; i < 50; i++) {
      await indexPostedAlert(deps, { c: 'C0ALERTS', t: `${at}.9${String(i).padStart(5, '0')}`, s: 'high', r: rule(i), h: 'x', p: at });
    }
    for (let i = 0; i < 30; i++) await indexGroupedAlert(deps, { severity: 'low', rule: rule(i), title: 't' });

    const stored = await store.get<Record<string, unknown>>(dayIndexKey('2024-05-01'), at);
    const bytes = itemBytes(
      marshall(
        { id: dayIndexKey('2024-05-01'), version: stored.version, expiration: at + 864_000, data: stored.value },
        { removeUndefinedValues: true },
      ),
    );
    // Measured: 263 KB for this worst case (a typical day of a few dozen alerts: a few KB).
    expect(bytes).toBeLessThan(300_000);

    const [day] = await readDays(deps, ['2024-05-01']);
    expect(day!.alerts).toHaveLength(MAX_ALERTS_PER_DAY);
    expect(day!.grouped).toHaveLength(MAX_GROUPED_PER_DAY);
    const summary = summarise([{ day: '2024-05-01', index: day! }], at - 86_400 * 2, at + 86_400 * 2);
    expect(summary.total).toBe(MAX_ALERTS_PER_DAY + 50 + MAX_GROUPED_PER_DAY + 30);
    expect(summary.bySeverity).toEqual({ critical: MAX_ALERTS_PER_DAY, high: 50, medium: MAX_GROUPED_PER_DAY, low: 30 });
    expect(summary.beyondIndex).toBe(80);
  });

  it('indexes a redelivered alert once', async () => {
    const store = new MemoryStore();
    const deps = { store, logger: createLogger('test'), now: clock.now };
    const entry = { c: 'C0ALERTS', t: `${at}.000001`, s: 'high' as const, r: 'r', h: 'h', p: at };
    await indexPostedAlert(deps, entry);
    await indexPostedAlert(deps, entry);

    expect((await readDays(deps, ['2024-05-01']))[0]!.alerts).toHaveLength(1);
  });

  it('lists disabled users until re-enabled, keeps the re-enabled a week for the digest, and stays bounded', async () => {
    const store = new MemoryStore();
    const deps = { store, logger: createLogger('test'), now: clock.now };
    await indexDisabledUser(deps, { u: 'mallory', a: '123456789012', by: 'U0R', at, c: 'C0A', t: '1.1' });
    await indexReenabledUser(deps, { u: 'mallory', a: '123456789012', by: 'U0S', at: at + 60 });
    expect(await readDisabledUsers(deps)).toEqual([expect.objectContaining({ u: 'mallory', re: at + 60, reBy: 'U0S' })]);

    for (let i = 0; i < MAX_DISABLED_USERS + 10; i++)
      await indexDisabledUser(deps, { u: `user-${i}`, a: '123456789012', by: 'U0R', at: at + i, c: 'C0A', t: '1.1' });
    const users = await readDisabledUsers(deps);
    expect(users).toHaveLength(MAX_DISABLED_USERS);
    // The re-enabled user went first, then the oldest disabled ones.
    expect(users.some((u) => u.u === 'mallory')).toBe(false);
    expect(users[0]!.u).toBe('user-10');
  });
});
