import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { buildCatalog, DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { createLookupPacer } from '../../app/history/pacer';
import { EVENT_NAME_LOOKUP_MAX, HIGH_VOLUME_SOURCES, lookupAttributesForCatalog, lookupWindow } from '../../app/local/lookup-window';
import { fakeEventHistory, type StoredEvent } from '../history/support/event-history';
import { virtualTime } from '../history/support/virtual-time';

const cloudtrail = mockClient(CloudTrailClient);

describe('lookupAttributesForCatalog', () => {
  it('reads a busy service the catalog names for a few calls by event name, not whole', () => {
    const attributes = lookupAttributesForCatalog(DEFAULT_CATALOG);
    const sources = attributes.filter((a) => a.key === 'EventSource').map((a) => a.value);
    const names = attributes.filter((a) => a.key === 'EventName').map((a) => a.value);

    // EC2 (DeleteFlowLogs) and CloudWatch Logs would be read whole at 2 requests a second.
    expect(sources).not.toContain('ec2.amazonaws.com');
    expect(sources).not.toContain('logs.amazonaws.com');
    expect(names).toEqual(expect.arrayContaining(['DeleteFlowLogs', 'DeleteLogGroup']));
    // IAM (many calls), sign-in and STS (the user-agent rule reads every call) stay whole.
    expect(sources).toEqual(expect.arrayContaining(['iam.amazonaws.com', 'signin.amazonaws.com', 'sts.amazonaws.com']));
    expect(attributes).toContainEqual({ key: 'Username', value: 'root' });
  });

  it('reads a quiet service whole: one query per poll, not one per call', () => {
    const sources = lookupAttributesForCatalog(DEFAULT_CATALOG)
      .filter((a) => a.key === 'EventSource')
      .map((a) => a.value);

    expect(HIGH_VOLUME_SOURCES.has('account.amazonaws.com')).toBe(false);
    expect(sources).toEqual(expect.arrayContaining(['account.amazonaws.com', 'access-analyzer.amazonaws.com']));
  });

  it('fits the default catalog in one cursor (20 queries), so a poll reads each region in one pass', () => {
    expect(lookupAttributesForCatalog(DEFAULT_CATALOG).length).toBeLessThanOrEqual(20);
  });

  it('reads a high-volume service whole once the catalog names more than a few of its calls', () => {
    const eventNames = Array.from({ length: EVENT_NAME_LOOKUP_MAX + 1 }, (_, i) => `DeleteThing${i}`);
    const catalog = buildCatalog({
      rules: {
        add: [
          {
            id: 'ec2-many',
            title: 'EC2',
            severity: 'low',
            why: 'test',
            match: { kind: 'api-call', eventSource: 'ec2.amazonaws.com', eventNames },
          },
        ],
      },
    });
    const attributes = lookupAttributesForCatalog(catalog);

    expect(attributes).toContainEqual({ key: 'EventSource', value: 'ec2.amazonaws.com' });
    expect(attributes).not.toContainEqual({ key: 'EventName', value: 'DeleteFlowLogs' });
  });
});

describe('lookupWindow with more queries than one cursor holds', () => {
  it('reads them in passes and finds the events of every query', async () => {
    const time = virtualTime('2026-11-22T06:00:00Z');
    const at = new Date(time.now() - 60_000).toISOString();
    const attributes = Array.from({ length: 25 }, (_, i) => ({ key: 'EventName' as const, value: `Call${i}` }));
    const events: StoredEvent[] = attributes.map((a, i) => ({ id: `ev-${i}`, time: at, name: a.value, source: 'x.amazonaws.com' }));
    cloudtrail.on(LookupEventsCommand).callsFake(fakeEventHistory(events).lookup);

    const found = await lookupWindow(
      { start: new Date(time.now() - 15 * 60_000), end: new Date(time.now()), regions: ['us-east-1'], attributes },
      {
        clientFor: async (region) => new CloudTrailClient({ region }),
        pacer: createLookupPacer({ now: time.now, sleep: time.sleep }),
        now: time.now,
        sleep: time.sleep,
      },
    );

    expect(found.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });
});
