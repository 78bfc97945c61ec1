import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ownResourceRules } from '../../app/catalog/own-resources';
import { loadConfig } from '../../app/config';
import { createLogger } from '../../app/logger';
import { makeNotifierDeps } from '../../handlers/deps';
import { createIamAlertsApp } from '../../infra/app';
import { loadOwnResourceFixtures, toEventBridge } from '../support/corpus';
import { deliveredToRule } from './support/event-pattern-matcher';
import { resolveIntrinsics } from './support/resolve-intrinsics';

/**
 * The rules on iam-alerts' own resources as `cdk synth` writes them, and the settings that let the
 * notifier build the same rules: one list, two places, the same answer.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
type Json = Record<string, any>;
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;
const OWN_RULE_IDS = ownResourceRules({ stackName: 'S', partition: 'aws', region: 'r', account: 'a', deployRoleArnPrefix: 'p' }).map(
  (r) => r.id,
);

function synth(context: Record<string, unknown> = {}) {
  const built = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [], forwarderRegions: 'eu-north-1', ...context },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-own-')),
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  const assembly = built.app.synth();
  const templateOf = (name: string) => assembly.getStackArtifact(name).template as Json;
  return { ...built, templateOf };
}

const rulesOf = (template: Json) =>
  Object.values(template.Resources as Record<string, Json>)
    .filter((r) => r.Type === 'AWS::Events::Rule')
    .map((r) => ({ name: String(r.Properties.Name), pattern: r.Properties.EventPattern as Json, state: String(r.Properties.State) }));

describe('rules on iam-alerts’ own resources in the synthesized stacks', () => {
  const built = synth();
  const central = built.templateOf(built.stack.artifactId);

  it('puts one rule per own-resource rule in the central stack, which deliver exactly the fixture changes the notifier alerts on', () => {
    const own = rulesOf(central).filter((r) => OWN_RULE_IDS.some((id) => r.name === `IamAlerts-${id}`));
    expect(own).toHaveLength(OWN_RULE_IDS.length);
    const resolved = own.map((r) => ({
      pattern: resolveIntrinsics(r.pattern, { account: '123456789012', region: 'us-east-1' }),
      includeReadOnlyEvents: false,
    }));
    // Lines the notifier alerts on (test/catalog/own-resources.test.ts pins each verdict).
    const alerting = [1, 2, 3, 6, 7, 8, 11, 12, 14, 15, 17];
    for (const record of loadOwnResourceFixtures()) {
      const delivered = resolved.some((rule) => deliveredToRule(rule, toEventBridge(record.value)));
      expect({ line: record.line, delivered }).toEqual({ line: record.line, delivered: alerting.includes(record.line) });
    }
  });

  it('excepts CDK’s deployment roles in this account, and the operator’s own prefix when given', () => {
    const fn = rulesOf(central).find((r) => r.name === 'IamAlerts-iam-alerts-function-changed')!;
    expect(JSON.stringify(resolveIntrinsics(fn.pattern, { account: '123456789012', region: 'us-east-1' }))).toContain(
      '"anything-but":{"prefix":"arn:aws:iam::123456789012:role/cdk-hnb659fds-"}',
    );

    const custom = synth({ deployRoleArnPrefix: 'arn:aws:iam::123456789012:role/pipeline-' });
    const customCentral = custom.templateOf(custom.stack.artifactId);
    const customFn = rulesOf(customCentral).find((r) => r.name === 'IamAlerts-iam-alerts-function-changed')!;
    expect(JSON.stringify(customFn.pattern)).toContain('"anything-but":{"prefix":"arn:aws:iam::123456789012:role/pipeline-"}');
    const notifierOf = (template: Json) =>
      Object.values(template.Resources as Record<string, Json>).find(
        (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith('iam-alerts notifier'),
      )!.Properties.Environment.Variables;
    expect(notifierOf(customCentral).DEPLOY_ROLE_ARN_PREFIX).toBe('arn:aws:iam::123456789012:role/pipeline-');

    const qualified = synth({ '@aws-cdk/core:bootstrapQualifier': 'corp1' });
    const qualifiedCentral = qualified.templateOf(qualified.stack.artifactId);
    expect(notifierOf(qualifiedCentral).CDK_BOOTSTRAP_QUALIFIER).toBe('corp1');
    const qualifiedFn = rulesOf(qualifiedCentral).find((r) => r.name === 'IamAlerts-iam-alerts-function-changed')!;
    expect(JSON.stringify(resolveIntrinsics(qualifiedFn.pattern, { account: '123456789012', region: 'us-east-1' }))).toContain(
      'role/cdk-corp1-',
    );
  });

  it('gives the notifier what it needs to build the same rules, and the notifier builds them', async () => {
    const notifier = Object.values(central.Resources as Record<string, Json>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description).startsWith('iam-alerts notifier'),
    )!;
    const vars = notifier.Properties.Environment.Variables;
    expect(vars.IAM_ALERTS_STACK_NAME).toBe('IamAlerts');
    // CDK's default roles: the notifier derives them from HOME_ACCOUNT_ID, as the patterns do.
    expect(vars.DEPLOY_ROLE_ARN_PREFIX).toBeUndefined();
    expect(vars.CDK_BOOTSTRAP_QUALIFIER).toBeUndefined();
    expect(vars.HOME_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });

    const deps = await makeNotifierDeps(
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-test',
        IAM_ALERTS_STACK_NAME: 'IamAlerts',
        HOME_ACCOUNT_ID: '123456789012',
        AWS_REGION: 'us-east-1',
      }),
      createLogger('test'),
    );
    expect(deps.catalog.rules.map((r) => r.id)).toEqual(expect.arrayContaining(OWN_RULE_IDS));
  });

  it('carries the EventBridge rule watch to the forwarders (their rules are its too), not to the member template', () => {
    const forwarder = built.templateOf(built.forwarders[0]!.artifactId);
    const names = rulesOf(forwarder).map((r) => r.name);
    expect(names).toContain('IamAlerts-fwd-iam-alerts-rules-changed');
    expect(names).toContain('IamAlerts-fwd-iam-alerts-rule-targets-changed');
    // Forwarder rules are named IamAlerts-fwd-…: the central watch (prefix IamAlerts-) covers them when forwarded.
    const watch = rulesOf(central).find((r) => r.name === 'IamAlerts-iam-alerts-rules-changed')!;
    expect(watch.pattern.detail.requestParameters).toEqual({ name: [{ prefix: 'IamAlerts-' }] });

    const member = built.member.node.findAll().filter((c) => (c as { cfnResourceType?: string }).cfnResourceType === 'AWS::Events::Rule');
    expect(JSON.stringify(member.map((c) => (c as unknown as { name: string }).name))).not.toContain('iam-alerts-rules-changed');
  });
});
