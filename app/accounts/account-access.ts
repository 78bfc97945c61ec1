import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import { createHistoryCloudTrailClient } from '../history/cloudtrail-client';
import type { Logger } from '../logger';
import type { AccountDirectory } from './account-directory';
import {
  type AccountSettings,
  type AccountVerdict,
  accountScope,
  partitionOfRegion,
  responderRoleArn,
  roleSessionName,
} from './account-scope';
import { AccountAccessError, AccountRefusedError } from './errors';

/**
 * The IAM and CloudTrail clients that act in one account for one Slack user: the function's own in
 * its home account, and in a member account clients signed with that account's `IamAlertsResponder`
 * role, assumed with a session name naming the Slack user (so the member account's CloudTrail says
 * who asked). The role's credentials come from the SDK's `fromTemporaryCredentials`, memoized the
 * way SDK clients memoize theirs (refreshed 5 minutes before they expire), and shared by the
 * account's IAM client and each of its CloudTrail clients: one AssumeRole per account and Slack
 * user while the credentials last.
 */

/** Clients acting in one account. */
export interface AccountClients {
  accountId: string;
  via: 'own-credentials' | 'responder-role';
  /** The responder role, when `via` is `responder-role`. */
  roleArn?: string;
  iam: () => Promise<IAMClient>;
  /** CloudTrail in `region` of this account. */
  cloudtrail: (region: string) => Promise<CloudTrailClient>;
}

export interface AccountAccess {
  /** The settings' verdict on an account, without any AWS call. */
  check(accountId: string): AccountVerdict;
  /**
   * Clients acting in `accountId` on behalf of `slackUserId`. For a member account the role is
   * assumed here, so that a refusal is known before anything else is done.
   * @throws AccountRefusedError when the settings refuse the account, or the organization's
   *   listing (where permitted) does not have it; AccountAccessError when AssumeRole fails.
   */
  clientsFor(accountId: string, slackUserId: string): Promise<AccountClients>;
  /** Account names (aliases, Organizations). */
  directory: AccountDirectory;
}

/** Temporary credentials of a role session, as the SDK's credential providers return them. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type RoleCredentialsProvider = (properties?: Record<string, unknown>) => Promise<RoleCredentials>;

/** What `assumeRole` is asked for. */
export interface RoleSessionRequest {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  /** Region of the STS endpoint (the function's own). */
  region?: string;
}

export interface AccountAccessOptions {
  settings: AccountSettings;
  /** The function's region (`AWS_REGION`): its STS endpoint, and the partition of the role ARNs. */
  region?: string;
  /** The function's own clients, for its home account. */
  home: Pick<AccountClients, 'iam' | 'cloudtrail'>;
  directory: AccountDirectory;
  /** Credentials of a role session; default the SDK's `fromTemporaryCredentials`. */
  assumeRole?: (request: RoleSessionRequest) => RoleCredentialsProvider;
  logger?: Logger;
}

/**
 * Role sessions last 15 minutes, STS's minimum: a containment or a page of history takes well under
 * that, and a leaked or cached credential is worth less.
 */
export const RESPONDER_SESSION_SECONDS = 900;
/** Sessions kept per container (account × Slack user); the oldest is dropped beyond this. */
const MAX_CACHED_SESSIONS = 100;

/** STS error names that mean "you may not assume this role". */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AccessDeniedFault', 'InvalidIdentityToken']);

/** Builds the account access of one container. */
export function createAccountAccess(options: AccountAccessOptions): AccountAccess {
  const assumeRole = options.assumeRole ?? defaultAssumeRole;
  const partition = partitionOfRegion(options.region);
  const sessions = new Map<string, Promise<AccountClients>>();

  const openSession = async (accountId: string, slackUserId: string): Promise<AccountClients> => {
    const roleArn = responderRoleArn(accountId, partition);
    const sessionName = roleSessionName(slackUserId);
    const raw = assumeRole({ roleArn, sessionName, durationSeconds: RESPONDER_SESSION_SECONDS, region: options.region });
    const tagged: RoleCredentialsProvider = async (properties) => {
      try {
        return await raw(properties);
      } catch (error) {
        throw toAccountAccessError(error, accountId, roleArn);
      }
    };
    const credentials = memoizeIdentityProvider(tagged, isIdentityExpired, doesIdentityRequireRefresh) as RoleCredentialsProvider;
    // Assumed now, not on the first IAM call: a refusal is then told apart from IAM's own errors.
    await credentials();
    options.logger?.info('assumed the responder role', { accountId, roleArn, sessionName });
    let iam: Promise<IAMClient> | undefined;
    const trails = new Map<string, Promise<CloudTrailClient>>();
    return {
      accountId,
      via: 'responder-role',
      roleArn,
      iam: () => {
        iam ??= import('@aws-sdk/client-iam').then(({ IAMClient }) => new IAMClient({ credentials }));
        return iam;
      },
      cloudtrail: (region) => {
        let client = trails.get(region);
        if (!client) {
          client = createHistoryCloudTrailClient(region, credentials);
          trails.set(region, client);
        }
        return client;
      },
    };
  };

  const access: AccountAccess = {
    directory: options.directory,
    check: (accountId) => accountScope(options.settings, accountId),
    async clientsFor(accountId, slackUserId) {
      const verdict = access.check(accountId);
      if (!verdict.allowed) throw new AccountRefusedError(verdict.message, { accountId });
      if (verdict.via === 'own-credentials') return { accountId, via: 'own-credentials', ...options.home };
      const { organizationId, memberAccountIds } = options.settings;
      // The allow-list, when set, is the operator's word; otherwise the organization's listing is,
      // where this function may read it.
      if (organizationId && memberAccountIds.length === 0 && (await options.directory.membership(accountId)) === 'not-member') {
        throw new AccountRefusedError(`account ${accountId} is not in organization ${organizationId}, so iam-alerts does not act in it.`, {
          accountId,
        });
      }
      const key = `${accountId}#${slackUserId}`;
      let session = sessions.get(key);
      if (!session) {
        session = openSession(accountId, slackUserId);
        sessions.set(key, session);
        // A failed AssumeRole is not kept: the next click tries again (after the member stack is deployed).
        session.catch(() => sessions.delete(key));
        if (sessions.size > MAX_CACHED_SESSIONS) sessions.delete(sessions.keys().next().value!);
      }
      return session;
    },
  };
  return access;
}

/** The SDK's `fromTemporaryCredentials`, from the function's own credentials, through its region's STS endpoint. */
function defaultAssumeRole(request: RoleSessionRequest): RoleCredentialsProvider {
  let provider: RoleCredentialsProvider | undefined;
  return async (properties) => {
    if (!provider) {
      // Loaded on first use: most Slack requests never leave the home account.
      const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
      provider = fromTemporaryCredentials({
        params: { RoleArn: request.roleArn, RoleSessionName: request.sessionName, DurationSeconds: request.durationSeconds },
        ...(request.region ? { clientConfig: { region: request.region } } : {}),
      });
    }
    return provider(properties);
  };
}

/** Says what a failed AssumeRole means for the operator, in words they can act on. */
export function toAccountAccessError(error: unknown, accountId: string, roleArn: string): AccountAccessError {
  if (error instanceof AccountAccessError) return error;
  const name = (error as { name?: string } | undefined)?.name ?? 'Error';
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  if (DENIED.has(name) || /not authorized to perform: sts:AssumeRole/i.test(message)) {
    return new AccountAccessError(
      `AWS refused iam-alerts the role ${roleArn} (${name}): either account ${accountId} is not in the organization, or the member stack, ` +
        `which creates that role, is not deployed there. Deploy the member stack to account ${accountId} (docs/DEPLOY.md), then try again.`,
      { accountId, roleArn, kind: 'denied', code: name },
      { cause: error },
    );
  }
  return new AccountAccessError(
    `could not assume ${roleArn} in account ${accountId}: ${name}: ${message}`,
    { accountId, roleArn, kind: 'failed', code: name },
    { cause: error },
  );
}
