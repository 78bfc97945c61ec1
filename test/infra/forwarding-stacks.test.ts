import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { stringify } from 'yaml';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import {
  eventPatternComplexity,
  MAX_EVENT_PATTERN_LENGTH,
  MAX_RULE_WILDCARD_COMPLEXITY,
  MAX_WILDCARD_RULES_PER_BUS,
  usesWildcards,
} from '../../app/catalog/event-pattern-limits';
import {
  DEFAULT_FORWARDER_REGIONS,
  globalServiceEventPatternsFor,
  regionalEventPatternsFor,
  SIGN_IN_REGIONS,
} from '../../app/catalog/regional-forwarding';
import { RESPONDER_ROLE_NAME } from '../../app/containment/responder-role';
import { createIamAlertsApp } from '../../infra/app';
import { DISABLE_USER_ACTIONS } from '../../infra/stacks/iam-alerts-stack';
import { MAX_TEMPLATE_BODY_BYTES } from '../../scripts/write-member-template';

/**
 * The forwarder stacks (one per region) and the member-account template (StackSets), checked as
 * `cdk synth` writes them, beside the central stack they feed.
 */
const PROJECT_ROOT = resolve(__dirname, '../..');
type Json = Record<string, any>;
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Json;
const ORG = 'o-a1b2c3d4e5';

function synth(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-fwd-'));
  const built = createIamAlertsApp({
    context: { ...CDK_JSON_CONTEXT, slackChannelId: 'C0ALERTS', 'aws:cdk:bundling-stacks': [], ...context },
    outdir,
    stackProps: { projectRoot: PROJECT_ROOT },
  });
  const assembly = built.app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { ...built, assembly, report, outdir };
}

const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
const resourcesOf = (template: Json, type: string) =>
  Object.entries(template.Resources as Record<string, Json>).filter(([, r]) => r.Type === type);
const statementsOf = (policy: Json) => policy.PolicyDocument.Statement as Json[];

const built = synth({ organizationId: ORG, protectedIamUsers: 'break-glass,admin-*', identityCenterRegion: 'ap-east-1' });
const central = Template.fromStack(built.stack).toJSON();
const forwarder = (region: string) => {
  const stack = built.forwarders.find((f) => f.region === region)!;
  return { stack, template: Template.fromStack(stack).toJSON() };
};
const member = Template.fromStack(built.member).toJSON();

describe('forwarder stacks', () => {
  it('exist for the default regions, the sign-in regions and the Identity Center home region, never us-east-1', () => {
    const regions = built.forwarders.map((f) => f.region).sort();

    expect(regions).toEqual([...new Set([...DEFAULT_FORWARDER_REGIONS, ...SIGN_IN_REGIONS, 'ap-east-1'])].sort());
    expect(regions).not.toContain('us-east-1');
    expect(built.forwarders.map((f) => f.stackName)).toContain('IamAlerts-forwarder-eu-north-1');
    // The central stack says where its forwarders are, for the doctor.
    expect(central.Outputs.ForwarderRegions.Value).toBe(regions.join(','));
  });

  it('follow the forwarderRegions setting, and none means none', () => {
    const listed = synth({ forwarderRegions: 'eu-west-1,us-east-1' });
    expect(listed.forwarders.map((f) => f.region).sort()).toEqual(['ap-southeast-2', 'eu-north-1', 'eu-west-1', 'us-east-2']);

    const none = synth({ forwarderRegions: 'none' });
    expect(none.forwarders).toEqual([]);
    expect(Template.fromStack(none.stack).toJSON().Outputs.ForwarderRegions.Value).toBe('none');
  });

  it('carry every pattern that can occur in the region, and nothing recorded only in us-east-1', () => {
    const { template } = forwarder('eu-north-1');
    const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const expected = regionalEventPatternsFor(DEFAULT_CATALOG);

    // Plus the watch on iam-alerts' own EventBridge rules, its only resources in the region (app/catalog/own-resources.ts).
    const ownWatch = ['iam-alerts-rules-changed', 'iam-alerts-rules-changed-watch', 'iam-alerts-rule-targets-changed'];
    expect(rules.map((r) => r.Name).sort()).toEqual(
      [...expected.map((p) => p.id), ...ownWatch].map((id) => `IamAlerts-fwd-${id}`.slice(0, 64)).sort(),
    );
    for (const pattern of expected) {
      const rule = rules.find((r) => r.Name === `IamAlerts-fwd-${pattern.id}`.slice(0, 64))!;
      expect(rule.EventPattern).toEqual(pattern.pattern);
      expect(rule.State).toBe(pattern.includeReadOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED');
    }
    const sources = rules.flatMap((r) => list(r.EventPattern.source ?? []));
    expect(sources).toEqual(expect.arrayContaining(['aws.signin', 'aws.cloudtrail', 'aws.sso', 'aws.sts']));
    expect(sources).not.toContain('aws.iam');
    expect(JSON.stringify(rules)).not.toContain('iam.amazonaws.com');
    // Root activity comes from every service: its rule has no source at all.
    expect(rules.some((r) => r.Name === 'IamAlerts-fwd-root-activity')).toBe(true);
    // Read-only STS calls (TruffleHog's GetCallerIdentity) reach only rules in this state.
    const offensive = rules.filter((r) => r.Name.startsWith('IamAlerts-fwd-offensive-tool-user-agent-'));
    expect(offensive.length).toBeGreaterThan(0);
    for (const r of offensive) {
      expect(r.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      expect(r.EventPattern.detail.eventSource).toEqual(['sts.amazonaws.com']);
    }
  });

  it('send to the central us-east-1 default bus through a role that may only put events on it', () => {
    const { template } = forwarder('ap-southeast-2');
    const busArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:', { Ref: 'AWS::AccountId' }, ':event-bus/default']],
    };
    const [roleId, role] = resourcesOf(template, 'AWS::IAM::Role')[0]!;

    for (const [, rule] of resourcesOf(template, 'AWS::Events::Rule')) {
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'CentralEventBus',
          Arn: busArn,
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
      ]);
    }
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, p]) => statementsOf(p.Properties));
    expect(statements).toEqual([{ Sid: 'PutEventsOnTheCentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }]);
    expect(resourcesOf(template, 'AWS::IAM::Role')).toHaveLength(1);
  });

  it('need no bootstrap in their region: no assets, no bootstrap-version rule, the us-east-1 deploy roles', () => {
    const { stack, template } = forwarder('eu-north-1');
    const artifact = built.assembly.getStackArtifact(stack.artifactId);

    expect(stack.region).toBe('eu-north-1');
    expect(template.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(template.Parameters?.BootstrapVersion).toBeUndefined();
    expect(artifact.assets).toEqual([]);
    expect(artifact.stackTemplateAssetObjectUrl).toBeUndefined();
    // The CLI's own placeholders, filled in at deploy time; the region is fixed to us-east-1.
    const role = (kind: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-hnb659fds-${kind}-\${AWS::AccountId}-us-east-1`;
    expect(artifact.assumeRoleArn).toBe(role('deploy-role'));
    expect(artifact.cloudFormationExecutionRoleArn).toBe(role('cfn-exec-role'));
    // The CLI sends a template inline (as YAML) only up to 50 KiB; beyond, it needs a bootstrap bucket.
    expect(stringify(template).length).toBeLessThanOrEqual(50 * 1024);
  });

  it('are deployed after the central stack', () => {
    for (const f of built.forwarders) expect(f.dependencies.map((d) => d.stackName)).toEqual(['IamAlerts']);
  });
});

describe('member-account template (service-managed StackSets)', () => {
  it('takes the central account, the Slack role and the organization as parameters', () => {
    expect(Object.keys(member.Parameters).sort()).toEqual(['CentralAccountId', 'CentralSlackRoleArn', 'OrganizationId']);
    expect(member.Parameters.CentralAccountId.AllowedPattern).toBe('^\\d{12}$');
    expect(member.Parameters.OrganizationId.AllowedPattern).toBe('^o-[a-z0-9]{10,32}$');
    expect(member.Parameters.CentralSlackRoleArn.AllowedPattern).toBe('^arn:aws[a-z-]*:iam::\\d{12}:role/.+$');
  });

  it('decides by region and account with CloudFormation conditions', () => {
    const inCentralRegion = { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] };
    const isCentralAccount = { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, { Ref: 'CentralAccountId' }] };
    expect(member.Conditions).toEqual({
      InCentralRegion: inCentralRegion,
      IsCentralAccount: isCentralAccount,
      ForwardRegionalPatterns: { 'Fn::Not': [{ 'Fn::And': [{ Condition: 'InCentralRegion' }, { Condition: 'IsCentralAccount' }] }] },
      ForwardGlobalServicePatterns: { 'Fn::And': [{ Condition: 'InCentralRegion' }, { 'Fn::Not': [{ Condition: 'IsCentralAccount' }] }] },
    });
  });

  it('forwards the regional patterns everywhere and, in us-east-1, the IAM ones too: every catalog pattern', () => {
    const rules = resourcesOf(member, 'AWS::Events::Rule').map(([, r]) => r);
    const regional = rules.filter((r) => r.Condition === 'ForwardRegionalPatterns').map((r) => r.Properties);
    const global = rules.filter((r) => r.Condition === 'ForwardGlobalServicePatterns').map((r) => r.Properties);

    expect(regional.length + global.length).toBe(rules.length);
    expect(regional.map((r) => r.EventPattern)).toEqual(regionalEventPatternsFor(DEFAULT_CATALOG).map((p) => p.pattern));
    expect(global.map((r) => r.EventPattern)).toEqual(globalServiceEventPatternsFor(DEFAULT_CATALOG).map((p) => p.pattern));
    expect(global.some((r) => JSON.stringify(r.EventPattern).includes('"aws.iam"'))).toBe(true);
    for (const r of regional) expect(r.Name).toMatch(/^IamAlerts-org-/);
    for (const r of global) expect(r.Name).toMatch(/^IamAlerts-org-global-/);
    const busArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:', { Ref: 'CentralAccountId' }, ':event-bus/default']],
    };
    for (const r of [...regional, ...global]) expect(r.Targets[0].Arn).toEqual(busArn);
    // The forwarding role exists wherever rules may be, and may only put events on the central bus.
    const [, role] = resourcesOf(member, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === undefined)!;
    expect(role.Condition).toBe('ForwardRegionalPatterns');
    const policy = resourcesOf(member, 'AWS::IAM::Policy').map(([, p]) => p);
    expect(policy.map((p) => p.Condition)).toEqual(['ForwardRegionalPatterns']);
    expect(statementsOf(policy[0]!.Properties)).toEqual([
      { Sid: 'PutEventsOnTheCentralBusOnly', Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn },
    ]);
  });

  it('holds IamAlertsResponder in us-east-1 only, trusted by the central Slack role inside the organization only', () => {
    const [, responder] = resourcesOf(member, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === RESPONDER_ROLE_NAME)!;

    expect(responder.Condition).toBe('InCentralRegion');
    expect(responder.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'CentralSlackRoleArn' } },
        Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
      },
    ]);
    expect(member.Outputs.ResponderRoleArn.Condition).toBe('InCentralRegion');
  });

  it('may do exactly what the Slack role may do in its own account: the containment actions, LookupEvents, the protected-user Deny', () => {
    const [, responder] = resourcesOf(member, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === RESPONDER_ROLE_NAME)!;
    const granted = responder.Properties.Policies.flatMap((p: Json) => p.PolicyDocument.Statement as Json[]);
    const slackRoleStatements = resourcesOf(central, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes('"SlackRole'))
      .flatMap(([, p]) => statementsOf(p.Properties));
    const containmentSids = granted.map((s: Json) => s.Sid);

    expect(containmentSids.sort()).toEqual(
      [
        'AttachOnlyAwsDenyAll',
        'DisableUser',
        'IamEventsHistory',
        'NeverTouchProtectedUsers',
        'RemoveLegacyDenyPolicy',
        'TagOnlyIamAlertsKeys',
      ].sort(),
    );
    for (const statement of granted) expect(slackRoleStatements).toContainEqual(statement);
    const actions = granted.filter((s: Json) => s.Effect === 'Allow').flatMap((s: Json) => list(s.Action));
    expect(actions.sort()).toEqual([...DISABLE_USER_ACTIONS, 'cloudtrail:LookupEvents'].sort());
    const deny = granted.find((s: Json) => s.Effect === 'Deny');
    expect([...deny.Action].sort()).toEqual([...DISABLE_USER_ACTIONS].sort());
    expect(JSON.stringify(deny.Resource)).toContain(':user/break-glass"');
    expect(JSON.stringify(deny.Resource)).toContain(':user/*/admin-*"');
    // On the users of the member account itself, never another one.
    for (const s of granted.filter((s: Json) => list(s.Action).some((a: string) => a.startsWith('iam:')))) {
      expect(JSON.stringify(s.Resource)).toContain('{"Ref":"AWS::AccountId"},":user/');
    }
  });

  it('is a plain template StackSets can deploy: no bootstrap rule, no assets, small enough to pass inline', () => {
    const artifact = built.assembly.nestedAssemblies[0]!.nestedAssembly.getStackArtifact(built.member.artifactId);

    expect(member.Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(member.Parameters.BootstrapVersion).toBeUndefined();
    expect(artifact.assets).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(member))).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
    // `cdk deploy --all` deploys top-level stacks only: the member template is not among them.
    expect(built.assembly.stacks.map((s) => s.stackName)).not.toContain(built.member.stackName);
  });
});

describe('central stack and organizations', () => {
  const slackFunction = (template: Json) =>
    resourcesOf(template, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Description.startsWith('iam-alerts Slack'))![1];
  const assumeStatements = (template: Json) =>
    resourcesOf(template, 'AWS::IAM::Policy')
      .flatMap(([, p]) => statementsOf(p.Properties))
      .filter((s) => list(s.Action).includes('sts:AssumeRole'));

  it('lets the organization, and nobody else, put events on the default bus', () => {
    const policies = resourcesOf(central, 'AWS::Events::EventBusPolicy').map(([, p]) => p.Properties);
    expect(policies).toEqual([
      {
        EventBusName: 'default',
        StatementId: 'IamAlertsOrganizationMembers',
        Statement: {
          Sid: 'IamAlertsOrganizationMembers',
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default'],
            ],
          },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
        },
      },
    ]);
  });

  it('lets the Slack role assume IamAlertsResponder in accounts of the organization only', () => {
    expect(assumeStatements(central)).toEqual([
      {
        Sid: 'AssumeResponderRoleInMemberAccounts',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${RESPONDER_ROLE_NAME}`]] },
        Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
      },
    ]);
  });

  it('gives the Slack function its home account and organization, and names its role for the StackSet', () => {
    expect(slackFunction(central).Properties.Environment.Variables).toMatchObject({
      HOME_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      ORGANIZATION_ID: ORG,
    });
    expect(slackFunction(central).Properties.Environment.Variables.MEMBER_ACCOUNT_IDS).toBeUndefined();
    const slackRoleId = slackFunction(central).Properties.Role['Fn::GetAtt'][0];
    expect(central.Outputs.SlackRoleArn.Value).toEqual({ 'Fn::GetAtt': [slackRoleId, 'Arn'] });
  });

  it('narrows AssumeRole to the listed member accounts, within the organization when one is set', () => {
    const both = Template.fromStack(synth({ organizationId: ORG, memberAccountIds: '111111111111,222222222222' }).stack).toJSON();
    const roleIn = (account: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/${RESPONDER_ROLE_NAME}`]],
    });
    expect(assumeStatements(both)).toEqual([
      expect.objectContaining({
        Resource: [roleIn('111111111111'), roleIn('222222222222')],
        Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
      }),
    ]);
    expect(slackFunction(both).Properties.Environment.Variables.MEMBER_ACCOUNT_IDS).toBe('111111111111,222222222222');

    const listOnly = Template.fromStack(synth({ memberAccountIds: '111111111111' }).stack).toJSON();
    expect(assumeStatements(listOnly)).toEqual([expect.objectContaining({ Resource: roleIn('111111111111') })]);
    expect(assumeStatements(listOnly)[0]!.Condition).toBeUndefined();
    expect(resourcesOf(listOnly, 'AWS::Events::EventBusPolicy')).toEqual([]);
  });

  it('without organizationId or member accounts: no bus policy, no AssumeRole, still the home account', () => {
    const single = Template.fromStack(synth({}).stack).toJSON();

    expect(resourcesOf(single, 'AWS::Events::EventBusPolicy')).toEqual([]);
    expect(assumeStatements(single)).toEqual([]);
    const vars = slackFunction(single).Properties.Environment.Variables;
    expect(vars.HOME_ACCOUNT_ID).toEqual({ Ref: 'AWS::AccountId' });
    expect(vars.ORGANIZATION_ID).toBeUndefined();
  });
});

describe('every synthesized rule of every stack is one EventBridge accepts', () => {
  const templates = () => [central, ...built.forwarders.map((f) => Template.fromStack(f).toJSON()), member];

  it('keeps each rule within the complexity limit and 2,048 characters, and each bus within 30 wildcard rules', () => {
    let checked = 0;
    for (const template of templates()) {
      let wildcardRules = 0;
      for (const [, rule] of resourcesOf(template, 'AWS::Events::Rule')) {
        const pattern = rule.Properties.EventPattern;
        if (!pattern) continue;
        checked++;
        expect({ rule: rule.Properties.Name, ok: eventPatternComplexity(pattern).score <= MAX_RULE_WILDCARD_COMPLEXITY }).toEqual({
          rule: rule.Properties.Name,
          ok: true,
        });
        expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_LENGTH);
        expect(rule.Properties.Name.length).toBeLessThanOrEqual(64);
        // Conditions counted as if all rules were created: an upper bound per region.
        if (usesWildcards(pattern)) wildcardRules++;
      }
      expect(wildcardRules).toBeLessThanOrEqual(MAX_WILDCARD_RULES_PER_BUS);
    }
    expect(checked).toBeGreaterThan(17 * 10);
  });

  it('stops synth naming the forwarder rule when a rules file makes one too complex', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iam-alerts-rules-'));
    const rulesFile = join(dir, 'rules.yml');
    const tools = Array.from({ length: 12 }, (_, i) => `Tool${String.fromCharCode(65 + i)}`);
    require('node:fs').writeFileSync(
      rulesFile,
      JSON.stringify({
        rules: {
          add: [
            {
              id: 'many-tools',
              title: 'Many tools',
              severity: 'high',
              why: 'test',
              match: { kind: 'offensive-user-agent', eventSources: ['sts.amazonaws.com'], userAgentContains: tools },
            },
          ],
        },
      }),
    );
    // Synth stops at the first stack that fails: a forwarder or the member template, both carry the tools.
    expect(() => synth({ alertRulesFile: rulesFile, forwarderRegions: 'eu-west-1' })).toThrow(
      /IamAlerts-(forwarder-[a-z0-9-]+|member)\/EventRuleLimits\] \d+ rules with wildcards on the default event bus, over EventBridge's 30/,
    );
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('has zero unacknowledged findings across the central, forwarder and member stacks', () => {
    const nag = built.report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions');
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
  });

  it('checks the forwarder stacks and the member template too', () => {
    const {
      app,
      forwarders,
      member: memberStack,
      outdir,
    } = (() => {
      const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-nag-'));
      return {
        ...createIamAlertsApp({
          context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], forwarderRegions: 'eu-west-1' },
          outdir,
          stackProps: { projectRoot: PROJECT_ROOT },
        }),
        outdir,
      };
    })();
    // Queues without TLS enforcement: AwsSolutions-SQS4 must flag both.
    new Queue(forwarders[0]!, 'Unencrypted');
    new Queue(memberStack, 'Unencrypted');
    expect(Stage.of(memberStack)).not.toBe(app);
    expect(() => app.synth()).toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const flagged = JSON.stringify(report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions').violations);
    expect(flagged).toContain('IamAlerts-forwarder-');
    expect(flagged).toContain('IamAlerts-member');
  });
});
