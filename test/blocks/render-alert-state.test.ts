import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { ACTION_IDS } from '../../blocks/ids';
import { TRUNCATION_MARKER } from '../../blocks/mrkdwn';
import { acknowledgementBlock, readAcknowledgement } from '../../blocks/render-acknowledged';
import { type AlertStateView, alertBase, renderAlertState, USERS_SHOWN, type UserContainmentView } from '../../blocks/render-alert-state';
import { sampleAlert } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

const AT = { epochSeconds: 1714557900, iso: '2024-05-01T10:05:00.000Z' };
const LATER = { epochSeconds: 1714561500, iso: '2024-05-01T11:05:00.000Z' };
const EVENT = 'b7d1f7a0-0000-4000-8000-000000000001';

/** The alert of alice making mallory an access key: two Disable buttons. */
const twoUserAlert = () =>
  sampleAlert({
    actor: { typeLabel: 'IAM user', name: 'alice' },
    disable: [
      { role: 'target', value: { u: 'mallory', a: '123456789012', e: EVENT } },
      { role: 'actor', value: { u: 'alice', a: '123456789012', e: EVENT } },
    ],
  }) as { text: string; blocks: ReceivedBlock[] };

const buttonIds = (blocks: ReadonlyArray<Record<string, any>>) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));
const contextTexts = (blocks: ReadonlyArray<Record<string, any>>) =>
  blocks.filter((b) => b.type === 'context' && /^alert\.(ack|state)/.test(b.block_id)).map((b) => b.elements[0].text as string);

const disabled = (user: string, overrides: Partial<UserContainmentView> = {}): UserContainmentView => ({
  user,
  outcome: 'disabled',
  by: 'U0RESPONDER',
  at: AT,
  ...overrides,
});

function state(overrides: Partial<AlertStateView> = {}): AlertStateView {
  return { base: alertBase(twoUserAlert()), users: [], ...overrides };
}

describe('renderAlertState', () => {
  it('renders the alert as posted when nothing happened yet', () => {
    const alert = twoUserAlert();

    const message = renderAlertState(state());

    expect(message).toEqual({ text: alert.text, blocks: alert.blocks });
  });

  it('shows the acknowledgement, who disabled whom, and drops exactly the buttons that are done', () => {
    const message = renderAlertState(
      state({
        acknowledged: { userId: 'U0ACK', ...AT },
        users: [disabled('mallory'), disabled('alice', { outcome: 'partial', by: 'U0OTHER' })],
      }),
    );

    expect(contextTexts(message.blocks)).toEqual([
      expect.stringMatching(/^:white_check_mark: Acknowledged by <@U0ACK> at <!date\^1714557900\^/),
      expect.stringMatching(/^:lock: User `mallory` disabled by <@U0RESPONDER> at <!date\^1714557900\^.*\(details in thread\)$/),
      expect.stringMatching(/^:warning: User `alice` PARTIALLY disabled by <@U0OTHER> at /),
    ]);
    // mallory is done; alice's button stays for a retry after a partial run.
    expect(buttonIds(message.blocks)).toEqual([ACTION_IDS.disableActingUser]);
    // The status lines sit above the buttons, after everything the notifier posted.
    expect(message.blocks.at(-1)).toMatchObject({ type: 'actions' });
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('offers Disable again after a Re-enable, and says so on the user line', () => {
    const message = renderAlertState(
      state({ users: [disabled('mallory', { reenabled: { outcome: 'reenabled', by: 'U0LEAD', at: LATER } })] }),
    );

    expect(contextTexts(message.blocks)).toEqual([
      expect.stringMatching(/^:unlock: User `mallory` disabled by <@U0RESPONDER> at .*; re-enabled by <@U0LEAD> at <!date\^1714561500\^/),
    ]);
    expect(buttonIds(message.blocks)).toEqual([ACTION_IDS.acknowledge, ACTION_IDS.disableUser, ACTION_IDS.disableActingUser]);
  });

  it('keeps the button of a user whose re-enable failed hidden: the user is still disabled', () => {
    const message = renderAlertState(
      state({ users: [disabled('mallory', { reenabled: { outcome: 'failed', by: 'U0LEAD', at: LATER } })] }),
    );

    expect(contextTexts(message.blocks)[0]).toMatch(/^:lock: .*; NOT re-enabled by <@U0LEAD>/);
    expect(buttonIds(message.blocks)).toEqual([ACTION_IDS.acknowledge, ACTION_IDS.disableActingUser]);
  });

  it('removes the single button of alerts posted before two could be offered, by the user it names', () => {
    const legacy = sampleAlert() as { text: string; blocks: ReceivedBlock[] };

    const message = renderAlertState({ base: alertBase(legacy), acknowledged: { userId: 'U0ACK', ...AT }, users: [disabled('mallory')] });

    expect(buttonIds(message.blocks)).toEqual([]);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('never turns names or clicker IDs into mentions', () => {
    const message = renderAlertState(
      state({ acknowledged: { userId: '<!channel>', ...AT }, users: [disabled('mallory', { by: '<!here>' })] }),
    );

    expect(JSON.stringify(message.blocks)).not.toMatch(/<!channel>|<!here>/);
  });

  it('keeps every Slack limit with many users, long names and a base already near 50 blocks', () => {
    const base = twoUserAlert();
    const filler = Array.from({ length: 50 - base.blocks.length }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `line ${i}` },
    }));
    const users = Array.from({ length: 30 }, (_, i) => disabled(`${'u'.repeat(60)}${i}`, { outcome: i % 2 ? 'partial' : 'disabled' }));
    users[0] = disabled('x'.repeat(10_000), { by: 'W'.repeat(10_000) });

    const crowded = renderAlertState({ base: { text: base.text, blocks: [...filler, ...base.blocks] }, users });
    const many = renderAlertState(state({ acknowledged: { userId: 'U0ACK', ...AT }, users }));

    expect(blockKitViolations(crowded)).toEqual([]);
    expect(crowded.blocks.at(-1)).toMatchObject({ type: 'actions' });
    expect(blockKitViolations(many)).toEqual([]);
    expect(contextTexts(many.blocks)).toHaveLength(1 + USERS_SHOWN + 1);
    expect(contextTexts(many.blocks).at(-1)).toBe(`…and ${30 - USERS_SHOWN} more users (details in thread)`);
    // Slack refuses a message with two blocks of the same id.
    const ids = many.blocks.map((b) => b.block_id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(many.blocks)).toContain(TRUNCATION_MARKER);
  });
});

describe('alertBase', () => {
  it('strips the lines the state renders, so rendering a rendered alert again changes nothing', () => {
    const once = renderAlertState(state({ acknowledged: { userId: 'U0ACK', ...AT }, users: [disabled('alice')] }));

    const again = renderAlertState({
      base: alertBase({ text: once.text, blocks: once.blocks as unknown as ReceivedBlock[] }),
      acknowledged: { userId: 'U0ACK', ...AT },
      users: [disabled('alice')],
    });

    expect(again).toEqual(once);
  });

  it('keeps the status line of alerts disabled before alert state: it cannot be read back, and it is still true', () => {
    const legacyLine = { type: 'context', block_id: 'alert.contained', elements: [{ type: 'mrkdwn', text: 'User `mallory` disabled' }] };
    const alert = twoUserAlert();

    expect(alertBase({ text: alert.text, blocks: [...alert.blocks, legacyLine] }).blocks).toContainEqual(legacyLine);
  });
});

describe('acknowledgementBlock', () => {
  it('carries who and when in its block id, read back from alerts acknowledged before alert state', () => {
    const block = acknowledgementBlock({ userId: 'U0ACK', ...AT });

    expect(readAcknowledgement([block as unknown as ReceivedBlock])).toEqual({ userId: 'U0ACK', epochSeconds: AT.epochSeconds });
    expect(readAcknowledgement(twoUserAlert().blocks)).toBeUndefined();
  });
});
