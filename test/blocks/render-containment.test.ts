import type { ReceivedBlock } from '../../blocks/edit-blocks';
import { ACTION_IDS } from '../../blocks/ids';
import { readAcknowledgement, renderAcknowledged } from '../../blocks/render-acknowledged';
import {
  type ContainmentReportView,
  renderContainmentReport,
  renderReenableReport,
  withContainmentStatus,
  withoutReenableButton,
} from '../../blocks/render-containment';
import { sampleAlert } from '../slack/slack-harness';
import { blockKitViolations } from '../support/block-kit-limits';

const AT = { epochSeconds: 1714557900, iso: '2024-05-01T10:05:00.000Z' };
const view = (overrides: Partial<ContainmentReportView> = {}): ContainmentReportView => ({
  userName: 'mallory',
  accountId: '123456789012',
  eventId: 'evt-1',
  actorUserId: 'U0RESPONDER',
  at: AT,
  outcome: 'disabled',
  steps: [
    { label: 'Delete console password', status: 'done', detail: 'console password deleted' },
    { label: 'Attach deny-all policy', status: 'failed', error: { name: 'AccessDenied', message: 'not authorized <!channel>' } },
  ],
  ...overrides,
});
const buttonIds = (blocks: ReadonlyArray<Record<string, any>>) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: { action_id: string }) => e.action_id));

describe('renderAcknowledged', () => {
  it('records who and when in a block id it can read back', () => {
    const blocks = renderAcknowledged(sampleAlert().blocks as ReceivedBlock[], { userId: 'U0ACK', ...AT });

    expect(readAcknowledgement(blocks)).toEqual({ userId: 'U0ACK', epochSeconds: AT.epochSeconds });
    expect(buttonIds(blocks)).toEqual([ACTION_IDS.disableUser]);
    expect(blockKitViolations({ text: 'x', blocks })).toEqual([]);
  });

  it('finds no acknowledgement on a fresh alert', () => {
    expect(readAcknowledgement(sampleAlert().blocks as ReceivedBlock[])).toBeUndefined();
  });

  it('never turns something that is not a user ID into a mention', () => {
    const blocks = renderAcknowledged([], { userId: '<!channel>', ...AT });

    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
  });
});

describe('renderContainmentReport', () => {
  it('escapes AWS error text and fits Block Kit limits', () => {
    const message = renderContainmentReport(view({ outcome: 'partial' }));

    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
    expect(JSON.stringify(message.blocks)).toContain('&lt;!channel&gt;');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('offers Re-enable with the user, account and event, but not when nothing changed', () => {
    const disabled = renderContainmentReport(view());
    const actions = disabled.blocks.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> };
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ u: 'mallory', a: '123456789012', e: 'evt-1' });

    expect(buttonIds(renderContainmentReport(view({ outcome: 'failed' })).blocks as never)).toEqual([]);
  });

  it('cuts a very long report with a visible marker instead of breaking a limit', () => {
    const steps = Array.from({ length: 40 }, (_, i) => ({
      label: `Step ${i}`,
      status: 'failed' as const,
      detail: 'x'.repeat(300),
      error: { name: 'AccessDenied', message: 'y'.repeat(500) },
    }));

    const message = renderContainmentReport(view({ steps }));

    expect(blockKitViolations(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('[truncated]');
  });
});

describe('withContainmentStatus', () => {
  it('adds one status line, replacing an earlier one, and drops Disable User only on full success', () => {
    const alert = sampleAlert().blocks as ReceivedBlock[];
    const partial = withContainmentStatus(alert, view({ outcome: 'partial' }));
    const done = withContainmentStatus(partial, view());

    expect(buttonIds(partial)).toEqual([ACTION_IDS.acknowledge, ACTION_IDS.disableUser]);
    expect(buttonIds(done)).toEqual([ACTION_IDS.acknowledge]);
    expect(done.filter((b) => b.block_id === 'alert.contained')).toHaveLength(1);
    expect(JSON.stringify(done)).toContain('User `mallory` disabled by <@U0RESPONDER>');
    expect(done.length).toBe(alert.length + 1);
  });
});

describe('renderReenableReport', () => {
  it('says plainly that the console password cannot come back', () => {
    const message = renderReenableReport({ ...view(), outcome: 'reenabled', steps: [] });

    expect(JSON.stringify(message.blocks)).toContain('cannot come back');
    expect(blockKitViolations(message)).toEqual([]);
  });

  it('removes only the Re-enable button from a report', () => {
    const report = renderContainmentReport(view()).blocks as unknown as ReceivedBlock[];

    expect(buttonIds(withoutReenableButton(report))).toEqual([]);
    expect(withoutReenableButton(report)).toHaveLength(report.length - 1);
  });
});
