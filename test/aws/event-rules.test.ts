import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  type RuleState,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { ownResourceRulesFor, withOwnResourceRules } from '../../app/catalog/own-resources';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { createIamAlertsApp } from '../../infra/app';
import { isReadOnlyManagementEvent } from '../infra/support/event-pattern-matcher';
import { resolveIntrinsics } from '../infra/support/resolve-intrinsics';
import { loadCatalogTestRecords, loadOwnResourceFixtures, toEventBridge } from '../support/corpus';

/**
 * The EventBridge rules exactly as `cdk synth` writes them into the template, created on moto's
 * EventBridge with an SQS queue as each rule's target. Every corpus record goes in through
 * PutEvents, shaped as CloudTrail delivers it (source `aws.<service>`, CloudTrail's detail-type,
 * the record as `detail`), and exactly the records the classifier alerts on must come out.
 *
 * Moto matches patterns (prefix, anything-but, exists, wildcard, `$or`) but does not model one
 * EventBridge rule: read-only management events (Get/List/Describe) reach only rules in the
 * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` state. So the rules go on two buses: every rule
 * on one, which receives the other events, and only the rules in that state on the other, which
 * receives the read-only events. Each record carries its corpus key in `resources`, an envelope
 * field no pattern looks at.
 */

const PROJECT_ROOT = resolve(__dirname, '../..');
const eventbridge = new EventBridgeClient({});
const sqs = new SQSClient({});

interface SynthesizedRule {
  name: string;
  pattern: Record<string, unknown>;
  state: RuleState;
}

/** The rules of the template `cdk synth` produces (bundling skipped: the functions do not matter here). */
function synthesizedRules(): SynthesizedRule[] {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  const { app, stack } = createIamAlertsApp({
    context: { ...cdkJson.context, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [] },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-moto-synth-')),
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  const template = app.synth().getStackByName(stack.stackName).template as { Resources: Record<string, any> };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => ({
      name: r.Properties.Name,
      // As CloudFormation resolves it in moto's default account (the own-resource rules name it).
      pattern: resolveIntrinsics(r.Properties.EventPattern, { account: '123456789012', region: 'us-east-1' }),
      state: r.Properties.State,
    }));
}

async function queueFor(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `it-${name}`.slice(0, 80) }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

async function drain(url: string): Promise<Array<Record<string, any>>> {
  const bodies: Array<Record<string, any>> = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
}

describe('the synthesized EventBridge rules on moto', () => {
  const rules = synthesizedRules();
  // Rules with a content check are delivered every call of their names; the notifier runs the check.
  // The notifier's catalog in the deployed stack: the default one plus the rules on its own resources.
  const catalog = withOwnResourceRules(
    DEFAULT_CATALOG,
    ownResourceRulesFor({ stackName: 'IamAlerts', homeAccountId: '123456789012', region: 'us-east-1' }),
  );
  const checked = catalog.rules.filter((r) => r.match.kind === 'api-call' && r.match.check).map((r) => r.id);
  // The real corpus, the records written for this project (test/fixtures/cloudtrail-written) and
  // changes to iam-alerts' own resources (test/fixtures/own-resources).
  const corpus = [...loadCatalogTestRecords(), ...loadOwnResourceFixtures()].map((record) => {
    const raw = (record.value.detail ?? record.value) as Record<string, unknown>;
    const parsed = cloudTrailRecordSchema.safeParse(raw);
    const verdict = parsed.success ? classifyEvent(parsed.data, catalog) : undefined;
    const nearMissOfCheck = verdict?.kind === 'ignored' && checked.some((id) => verdict.reason.includes(`does not qualify for ${id}:`));
    return { key: record.key, event: toEventBridge(record.value), alerts: verdict?.kind === 'alert', nearMissOfCheck };
  });
  const delivered = new Map<string, Set<string>>();

  beforeAll(async () => {
    const buses = { all: 'iam-alerts-it-all-events', readOnly: 'iam-alerts-it-read-only-events' };
    for (const Name of Object.values(buses)) await eventbridge.send(new CreateEventBusCommand({ Name }));
    const queues = new Map<string, string>();
    for (const rule of rules) {
      const queue = await queueFor(rule.name);
      queues.set(rule.name, queue.url);
      const onBuses = rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' ? [buses.all, buses.readOnly] : [buses.all];
      for (const EventBusName of onBuses) {
        await eventbridge.send(
          new PutRuleCommand({ Name: rule.name, EventBusName, EventPattern: JSON.stringify(rule.pattern), State: rule.state }),
        );
        await eventbridge.send(new PutTargetsCommand({ Rule: rule.name, EventBusName, Targets: [{ Id: 'queue', Arn: queue.arn }] }));
      }
    }

    const entries = corpus.map(({ key, event }): PutEventsRequestEntry => {
      return {
        EventBusName: isReadOnlyManagementEvent(event) ? buses.readOnly : buses.all,
        Source: String(event.source),
        DetailType: String(event['detail-type']),
        Detail: JSON.stringify(event.detail),
        Resources: [`corpus:${key}`],
      };
    });
    for (let i = 0; i < entries.length; i += 10) {
      const { FailedEntryCount, Entries } = await eventbridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
      expect({ FailedEntryCount, errors: Entries?.filter((e) => e.ErrorCode) }).toEqual({ FailedEntryCount: 0, errors: [] });
    }

    for (const [rule, url] of queues) {
      for (const message of await drain(url)) {
        const key = String(message.resources[0]).replace(/^corpus:/, '');
        delivered.set(key, new Set([...(delivered.get(key) ?? []), rule]));
      }
    }
  });

  it('synthesizes every catalog group as a rule, read-only ones included', () => {
    expect(rules.length).toBeGreaterThan(10);
    expect(rules.some((r) => r.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')).toBe(true);
  });

  it('delivers exactly the corpus records the classifier alerts on, and the near-misses of content checks', () => {
    const shouldAlert = corpus.filter((c) => c.alerts).map((c) => c.key);
    const nearMisses = new Set(corpus.filter((c) => c.nearMissOfCheck).map((c) => c.key));

    expect(shouldAlert.length).toBeGreaterThan(150);
    expect(nearMisses.size).toBeGreaterThan(3);
    expect([...delivered.keys()].filter((key) => !nearMisses.has(key)).sort()).toEqual(shouldAlert.sort());
  });

  it('keeps the near-misses of request conditions (UpdateDetector enabling, a NOOP filter, a Lambda log group) on EventBridge', () => {
    for (const key of ['written/guardduty-tampering:3', 'written/guardduty-tampering:9', 'written/cloudwatch-logs-tampering:4']) {
      expect({ key, delivered: delivered.has(key) }).toEqual({ key, delivered: false });
    }
    for (const key of ['written/guardduty-tampering:2', 'written/guardduty-tampering:8', 'written/cloudwatch-logs-tampering:1']) {
      expect({ key, delivered: delivered.has(key) }).toEqual({ key, delivered: true });
    }
  });

  it('delivers each record to one rule, except a catalogued call made with an offensive tool, and the two watches on iam-alerts’ own rules', () => {
    const twinWatches = new Set(['IamAlerts-iam-alerts-rules-changed', 'IamAlerts-iam-alerts-rules-changed-watch']);
    for (const [key, ruleNames] of delivered) {
      if (ruleNames.size === 2 && [...ruleNames].every((n) => twinWatches.has(n))) continue;
      if (ruleNames.size > 1)
        expect({ key, offensiveTool: [...ruleNames].some((n) => n.includes('offensive-tool-user-agent')) }).toEqual({
          key,
          offensiveTool: true,
        });
    }
  });

  it('lets read-only calls through only to the offensive-tool rules and the GetSigninToken rule', () => {
    const readOnlyAlerts = corpus.filter((c) => c.alerts && isReadOnlyManagementEvent(c.event));

    expect(readOnlyAlerts.length).toBeGreaterThan(0);
    for (const { key } of readOnlyAlerts) {
      for (const rule of delivered.get(key) ?? []) expect(rule).toMatch(/offensive-tool-user-agent|api-calls-signin$/);
    }
  });
});
