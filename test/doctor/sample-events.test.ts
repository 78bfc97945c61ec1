import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import { testEventsFor, toEventBridgeEvent } from '../../app/doctor/sample-events';
import { parseNotifierInput } from '../../app/events/parse-input';
import { loadSamples } from '../../app/local/preview';
import { deliveredToRule } from '../infra/support/event-pattern-matcher';

describe('testEventsFor', () => {
  const samples = loadSamples();

  it.each(eventPatternsFor(DEFAULT_CATALOG).map((p) => [p.id, p] as const))(
    'gives the %s rule events the catalog alerts on under that rule, and that its pattern matches',
    (_, pattern) => {
      const events = testEventsFor(pattern, DEFAULT_CATALOG, samples);
      expect(events.length).toBeGreaterThan(0);
      for (const { event } of events) {
        expect(deliveredToRule(pattern, event)).toBe(true);
        expect(event).toEqual(
          expect.objectContaining({ id: expect.any(String), source: expect.any(String), 'detail-type': expect.any(String) }),
        );
        const [item] = parseNotifierInput(event);
        if (!item?.ok) throw new Error('test event does not parse');
        const classification = classifyEvent(item.record, DEFAULT_CATALOG);
        expect(classification.kind).toBe('alert');
        if (classification.kind === 'alert') expect(classification.ruleIds.some((id) => pattern.ruleIds.includes(id))).toBe(true);
      }
    },
  );

  it('prefers the real samples', () => {
    const iam = eventPatternsFor(DEFAULT_CATALOG).find((p) => p.id === 'api-calls-iam')!;
    expect(testEventsFor(iam, DEFAULT_CATALOG, samples).map((e) => e.description)).toContain('sample 05-create-user.json (CreateUser)');
  });
});

describe('toEventBridgeEvent', () => {
  it('wraps a record with every field TestEventPattern requires, and completes a published envelope', () => {
    expect(toEventBridgeEvent({ eventSource: 'signin.amazonaws.com', eventType: 'AwsConsoleSignIn', eventID: 'e1' })).toEqual(
      expect.objectContaining({
        version: '0',
        id: 'e1',
        source: 'aws.signin',
        'detail-type': 'AWS Console Sign In via CloudTrail',
        resources: [],
      }),
    );
    const envelope = samples()[0]!.value as Record<string, unknown>;
    expect(envelope.version).toBeUndefined();
    expect(toEventBridgeEvent(envelope)).toEqual(expect.objectContaining({ version: '0', id: envelope.id }));
  });
});

function samples() {
  return loadSamples();
}
