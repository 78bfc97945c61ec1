import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AccountDirectory, createAccountDirectory } from '../app/accounts/account-directory';
import { loadCatalog } from '../app/catalog/catalog-config';
import { ownResourceRulesFor, withOwnResourceRules } from '../app/catalog/own-resources';
import type { Config } from '../app/config';
import type { Logger } from '../app/logger';
import { createNotifierMetrics } from '../app/notifier/metrics';
import type { NotifierDeps } from '../app/notifier/notify';
import { resolveSlackCredentials, type SecretReader, type SlackCredentials } from '../app/slack/credentials';
import { createSlackClient } from '../app/slack/web-client';
import { type LocalStateOption, makeStateStore } from '../app/state/make-store';
import { makeNotifierOnboarding } from './onboarding-deps';
import { makeNotifierTriage } from './triage-deps';

/**
 * The composition root of the notifier, and what the other roots share (secrets, Slack
 * credentials, account names): builds the clients and dependencies once per cold start. The Slack
 * side's root is handlers/slack-deps.ts, kept apart so that the notifier's bundle does not carry
 * it. Tests call these with their own config (and AWS mocked at the SDK layer).
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

/**
 * Account names from `ACCOUNT_ALIASES` and, in an organization (`ORGANIZATION_ID`), from
 * Organizations' ListAccounts where the function may call it; one per container.
 */
export function makeAccountDirectory(config: Config, logger: Logger): AccountDirectory {
  const organizations = config.accounts.organizationId
    ? once(async (): Promise<OrganizationsClient> => {
        const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
        return new OrganizationsClient({});
      })
    : undefined;
  return createAccountDirectory({ aliases: config.accountAliases, organizations, logger });
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
  const catalog = withOwnResourceRules(
    loadCatalog(config.alertRulesFile),
    ownResourceRulesFor({ ...config.ownResources, homeAccountId: config.accounts.homeAccountId, region: config.awsRegion }),
  );
  const [credentials, store] = await Promise.all([
    makeSlackCredentials(config, readSecret),
    makeStateStore(config, logger, options.localState),
  ]);
  // A 5 s request timeout (Slack answers in well under a second): a post still in flight when the
  // invocation gives up could land after its retry has posted again, so keep that window short.
  const slack = createSlackClient(credentials.botToken, { apiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, timeoutMs: 5_000 });
  return {
    slack,
    catalog,
    logger,
    config,
    store,
    metrics: createNotifierMetrics(),
    accounts: makeAccountDirectory(config, logger),
    tuning: { burstWindowSeconds: config.burstWindowSeconds },
    onboarding: makeNotifierOnboarding(config, logger, slack, store),
    triage: makeNotifierTriage(config, logger),
  };
}

/** Builds a value on first call and keeps it; a failed build is retried on the next call. */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
