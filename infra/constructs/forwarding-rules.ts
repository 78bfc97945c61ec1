import { Aws, type CfnCondition, CfnResource, Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { CatalogEventPattern } from '../../app/catalog/event-patterns';
import { CENTRAL_REGION, type ForwardingRuleInfix, forwardingRuleName } from '../../app/catalog/regional-forwarding';
import { addEventRuleLimitsValidation } from './catalog-rules';

/** The ARN of the central default event bus: us-east-1 of `account` (this stack's own account by default). */
export function centralEventBusArn(account: string = Aws.ACCOUNT_ID): string {
  return `arn:${Aws.PARTITION}:events:${CENTRAL_REGION}:${account}:event-bus/default`;
}

/** Props of {@link ForwardingRules}. */
export interface ForwardingRulesProps {
  /** Prefix of the rule names (the central stack's name). */
  readonly namePrefix: string;
  /** `fwd` in the forwarder stacks, `org`/`org-global` in the member-account stack (so both can share a region). */
  readonly infix: ForwardingRuleInfix;
  /** From `eventPatternsFor` or `regionalEventPatternsFor`: the catalog's own patterns. */
  readonly patterns: readonly CatalogEventPattern[];
  /** The central default bus ({@link centralEventBusArn}). */
  readonly targetBusArn: string;
  /** The role EventBridge sends with (see {@link ForwardingRole}). */
  readonly role: Role;
  /** A CloudFormation condition the rules are created under (the member template's region logic). */
  readonly condition?: CfnCondition;
}

/**
 * One EventBridge rule (default bus, this region) per catalog pattern, each sending the matched
 * CloudTrail event unchanged to the central us-east-1 default bus, where the catalog rules match
 * it: EventBridge keeps `detail`, `account` and `region` of an event it sends to a bus in another
 * region or account. L1 `CfnRule`s, so that the template holds exactly the catalog's pattern.
 */
export class ForwardingRules extends Construct {
  readonly rules: CfnRule[];

  constructor(scope: Construct, id: string, props: ForwardingRulesProps) {
    super(scope, id);
    const names = new Set<string>();
    this.rules = props.patterns.map((pattern) => {
      const name = forwardingRuleName(props.namePrefix, props.infix, pattern.id);
      if (names.has(name)) throw new Error(`two EventBridge rules would be named ${name}: shorten the stack name or the rule ids`);
      names.add(name);
      const rule = new CfnRule(this, pattern.id, {
        name,
        description: `${pattern.description} → ${CENTRAL_REGION} default bus`.slice(0, 512),
        eventPattern: pattern.pattern,
        // Read-only calls (sts:GetCallerIdentity by TruffleHog) reach only rules in this state.
        state: pattern.includeReadOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
        targets: [
          {
            id: 'CentralEventBus',
            arn: props.targetBusArn,
            // A bus in another region needs a role; in another account it is the role's account
            // that the central bus policy admits (aws:PrincipalOrgID).
            roleArn: props.role.roleArn,
            retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
          },
        ],
      });
      if (props.condition) rule.cfnOptions.condition = props.condition;
      return rule;
    });
    addEventRuleLimitsValidation(Stack.of(this));
  }
}

/** Props of {@link ForwardingRole}. */
export interface ForwardingRoleProps {
  /** The central default bus: the only resource the role may put events on. */
  readonly targetBusArn: string;
  /** A CloudFormation condition the role is created under. */
  readonly condition?: CfnCondition;
}

/**
 * The role EventBridge assumes to send to the central bus: `events:PutEvents` on that bus only,
 * assumable by EventBridge for this account's rules only (`aws:SourceAccount`).
 */
export class ForwardingRole extends Role {
  constructor(scope: Construct, id: string, props: ForwardingRoleProps) {
    super(scope, id, {
      description: `iam-alerts: EventBridge sends the watched CloudTrail events to the ${CENTRAL_REGION} default bus of the iam-alerts account`,
      assumedBy: new ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    this.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'PutEventsOnTheCentralBusOnly', actions: ['events:PutEvents'], resources: [props.targetBusArn] }),
    );
    if (props.condition) {
      for (const resource of this.node.findAll()) if (resource instanceof CfnResource) resource.cfnOptions.condition = props.condition;
    }
  }
}
