import type { Catalog } from './catalog-config';
import type { AlertRule, RequestValue } from './rule';

/**
 * Rules that watch iam-alerts itself. An attacker who silences the bot (disables its EventBridge
 * rules, deletes its topic, changes its functions or deletes its secret) must pay for it with one
 * last critical alert. The stack knows its own resource names: every one starts with the stack
 * name (`IamAlerts-…` for rules, topics, functions and tables, `IamAlerts/…` for secrets), so
 * these rules are exact and generated, not written by hand.
 *
 * The CDK stack builds them with CloudFormation's pseudo parameters (they become part of its
 * EventBridge patterns); the notifier builds them with the same values at run time
 * (`IAM_ALERTS_STACK_NAME`, `HOME_ACCOUNT_ID`, `AWS_REGION`, and `DEPLOY_ROLE_ARN_PREFIX` or
 * `CDK_BOOTSTRAP_QUALIFIER` when the deployment roles are not CDK's default ones), so the two
 * agree. Changes made through the stack's own deployment roles (CDK's bootstrap roles: every
 * `cdk deploy`) are excepted.
 */

/** What identifies this deployment's resources. Values may be CDK tokens in the stack. */
export interface OwnResources {
  /** The stack name: the first part of every resource name. */
  stackName: string;
  partition: string;
  /** The central region (where the functions, topics, table and secrets live). */
  region: string;
  account: string;
  /** ARN prefix of the roles that deploy the stack (`arn:aws:iam::<account>:role/cdk-<qualifier>-`). */
  deployRoleArnPrefix: string;
}

/** CDK's default bootstrap qualifier: its roles are `cdk-hnb659fds-deploy-role-…`, `cdk-hnb659fds-cfn-exec-role-…`. */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';

/** The ARN prefix of the CDK bootstrap roles that deploy stacks in `account`. */
export function cdkDeployRoleArnPrefix(partition: string, account: string, qualifier = DEFAULT_CDK_QUALIFIER): string {
  return `arn:${partition}:iam::${account}:role/cdk-${qualifier}-`;
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const WHY =
  'Silencing iam-alerts is what an attacker does right after the change it would have reported; this is its last alert. Changes made through the stack’s own deployment roles (cdk deploy) are not alerted.';

/**
 * The rules that watch this deployment's own resources, all critical.
 *
 * @example
 * ownResourceRules({ stackName: 'IamAlerts', partition: 'aws', region: 'us-east-1', account: '123456789012',
 *   deployRoleArnPrefix: cdkDeployRoleArnPrefix('aws', '123456789012') }).map((r) => r.id)
 * // ['iam-alerts-rules-changed', 'iam-alerts-rule-targets-changed', 'iam-alerts-topic-changed', ...]
 */
export function ownResourceRules(own: OwnResources): AlertRule[] {
  const name = `${own.stackName}-`;
  const arn = (service: string, resource: string) => `arn:${own.partition}:${service}:${own.region}:${own.account}:${resource}`;
  const prefixes = (...values: string[]): RequestValue[] => values.map((prefix) => ({ prefix }));
  const rule = (
    id: string,
    title: string,
    eventSource: string,
    eventNames: string[],
    param: string,
    accepted: RequestValue[],
    targetKind: NonNullable<AlertRule['target']>['kind'],
  ): AlertRule => ({
    id,
    title,
    severity: 'critical',
    why: WHY,
    match: {
      kind: 'api-call',
      eventSource,
      eventNames,
      requestParameters: { [param]: accepted },
      exceptRoleArnPrefixes: [own.deployRoleArnPrefix],
    },
    target: { kind: targetKind, param },
  });
  // Two rules watch the EventBridge rules: a rule cannot see its own deletion, so deleting either
  // watcher is seen by the other.
  const rulesChanged = (id: string) =>
    rule(
      id,
      'iam-alerts EventBridge rule disabled, deleted or changed',
      'events.amazonaws.com',
      ['DisableRule', 'DeleteRule', 'PutRule'],
      'name',
      prefixes(name),
      'iam-alerts-resource',
    );
  return [
    rulesChanged('iam-alerts-rules-changed'),
    rulesChanged('iam-alerts-rules-changed-watch'),
    rule(
      'iam-alerts-rule-targets-changed',
      'iam-alerts EventBridge rule targets removed or changed',
      'events.amazonaws.com',
      ['RemoveTargets', 'PutTargets'],
      'rule',
      prefixes(name),
      'iam-alerts-resource',
    ),
    rule(
      'iam-alerts-topic-changed',
      'iam-alerts SNS topic deleted or changed',
      'sns.amazonaws.com',
      ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'],
      'topicArn',
      prefixes(arn('sns', name)),
      'iam-alerts-resource',
    ),
    rule(
      'iam-alerts-subscription-removed',
      'iam-alerts SNS subscription removed',
      'sns.amazonaws.com',
      ['Unsubscribe'],
      'subscriptionArn',
      // A subscription's ARN is its topic's ARN followed by `:<id>`.
      prefixes(arn('sns', name)),
      'iam-alerts-resource',
    ),
    rule(
      'iam-alerts-function-changed',
      'iam-alerts Lambda function deleted or changed',
      'lambda.amazonaws.com',
      // Lambda's CloudTrail event names carry the API version.
      [
        'DeleteFunction20150331',
        'UpdateFunctionConfiguration20150331v2',
        'UpdateFunctionCode20150331v2',
        'PutFunctionConcurrency20171031',
        'DeleteFunctionConcurrency20171031',
        'AddPermission20150331v2',
        'RemovePermission20150331v2',
        'UpdateFunctionUrlConfig',
        'DeleteFunctionUrlConfig',
        'PutFunctionEventInvokeConfig',
        'UpdateFunctionEventInvokeConfig',
        'DeleteFunctionEventInvokeConfig',
      ],
      'functionName',
      prefixes(name, arn('lambda', `function:${name}`)),
      'iam-alerts-resource',
    ),
    rule(
      'iam-alerts-secret-changed',
      'iam-alerts secret deleted or changed',
      'secretsmanager.amazonaws.com',
      ['DeleteSecret', 'PutSecretValue', 'UpdateSecret', 'PutResourcePolicy', 'RotateSecret'],
      'secretId',
      prefixes(`${own.stackName}/`, arn('secretsmanager', `secret:${own.stackName}/`)),
      'iam-alerts-resource',
    ),
    rule(
      'iam-alerts-table-deleted',
      'iam-alerts DynamoDB table deleted or changed',
      'dynamodb.amazonaws.com',
      ['DeleteTable', 'UpdateTimeToLive', 'UpdateTable'],
      'tableName',
      prefixes(name, arn('dynamodb', `table/${name}`)),
      'iam-alerts-resource',
    ),
  ];
}

/**
 * The rules for the settings the notifier reads, or none when it does not know its stack
 * (local mode, tests): `IAM_ALERTS_STACK_NAME`, `HOME_ACCOUNT_ID`, `AWS_REGION` and, optionally,
 * `DEPLOY_ROLE_ARN_PREFIX` or `CDK_BOOTSTRAP_QUALIFIER` (default: CDK's bootstrap roles, default
 * qualifier, in that account).
 */
export function ownResourceRulesFor(config: {
  stackName?: string;
  homeAccountId?: string;
  region?: string;
  deployRoleArnPrefix?: string;
  cdkQualifier?: string;
}): AlertRule[] {
  const { stackName, homeAccountId, region } = config;
  if (!stackName || !homeAccountId || !region) return [];
  const partition = partitionOf(region);
  return ownResourceRules({
    stackName,
    partition,
    region,
    account: homeAccountId,
    deployRoleArnPrefix: config.deployRoleArnPrefix ?? cdkDeployRoleArnPrefix(partition, homeAccountId, config.cdkQualifier),
  });
}

/** The catalog plus the rules that watch this deployment (the operator's mutes apply to them too). */
export function withOwnResourceRules(catalog: Catalog, rules: readonly AlertRule[]): Catalog {
  return rules.length === 0 ? catalog : Object.freeze({ ...catalog, rules: [...catalog.rules, ...rules] });
}
