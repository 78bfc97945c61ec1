/**
 * Errors of the CloudTrail history search. Throttling is not among them: it is an expected stop
 * (the lookup returns what it has and a cursor to continue), never a crash.
 */

/** Why a LookupEvents call failed, in the terms the user-facing message needs. */
export type HistoryFailureKind =
  /** The role may not call cloudtrail:LookupEvents in that region (AccessDenied and friends). */
  | 'access-denied'
  /** No usable AWS credentials (expired, unknown, missing). */
  | 'credentials'
  /** A NextToken that CloudTrail no longer accepts (expired, or parameters changed). */
  | 'expired-cursor'
  /** The region is not enabled for this account or does not exist. */
  | 'region'
  /** Anything else CloudTrail or the network reported. */
  | 'other';

/** LookupEvents failed for a reason other than throttling; `region` and `code` say where and what. */
export class HistoryLookupError extends Error {
  readonly kind: HistoryFailureKind;
  readonly region: string;
  /** AWS error name (`AccessDeniedException`), when there was one. */
  readonly code?: string;

  constructor(message: string, details: { kind: HistoryFailureKind; region: string; code?: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryLookupError';
    this.kind = details.kind;
    this.region = details.region;
    this.code = details.code;
  }
}

/** `account:` names no account iam-alerts knows (not an ID, an alias or a name in the organization). */
export class UnknownAccountError extends Error {
  readonly reference: string;

  constructor(message: string, details: { reference: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnknownAccountError';
    this.reference = details.reference;
  }
}

/** A More button's value could not be read back (tampered with, or from an older version). */
export class HistoryCursorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HistoryCursorError';
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'NotAuthorized',
  'OperationNotPermittedException',
]);
const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);

/** True when an AWS SDK error means "slow down" (by name, HTTP 429, or the SDK's own flag). */
export function isThrottlingError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } } | undefined;
  return Boolean(e && (THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling));
}

/** Wraps a failed LookupEvents call (not throttling) in a {@link HistoryLookupError}. */
export function toHistoryLookupError(error: unknown, region: string): HistoryLookupError {
  const name = (error as { name?: string } | undefined)?.name ?? 'Error';
  const message = (error as { message?: string } | undefined)?.message ?? String(error);
  let kind: HistoryFailureKind = 'other';
  if (DENIED.has(name) || /not authorized|access denied/i.test(message)) kind = 'access-denied';
  else if (CREDENTIALS.has(name)) kind = 'credentials';
  else if (name === 'InvalidNextTokenException') kind = 'expired-cursor';
  else if (/UnrecognizedRegion|InvalidRegion|OptInRequired|ENOTFOUND/i.test(`${name} ${message}`)) kind = 'region';
  return new HistoryLookupError(`LookupEvents failed in ${region}: ${name}: ${message}`, { kind, region, code: name }, { cause: error });
}
