import { isAbsolute, resolve } from 'node:path';
import { Annotations, Aws, CfnOutput, CfnRule, Duration, Fn, RemovalPolicy, Stack, type StackProps, Token, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { CfnEventBusPolicy } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALERT_STATE_KEY_PREFIX } from '../../app/alerts/alert-state';
import { type Catalog, loadCatalog } from '../../app/catalog/catalog-config';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import { cdkDeployRoleArnPrefix, DEFAULT_CDK_QUALIFIER, ownResourceRules, withOwnResourceRules } from '../../app/catalog/own-resources';
import { forwarderStackName } from '../../app/catalog/regional-forwarding';
import { formatProtectedUsers } from '../../app/containment/protected-users';
import { RESPONDER_ROLE_NAME } from '../../app/containment/responder-role';
import { catalogEventSources } from '../../app/history/history-scope';
import { JOB_MAX_AGE_SECONDS } from '../../app/jobs/envelope';
import { JOB_NONCE_KEY_PREFIX } from '../../app/jobs/replay-guard';
import { TRIAGE_KEY_PREFIX } from '../../app/triage/triage-keys';
import { AlertTopics } from '../constructs/alert-topics';
import { AlertsFunction } from '../constructs/alerts-function';
import { AuditTrail } from '../constructs/audit-trail';
import { CatalogRules, planRules } from '../constructs/catalog-rules';
import { CONTAINMENT_NAG_ACKNOWLEDGEMENTS, containmentStatements } from '../constructs/containment-policy';
import { addOnboarding } from '../constructs/onboarding-policy';
import { TriageScheduler } from '../constructs/triage-scheduler';
import { forwarderRegionsOf, type Settings } from '../settings';

// The containment permissions (Disable User, Re-enable, LookupEvents) are built by one function for
// this stack's Slack role and the member accounts' responder role (infra/constructs/containment-policy.ts).
export { DISABLE_USER_ACTIONS, SLACK_IAM_ACTIONS } from '../constructs/containment-policy';

/** Namespace and name of the metric the notifier emits when Slack rejects its configuration. */
export const SLACK_CONFIG_ERROR_METRIC = { namespace: 'IamAlerts', metricName: 'SlackConfigError', service: 'iam-alerts-notifier' };

/** IAM is a global service: CloudTrail delivers its events to EventBridge in us-east-1 only. */
export const IAM_EVENTS_REGION = 'us-east-1';

/** Props of {@link IamAlertsStack}. */
export interface IamAlertsStackProps extends StackProps {
  readonly settings: Settings;
  /** Where package.json, package-lock.json and `handlers/` are. @default the repository root */
  readonly projectRoot?: string;
  /** Entry of the Slack function. @default `handlers/slack.ts` */
  readonly slackEntry?: string;
}

/**
 * Everything iam-alerts needs in one account: EventBridge rules built from the rule catalog, an
 * encrypted SNS topic, the notifier and Slack functions, their state table and secret, alarms,
 * and (unless told one exists) a multi-region CloudTrail trail.
 */
export class IamAlertsStack extends Stack {
  /** The effective rule catalog (the operator's rules file applied): the member stack uses it too. */
  readonly catalog: Catalog;
  /** The catalog plus the rules that watch this deployment's own resources (`ownResourceRules`): the central rules. */
  readonly watchedCatalog: Catalog;
  /**
   * What the forwarders carry: the catalog plus the watch on EventBridge rules, the only resources
   * iam-alerts has in other regions (its forwarder rules, deployed by the same roles). The member
   * stack, deployed by StackSets, carries no own-resource rule.
   */
  readonly forwarderCatalog: Catalog;

  constructor(scope: Construct, id: string, props: IamAlertsStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const projectRoot = props.projectRoot ?? resolve(__dirname, '../..');
    const prefix = this.stackName;
    const logRetention = settings.logRetentionDays as RetentionDays;

    this.guardRegion(settings.allowAnyRegion);

    // One catalog for the notifier and the rules: the operator's rules file, if any, is bundled
    // into the notifier and turned into the EventBridge patterns here.
    const rulesFile = settings.alertRulesFile
      ? isAbsolute(settings.alertRulesFile)
        ? settings.alertRulesFile
        : resolve(projectRoot, settings.alertRulesFile)
      : undefined;
    const catalog = loadCatalog(rulesFile);
    this.catalog = catalog;
    // Tampering with iam-alerts itself: exact rules from this stack's own names. The notifier builds
    // the same rules from IAM_ALERTS_STACK_NAME, HOME_ACCOUNT_ID, AWS_REGION and DEPLOY_ROLE_ARN_PREFIX.
    const qualifier = (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? DEFAULT_CDK_QUALIFIER;
    const deployRoleArnPrefix = settings.deployRoleArnPrefix ?? cdkDeployRoleArnPrefix(Aws.PARTITION, Aws.ACCOUNT_ID, qualifier);
    const ownRules = ownResourceRules({
      stackName: prefix,
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      deployRoleArnPrefix,
    });
    this.watchedCatalog = withOwnResourceRules(catalog, ownRules);
    this.forwarderCatalog = withOwnResourceRules(
      catalog,
      ownRules.filter((rule) => rule.match.kind === 'api-call' && rule.match.eventSource === 'events.amazonaws.com'),
    );
    const planned = planRules(this, { namePrefix: prefix, patterns: eventPatternsFor(this.watchedCatalog) });

    const topics = new AlertTopics(this, 'Topics', {
      namePrefix: prefix,
      eventRuleArns: planned.map((r) => r.arn),
      alertEmail: settings.alertEmail,
    });
    const eventRulesDlq = this.deadLetterQueue('EventRulesDlq', 'EventBridge could not publish a matched event to the alert topic');
    const rules = new CatalogRules(this, 'EventRules', { planned, topic: topics.alerts, deadLetterQueue: eventRulesDlq });

    const trail = settings.createTrail
      ? new AuditTrail(this, 'AuditTrail', { trailName: `${prefix}-trail`, logExpirationDays: settings.trailLogExpirationDays })
      : undefined;

    // Dedupe and burst state (issue 6): one table, Powertools idempotency's default key names.
    const table = new Table(this, 'State', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Three secrets, so that each function reads only what it needs (issue 11, item 8). The bot
    // token stays in `<stack>/slack`, the secret existing deployments have already filled in.
    const secret = new Secret(this, 'SlackSecret', {
      secretName: `${prefix}/slack`,
      description: 'iam-alerts: Slack bot token, read by both functions (fill in after deploy, see docs/DEPLOY.md)',
      // A placeholder the functions reject with a clear message until the operator fills it in.
      // CloudFormation never overwrites the value afterwards unless this template text changes.
      secretObjectValue: {},
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'Slack issues and rotates these tokens; a Lambda rotation function cannot create new Slack tokens.',
    });
    const signingSecret = new Secret(this, 'SlackSigningSecret', {
      secretName: `${prefix}/slack-signing-secret`,
      description: 'iam-alerts: Slack signing secret, read by the Slack function only (fill in after deploy, see docs/DEPLOY.md)',
      secretObjectValue: {},
    });
    Validations.of(signingSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'Slack issues and rotates the signing secret (Basic Information page); a Lambda rotation function cannot create one.',
    });
    const jobSigningKey = new Secret(this, 'JobSigningKey', {
      secretName: `${prefix}/job-signing-key`,
      description: "iam-alerts: HMAC key signing the Slack function's deferred jobs; generated here, read by the Slack function only",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(jobSigningKey).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The key only authenticates jobs the Slack function sends itself, each accepted for 10 minutes; containers read it once per cold start, so scheduled rotation would refuse jobs in flight. Rotate by hand (docs/DEPLOY.md).',
    });

    const notifierSubscriptionDlq = this.deadLetterQueue('NotifierSubscriptionDlq', 'SNS could not deliver an alert to the notifier');
    const notifierAsyncDlq = this.deadLetterQueue('NotifierAsyncDlq', 'the notifier failed an alert after every retry');
    const slackAsyncDlq = this.deadLetterQueue('SlackAsyncDlq', 'a deferred Slack job (Disable User, /iam-events) failed every retry');

    const common = {
      POWERTOOLS_METRICS_NAMESPACE: SLACK_CONFIG_ERROR_METRIC.namespace,
      SLACK_SECRET_ARN: secret.secretArn,
      ...definedOnly({ SLACK_CHANNEL_ID: settings.slackChannelId }),
    };
    const notifier = new AlertsFunction(this, 'Notifier', {
      entry: resolve(projectRoot, 'handlers/notifier.ts'),
      projectRoot,
      description: 'iam-alerts notifier: CloudTrail event from SNS to a Slack alert',
      logRetention,
      deadLetterQueue: notifierAsyncDlq,
      // Alerting keeps capacity of its own, whatever else runs (or floods) in the account.
      reservedConcurrentExecutions: settings.notifierReservedConcurrency,
      extraFiles: rulesFile ? { [rulesFile]: 'alert-rules.yml' } : undefined,
      environment: {
        ...common,
        POWERTOOLS_SERVICE_NAME: SLACK_CONFIG_ERROR_METRIC.service,
        // The triage loop (issue 14): the notifier asks the actor; owner tags are read in this account only.
        ...triageEnvironment(settings),
        HOME_ACCOUNT_ID: Aws.ACCOUNT_ID,
        // What the notifier needs to build the same own-resource rules as the patterns above (it
        // derives CDK's deployment roles from HOME_ACCOUNT_ID unless told otherwise).
        IAM_ALERTS_STACK_NAME: prefix,
        ...definedOnly({
          DEPLOY_ROLE_ARN_PREFIX: settings.deployRoleArnPrefix,
          CDK_BOOTSTRAP_QUALIFIER: qualifier === DEFAULT_CDK_QUALIFIER ? undefined : qualifier,
        }),
        IDEMPOTENCY_TABLE_NAME: table.tableName,
        STATE_TABLE_NAME: table.tableName,
        // Organizations (issue 10): account names from ListAccounts need the organization, and it the home account.
        ...(settings.organizationId ? { HOME_ACCOUNT_ID: Aws.ACCOUNT_ID, ORGANIZATION_ID: settings.organizationId } : {}),
        ...definedOnly({
          SLACK_CHANNEL_BY_SEVERITY: joinPairs(settings.slackChannelBySeverity),
          SLACK_CHANNEL_BY_ACCOUNT: joinPairs(settings.slackChannelByAccount),
          ACCOUNT_ALIASES: joinPairs(settings.accountAliases),
          // The bundle's working directory is /var/task: the copied rules file sits there.
          ALERT_RULES_FILE: rulesFile ? '/var/task/alert-rules.yml' : undefined,
        }),
      },
    });
    topics.alerts.addSubscription(new LambdaSubscription(notifier, { deadLetterQueue: notifierSubscriptionDlq }));
    table.grantReadWriteData(notifier);
    secret.grantRead(notifier);

    const slackEntry = props.slackEntry ?? resolve(projectRoot, 'handlers/slack.ts');
    const slack = new AlertsFunction(this, 'Slack', {
      entry: slackEntry,
      projectRoot,
      description: 'iam-alerts Slack app: buttons and /iam-events (Function URL), and its deferred jobs',
      logRetention,
      // Deferred jobs pace CloudTrail LookupEvents at 2 requests/s across regions.
      timeout: Duration.minutes(5),
      deadLetterQueue: slackAsyncDlq,
      // A cap: each request to the public Function URL is an invocation, signed by Slack or not.
      reservedConcurrentExecutions: settings.slackReservedConcurrency,
      environment: {
        ...common,
        POWERTOOLS_SERVICE_NAME: 'iam-alerts-slack',
        SLACK_SIGNING_SECRET_ARN: signingSecret.secretArn,
        JOB_SIGNING_KEY_ARN: jobSigningKey.secretArn,
        HISTORY_REGIONS: settings.historyRegions.join(','),
        // What an `event:` search may return: the services this catalog watches.
        HISTORY_EVENT_SOURCES: catalogEventSources(catalog.rules).join(','),
        // Shared state of the Slack side (alert state, job nonces), in the notifier's table.
        STATE_TABLE_NAME: table.tableName,
        // The triage loop (issue 14): a "No" brings the next escalation forward to the critical interval.
        ...triageEnvironment(settings),
        // Organizations (issue 10): the account whose IAM the role acts on directly; other accounts
        // go through their IamAlertsResponder role, within the organization and the allow-list.
        HOME_ACCOUNT_ID: Aws.ACCOUNT_ID,
        ...definedOnly({
          ORGANIZATION_ID: settings.organizationId,
          MEMBER_ACCOUNT_IDS: settings.memberAccountIds.join(',') || undefined,
          RESPONDER_USER_IDS: settings.responderUserIds.join(',') || undefined,
          RESPONDER_USERGROUP_ID: settings.responderUsergroupId,
          HISTORY_VIEWER_USERGROUP_ID: settings.historyViewerUsergroupId,
          PROTECTED_IAM_USERS: formatProtectedUsers(settings.protectedIamUsers),
          ACCOUNT_ALIASES: joinPairs(settings.accountAliases),
        }),
      },
    });
    secret.grantRead(slack);
    signingSecret.grantRead(slack);
    jobSigningKey.grantRead(slack);
    // The Slack side reads and writes only its own items (alert state, job nonces, triage), never the
    // notifier's dedupe and burst records: one item at a time, by key prefix (dynamodb:LeadingKeys).
    slack.addToRolePolicy(
      new PolicyStatement({
        sid: 'SlackSideStateItems',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [`${ALERT_STATE_KEY_PREFIX}*`, `${JOB_NONCE_KEY_PREFIX}*`, `${TRIAGE_KEY_PREFIX}*`],
          },
        },
      }),
    );
    // Lambda delivers no deferred job older than the job side accepts (app/jobs/envelope.ts): an
    // older one goes to the dead-letter queue instead of being refused as expired.
    slack.configureAsyncInvoke({ maxEventAge: Duration.seconds(JOB_MAX_AGE_SECONDS), retryAttempts: 2 });
    // Slack cannot sign AWS requests (SigV4), so the URL's auth type is NONE; instead every request
    // is verified with Slack's signing secret (HMAC over the body and timestamp, 5-minute window)
    // before anything else runs, and unverifiable requests are answered 401.
    const url = slack.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    this.grantSlackPermissions(slack, settings.protectedIamUsers, settings.legacyDenyPolicyRemoval);
    this.grantAssumeResponderRole(slack, settings.organizationId, settings.memberAccountIds);
    // Onboarding (issue 13): nothing at all unless `onboarding` is auto or approve.
    addOnboarding(this, { settings, notifier, slack, table });
    if (settings.organizationId) this.grantListAccounts([notifier, slack]);
    if (settings.organizationId) this.acceptOrganizationEvents(settings.organizationId);

    // The triage loop (issue 14): the notifier reads owner tags; the scheduler escalates and digests.
    this.grantReadOwnerTags(notifier);
    const scheduler = new TriageScheduler(this, 'TriageScheduler', {
      projectRoot,
      namePrefix: prefix,
      logRetention,
      table,
      botTokenSecret: secret,
      // Escalation is alerting too: capacity of its own, like the notifier's.
      reservedConcurrentExecutions: settings.schedulerReservedConcurrency,
      environment: {
        ...common,
        ...triageEnvironment(settings),
        ...definedOnly({
          RESPONDER_USER_IDS: settings.responderUserIds.join(',') || undefined,
          RESPONDER_USERGROUP_ID: settings.responderUsergroupId,
        }),
      },
    });

    this.alarms(topics, [
      ['SchedulerErrors', scheduler.function.metricErrors(), 'the triage scheduler failed (escalations and the digest wait)'],
      ['EventRulesDlqNotEmpty', eventRulesDlq.metricApproximateNumberOfMessagesVisible(), 'EventBridge could not deliver alerts to SNS'],
      [
        'NotifierSubscriptionDlqNotEmpty',
        notifierSubscriptionDlq.metricApproximateNumberOfMessagesVisible(),
        'SNS could not deliver alerts',
      ],
      ['NotifierAsyncDlqNotEmpty', notifierAsyncDlq.metricApproximateNumberOfMessagesVisible(), 'the notifier dropped alerts'],
      ['SlackAsyncDlqNotEmpty', slackAsyncDlq.metricApproximateNumberOfMessagesVisible(), 'Disable User or /iam-events jobs failed'],
      ['NotifierErrors', notifier.metricErrors(), 'the notifier failed'],
      ['SlackFunctionErrors', slack.metricErrors(), 'the Slack function failed'],
      [
        'SlackConfigError',
        new Metric({
          namespace: SLACK_CONFIG_ERROR_METRIC.namespace,
          metricName: SLACK_CONFIG_ERROR_METRIC.metricName,
          dimensionsMap: { service: SLACK_CONFIG_ERROR_METRIC.service },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        'Slack rejected the configuration (channel_not_found, not_in_channel or invalid_auth): alerts are not arriving',
      ],
      // A rule that cannot publish (a topic or key policy that blocks EventBridge) fails here.
      ...rules.rules.map(
        (rule) =>
          [
            `FailedInvocations${rule.node.id.replace(/[^A-Za-z0-9]/g, '')}`,
            new Metric({
              namespace: 'AWS/Events',
              metricName: 'FailedInvocations',
              dimensionsMap: { RuleName: rule.name! },
              statistic: 'Sum',
              period: Duration.minutes(5),
            }),
            `EventBridge rule ${rule.name} could not publish to the alert topic`,
          ] as const,
      ),
    ]);

    if (!settings.slackChannelId) {
      Annotations.of(this).addWarningV2(
        'iam-alerts:no-channel',
        'slackChannelId is not set: the notifier cannot post. Deploy with -c slackChannelId=C0123ABCD (or SLACK_CHANNEL_ID).',
      );
    }

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output(
      'SlackRequestUrl',
      url.url,
      'Request URL for Slack interactivity and /iam-events (npm run manifest writes it into manifest.yml)',
    );
    output('AlertTopicArn', topics.alerts.topicArn, 'SNS topic the EventBridge rules publish CloudTrail events to');
    output('OpsTopicArn', topics.ops.topicArn, 'SNS topic of the alarms about iam-alerts itself');
    output('SlackSecretArn', secret.secretArn, 'Secrets Manager secret to fill with the Slack bot token');
    output('SlackSecretName', secret.secretName, 'Name of the Slack secret');
    output('SlackSigningSecretArn', signingSecret.secretArn, 'Secrets Manager secret to fill with the Slack signing secret');
    output('SlackSigningSecretName', signingSecret.secretName, 'Name of the Slack signing secret');
    output('NotifierFunctionName', notifier.functionName, 'The notifier Lambda function');
    output('SlackFunctionName', slack.functionName, 'The Slack Lambda function');
    output('SchedulerFunctionName', scheduler.function.functionName, 'The triage scheduler (escalations, unanswered questions, digest)');
    output('StateTableName', table.tableName, 'DynamoDB table of dedupe and burst state');
    output('EventRuleNames', rules.rules.map((r) => r.name!).join(','), 'EventBridge rules built from the rule catalog');
    output(
      'SlackRoleArn',
      slack.role!.roleArn,
      'Role of the Slack function: the CentralSlackRoleArn parameter of the member-account StackSet',
    );
    output(
      'ForwarderRegions',
      forwarderRegionsOf(settings).join(',') || 'none',
      `Regions whose forwarder stack (${forwarderStackName(prefix, '<region>')}) sends their events to this bus`,
    );
    if (trail) output('TrailName', `${prefix}-trail`, 'CloudTrail trail created by this stack');
    else if (settings.existingTrailName)
      output('TrailName', settings.existingTrailName, 'The existing CloudTrail trail iam-alerts relies on');
    if (settings.alertEmail) {
      output(
        'AlertEmailSubscription',
        settings.alertEmail,
        'Email subscribed to the alert and ops topics: confirm both emails from AWS Notifications, or nothing is sent',
      );
    }
  }

  /**
   * Refuses (at deploy time) a region other than us-east-1, where IAM's events arrive; with
   * allowAnyRegion the stack only warns. A concrete region at synth time is checked at once.
   */
  private guardRegion(allowAnyRegion: boolean): void {
    const message = `IAM events are delivered to EventBridge in ${IAM_EVENTS_REGION} only: deploy iam-alerts there (or set allowAnyRegion=true to watch only this region's sign-ins and regional calls).`;
    if (!Token.isUnresolved(this.region) && this.region !== IAM_EVENTS_REGION) {
      if (allowAnyRegion) Annotations.of(this).addWarningV2('iam-alerts:region', message);
      else throw new Error(`${message} The stack's region is ${this.region}.`);
    }
    if (!allowAnyRegion) {
      new CfnRule(this, 'OnlyInUsEast1', {
        assertions: [{ assert: Fn.conditionEquals(Aws.REGION, IAM_EVENTS_REGION), assertDescription: message }],
      });
    }
  }

  private deadLetterQueue(id: string, what: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${what}); an alarm watches its depth.`,
    });
    return queue;
  }

  private grantSlackPermissions(slack: AlertsFunction, protectedUsers: readonly string[], legacyDenyPolicyRemoval: boolean): void {
    for (const statement of containmentStatements(this, { protectedUsers, legacyDenyPolicyRemoval })) slack.addToRolePolicy(statement);
    // A separate policy, not the role's default one: the function depends on its default policy,
    // so naming the function's ARN there would be a circular dependency.
    new Policy(this, 'SlackSelfInvoke', {
      roles: [slack.role!],
      statements: [new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [slack.functionArn] })],
    });
    for (const acknowledgement of CONTAINMENT_NAG_ACKNOWLEDGEMENTS) Validations.of(slack.role!).acknowledge(acknowledgement);
  }

  /**
   * "Was this you?" (issue 14) finds an IAM user's owner by its `iam-alerts:owner-slack` and
   * `iam-alerts:owner-email` tags: `iam:ListUserTags`, which reads tags and nothing else, on this
   * account's users only (member accounts' actors are mapped by Identity Center or the settings).
   */
  private grantReadOwnerTags(notifier: AlertsFunction): void {
    notifier.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadIamUserOwnerTags',
        actions: ['iam:ListUserTags'],
        resources: [this.formatArn({ service: 'iam', region: '', resource: 'user', resourceName: '*' })],
      }),
    );
    Validations.of(notifier.role!).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*]',
      reason:
        'The actor of any alert may be any IAM user of the account; iam:ListUserTags reads only its tags (the owner tags that say whom to ask "Was this you?").',
    });
  }

  /**
   * Account names beside account IDs (alerts, /iam-events, `account:<name>`): Organizations answers
   * ListAccounts only in the management account or a delegated administrator; elsewhere the call is
   * refused and the functions fall back to ACCOUNT_ALIASES and IDs (app/accounts/account-directory.ts).
   */
  private grantListAccounts(functions: readonly AlertsFunction[]): void {
    for (const fn of functions) {
      fn.addToRolePolicy(
        new PolicyStatement({ sid: 'ListOrganizationAccounts', actions: ['organizations:ListAccounts'], resources: ['*'] }),
      );
      Validations.of(fn.role!).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'organizations:ListAccounts has no resource-level permissions; it only reads account IDs and names for display.',
      });
    }
  }

  /**
   * Lets the Slack function assume `IamAlertsResponder` in member accounts: only when the
   * organization or member accounts are configured; only roles inside the organization
   * (`aws:ResourceOrgID`, the organization of the role being assumed), and only those of the
   * allow-list when one is given.
   */
  private grantAssumeResponderRole(slack: AlertsFunction, organizationId: string | undefined, memberAccountIds: readonly string[]): void {
    if (!organizationId && memberAccountIds.length === 0) return;
    const roleIn = (account: string) => `arn:${Aws.PARTITION}:iam::${account}:role/${RESPONDER_ROLE_NAME}`;
    slack.addToRolePolicy(
      new PolicyStatement({
        sid: 'AssumeResponderRoleInMemberAccounts',
        actions: ['sts:AssumeRole'],
        resources: memberAccountIds.length > 0 ? memberAccountIds.map(roleIn) : [roleIn('*')],
        conditions: organizationId ? { StringEquals: { 'aws:ResourceOrgID': organizationId } } : undefined,
      }),
    );
    if (memberAccountIds.length === 0) {
      Validations.of(slack.role!).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${RESPONDER_ROLE_NAME}]`,
        reason:
          'Disable User acts in the account an event came from, through its IamAlertsResponder role: any account, but only inside the organization (aws:ResourceOrgID condition). Set memberAccountIds to list the accounts instead.',
      });
    }
  }

  /**
   * Lets the organization's accounts put events on this account's default bus (the member
   * StackSet's forwarding rules, through their roles): `aws:PrincipalOrgID`, nobody else.
   */
  private acceptOrganizationEvents(organizationId: string): void {
    new CfnEventBusPolicy(this, 'AcceptOrganizationEvents', {
      eventBusName: 'default',
      statementId: 'IamAlertsOrganizationMembers',
      statement: {
        Sid: 'IamAlertsOrganizationMembers',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    });
  }

  private alarms(topics: AlertTopics, alarms: ReadonlyArray<readonly [string, IMetric, string]>): void {
    for (const [id, metric, what] of alarms) {
      const alarm = new Alarm(this, id, {
        alarmDescription: `iam-alerts: ${what}.`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(topics.ops));
    }
  }
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]));
}

function joinPairs(map: Readonly<Record<string, string>>): string | undefined {
  const pairs = Object.entries(map).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(',') : undefined;
}

/** The triage loop's settings as the functions read them (unset ones keep the runtime's defaults). */
function triageEnvironment(settings: Settings): Record<string, string> {
  return definedOnly({
    CONFIRM_SEVERITIES: settings.confirmSeverities,
    CONFIRM_TIMEOUT_MINUTES: String(settings.confirmTimeoutMinutes),
    CONFIRM_USER_MAP: settings.confirmUserMap,
    ESCALATE_AFTER_MINUTES: settings.escalateAfterMinutes,
    DIGEST_AT: settings.digestAt,
    DIGEST_TIME_ZONE: settings.digestTimeZone,
  });
}
