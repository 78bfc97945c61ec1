import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { WebClient } from '@slack/web-api';
import type { AccountAccess } from './accounts/account-access';
import type { Config } from './config';
import type { DeferJob } from './jobs/types';
import type { Logger } from './logger';
import type { VersionedStore } from './state/versioned-store';

/**
 * Everything the Slack side (Bolt listeners and deferred jobs) needs, built once per cold start by
 * `handlers/` and passed in; listeners and jobs never construct clients. Tests pass fakes or
 * real clients mocked at the SDK layer (aws-sdk-client-mock).
 */
export interface SlackAppDeps {
  config: Config;
  logger: Logger;
  /** Bot-token Web API client (chat.update, chat.postMessage, usergroups.users.list, ...). */
  slack: WebClient;
  /**
   * AWS clients are created on first use: the IAM and CloudTrail SDKs are only loaded on the paths
   * that need them, which keeps the Slack handler's cold start short.
   */
  iam: () => Promise<IAMClient>;
  cloudtrail: (region: string) => Promise<CloudTrailClient>;
  /**
   * Clients for the account an alert or a search names: `iam` and `cloudtrail` above in the home
   * account, the account's `IamAlertsResponder` role elsewhere; refuses accounts outside the
   * settings (single-account mode, `MEMBER_ACCOUNT_IDS`, the organization). Also the account names.
   */
  accounts: AccountAccess;
  /**
   * Shared state with optimistic concurrency: the stack's DynamoDB table in Lambda (every container
   * sees the same items), a file or memory store locally.
   */
  store: VersionedStore;
  /** Hands slow work to the asynchronous path (Lambda self-invocation, or in-process locally). */
  defer: DeferJob;
  /** Posts a message to a Slack `response_url` (5 posts within 30 minutes per URL). */
  respond: (responseUrl: string, message: Record<string, unknown>) => Promise<void>;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
  /**
   * Onboarding's clients (ONBOARDING auto or approve), created on first use: KMS decrypts a held
   * password on Reveal (and, in approve mode, encrypts it); SES sends the email in approve mode.
   */
  kms?: () => Promise<KMSClient>;
  ses?: () => Promise<SESv2Client>;
}
