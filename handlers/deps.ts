import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadCatalog } from '../app/catalog/catalog-config';
import type { Config } from '../app/config';
import type { Logger } from '../app/logger';
import { createNotifierMetrics } from '../app/notifier/metrics';
import type { NotifierDeps } from '../app/notifier/notify';
import { resolveSlackCredentials, type SecretReader, type SlackCredentials } from '../app/slack/credentials';
import { createSlackClient } from '../app/slack/web-client';
import { type LocalStateOption, makeStateStore } from '../app/state/make-store';

/**
 * The composition root: builds the clients and dependencies each handler needs, once per cold
 * start. Tests call these with their own config (and AWS mocked at the SDK layer).
 */

/** Reads a secret through Powertools Parameters, cached for the life of the container. */
export function secretReader(client = new SecretsManagerClient({})): SecretReader {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  // "Read once per cold start": cache for a day, far beyond any Lambda container's life.
  return (secretId) => provider.get(secretId, { maxAge: 86_400 });
}

export async function makeSlackCredentials(config: Config, readSecret: SecretReader = secretReader()): Promise<SlackCredentials> {
  return resolveSlackCredentials(config, readSecret);
}

export interface NotifierDepsOptions {
  /** Where dedupe and burst state lives when no DynamoDB table is configured (local mode). Default `none`. */
  localState?: LocalStateOption;
}

/**
 * Builds the notifier's dependencies: Slack client (429s surface to the notifier, which weighs
 * `Retry-After` against its deadline), state store (DynamoDB in Lambda) and Powertools Metrics.
 */
export async function makeNotifierDeps(
  config: Config,
  logger: Logger,
  readSecret?: SecretReader,
  options: NotifierDepsOptions = {},
): Promise<NotifierDeps> {
  const catalog = loadCatalog(config.alertRulesFile);
  const [credentials, store] = await Promise.all([
    makeSlackCredentials(config, readSecret),
    makeStateStore(config, logger, options.localState),
  ]);
  const slack = createSlackClient(credentials.botToken, { apiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true });
  return {
    slack,
    catalog,
    logger,
    config,
    store,
    metrics: createNotifierMetrics(),
    tuning: { burstWindowSeconds: config.burstWindowSeconds },
  };
}
