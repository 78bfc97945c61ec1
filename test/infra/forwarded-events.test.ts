import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { GLOBAL_EVENT_SOURCES } from '../../app/catalog/regional-forwarding';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { createIamAlertsApp } from '../../infra/app';
import { loadCloudTrailCorpus, toEventBridge } from '../support/corpus';
import { deliveredToRule } from './support/event-pattern-matcher';

/**
 * Events recorded outside us-east-1 (or in a member account) reach the central rules through a
 * forwarder. EventBridge sends an event to a bus in another region or account unchanged: the same
 * `detail`, and the `account` and `region` of where it was recorded (EventBridge User Guide,
 * "Sending and receiving events between AWS Regions"; the cross-account page says the same). So
 * the forwarded event is built here exactly as the source bus saw it, and must match the central
 * rules as they are synthesized, which never look at `account` or `region`.
 */
type Json = Record<string, any>;
const PROJECT_ROOT = resolve(__dirname, '../..');
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;
const MEMBER_ACCOUNT = '222233334444';
const CENTRAL_ACCOUNT = '111122223333';

const built = createIamAlertsApp({
  context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], organizationId: 'o-a1b2c3d4e5' },
  outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-fwd-events-')),
  stackProps: { projectRoot: PROJECT_ROOT },
});
built.app.synth();
const rulesOf = (template: Json, condition?: string) =>
  Object.values(template.Resources as Record<string, Json>)
    .filter((r) => r.Type === 'AWS::Events::Rule' && (condition === undefined || r.Condition === condition))
    .map((r) => ({
      name: r.Properties.Name as string,
      pattern: r.Properties.EventPattern as Json,
      includeReadOnlyEvents: r.Properties.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    }));
const centralRules = rulesOf(Template.fromStack(built.stack).toJSON());
const forwarderRules = rulesOf(Template.fromStack(built.forwarders.find((f) => f.region === 'eu-north-1')!).toJSON());
const memberRegionalRules = rulesOf(Template.fromStack(built.member).toJSON(), 'ForwardRegionalPatterns');

/** A CloudTrail record as recorded in `region` of `account`, on that region's default bus. */
function recordedIn(record: Json, region: string, account: string): Json {
  const detail = { ...record, awsRegion: region, recipientAccountId: account };
  return { ...toEventBridge(detail), account, region };
}

/** What arrives on the central us-east-1 bus: the very same event (EventBridge keeps detail, account, region). */
function forwardedToCentral(event: Json): Json {
  return structuredClone(event);
}

const corpus = loadCloudTrailCorpus().map((record) => {
  const raw = (record.value.detail ?? record.value) as Json;
  const parsed = cloudTrailRecordSchema.safeParse(raw);
  return { key: record.key, raw, alerts: parsed.success && classifyEvent(parsed.data, DEFAULT_CATALOG).kind === 'alert' };
});
const regional = corpus.filter((c) => c.alerts && !GLOBAL_EVENT_SOURCES.includes(String(c.raw.eventSource)));

describe('events forwarded to the central bus', () => {
  it('never depend on account or region in the central patterns', () => {
    for (const rule of centralRules) {
      expect(rule.pattern.account).toBeUndefined();
      expect(rule.pattern.region).toBeUndefined();
    }
  });

  it.each([
    ['a forwarder stack in eu-north-1 of the central account', forwarderRules, CENTRAL_ACCOUNT],
    ['the member template in eu-north-1 of a member account', memberRegionalRules, MEMBER_ACCOUNT],
  ])('from %s: every regional event the catalog alerts on is forwarded and matches a central rule unchanged', (_, rules, account) => {
    expect(regional.length).toBeGreaterThan(20);
    const lost = regional
      .map((c) => ({ key: c.key, event: recordedIn(c.raw, 'eu-north-1', account) }))
      .filter(({ event }) => {
        const forwarded = rules.some((rule) => deliveredToRule(rule, event));
        const central = forwarded && centralRules.some((rule) => deliveredToRule(rule, forwardedToCentral(event)));
        return !central;
      })
      .map((c) => c.key);
    expect(lost).toEqual([]);
  });

  it('forward nothing the central rules would not deliver (forwarders are never wider than the catalog)', () => {
    const overForwarded = corpus
      .map((c) => ({ key: c.key, event: recordedIn(c.raw, 'eu-north-1', MEMBER_ACCOUNT) }))
      .filter(({ event }) => [...forwarderRules, ...memberRegionalRules].some((rule) => deliveredToRule(rule, event)))
      .filter(({ event }) => !centralRules.some((rule) => deliveredToRule(rule, forwardedToCentral(event))));
    expect(overForwarded.map((c) => c.key)).toEqual([]);
  });

  it('bring a ConsoleLogin without MFA recorded in eu-north-1 of a member account to the sign-in rule, with its account and region', () => {
    // AWS's own example of an IAM user's console sign-in (CloudTrail User Guide), recorded in
    // us-east-2; here as if recorded in eu-north-1 of a member account.
    const record = corpus.find((c) => c.key === 'awsdocs-cloudtrail-user-guide:1')!.raw;
    expect(record).toMatchObject({ eventName: 'ConsoleLogin', additionalEventData: { MFAUsed: 'No' } });
    const event = recordedIn(record, 'eu-north-1', MEMBER_ACCOUNT);

    const forwardedBy = memberRegionalRules.filter((rule) => deliveredToRule(rule, event)).map((r) => r.name);
    const arrived = forwardedToCentral(event);
    const matchedBy = centralRules.filter((rule) => deliveredToRule(rule, arrived)).map((r) => r.name);
    const verdict = classifyEvent(cloudTrailRecordSchema.parse(arrived.detail), DEFAULT_CATALOG);

    expect(forwardedBy).toEqual(['IamAlerts-org-iam-user-sign-in-without-mfa']);
    expect(matchedBy).toEqual(['IamAlerts-iam-user-sign-in-without-mfa']);
    expect(arrived).toMatchObject({ account: MEMBER_ACCOUNT, region: 'eu-north-1' });
    expect(arrived.detail).toMatchObject({ awsRegion: 'eu-north-1', recipientAccountId: MEMBER_ACCOUNT });
    expect(verdict).toMatchObject({ kind: 'alert', rule: { id: 'iam-user-sign-in-without-mfa' } });
  });
});
