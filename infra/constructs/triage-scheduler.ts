import { resolve } from 'node:path';
import { Aws, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ALERT_STATE_KEY_PREFIX } from '../../app/alerts/alert-state';
import { TRIAGE_KEY_PREFIX } from '../../app/triage/triage-keys';
import { AlertsFunction } from './alerts-function';

/** Props of {@link TriageScheduler}. */
export interface TriageSchedulerProps {
  readonly projectRoot: string;
  /** Prefix of the schedule's name (the stack name). */
  readonly namePrefix: string;
  readonly logRetention: RetentionDays;
  readonly table: ITable;
  /** The bot-token secret (`<stack>/slack`): the scheduler posts escalations and the digest. */
  readonly botTokenSecret: ISecret;
  readonly environment: Record<string, string>;
  /**
   * Concurrency reserved for the scheduler (also its ceiling); 0 or undefined: none.
   * @default undefined
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The triage loop's clock: a function run every minute by EventBridge Scheduler
 * (`handlers/scheduler.ts`) that escalates unacknowledged alerts, notes unanswered questions and
 * sends the daily digest, all from the state table. The schedule has no flexible window (it runs
 * on the minute), and its role may invoke this function only. A run that fails is not retried
 * (neither by Scheduler nor by Lambda's asynchronous retries): the next minute's run starts where
 * the failed one stopped, since the cursor is in the table, so an old event delivered late could
 * only repeat work the state already guards.
 *
 * Its role may read the bot token, and in the table only: read alerts' state (`alert#…`, to stop
 * escalating once acknowledged or disabled) and read and write the triage items (`triage#…`),
 * one item at a time (`dynamodb:LeadingKeys`). No IAM, no CloudTrail, no other item.
 */
export class TriageScheduler extends Construct {
  readonly function: AlertsFunction;
  readonly schedule: CfnSchedule;

  constructor(scope: Construct, id: string, props: TriageSchedulerProps) {
    super(scope, id);
    this.function = new AlertsFunction(this, 'Function', {
      entry: resolve(props.projectRoot, 'handlers/scheduler.ts'),
      projectRoot: props.projectRoot,
      description: 'iam-alerts scheduler: escalations of unacknowledged alerts, unanswered questions, the daily digest',
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: 'iam-alerts-scheduler', STATE_TABLE_NAME: props.table.tableName },
    });
    props.botTokenSecret.grantRead(this.function);
    this.function.addToRolePolicy(
      new PolicyStatement({
        sid: 'ReadAlertAndTriageItems',
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ALERT_STATE_KEY_PREFIX}*`, `${TRIAGE_KEY_PREFIX}*`] } },
      }),
    );
    this.function.addToRolePolicy(
      new PolicyStatement({
        sid: 'WriteTriageItems',
        actions: ['dynamodb:PutItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TRIAGE_KEY_PREFIX}*`] } },
      }),
    );
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    // The L2 target would also grant invoke on every version (`<function>:*`); this role may invoke
    // the function itself, and only EventBridge Scheduler of this account may assume it.
    const invoker = new Role(this, 'InvokerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'iam-alerts: lets EventBridge Scheduler run the triage scheduler every minute',
    });
    invoker.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    this.schedule = new CfnSchedule(this, 'EveryMinute', {
      name: `${props.namePrefix}-triage`,
      description: 'iam-alerts: runs the triage scheduler every minute',
      scheduleExpression: 'rate(1 minute)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.function.functionArn,
        roleArn: invoker.roleArn,
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
    });
  }
}
