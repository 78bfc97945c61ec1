import { Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { eventPatternProblems, MAX_WILDCARD_RULES_PER_BUS, usesWildcards } from '../../app/catalog/event-pattern-limits';
import type { CatalogEventPattern, EventPatternJson } from '../../app/catalog/event-patterns';

/** Props of {@link CatalogRules}. */
export interface CatalogRulesProps {
  /** Prefix of the rule names (the stack name). */
  readonly namePrefix: string;
  /** From `eventPatternsFor(catalog)`: the same catalog the notifier classifies with. */
  readonly patterns: readonly CatalogEventPattern[];
}

/** The name and ARN of each EventBridge rule, known before anything is created. */
export interface PlannedRule {
  readonly name: string;
  readonly arn: string;
  readonly pattern: CatalogEventPattern;
}

/** EventBridge rule names are at most 64 characters. */
const MAX_RULE_NAME = 64;

/**
 * Names every rule `<prefix>-<pattern id>` and computes its ARN, so that the topic's policy can
 * allow exactly these rules (`aws:SourceArn`) without depending on the rules themselves.
 */
export function planRules(scope: Construct, props: CatalogRulesProps): PlannedRule[] {
  const stack = Stack.of(scope);
  return props.patterns.map((pattern) => {
    const name = `${props.namePrefix}-${pattern.id}`.slice(0, MAX_RULE_NAME);
    return { name, arn: stack.formatArn({ service: 'events', resource: 'rule', resourceName: name }), pattern };
  });
}

/**
 * One EventBridge rule (default bus, this region) per catalog pattern, each publishing the
 * matched CloudTrail event unchanged to the alerts topic. The rules are L1 `CfnRule`s so that the
 * template holds exactly the pattern `eventPatternsFor` produced: the tests check that JSON.
 */
export class CatalogRules extends Construct {
  readonly rules: CfnRule[];

  constructor(
    scope: Construct,
    id: string,
    props: { readonly planned: readonly PlannedRule[]; readonly topic: ITopic; readonly deadLetterQueue: IQueue },
  ) {
    super(scope, id);
    const names = new Set<string>();
    this.rules = props.planned.map(({ name, pattern }) => {
      if (names.has(name)) throw new Error(`two EventBridge rules would be named ${name}: shorten the stack name or the rule ids`);
      names.add(name);
      return new CfnRule(this, pattern.id, {
        name,
        description: pattern.description,
        eventPattern: pattern.pattern,
        // Read-only calls (sts:GetCallerIdentity by TruffleHog) reach only rules in this state.
        state: pattern.includeReadOnlyEvents ? 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS' : 'ENABLED',
        // No input transformer: the notifier parses the whole EventBridge event.
        targets: [
          {
            id: 'AlertsTopic',
            arn: props.topic.topicArn,
            // Events EventBridge could not publish (a policy that blocks it) are kept, not lost.
            deadLetterConfig: { arn: props.deadLetterQueue.queueArn },
            retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
          },
        ],
      });
    });
    addEventRuleLimitsValidation(Stack.of(this));
    props.deadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowOnlyIamAlertsEventRules',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': props.planned.map((r) => r.arn) } },
      }),
    );
  }
}

const LIMITS_VALIDATION_ID = 'EventRuleLimits';

/**
 * Makes synth check every EventBridge rule of `stack` against EventBridge's limits
 * ({@link eventRuleLimitProblems}), once per stack. A rule EventBridge refuses would roll the whole
 * deployment back (and leave the retained key, logs and buckets behind): refuse it at synth
 * instead, naming the rule and the limit. Each stack is one region, so one default bus.
 */
export function addEventRuleLimitsValidation(stack: Stack): void {
  if (!stack.node.tryFindChild(LIMITS_VALIDATION_ID)) {
    new Construct(stack, LIMITS_VALIDATION_ID).node.addValidation({ validate: () => eventRuleLimitProblems(stack) });
  }
}

/**
 * What EventBridge would refuse among every `AWS::Events::Rule` in `scope` (see
 * `app/catalog/event-pattern-limits.ts`): a pattern over 2,048 characters or too complex, or more
 * wildcard rules on one bus than EventBridge allows. Empty when all is well. A stack is deployed to
 * one region, so the rules of one stack on one bus name share that region's bus.
 */
export function eventRuleLimitProblems(scope: Construct): string[] {
  const problems: string[] = [];
  const wildcardRulesByBus = new Map<string, string[]>();
  for (const rule of scope.node.findAll().filter((c): c is CfnRule => c instanceof CfnRule)) {
    const pattern = rule.eventPattern as EventPatternJson | undefined;
    if (!pattern) continue;
    const name = rule.name ?? rule.node.path;
    for (const problem of eventPatternProblems(pattern)) problems.push(`EventBridge rule ${name}: ${problem}`);
    if (usesWildcards(pattern)) {
      // Rules under CloudFormation conditions are counted as if all were created: an upper bound.
      const bus = rule.eventBusName ?? 'default';
      wildcardRulesByBus.set(bus, [...(wildcardRulesByBus.get(bus) ?? []), name]);
    }
  }
  for (const [bus, names] of wildcardRulesByBus) {
    if (names.length > MAX_WILDCARD_RULES_PER_BUS) {
      problems.push(`${names.length} rules with wildcards on the ${bus} event bus, over EventBridge's ${MAX_WILDCARD_RULES_PER_BUS}`);
    }
  }
  return problems;
}
