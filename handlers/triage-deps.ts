import type { IAMClient } from '@aws-sdk/client-iam';
import type { Config } from '../app/config';
import { ConfigError } from '../app/config';
import type { Logger } from '../app/logger';
import type { SecretReader } from '../app/slack/credentials';
import { createSlackClient } from '../app/slack/web-client';
import { makeStateStore } from '../app/state/make-store';
import type { VersionedStore } from '../app/state/versioned-store';
import { ownerTagReader } from '../app/triage/owner-tags';
import type { ScheduleDeps } from '../app/triage/run-schedule';
import type { NotifierTriage } from '../app/triage/start-triage';
import { makeSlackCredentials } from './deps';

/**
 * The triage loop's part of the composition root: what the notifier adds to ask actors (the IAM
 * client for owner tags, built on first use), and the scheduler's dependencies.
 */

/**
 * The notifier's triage: the settings, and owner tags read in the home account with
 * `iam:ListUserTags` (the IAM SDK is loaded the first time an IAM user's alert is triaged).
 */
export function makeNotifierTriage(config: Config, logger: Logger): NotifierTriage {
  let client: Promise<IAMClient> | undefined;
  const iam = () => {
    client ??= import('@aws-sdk/client-iam').then(({ IAMClient }) => new IAMClient({}));
    return client;
  };
  return {
    settings: config.triage,
    responders: config.responders,
    ownerTags: ownerTagReader(iam, config.accounts.homeAccountId, logger),
  };
}

/**
 * The scheduler's dependencies: the bot token (Secrets Manager in Lambda), the state table and
 * the settings. Runs need nothing else: no IAM, no CloudTrail.
 * @throws ConfigError without STATE_TABLE_NAME (the schedule lives there) or the Slack token.
 */
export async function makeSchedulerDeps(config: Config, logger: Logger, readSecret?: SecretReader): Promise<ScheduleDeps> {
  const [credentials, store] = await Promise.all([makeSlackCredentials(config, readSecret), makeStateStore(config, logger)]);
  if (!store) {
    throw new ConfigError(
      'STATE_TABLE_NAME is not set: the triage schedule (escalations, answer timeouts, the digest) lives in the state table',
    );
  }
  return schedulerDepsOver(
    config,
    logger,
    store,
    createSlackClient(credentials.botToken, { apiUrl: config.slack.apiUrl, timeoutMs: 5_000 }),
  );
}

/** The scheduler's dependencies over a given store and client (the local bot shares its own). */
export function schedulerDepsOver(config: Config, logger: Logger, store: VersionedStore, slack: ScheduleDeps['slack']): ScheduleDeps {
  return {
    store,
    slack,
    logger,
    now: Date.now,
    settings: config.triage,
    responders: config.responders,
    digestChannel: config.slack.channelId,
  };
}
