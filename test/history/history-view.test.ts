import { toHistoryEvent } from '../../app/history/history-event';
import { toHistoryEntryView } from '../../app/history/history-view';

const event = (record: Record<string, unknown>) =>
  toHistoryEvent(
    {
      EventId: 'e1',
      EventName: String(record.eventName),
      EventTime: new Date('2026-11-22T05:00:00Z'),
      CloudTrailEvent: JSON.stringify({ eventSource: 'iam.amazonaws.com', ...record }),
    },
    'us-east-1',
  );

describe('toHistoryEntryView', () => {
  it('describes actor, target, source IP and result from the CloudTrail record', () => {
    const view = toHistoryEntryView(
      event({
        eventName: 'CreateUser',
        sourceIPAddress: '203.0.113.7',
        userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice' },
        requestParameters: { userName: 'bob' },
      }),
    );
    expect(view).toEqual({
      epochSeconds: Date.parse('2026-11-22T05:00:00Z') / 1000,
      eventName: 'CreateUser',
      actor: { typeLabel: 'Assumed role', name: 'Admin' },
      target: 'user bob',
      sourceIp: '203.0.113.7',
      outcome: { kind: 'success' },
      region: 'us-east-1',
    });
  });

  it('shows what a user acting on itself touched, not the user again', () => {
    const view = toHistoryEntryView(
      event({
        eventName: 'AttachUserPolicy',
        errorCode: 'AccessDenied',
        userIdentity: { type: 'IAMUser', userName: 'mallory' },
        requestParameters: { userName: 'mallory', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    );
    expect(view.target).toBe('policy arn:aws:iam::aws:policy/AdministratorAccess');
    expect(view.outcome).toMatchObject({ kind: 'denied', error: 'AccessDenied' });
  });

  it('keeps a record whose CloudTrailEvent is not JSON, from the top-level fields', () => {
    const broken = toHistoryEvent(
      { EventId: 'x', EventName: 'ListUsers', EventSource: 'iam.amazonaws.com', CloudTrailEvent: '{' },
      'us-east-1',
    );
    expect(broken.record).toMatchObject({ eventName: 'ListUsers', eventSource: 'iam.amazonaws.com' });
    expect(toHistoryEntryView(broken).actor.name).toBe('unknown');
  });
});
