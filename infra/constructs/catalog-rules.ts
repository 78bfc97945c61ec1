import { Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { CatalogEventPattern } from '../../app/catalog/event-patterns';

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
