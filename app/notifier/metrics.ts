import { Metrics } from '@aws-lambda-powertools/metrics';

/** Namespace and service of the notifier's CloudWatch metrics; the stack's alarms use the same. */
export const NOTIFIER_METRICS = { namespace: 'IamAlerts', service: 'iam-alerts-notifier', slackConfigError: 'SlackConfigError' } as const;

/**
 * Powertools Metrics for the notifier (embedded metric format on stdout; CloudWatch turns it into
 * metrics with the dimension `service=iam-alerts-notifier`). The handler publishes after each
 * invocation.
 */
export function createNotifierMetrics(): Metrics {
  return new Metrics({ namespace: NOTIFIER_METRICS.namespace, serviceName: NOTIFIER_METRICS.service });
}
