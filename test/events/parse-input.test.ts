import { parseEventTime } from '../../app/events/event-time';
import { parseNotifierInput } from '../../app/events/parse-input';
import { summariseUserAgent } from '../../app/events/user-agent';
import { toEventBridge, toSnsEvent } from '../support/corpus';

const RECORD = {
  eventName: 'CreateUser',
  eventSource: 'iam.amazonaws.com',
  eventID: 'abc-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
};

describe('parseNotifierInput', () => {
  it('unwraps SNS ▸ EventBridge ▸ CloudTrail, EventBridge ▸ CloudTrail, and bare records', () => {
    for (const [input, envelope] of [
      [toSnsEvent(toEventBridge(RECORD)), 'sns'],
      [toEventBridge(RECORD), 'eventbridge'],
      [RECORD, 'cloudtrail'],
    ] as const) {
      const [item] = parseNotifierInput(input);
      expect(item).toMatchObject({ ok: true, eventId: 'abc-1', envelope, record: { eventName: 'CreateUser' } });
    }
  });

  it('accepts arrays (replays) and keeps their order', () => {
    const items = parseNotifierInput([RECORD, { ...RECORD, eventID: 'abc-2' }]);
    expect(items.map((i) => i.ok && i.eventId)).toEqual(['abc-1', 'abc-2']);
  });

  it('gives records without eventID a stable synthetic ID', () => {
    const { eventID: _, ...withoutId } = RECORD;
    const [a] = parseNotifierInput(withoutId);
    const [b] = parseNotifierInput(JSON.parse(JSON.stringify(withoutId)));
    expect(a?.ok && a.eventId).toMatch(/^sha256-[0-9a-f]{32}$/);
    expect(a?.ok && a.eventId).toBe(b?.ok && b.eventId);
  });

  it('rejects, without throwing, what is not a CloudTrail record, with a reason and an excerpt', () => {
    const cases: unknown[] = [null, 42, 'text', {}, { eventName: 'X' }, toSnsEvent('not json {'), toEventBridge({ detail: 1 } as never)];
    for (const input of cases) {
      const items = parseNotifierInput(input);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ ok: false });
      expect(items[0]?.ok === false && items[0].reason.length).toBeGreaterThan(10);
    }
    const [notJson] = parseNotifierInput(toSnsEvent('not json {'));
    expect(notJson).toMatchObject({ ok: false, reason: expect.stringMatching(/^SNS message is not JSON/), excerpt: 'not json {' });
  });

  it('tolerates odd field types real records carry', () => {
    const [item] = parseNotifierInput({
      ...RECORD,
      readOnly: 'false',
      requestParameters: null,
      userIdentity: 'weird',
      recipientAccountId: 123456789012,
    });
    expect(item).toMatchObject({
      ok: true,
      record: { readOnly: false, requestParameters: undefined, userIdentity: undefined, recipientAccountId: '123456789012' },
    });
  });
});

describe('parseEventTime', () => {
  it('reads ISO-8601 and the zone-less form some exports use, as UTC', () => {
    expect(parseEventTime('2023-01-10T20:10:41Z')).toEqual({ epochSeconds: 1673381441, iso: '2023-01-10T20:10:41Z' });
    expect(parseEventTime('2023-01-10 20:10:41')).toEqual({ epochSeconds: 1673381441, iso: '2023-01-10T20:10:41Z' });
    expect(parseEventTime('not a time')).toEqual({ raw: 'not a time' });
    expect(parseEventTime(undefined)).toBeUndefined();
  });
});

describe('summariseUserAgent', () => {
  it.each([
    ['aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64', 'AWS CLI', false],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.6.0 (+https://www.terraform.io) terraform-provider-aws/5.30.0', 'Terraform', false],
    ['AWS Internal', 'Console', false],
    ['Mozilla/5.0 (Macintosh) Chrome/108.0', 'Console (browser)', false],
    ['Boto3/1.26.0 Python/3.10 Botocore/1.29.0', 'SDK (Python)', false],
    ['TruffleHog', 'TruffleHog (offensive tool)', true],
    ['S3 Browser 9.5.5 https://s3browser.com', 'S3 Browser (offensive tool)', true],
    ['cloudformation.amazonaws.com', 'CloudFormation/CDK', false],
  ])('%s → %s', (ua, summary, flagged) => {
    expect(summariseUserAgent(ua)).toEqual({ summary, flagged });
  });
});
