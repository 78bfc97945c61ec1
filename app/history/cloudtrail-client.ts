import type { CloudTrailClient, CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';

/**
 * SDK settings for the CloudTrail clients that call LookupEvents. The SDK's default (3 attempts,
 * standard mode) gives up quickly when other callers in the account use the same 2 requests/s;
 * adaptive mode also rate-limits the client itself after a throttle. `lookupIamHistory` still
 * paces and backs off on its own, within its time budget.
 */
export const HISTORY_CLOUDTRAIL_CLIENT_CONFIG = {
  maxAttempts: 6,
  retryMode: 'adaptive',
} as const satisfies Partial<CloudTrailClientConfig>;

/**
 * Creates a CloudTrail client for `region` with {@link HISTORY_CLOUDTRAIL_CLIENT_CONFIG}, loading
 * the SDK on first use. Composition roots call this once per region (and account) and cache it.
 * @param credentials another account's (its responder role's); default the function's own.
 */
export async function createHistoryCloudTrailClient(
  region: string,
  credentials?: CloudTrailClientConfig['credentials'],
): Promise<CloudTrailClient> {
  const { CloudTrailClient } = await import('@aws-sdk/client-cloudtrail');
  return new CloudTrailClient({ region, ...HISTORY_CLOUDTRAIL_CLIENT_CONFIG, ...(credentials ? { credentials } : {}) });
}
