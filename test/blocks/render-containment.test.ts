import type { ReceivedBlock } from '../../blocks/edit-blocks';
import {
  type ContainmentReportView,
  renderContainmentReport,
  renderReenableReport,
  withoutReenableButton,
} from '../../blocks/render-containment';
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

describe('renderContainmentReport: what the steps could not settle', () => {
  const LAST = { epochSeconds: 1714555800, iso: '2024-05-01T09:30:00.000Z' };
  const roles = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ arn: `arn:aws:iam::123456789012:role/role-${i}`, times: i + 1, last: LAST }));
  const text = (v: ContainmentReportView) => JSON.stringify(renderContainmentReport(v).blocks);
  const clean = { lateAccessKeys: [], userDeleted: false };

  it('says that role sessions are not cut, and lists the roles assumed with where to revoke them', () => {
    const report = text(
      view({ findings: { ...clean, assumedRoles: { sinceHours: 12, regions: ['us-east-1', 'eu-west-1'], roles: roles(2) } } }),
    );

    expect(report).toContain('*Role sessions are not cut.*');
    expect(report).toContain('Roles it assumed in the last 12 h (us-east-1, eu-west-1)');
    expect(report).toContain('*Revoke active sessions*');
    expect(report).toContain('• `arn:aws:iam::123456789012:role/role-0`: once, last <!date^1714555800^');
    expect(report).toContain('• `arn:aws:iam::123456789012:role/role-1`: 2 times');
  });

  it('says when it found no role assumed, and when the search may have missed some', () => {
    const none = text(view({ findings: { ...clean, assumedRoles: { sinceHours: 12, regions: ['us-east-1'], roles: [] } } }));
    expect(none).toContain('No successful `AssumeRole` by this user in the last 12 h (us-east-1).');

    const partial = text(
      view({ findings: { ...clean, assumedRoles: { sinceHours: 12, regions: ['us-east-1'], roles: roles(1), incomplete: 'budget' } } }),
    );
    expect(partial).toContain('_The search ran out of time: older calls may be missing._');
  });

  it('says the check failed instead of showing no roles', () => {
    const report = text(
      view({
        findings: {
          ...clean,
          assumedRoles: {
            sinceHours: 12,
            regions: ['us-east-1'],
            roles: [],
            error: 'LookupEvents failed in us-east-1: AccessDenied <!here>',
          },
        },
      }),
    );

    expect(report).toContain('*Could not check which roles it assumed*: LookupEvents failed in us-east-1: AccessDenied &lt;!here&gt;');
    expect(report).not.toContain('No successful');
  });

  it('names keys created during containment and says Re-enable will not revive them', () => {
    const report = text(view({ findings: { ...clean, lateAccessKeys: ['AKIALATEKEYATTACKER1'] } }));

    expect(report).toContain('*Access key `AKIALATEKEYATTACKER1` was created while iam-alerts was disabling this user*');
    expect(report).toContain('*not* recorded for Re-enable');
  });

  it('says plainly when the user was deleted midway, instead of asking for a retry', () => {
    const report = text(view({ outcome: 'partial', findings: { ...clean, userDeleted: true } }));

    expect(report).toContain('*User `mallory` was deleted while iam-alerts was disabling it*, so the steps after that were not run');
    expect(report).not.toContain('Some steps failed');
  });

  it('shows at most ten roles, escapes what CloudTrail said, and fits Block Kit limits', () => {
    const many = roles(25).map((r, i) => (i === 0 ? { ...r, arn: `arn:aws:iam::1:role/<!channel>${'x'.repeat(300)}` } : r));
    const message = renderContainmentReport(
      view({
        findings: {
          lateAccessKeys: ['AKIALATEKEYATTACKER1', 'AKIALATEKEYATTACKER2'],
          userDeleted: true,
          assumedRoles: { sinceHours: 12, regions: ['us-east-1'], roles: many, incomplete: 'limit' },
        },
      }),
    );

    const report = JSON.stringify(message.blocks);
    expect(report).toContain('• and 15 more roles');
    expect(report).not.toContain('<!channel>');
    expect(report).toContain('were created while');
    expect(blockKitViolations(message)).toEqual([]);
  });
});
