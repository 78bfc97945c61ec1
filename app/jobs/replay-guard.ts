import type { VersionedStore } from '../state/versioned-store';
import { JOB_CLOCK_SKEW_SECONDS, JOB_MAX_AGE_SECONDS } from './envelope';

/**
 * Each signed job runs for one Lambda invocation only: its nonce is claimed once in the state
 * table, with a conditional write, together with the ID of the Lambda request that claimed it.
 *
 * Retry or replay? Jobs rethrow unexpected failures on purpose so that Lambda retries them, and
 * Lambda retries an asynchronous invocation with the same event: the same nonce comes back, and
 * must not be mistaken for a replay. AWS's knowledge-center article "How do I prevent duplicate
 * Lambda function invocations?" (repost.aws/knowledge-center/lambda-function-duplicate-invocations)
 * says that duplicate invocations that returned errors or timed out and that have the *same request
 * ID* are the Lambda service retrying the function. So the claim records `context.awsRequestId`:
 * the same request ID again is Lambda's retry and is let through (the jobs are idempotent); any
 * other request ID carrying a claimed nonce is someone invoking the function again with a captured
 * envelope, and is refused. The request ID is chosen by Lambda, not by whoever invokes it.
 *
 * A duplicate delivery that Lambda makes *without* an error (its queue is eventually consistent)
 * may come with another request ID; it is then refused as a replay, which is the safe side: the
 * job already ran once.
 */

/** What claiming a job's nonce found. */
export type NonceClaim = 'first' | 'lambda-retry' | 'replay';

interface ClaimRecord {
  requestId: string;
  kind: string;
}

/** Prefix of the nonce claims in the state table (the Slack role's access is limited to it and alerts'). */
export const JOB_NONCE_KEY_PREFIX = 'job-nonce#';

/**
 * Claims `nonce` for the Lambda request `requestId`. The claim expires after the envelope itself
 * would, so it is kept for as long as the envelope could be accepted.
 * @throws StateStoreError when the table cannot be read or written (the job then fails, and
 *   Lambda's retry, with the same request ID, claims again).
 */
export async function claimJobNonce(
  store: VersionedStore,
  claim: { nonce: string; requestId: string; kind: string; issuedAtMs: number; nowMs: number },
): Promise<NonceClaim> {
  const key = `${JOB_NONCE_KEY_PREFIX}${claim.nonce}`;
  const expiresAt = Math.ceil(claim.issuedAtMs / 1000) + JOB_MAX_AGE_SECONDS + 2 * JOB_CLOCK_SKEW_SECONDS;
  const record: ClaimRecord = { requestId: claim.requestId, kind: claim.kind };
  if (await store.put(key, record, 0, Math.max(expiresAt, Math.ceil(claim.nowMs / 1000) + 60))) return 'first';
  const existing = await store.get<ClaimRecord>(key, Math.floor(claim.nowMs / 1000));
  return existing.value?.requestId === claim.requestId ? 'lambda-retry' : 'replay';
}
