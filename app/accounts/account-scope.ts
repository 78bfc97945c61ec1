import type { Config } from '../config';
import { RESPONDER_ROLE_NAME } from '../containment/responder-role';

/**
 * Which accounts this deployment may act in (Disable User, Re-enable) and search (`/iam-events`),
 * and how: decided from the settings alone, with no AWS call, so that a listener can refuse at
 * once and a job can check again.
 *
 * - Its own account (`HOME_ACCOUNT_ID`): the function's own credentials.
 * - Single-account mode (neither `ORGANIZATION_ID` nor `MEMBER_ACCOUNT_IDS`): no other account.
 *   Without `HOME_ACCOUNT_ID` either (local mode, deployments from before organizations), the own
 *   credentials are used as before, and containment still checks that the user's ARN is in the
 *   alert's account.
 * - `MEMBER_ACCOUNT_IDS` set: only those accounts, through their `IamAlertsResponder` role.
 * - Only `ORGANIZATION_ID` set: any account, through its responder role; AWS decides (the role
 *   exists only where the member stack is deployed, and trusts only this organization's caller).
 */

export type AccountVerdict =
  | { allowed: true; accountId: string; via: 'own-credentials' }
  | { allowed: true; accountId: string; via: 'responder-role' }
  | { allowed: false; accountId: string; reason: 'single-account' | 'not-allowed'; message: string };

/** The account settings the decision needs. */
export type AccountSettings = Config['accounts'];

/**
 * Decides whether `accountId` (12 digits, or `''` for buttons of alerts made before account IDs
 * were required: the own account) may be acted in, and through what.
 */
export function accountScope(settings: AccountSettings, accountId: string): AccountVerdict {
  const { homeAccountId, organizationId, memberAccountIds } = settings;
  if (accountId === '' || accountId === homeAccountId) return { allowed: true, accountId, via: 'own-credentials' };
  const singleAccount = organizationId === undefined && memberAccountIds.length === 0;
  if (singleAccount) {
    // A deployment that does not know its own account keeps its old behaviour (see above).
    if (homeAccountId === undefined) return { allowed: true, accountId, via: 'own-credentials' };
    return {
      allowed: false,
      accountId,
      reason: 'single-account',
      message:
        `iam-alerts watches one account (${homeAccountId}) and acts in no other: account ${accountId} is not it. ` +
        'To act in other accounts, deploy it for your organization (ORGANIZATION_ID or MEMBER_ACCOUNT_IDS) and the member stack in that account (docs/DEPLOY.md).',
    };
  }
  if (memberAccountIds.length > 0 && !memberAccountIds.includes(accountId)) {
    return {
      allowed: false,
      accountId,
      reason: 'not-allowed',
      message: `account ${accountId} is not one iam-alerts may act in (MEMBER_ACCOUNT_IDS lists the others it may). Add it there, or act in that account by hand.`,
    };
  }
  return { allowed: true, accountId, via: 'responder-role' };
}

/** The partition of a region (`aws-cn` for cn-*, `aws-us-gov` for us-gov-*, else `aws`). */
export function partitionOfRegion(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `arn:<partition>:iam::<account>:role/IamAlertsResponder`. */
export function responderRoleArn(accountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${RESPONDER_ROLE_NAME}`;
}

/** STS allows 2 to 64 characters of `[\w+=,.@-]` in a role session name. */
const SESSION_NAME_MAX = 64;

/**
 * The role session name that says which Slack user a call in a member account was made for
 * (`iam-alerts-U0123ABCD`): it is what that account's CloudTrail shows as the caller's session.
 */
export function roleSessionName(slackUserId: string): string {
  return `iam-alerts-${slackUserId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, SESSION_NAME_MAX);
}
