import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { createLogger } from '../../app/logger';
import type { NotifierDeps } from '../../app/notifier/notify';
import type { NotifierTuning } from '../../app/notifier/run-context';
import { createSlackClient } from '../../app/slack/web-client';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import type { VersionedStore } from '../../app/state/versioned-store';

/**
 * Notifier deps as one Lambda container would build them: its own Slack client (the real
 * @slack/web-api client, pointed at the local fake) and its own DynamoDB client on the shared
 * (mocked) table. Several of these side by side are concurrent containers. Timings are shrunk so
 * that the fault-injection tests stay fast.
 */
export const TEST_TUNING: NotifierTuning = {
  burstWindowSeconds: 300,
  postIntervalMs: 15,
  lingerMs: 40,
  pollMs: 10,
  safetyMarginMs: 0,
  dedupeTtlSeconds: 86_400,
};

export function container(
  apiUrl: string,
  options: { store?: VersionedStore | 'none'; table?: string; tuning?: Partial<NotifierTuning>; timeoutMs?: number } = {},
): NotifierDeps & { metrics: Metrics } {
  const store =
    options.store === 'none'
      ? undefined
      : (options.store ?? new DynamoDbStore(new DynamoDBClient({}), options.table ?? 'iam-alerts-state'));
  return {
    slack: createSlackClient('xoxb-test-token', {
      apiUrl,
      rejectRateLimitedCalls: true,
      retries: 3,
      minRetryDelayMs: 5,
      timeoutMs: options.timeoutMs ?? 300,
    }),
    catalog: DEFAULT_CATALOG,
    logger: createLogger('iam-alerts-notifier'),
    config: { slack: { channelId: 'C0ALERTS', channelBySeverity: {}, channelByAccount: {} }, accountAliases: {} },
    store,
    metrics: new Metrics({ namespace: 'IamAlerts', serviceName: 'iam-alerts-notifier' }),
    tuning: { ...TEST_TUNING, ...options.tuning },
  };
}
