import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import {
  DEFAULT_FORWARDER_REGIONS,
  forwarderRegionsFor,
  GLOBAL_EVENT_SOURCES,
  globalServiceEventPatternsFor,
  regionalEventPatternsFor,
} from '../../app/catalog/regional-forwarding';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { loadCloudTrailCorpus, toEventBridge } from '../support/corpus';
import { deliveredToRule } from './support/event-pattern-matcher';

describe('forwarderRegionsFor', () => {
  it('defaults to the regions every account has enabled, without us-east-1', () => {
    expect(forwarderRegionsFor({})).toEqual([...DEFAULT_FORWARDER_REGIONS].sort());
    expect(DEFAULT_FORWARDER_REGIONS).toHaveLength(16);
    expect(DEFAULT_FORWARDER_REGIONS).not.toContain('us-east-1');
  });

  it('always adds the sign-in regions and the Identity Center home region, and drops us-east-1', () => {
    expect(forwarderRegionsFor({ listed: ['us-east-1', 'me-south-1'], identityCenterRegion: 'eu-south-1' })).toEqual([
      'ap-southeast-2',
      'eu-north-1',
      'eu-south-1',
      'me-south-1',
      'us-east-2',
    ]);
  });
});

describe('regional and global-service patterns', () => {
  const judged = loadCloudTrailCorpus().map((record) => {
    const raw = (record.value.detail ?? record.value) as Record<string, unknown>;
    const parsed = cloudTrailRecordSchema.safeParse(raw);
    return {
      key: record.key,
      event: toEventBridge(record.value),
      source: String(raw.eventSource ?? ''),
      alerts: parsed.success && classifyEvent(parsed.data, DEFAULT_CATALOG).kind === 'alert',
    };
  });
  const delivers = (patterns: ReturnType<typeof eventPatternsFor>, event: Record<string, unknown>) =>
    patterns.some((p) => deliveredToRule(p, event));

  it('together deliver exactly what the central rules deliver (a member account forwards every catalog event from us-east-1)', () => {
    const central = eventPatternsFor(DEFAULT_CATALOG);
    const union = [...regionalEventPatternsFor(DEFAULT_CATALOG), ...globalServiceEventPatternsFor(DEFAULT_CATALOG)];
    const differing = judged.filter((j) => delivers(central, j.event) !== delivers(union, j.event)).map((j) => j.key);

    expect(judged.filter((j) => j.alerts).length).toBeGreaterThan(100);
    expect(differing).toEqual([]);
  });

  it('leave IAM to us-east-1 and carry everything else the catalog alerts on from any region', () => {
    const regional = regionalEventPatternsFor(DEFAULT_CATALOG);
    const alerting = judged.filter((j) => j.alerts);
    // Everything not recorded in us-east-1 only: sign-ins, Identity Center, CloudTrail, STS, root.
    const regionalMissed = alerting.filter((j) => !GLOBAL_EVENT_SOURCES.includes(j.source) && !delivers(regional, j.event));
    expect(regionalMissed.map((j) => j.key)).toEqual([]);
    const iamOnly = alerting.filter((j) => j.source === 'iam.amazonaws.com' && (j.event.detail as any).userIdentity?.type !== 'Root');
    expect(iamOnly.length).toBeGreaterThan(30);
    for (const j of iamOnly) expect({ key: j.key, forwarded: delivers(regional, j.event) }).toEqual({ key: j.key, forwarded: false });
  });
});
