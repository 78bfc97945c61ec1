import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadCatalog } from '../app/catalog/catalog-config';
import type { Config } from '../app/config';
import type { Logger } from '../app/logger';
import type { NotifierDeps } from '../app/notifier/notify';
import { resolveSlackCredentials, type SecretReader, type SlackCredentials } from '../app/slack/credentials';
import { createSlackClient } from '../app/slack/web-client';

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

export async function makeNotifierDeps(config: Config, logger: Logger, readSecret?: SecretReader): Promise<NotifierDeps> {
  const catalog = loadCatalog(config.alertRulesFile);
  const credentials = await makeSlackCredentials(config, readSecret);
  const slack = createSlackClient(credentials.botToken, { apiUrl: config.slack.apiUrl });
  return { slack, catalog, logger, config };
}
