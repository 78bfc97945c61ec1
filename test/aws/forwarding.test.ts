import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import { GLOBAL_EVENT_SOURCES } from '../../app/catalog/regional-forwarding';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { createIamAlertsApp } from '../../infra/app';
import { resolveIntrinsics } from '../infra/support/resolve-intrinsics';
import { cloudTrailDetailType, loadCloudTrailCorpus } from '../support/corpus';

/**
 * Forwarding on moto's EventBridge, which sends to an event bus in another account and region
 * (a rule target `arn:aws:events:<region>:<account>:event-bus/<name>`). The rules are exactly as
 * `cdk synth` writes them: the central stack's rules on the central account's us-east-1 default
 * bus, each with an SQS queue as target; the member template's regional rules on a member
 * account's eu-north-1 default bus, and a forwarder stack's rules on the central account's
 * eu-north-1 bus, each targeting the central bus. Corpus records go in through PutEvents where
 * CloudTrail would put them (eu-north-1 of the member account); what reaches the queue is what
 * the central rules let through.
 *
 * Where moto differs from AWS, and why it does not matter here:
 * - moto re-puts a forwarded event on the target bus, so the envelope's `account` and `region`
 *   become the central ones; AWS keeps those of the source (test/infra/forwarded-events.test.ts
 *   checks matching on that shape). iam-alerts takes account and region from the CloudTrail
 *   `detail` (`recipientAccountId`, `awsRegion`), which both keep unchanged.
 * - moto does not check the rule's role or the central bus policy (aws:PrincipalOrgID); the CDK
 *   tests pin those.
 * - accounts: moto picks the account from the `x-moto-account-id` header, which these clients add.
 */

const PROJECT_ROOT = resolve(__dirname, '../..');
const CENTRAL = '111122223333';
const MEMBER = '222233334444';

/** An SDK client whose requests moto attributes to `account`. */
function inAccount<C extends EventBridgeClient | SQSClient>(client: C, account: string): C {
  (client.middlewareStack as EventBridgeClient['middlewareStack']).add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}

type Rule = { name: string; pattern: Record<string, unknown>; state: string; condition?: string };

function synthesizedRules() {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  const { app, stack, forwarders, member } = createIamAlertsApp({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], organizationId: 'o-a1b2c3d4e5', forwarderRegions: 'eu-north-1' },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-moto-fwd-')),
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  app.synth();
  // Patterns as CloudFormation resolves them where each template is deployed (the own-resource
  // rules name the account and region in ARNs).
  const rules = (template: { Resources: Record<string, any> }, env: { account: string; region: string }): Rule[] =>
    Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Events::Rule')
      .map((r) => ({
        name: r.Properties.Name,
        pattern: resolveIntrinsics(r.Properties.EventPattern, env),
        state: r.Properties.State,
        condition: r.Condition,
      }));
  return {
    central: rules(Template.fromStack(stack).toJSON() as never, { account: CENTRAL, region: 'us-east-1' }),
    forwarder: rules(Template.fromStack(forwarders.find((f) => f.region === 'eu-north-1')!).toJSON() as never, {
      account: CENTRAL,
      region: 'eu-north-1',
    }),
    memberRegional: rules(Template.fromStack(member).toJSON() as never, { account: MEMBER, region: 'eu-north-1' }).filter(
      (r) => r.condition === 'ForwardRegionalPatterns',
    ),
  };
}

const centralBus = `arn:aws:events:us-east-1:${CENTRAL}:event-bus/default`;
const centralEvents = inAccount(new EventBridgeClient({ region: 'us-east-1' }), CENTRAL);
const centralSqs = inAccount(new SQSClient({ region: 'us-east-1' }), CENTRAL);

async function putRules(
  client: EventBridgeClient,
  rules: readonly Rule[],
  target: (rule: Rule) => { Id: string; Arn: string; RoleArn?: string },
) {
  for (const rule of rules) {
    await client.send(new PutRuleCommand({ Name: rule.name, EventPattern: JSON.stringify(rule.pattern), State: rule.state as never }));
    await client.send(new PutTargetsCommand({ Rule: rule.name, Targets: [target(rule)] }));
  }
}

async function drain(url: string): Promise<Array<Record<string, any>>> {
  const bodies: Array<Record<string, any>> = [];
  for (;;) {
    const { Messages = [] } = await centralSqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
  }
}

/** CloudTrail's record as recorded in eu-north-1 of `account`, with an event ID that names its corpus line. */
function entry(key: string, raw: Record<string, unknown>, account: string): PutEventsRequestEntry {
  const detail = { ...raw, awsRegion: 'eu-north-1', recipientAccountId: account, eventID: `fwd-${account}-${key}` };
  return {
    Source: `aws.${String(raw.eventSource).split('.')[0]}`,
    DetailType: cloudTrailDetailType(raw),
    Detail: JSON.stringify(detail),
  };
}

describe('forwarded events on moto EventBridge', () => {
  const rules = synthesizedRules();
  const corpus = loadCloudTrailCorpus().map((record) => {
    const raw = (record.value.detail ?? record.value) as Record<string, unknown>;
    const parsed = cloudTrailRecordSchema.safeParse(raw);
    return { key: record.key, raw, alerts: parsed.success && classifyEvent(parsed.data, DEFAULT_CATALOG).kind === 'alert' };
  });
  const arrived = new Map<string, Record<string, any>>();
  // What the forwarders must carry, and a few IAM calls they must not (moto is slow per PutEvents).
  const regionalAlerts = corpus.filter((c) => c.alerts && !GLOBAL_EVENT_SOURCES.includes(String(c.raw.eventSource)));
  const iamAlerts = corpus.filter(
    (c) => c.alerts && c.raw.eventSource === 'iam.amazonaws.com' && (c.raw.userIdentity as any)?.type !== 'Root',
  );

  beforeAll(async () => {
    const { QueueUrl } = await centralSqs.send(new CreateQueueCommand({ QueueName: 'it-central-forwarded' }));
    const { Attributes } = await centralSqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await putRules(centralEvents, rules.central, () => ({ Id: 'AlertsQueue', Arn: Attributes!.QueueArn! }));
    const toCentral = (account: string) => () => ({
      Id: 'CentralEventBus',
      Arn: centralBus,
      RoleArn: `arn:aws:iam::${account}:role/forward`,
    });
    const memberEuNorth = inAccount(new EventBridgeClient({ region: 'eu-north-1' }), MEMBER);
    const centralEuNorth = inAccount(new EventBridgeClient({ region: 'eu-north-1' }), CENTRAL);
    await putRules(memberEuNorth, rules.memberRegional, toCentral(MEMBER));
    await putRules(centralEuNorth, rules.forwarder, toCentral(CENTRAL));

    for (const [client, account] of [
      [memberEuNorth, MEMBER],
      [centralEuNorth, CENTRAL],
    ] as const) {
      const entries = [...regionalAlerts, ...iamAlerts.slice(0, 5)].map((c) => entry(c.key, c.raw, account));
      for (let i = 0; i < entries.length; i += 10) {
        const { FailedEntryCount } = await client.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
        expect(FailedEntryCount).toBe(0);
      }
    }
    for (const message of await drain(QueueUrl!)) arrived.set(String(message.detail.eventID), message);
  }, 240_000);

  it.each([
    ['the member template, from a member account', MEMBER],
    ['a forwarder stack, from the central account', CENTRAL],
  ])('bring every regional event the catalog alerts on from eu-north-1 to the central rules, via %s', (_, account) => {
    const missing = regionalAlerts.filter((c) => !arrived.has(`fwd-${account}-${c.key}`)).map((c) => c.key);

    expect(regionalAlerts.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('forward no IAM call from eu-north-1 (IAM is recorded in us-east-1 only, where the central rules see it)', () => {
    const iam = [...arrived.values()].filter((m) => m.detail.eventSource === 'iam.amazonaws.com');
    expect(iamAlerts.length).toBeGreaterThanOrEqual(5);
    expect(iam.map((m) => m.detail.eventID)).toEqual([]);
  });

  it('keep the account and region in the CloudTrail detail: a ConsoleLogin without MFA in eu-north-1 of a member account', () => {
    const message = arrived.get(`fwd-${MEMBER}-awsdocs-cloudtrail-user-guide:1`)!;

    expect(message).toBeDefined();
    expect(message.detail).toMatchObject({
      eventName: 'ConsoleLogin',
      awsRegion: 'eu-north-1',
      recipientAccountId: MEMBER,
      additionalEventData: { MFAUsed: 'No' },
    });
    expect(message['detail-type']).toBe('AWS Console Sign In via CloudTrail');
  });
});
