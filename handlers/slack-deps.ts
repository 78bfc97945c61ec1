import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createAccountAccess } from '../app/accounts/account-access';
import { type Config, ConfigError } from '../app/config';
import { createHistoryCloudTrailClient } from '../app/history/cloudtrail-client';
import { inProcessDefer, lambdaDefer, SELF_INVOKE_CLIENT_CONFIG } from '../app/jobs/dispatch';
import { readJobSigningKey } from '../app/jobs/signing-key';
import type { DeferJob } from '../app/jobs/types';
import type { Logger } from '../app/logger';
import {
  chooseSlackSigningSecret,
  readSlackSigningSecret,
  resolveSlackCredentials,
  type SecretReader,
  type SlackCredentials,
} from '../app/slack/credentials';
import { isSlackResponseUrl, postToResponseUrl, ResponseUrlError } from '../app/slack/response-url';
import { createSlackClient } from '../app/slack/web-client';
import type { SlackAppDeps } from '../app/slack-deps';
import { makeStateStore } from '../app/state/make-store';
import { MemoryStore } from '../app/state/memory-store';
import type { VersionedStore } from '../app/state/versioned-store';
import { makeAccountDirectory, makeSlackCredentials, once, secretReader } from './deps';
import { makeOnboardingClients } from './onboarding-deps';

/**
 * The Slack side's composition root (the Slack function and the local Socket Mode bot): apart from
 * the notifier's (handlers/deps.ts) so that the notifier's bundle neither carries nor loads the
 * jobs, containment, history and response-URL code it never runs (its cold start is the first
 * alert's wait: docs/BENCHMARKS.md).
 */

/** What the deployed Slack function reads from Secrets Manager once per cold start. */
export interface SlackHandlerSecrets {
  credentials: SlackCredentials;
  /** Verifies every request from Slack. */
  signingSecret: string;
  /** Signs and verifies the deferred jobs (asynchronous self-invocations). */
  jobSigningKey: string;
}

/**
 * Reads the Slack function's three secrets in parallel: the bot token (`SLACK_SECRET_ARN`, shared
 * with the notifier), the signing secret (`SLACK_SIGNING_SECRET_ARN`, falling back with a warning
 * to the bot-token secret of older deployments) and the job signing key (`JOB_SIGNING_KEY_ARN`).
 * @throws ConfigError naming what is missing; the Slack function refuses to start without any of them.
 */
export async function makeSlackHandlerSecrets(
  config: Config,
  logger: Logger,
  readSecret: SecretReader = secretReader(),
): Promise<SlackHandlerSecrets> {
  const [credentials, signingSecretFromSecret, jobSigningKey] = await Promise.all([
    resolveSlackCredentials(config, readSecret),
    readSlackSigningSecret(config, readSecret),
    readJobSigningKey(config.jobSigningKeyArn, readSecret),
  ]);
  const signingSecret = chooseSlackSigningSecret(config, signingSecretFromSecret, credentials, logger);
  return { credentials: { ...credentials, signingSecret }, signingSecret, jobSigningKey };
}

/** How the Slack side hands off slow work: see {@link makeSlackAppDeps}. */
export type DeferMode = 'lambda' | 'in-process';

export interface SlackAppDepsOptions {
  /** Already resolved credentials (the handler needs the signing secret too, so it resolves them once). */
  credentials?: SlackCredentials;
  readSecret?: SecretReader;
  /**
   * `lambda`: asynchronous self-invocation of `AWS_LAMBDA_FUNCTION_NAME`; `in-process`: jobs run in
   * this process after the listener returns (the local Socket Mode runner). Default: `lambda` when
   * `AWS_LAMBDA_FUNCTION_NAME` is set, else `in-process`.
   */
  defer?: DeferMode;
  /** The state store when no DynamoDB table is configured (local mode); default an in-memory one. */
  localStore?: VersionedStore;
  /** The key `lambda` deferral signs jobs with (see {@link makeSlackHandlerSecrets}); required for `lambda`. */
  jobSigningKey?: string;
}

/** {@link SlackAppDeps} plus, for in-process deferral, a way to wait for running jobs. */
export type SlackAppDepsResult = SlackAppDeps & { settled: () => Promise<void> };

/**
 * Builds what the Bolt listeners and deferred jobs need. AWS SDK clients (IAM, CloudTrail per
 * region, Lambda) are loaded with dynamic `import()` and built on first use, once per container:
 * the Slack handler's cold start only pays for the SDKs a request actually needs.
 * @throws ConfigError when the Slack credentials are missing, or `defer: 'lambda'` is asked for
 *   without `AWS_LAMBDA_FUNCTION_NAME`, a state table (`STATE_TABLE_NAME`: job nonces are claimed
 *   there, so that a replayed job is refused in every container) or a job signing key.
 */
export async function makeSlackAppDeps(config: Config, logger: Logger, options: SlackAppDepsOptions = {}): Promise<SlackAppDepsResult> {
  const [credentials, tableStore] = await Promise.all([
    options.credentials ?? makeSlackCredentials(config, options.readSecret),
    makeStateStore(config, logger),
  ]);
  const store = tableStore ?? options.localStore ?? new MemoryStore();
  const slack = createSlackClient(credentials.botToken, { apiUrl: config.slack.apiUrl });
  const iam = once(async (): Promise<IAMClient> => {
    const { IAMClient } = await import('@aws-sdk/client-iam');
    return new IAMClient({});
  });
  const cloudtrailClients = new Map<string, Promise<CloudTrailClient>>();
  const cloudtrail = (region: string): Promise<CloudTrailClient> => {
    let client = cloudtrailClients.get(region);
    if (!client) {
      client = createHistoryCloudTrailClient(region);
      cloudtrailClients.set(region, client);
    }
    return client;
  };
  const accounts = createAccountAccess({
    settings: config.accounts,
    region: config.awsRegion,
    home: { iam, cloudtrail },
    directory: makeAccountDirectory(config, logger),
    logger,
  });
  const lambda = once(async (): Promise<LambdaClient> => {
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    return new LambdaClient({ ...SELF_INVOKE_CLIENT_CONFIG });
  });

  const mode = options.defer ?? (config.functionName ? 'lambda' : 'in-process');
  let settled = async (): Promise<void> => undefined;
  let defer: DeferJob;
  if (mode === 'lambda') {
    if (!config.functionName) {
      throw new ConfigError('AWS_LAMBDA_FUNCTION_NAME is not set: the Slack handler invokes itself by that name to run slow work');
    }
    // Fail closed: without a shared table a replayed job could not be told from a new one.
    if (!tableStore) {
      throw new ConfigError(
        'STATE_TABLE_NAME is not set: the Slack function claims each deferred job once in the state table, so that a replayed job is refused (the stack sets it)',
      );
    }
    if (!options.jobSigningKey) {
      throw new ConfigError(
        'JOB_SIGNING_KEY_ARN is not set: the Slack function signs the jobs it defers with that key (the stack sets it)',
      );
    }
    defer = lambdaDefer(config.functionName, lambda, logger, options.jobSigningKey);
  } else {
    const inProcess = inProcessDefer(() => deps, logger);
    defer = inProcess;
    settled = inProcess.settled;
  }

  const deps: SlackAppDepsResult = {
    config,
    logger,
    slack,
    iam,
    cloudtrail,
    accounts,
    store,
    defer,
    respond: async (responseUrl, message) => {
      // Only ever to Slack, whatever a payload says (see isSlackResponseUrl).
      if (!isSlackResponseUrl(responseUrl, config.slack.apiUrl)) {
        throw new ResponseUrlError('refused to post to a response_url that is not https://hooks.slack.com/...');
      }
      await postToResponseUrl(responseUrl, message);
    },
    clock: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...makeOnboardingClients(config),
    settled,
  };
  return deps;
}
