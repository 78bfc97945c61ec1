/**
 * The deny-all policy Disable User attaches, and the inline one earlier versions wrote. Shared by
 * the containment code and the CDK stack (whose Slack role may attach exactly this policy and no
 * other), so both name the same ARN.
 */

/**
 * AWS's managed `AWSDenyAll` (`Deny` `*` on `*`): it exists in every account of every partition,
 * so nothing has to be created first, and an explicit Deny in a user's policy also stops the
 * sessions its keys already opened (GetSessionToken, GetFederationToken).
 */
export const DENY_ALL_MANAGED_POLICY_NAME = 'AWSDenyAll';

/** `arn:<partition>:iam::aws:policy/AWSDenyAll` for the partition the user lives in. */
export function denyAllPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/${DENY_ALL_MANAGED_POLICY_NAME}`;
}

/** The partition of an IAM ARN (`aws`, `aws-us-gov`, `aws-cn`, …); `aws` when it cannot be read. */
export function partitionOf(arn: string | undefined): string {
  return /^arn:(aws[\w-]*):/.exec(arn ?? '')?.[1] ?? 'aws';
}

/**
 * The inline deny-all policy that versions before the managed `AWSDenyAll` put on disabled users.
 * Re-enable still removes it; nothing writes it any more (the Slack role may not PutUserPolicy).
 */
export const LEGACY_DENY_POLICY_NAME = 'iam-alerts-deny-all';
