import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Props of {@link AlertTopics}. */
export interface AlertTopicsProps {
  /** Prefix of the topic names (the stack name). */
  readonly namePrefix: string;
  /** ARNs of the EventBridge rules allowed to publish alerts (built from their names, see `catalog-rules.ts`). */
  readonly eventRuleArns: readonly string[];
  /** Optional address subscribed to both topics (SNS sends a confirmation email first). */
  readonly alertEmail?: string;
}

/**
 * The SNS topics and their key. `alerts` carries the CloudTrail events that EventBridge matched
 * (to the notifier, and by email if asked); `ops` carries the CloudWatch alarms about iam-alerts
 * itself. Both are encrypted with one customer-managed key whose policy lets exactly EventBridge
 * (for `alerts`) and CloudWatch (for `ops`) use it, and both refuse requests without TLS.
 *
 * Topic names are fixed (`<prefix>-alerts`, `<prefix>-ops`) so that the key policy can name the
 * topics' ARNs without a circular dependency between the key and the topics.
 */
export class AlertTopics extends Construct {
  readonly key: Key;
  readonly alerts: Topic;
  readonly ops: Topic;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const topicArn = (name: string) => stack.formatArn({ service: 'sns', resource: name });
    const alertsName = `${props.namePrefix}-alerts`;
    const opsName = `${props.namePrefix}-ops`;

    this.key = new Key(this, 'Key', {
      description: 'iam-alerts: encrypts the alert and ops SNS topics',
      enableKeyRotation: true,
    });
    // SNS asks KMS for a data key on behalf of the publisher: the publishing service needs the key,
    // but only for messages to these topics (SNS puts the topic ARN in the encryption context).
    const allowService = (service: string, topic: string) =>
      new PolicyStatement({
        sid: `Allow${service.split('.')[0]}ToPublishTo${topic === alertsName ? 'Alerts' : 'Ops'}`,
        principals: [new ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // SNS itself sets this context on every call, so it pins the key to this one topic.
        conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn(topic) } },
      });
    this.key.addToResourcePolicy(allowService('events.amazonaws.com', alertsName));
    this.key.addToResourcePolicy(allowService('cloudwatch.amazonaws.com', opsName));

    this.alerts = new Topic(this, 'Alerts', {
      topicName: alertsName,
      displayName: 'iam-alerts: IAM and sign-in events',
      masterKey: this.key,
      enforceSSL: true,
    });
    // Only our EventBridge rules may publish: a rule in this account that someone else adds, or an
    // EventBridge rule in another account, cannot post fake alerts.
    this.alerts.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowOnlyIamAlertsEventRules',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alerts.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': [...props.eventRuleArns] } },
      }),
    );

    this.ops = new Topic(this, 'Ops', {
      topicName: opsName,
      displayName: 'iam-alerts: alarms about iam-alerts itself',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.ops.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.ops.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (props.alertEmail) {
      this.alerts.addSubscription(new EmailSubscription(props.alertEmail));
      this.ops.addSubscription(new EmailSubscription(props.alertEmail));
    }
  }
}
