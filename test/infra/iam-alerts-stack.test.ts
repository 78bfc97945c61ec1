import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { classifyEvent } from '../../app/catalog/classify-event';
import {
  eventPatternComplexity,
  MAX_EVENT_PATTERN_LENGTH,
  MAX_RULE_WILDCARD_COMPLEXITY,
  MAX_WILDCARD_RULES_PER_BUS,
  usesWildcards,
} from '../../app/catalog/event-pattern-limits';
import { cloudTrailRecordSchema } from '../../app/events/cloudtrail-record';
import { createIamAlertsApp } from '../../infra/app';
import { DISABLE_USER_ACTIONS } from '../../infra/stacks/iam-alerts-stack';
import { loadCatalogTestRecords, toEventBridge } from '../support/corpus';
import { deliveredToRule, matchesEventPattern } from './support/event-pattern-matcher';

/**
 * The synthesized stack, checked the way it will be deployed: one synth (with bundling and
 * cdk-nag) shared by every test, plus small synths for settings that change the template.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
const CONTEXT = {
  slackChannelId: 'C0ALERTS',
  responderUserIds: 'U0RESPONDER',
  protectedIamUsers: 'break-glass,admin-*',
  alertEmail: 'security@example.com',
  historyRegions: 'us-east-1,eu-west-1',
  historyViewerUsergroupId: 'S0VIEWERS',
};

type Json = Record<string, any>;
// The feature flags `cdk synth` uses, so that the tests check the template that gets deployed.
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-'));
  const { app, stack } = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, ...context },
    outdir,
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { template: Template.fromStack(stack), report, outdir };
}

let template: Template;
let resources: Record<string, Json>;
let report: Json;
let outdir: string;

beforeAll(() => {
  ({ template, report, outdir } = synth(CONTEXT));
  resources = template.toJSON().Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const eventRules = () =>
  ofType('AWS::Events::Rule').map(([id, r]) => ({
    id,
    name: r.Properties.Name as string,
    pattern: r.Properties.EventPattern as Json,
    includeReadOnlyEvents: r.Properties.State === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
  }));

describe('EventBridge rules built from the rule catalog', () => {
  // The real corpus and the records written for this project (test/fixtures/cloudtrail-written).
  const corpus = loadCatalogTestRecords();
  const judged = corpus.map((record) => {
    const raw = (record.value.detail ?? record.value) as Json;
    const parsed = cloudTrailRecordSchema.safeParse(raw);
    const verdict = parsed.success ? classifyEvent(parsed.data, DEFAULT_CATALOG) : undefined;
    return { record, event: toEventBridge(record.value), verdict };
  });

  it('delivers every corpus record the catalog alerts on to some rule', () => {
    const missed = judged
      .filter((j) => j.verdict?.kind === 'alert')
      .filter((j) => !eventRules().some((rule) => deliveredToRule(rule, j.event)))
      .map((j) => j.record.key);
    expect(judged.filter((j) => j.verdict?.kind === 'alert').length).toBeGreaterThan(100);
    expect(missed).toEqual([]);
  });

  it('delivers no record the catalog ignores, read-only ones included, but the near-misses of content checks', () => {
    const ignored = judged.filter((j) => j.verdict?.kind !== 'alert');
    const overMatched = ignored.filter((j) => eventRules().some((rule) => deliveredToRule(rule, j.event)));
    expect(ignored.some((j) => j.verdict?.kind === 'ignored' && j.verdict.reason.startsWith('read-only'))).toBe(true);
    // A rule with a content check (app/catalog/content-checks.ts) is delivered every call of its
    // names, and the notifier runs the check: its near-misses are the one documented over-match.
    const checked = DEFAULT_CATALOG.rules.filter((r) => r.match.kind === 'api-call' && r.match.check).map((r) => r.id);
    const nearMissOfCheck = (j: (typeof judged)[number]) =>
      j.verdict?.kind === 'ignored' &&
      checked.some((id) => j.verdict!.kind === 'ignored' && j.verdict!.reason.includes(`does not qualify for ${id}:`));
    expect(overMatched.filter((j) => !nearMissOfCheck(j)).map((j) => j.record.key)).toEqual([]);
    expect(overMatched.filter(nearMissOfCheck).length).toBeGreaterThan(3);
  });

  it('carries request conditions into the patterns: their near-misses never leave EventBridge', () => {
    const conditioned = DEFAULT_CATALOG.rules.filter((r) => r.match.kind === 'api-call' && r.match.requestParameters).map((r) => r.id);
    const nearMisses = judged.filter(
      (j) =>
        j.verdict?.kind === 'ignored' &&
        conditioned.some((id) => j.verdict!.kind === 'ignored' && j.verdict!.reason.includes(`does not qualify for ${id}:`)),
    );
    // UpdateDetector enabling, a NOOP filter, NOTIFIED and reopened findings, a Lambda log group, the tag policy type.
    expect(nearMisses.length).toBeGreaterThanOrEqual(6);
    for (const j of nearMisses)
      expect({ key: j.record.key, delivered: eventRules().some((rule) => deliveredToRule(rule, j.event)) }).toEqual({
        key: j.record.key,
        delivered: false,
      });
  });

  it('delivers each alert once, except a catalogued call made with an offensive tool', () => {
    const multiple = judged
      .map((j) => ({ key: j.record.key, rules: eventRules().filter((rule) => deliveredToRule(rule, j.event)) }))
      .filter((m) => m.rules.length > 1);
    for (const m of multiple) expect(m.rules.some((r) => r.name.startsWith('IamAlerts-offensive-tool-user-agent-'))).toBe(true);
  });

  it('covers the root sign-in and CreateUser patterns of AWS guides', () => {
    // From AWS's guides: "Monitor and notify on AWS account root user activity" and the
    // EventBridge tutorial that alerts on IAM CreateUser.
    const awsRootSignIn = { 'detail-type': ['AWS Console Sign In via CloudTrail'], detail: { userIdentity: { type: ['Root'] } } };
    const awsCreateUser = {
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser'] },
    };
    for (const published of [awsRootSignIn, awsCreateUser]) {
      const events = judged.map((j) => j.event).filter((event) => matchesEventPattern(published, event));
      expect(events.length).toBeGreaterThan(2);
      for (const event of events) expect(eventRules().some((rule) => deliveredToRule(rule, event))).toBe(true);
    }
  });

  it('keeps every pattern within EventBridge limits and names rules as the topic policy expects', () => {
    for (const rule of eventRules()) {
      expect(JSON.stringify(rule.pattern).length).toBeLessThanOrEqual(2048);
      expect(rule.name.length).toBeLessThanOrEqual(64);
    }
    const readOnly = eventRules().filter((r) => r.includeReadOnlyEvents);
    expect(readOnly.length).toBeGreaterThan(0);
    // Offensive tools are caught on read-only calls too, and GetSigninToken reads like one (Get...).
    for (const rule of readOnly) expect(rule.name).toMatch(/^IamAlerts-(offensive-tool-user-agent-|api-calls-signin$)/);
    const names = template.toJSON().Outputs.EventRuleNames.Value.split(',');
    expect(names.sort()).toEqual(
      eventRules()
        .map((r) => r.name)
        .sort(),
    );
  });

  it('changes the patterns when the operator changes the catalog, and bundles the same rules file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iam-alerts-rules-'));
    const rulesFile = join(dir, 'rules.yml');
    writeFileSync(
      rulesFile,
      [
        'rules:',
        '  disable: [CreateUser]',
        '  add:',
        '    - id: kms-schedule-key-deletion',
        '      title: KMS key deletion scheduled',
        '      severity: high',
        '      why: Deleting a key destroys everything encrypted with it.',
        '      match: { kind: api-call, eventSource: kms.amazonaws.com, eventNames: [ScheduleKeyDeletion] }',
      ].join('\n'),
    );
    const custom = synth({ ...CONTEXT, alertRulesFile: rulesFile });
    const rules = Object.values(custom.template.toJSON().Resources as Record<string, Json>).filter((r) => r.Type === 'AWS::Events::Rule');
    const iam = rules.find((r) => r.Properties.Name === 'IamAlerts-api-calls-iam')!;
    expect(iam.Properties.EventPattern.detail.eventName).not.toContain('CreateUser');
    expect(iam.Properties.EventPattern.detail.eventName).toContain('CreateAccessKey');
    const kms = rules.find((r) => r.Properties.Name === 'IamAlerts-api-calls-kms')!;
    expect(kms.Properties.EventPattern).toMatchObject({ source: ['aws.kms'], detail: { eventName: ['ScheduleKeyDeletion'] } });
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'iam-alerts notifier: CloudTrail event from SNS to a Slack alert',
      Environment: { Variables: { ALERT_RULES_FILE: '/var/task/alert-rules.yml' } },
    });
    // The notifier's bundle carries the rules file it was synthesized with.
    const bundled = readdirSync(custom.outdir)
      .filter((d) => d.startsWith('asset.'))
      .some((d) => readdirSync(join(custom.outdir, d)).includes('alert-rules.yml'));
    expect(bundled).toBe(true);
  });
});

describe('every synthesized AWS::Events::Rule is one EventBridge accepts', () => {
  const allRules = () => ofType('AWS::Events::Rule').map(([id, r]) => ({ id, props: r.Properties as Json }));

  it('keeps each rule within the wildcard complexity limit (event-ruler model) and 2,048 characters', () => {
    const rules = allRules().filter((r) => r.props.EventPattern);
    expect(rules.length).toBeGreaterThan(10);
    for (const { props } of rules) {
      const { score } = eventPatternComplexity(props.EventPattern);
      expect({ rule: props.Name, score: score <= MAX_RULE_WILDCARD_COMPLEXITY }).toEqual({ rule: props.Name, score: true });
      expect(JSON.stringify(props.EventPattern).length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_LENGTH);
    }
  });

  it('needs no more wildcard rules on one bus than EventBridge allows', () => {
    const byBus = new Map<string, number>();
    for (const { props } of allRules()) {
      if (!props.EventPattern || !usesWildcards(props.EventPattern)) continue;
      const bus = JSON.stringify(props.EventBusName ?? 'default');
      byBus.set(bus, (byBus.get(bus) ?? 0) + 1);
    }
    expect(byBus.size).toBeGreaterThan(0);
    for (const count of byBus.values()) expect(count).toBeLessThanOrEqual(MAX_WILDCARD_RULES_PER_BUS);
  });
});

describe('SNS topic and KMS key', () => {
  it('encrypts the alert topic with a rotating customer-managed key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'IamAlerts-alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicsKey'), 'Arn'] },
    });
  });

  it('lets EventBridge use the key only for the alert topic', () => {
    const [, key] = ofType('AWS::KMS::Key')[0]!;
    const statement = key.Properties.KeyPolicy.Statement.find((s: Json) => s.Principal?.Service === 'events.amazonaws.com');
    expect(statement.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(JSON.stringify(statement.Condition.StringEquals['kms:EncryptionContext:aws:sns:topicArn'])).toContain(':IamAlerts-alerts');
    // The encryption context names this account's topic: the key serves no other topic or account.
    expect(JSON.stringify(statement.Condition.StringEquals['kms:EncryptionContext:aws:sns:topicArn'])).toContain(
      '{"Ref":"AWS::AccountId"}',
    );
    const cloudwatch = key.Properties.KeyPolicy.Statement.find((s: Json) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(JSON.stringify(cloudwatch.Condition)).toContain(':IamAlerts-ops');
    // Nobody else gets the key through a service principal.
    const services = key.Properties.KeyPolicy.Statement.map((s: Json) => s.Principal?.Service).filter(Boolean);
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
  });

  it('lets events.amazonaws.com publish only for these rules, and refuses requests without TLS', () => {
    const policies = ofType('AWS::SNS::TopicPolicy').map(([, p]) => p.Properties);
    const alerts = policies.find((p) => JSON.stringify(p).includes('AllowOnlyIamAlertsEventRules'))!;
    const statements = alerts.PolicyDocument.Statement as Json[];
    const publish = statements.find((s) => s.Sid === 'AllowOnlyIamAlertsEventRules')!;
    expect(publish).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' });
    const sourceArns = JSON.stringify(publish.Condition.ArnEquals['aws:SourceArn']);
    for (const rule of eventRules()) expect(sourceArns).toContain(`:rule/${rule.name}`);
    expect(publish.Condition.ArnEquals['aws:SourceArn']).toHaveLength(eventRules().length);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    // No statement lets EventBridge (or anyone) publish without the source condition.
    const unconditioned = statements.filter(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('sns:Publish') && !s.Condition,
    );
    expect(unconditioned).toEqual([]);
  });

  it('sends every alert and alarm to the alert email', () => {
    const emails = ofType('AWS::SNS::Subscription').filter(([, s]) => s.Properties.Protocol === 'email');
    expect(emails).toHaveLength(2);
    expect(template.toJSON().Outputs.AlertEmailSubscription.Value).toBe('security@example.com');
  });
});

describe('functions', () => {
  const fn = (description: string) => ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Description.startsWith(description))!;

  it('runs nodejs22.x on ARM64 with source maps', () => {
    for (const [, f] of ofType('AWS::Lambda::Function')) {
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
      // No --enable-source-maps: the bundles map their own stacks when one is logged (handlers/lambda-prelude.ts).
      expect(f.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
    // The notifier, the Slack function and the triage scheduler.
    expect(ofType('AWS::Lambda::Function')).toHaveLength(3);
  });

  it('gives the notifier the settings it reads (app/config.ts) and the shared state table', () => {
    const [, notifier] = fn('iam-alerts notifier');
    const vars = notifier.Properties.Environment.Variables;
    expect(vars).toMatchObject({
      SLACK_CHANNEL_ID: 'C0ALERTS',
      POWERTOOLS_SERVICE_NAME: 'iam-alerts-notifier',
      POWERTOOLS_METRICS_NAMESPACE: 'IamAlerts',
      SLACK_SECRET_ARN: { Ref: expect.stringMatching(/^SlackSecret/) },
    });
    expect(vars.IDEMPOTENCY_TABLE_NAME).toEqual(vars.STATE_TABLE_NAME);
    expect(vars.ALERT_RULES_FILE).toBeUndefined();
  });

  it('gives the Slack function its settings and a Function URL with auth NONE', () => {
    const [, slack] = fn('iam-alerts Slack app');
    expect(slack.Properties.Environment.Variables).toMatchObject({
      SLACK_CHANNEL_ID: 'C0ALERTS',
      RESPONDER_USER_IDS: 'U0RESPONDER',
      PROTECTED_IAM_USERS: 'break-glass,admin-*',
      HISTORY_REGIONS: 'us-east-1,eu-west-1',
      HISTORY_VIEWER_USERGROUP_ID: 'S0VIEWERS',
    });
    // event: searches are held to the services the catalog watches (the same list the notifier uses).
    const sources = String(slack.Properties.Environment.Variables.HISTORY_EVENT_SOURCES).split(',');
    expect(sources).toEqual(expect.arrayContaining(['iam.amazonaws.com', 'signin.amazonaws.com', 'sts.amazonaws.com']));
    expect(sources).not.toContain('s3.amazonaws.com');
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    expect(template.toJSON().Outputs.SlackRequestUrl.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'FunctionUrl'] });
  });

  it('stores state in one on-demand, encrypted table with PITR and the idempotency TTL', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('IAM least privilege', () => {
  const statements = () =>
    [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::Role')].flatMap(([id, r]) => {
      const docs =
        r.Type === 'AWS::IAM::Policy' ? [r.Properties.PolicyDocument] : (r.Properties.Policies ?? []).map((p: Json) => p.PolicyDocument);
      return docs.flatMap((d: Json) => d.Statement.map((s: Json) => ({ id, ...s })));
    });
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

  it('never allows a wildcard action on IAM, or anything like iam:*', () => {
    for (const s of statements()) {
      for (const action of list(s.Action)) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^iam:.*\*/);
      }
    }
  });

  it('scopes every resource that can be scoped (only cloudtrail:LookupEvents needs *)', () => {
    const unscoped = statements().filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'));
    expect(unscoped.flatMap((s) => list(s.Action))).toEqual(['cloudtrail:LookupEvents']);
  });

  it('lets Disable User act on IAM users of this account only, and never on protected users', () => {
    // The notifier's iam:ListUserTags (owner tags, issue 14) is checked in triage-stack.test.ts.
    const iamStatements = statements().filter(
      (s) => list(s.Action).some((a: string) => a.startsWith('iam:')) && s.Sid !== 'ReadIamUserOwnerTags',
    );
    const allows = iamStatements.filter((s) => s.Effect === 'Allow');
    for (const allow of allows)
      expect(JSON.stringify(allow.Resource)).toMatch(
        /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::",\{"Ref":"AWS::AccountId"\},":user\/\*"\]\]\}$/,
      );
    expect(allows.flatMap((s) => list(s.Action)).sort()).toEqual([...DISABLE_USER_ACTIONS].sort());
    const deny = iamStatements.find((s) => s.Effect === 'Deny')!;
    expect([...deny.Action].sort()).toEqual([...DISABLE_USER_ACTIONS].sort());
    const denied = JSON.stringify(deny.Resource);
    for (const name of ['user/break-glass', 'user/*/break-glass', 'user/admin-*', 'user/*/admin-*']) expect(denied).toContain(`:${name}"`);
  });

  it("keeps the Slack role to its own state items (alert state, job nonces, triage answers), away from the notifier's dedupe records", () => {
    const dynamo = statements().filter((s) => list(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    const forSlack = dynamo.filter((s) => s.Sid === 'SlackSideStateItems');
    expect(forSlack).toHaveLength(1);
    expect([...list(forSlack[0]!.Action)].sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(forSlack[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alert#*', 'job-nonce#*', 'triage#*'] },
    });
    // Every other DynamoDB grant belongs to the notifier's role, not the Slack function's.
    const slackPolicies = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes('"SlackRole'))
      .map(([id]) => id);
    for (const s of dynamo.filter((d) => d.Sid !== 'SlackSideStateItems')) expect(slackPolicies).not.toContain(s.id);
    expect(slackPolicies).toContain(forSlack[0]!.id);
  });

  it('grants no unconditioned policy or tag write: only AWSDenyAll, only iam-alerts:* keys, no PutUserPolicy', () => {
    const allows = statements().filter((s) => s.Effect === 'Allow');
    const actions = allows.flatMap((s) => list(s.Action) as string[]);
    expect(actions.filter((a) => /^iam:Put\w*Policy$/.test(a))).toEqual([]);
    const writes = allows.filter((s) =>
      list(s.Action).some((a: string) => /^iam:(\w*Policy|Tag\w*|Untag\w*)$/.test(a) && !/^iam:(Get|List)/.test(a)),
    );
    expect(writes.map((s) => s.Sid).sort()).toEqual(['AttachOnlyAwsDenyAll', 'RemoveLegacyDenyPolicy', 'TagOnlyIamAlertsKeys']);
    for (const s of writes) expect(s.Condition).toBeDefined();
    const bySid = Object.fromEntries(writes.map((s) => [s.Sid, s]));
    expect(bySid.AttachOnlyAwsDenyAll).toMatchObject({
      Action: ['iam:AttachUserPolicy', 'iam:DetachUserPolicy'],
      Condition: {
        ArnEquals: { 'iam:PolicyARN': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] } },
      },
    });
    expect(bySid.TagOnlyIamAlertsKeys).toMatchObject({
      Action: ['iam:TagUser', 'iam:UntagUser'],
      Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['iam-alerts:*'] }, Null: { 'aws:TagKeys': 'false' } },
    });
    // IAM has no condition key for an inline policy's name: only users iam-alerts tagged as disabled.
    expect(bySid.RemoveLegacyDenyPolicy).toMatchObject({
      Action: 'iam:DeleteUserPolicy',
      Condition: { Null: { 'aws:ResourceTag/iam-alerts:disabled-by': 'false' } },
    });
  });

  it('lets the role delete no inline policy at all once legacyDenyPolicyRemoval is off', () => {
    const { app, stack } = createIamAlertsApp({
      context: { ...CDK_JSON_CONTEXT, ...CONTEXT, legacyDenyPolicyRemoval: 'false', 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
      stackProps: { projectRoot: PROJECT_ROOT },
    });
    app.synth();
    const allowed = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, Json>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list(s.Action));
    expect(allowed).toContain('iam:AttachUserPolicy');
    expect(allowed).not.toContain('iam:DeleteUserPolicy');
  });

  it('denies protected users exactly as spelled (IAM ARNs are case-sensitive), names with commas included', () => {
    const { app, stack } = createIamAlertsApp({
      context: { ...CDK_JSON_CONTEXT, ...CONTEXT, protectedIamUsers: '["ops,admin","Break-Glass"]', 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
      stackProps: { projectRoot: PROJECT_ROOT },
    });
    app.synth();
    const json = Template.fromStack(stack).toJSON();
    const docs = Object.values(json.Resources as Record<string, Json>)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Json[]);
    const deny = docs.find((s) => s.Sid === 'NeverTouchProtectedUsers')!;
    const tails = (deny.Resource as Json[]).map((r) => JSON.stringify(r).match(/:user\/([^"]+)"\]\]\}$/)?.[1]);
    expect(tails.sort()).toEqual(['*/Break-Glass', '*/ops,admin', 'Break-Glass', 'ops,admin']);
    const slackFn = Object.values(json.Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.startsWith('iam-alerts Slack'),
    )!;
    // The app reads the same names back (JSON, since one contains a comma) and compares them case-sensitively too.
    expect(slackFn.Properties.Environment.Variables.PROTECTED_IAM_USERS).toBe('["ops,admin","Break-Glass"]');
  });

  it('lists every IAM call that the containment code makes', () => {
    const dir = join(PROJECT_ROOT, 'app/containment');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const calls = new Set<string>();
    for (const [, name] of source.matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)) calls.add(`iam:${name}`);
    for (const [, name] of source.matchAll(/\bpaginate([A-Z][A-Za-z]+)\b/g)) calls.add(`iam:${name}`);
    expect(calls.size).toBeGreaterThan(5);
    expect([...calls].filter((c) => !(DISABLE_USER_ACTIONS as readonly string[]).includes(c))).toEqual([]);
  });

  it('lets anyone reach the Slack function only through its URL (Slack signs the requests)', () => {
    const publicPermissions = ofType('AWS::Lambda::Permission').filter(([, p]) => p.Properties.Principal === '*');
    expect(publicPermissions.length).toBeGreaterThan(0);
    for (const [, p] of publicPermissions) {
      expect(p.Properties.FunctionUrlAuthType === 'NONE' || p.Properties.InvokedViaFunctionUrl === true).toBe(true);
    }
  });

  it('lets the Slack function invoke only itself', () => {
    // The triage schedule's role, which may invoke only the scheduler, is checked in triage-stack.test.ts.
    const invoke = statements().filter(
      (s) => list(s.Action).includes('lambda:InvokeFunction') && !String(s.id).startsWith('TriageScheduler'),
    );
    expect(invoke).toHaveLength(1);
    const [, slackFn] = ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Description.startsWith('iam-alerts Slack'))!;
    const slackId = ofType('AWS::Lambda::Function').find(([, f]) => f === slackFn)![0];
    expect(invoke[0]!.Resource).toEqual({ 'Fn::GetAtt': [slackId, 'Arn'] });
  });
});

describe('failure handling', () => {
  it('has a dead-letter queue on every rule target, the SNS subscription and both functions', () => {
    for (const [, r] of ofType('AWS::Events::Rule')) expect(r.Properties.Targets[0].DeadLetterConfig.Arn).toBeDefined();
    const queuePolicy = ofType('AWS::SQS::QueuePolicy')
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[])
      .find((s) => s.Sid === 'AllowOnlyIamAlertsEventRules')!;
    expect(queuePolicy.Condition.ArnEquals['aws:SourceArn']).toHaveLength(eventRules().length);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    // The triage scheduler's empty scheduled events are not kept: the next minute's run catches up.
    for (const [id, f] of ofType('AWS::Lambda::Function')) {
      if (!id.startsWith('TriageScheduler')) expect(f.Properties.DeadLetterConfig.TargetArn).toBeDefined();
    }
    for (const [, q] of ofType('AWS::SQS::Queue')) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('alarms on DLQ depth, function errors and Slack configuration errors, to the ops topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(3);
    // One per EventBridge rule: a policy that blocks EventBridge shows up as FailedInvocations.
    const failed = alarms.filter((a) => a.MetricName === 'FailedInvocations');
    expect(failed.map((a) => a.Dimensions[0].Value).sort()).toEqual(
      eventRules()
        .map((r) => r.name)
        .sort(),
    );
    expect(alarms.find((a) => a.MetricName === 'SlackConfigError')).toMatchObject({
      Namespace: 'IamAlerts',
      Dimensions: [{ Name: 'service', Value: 'iam-alerts-notifier' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const [opsId] = ofType('AWS::SNS::Topic').find(([, t]) => t.Properties.TopicName === 'IamAlerts-ops')!;
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: opsId }]);
  });
});

describe('trail, region and outputs', () => {
  it('creates a multi-region management-event trail into a locked-down bucket', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      TrailName: 'IamAlerts-trail',
    });
    const trail = ofType('AWS::CloudTrail::Trail')[0]![1];
    const bucketId = trail.Properties.S3BucketName.Ref;
    expect(resources[bucketId]!.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 365, Status: 'Enabled' })] },
    });
    const bucketPolicy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)![1];
    expect(bucketPolicy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('refuses to deploy outside us-east-1 at deploy time', () => {
    const rules = template.toJSON().Rules;
    expect(rules.OnlyInUsEast1.Assertions[0].Assert).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  it('refuses another region at synth time when the region is known', () => {
    expect(() => createIamAlertsApp({ context: CONTEXT, stackProps: { projectRoot: PROJECT_ROOT, env: { region: 'eu-west-1' } } })).toThrow(
      /delivered to EventBridge in us-east-1 only/,
    );
  });

  it('has the outputs the doctor reads', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    for (const key of [
      'SlackRequestUrl',
      'AlertTopicArn',
      'SlackSecretArn',
      'SlackSecretName',
      'NotifierFunctionName',
      'SlackFunctionName',
      'EventRuleNames',
      'TrailName',
    ]) {
      expect(outputs).toContain(key);
    }
  });

  it('can use an existing trail instead of creating one', () => {
    const { app, stack } = createIamAlertsApp({
      context: { ...CDK_JSON_CONTEXT, ...CONTEXT, createTrail: 'false', 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
      stackProps: { projectRoot: PROJECT_ROOT },
    });
    app.synth();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudTrail::Trail', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    expect(Object.keys(t.toJSON().Outputs)).not.toContain('TrailName');
  });

  it('reports an existing trail by name, so that the doctor can check it logs', () => {
    const { app, stack } = createIamAlertsApp({
      context: { ...CDK_JSON_CONTEXT, ...CONTEXT, createTrail: 'false', existingTrailName: 'org-trail', 'aws:cdk:bundling-stacks': [] },
      outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-cdk-')),
      stackProps: { projectRoot: PROJECT_ROOT },
    });
    app.synth();
    expect(Template.fromStack(stack).toJSON().Outputs.TrailName.Value).toBe('org-trail');
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has zero unacknowledged findings, and each acknowledgement has a reason', () => {
    const nag = report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions');
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.length).toBeGreaterThan(0);
    for (const s of nag.suppressedViolations) expect(s.reason.length).toBeGreaterThan(40);
    expect(outdir).toBeTruthy();
  });
});
