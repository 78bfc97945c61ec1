/**
 * Errors of acting in an account: refused by this deployment's settings before any AWS call, or
 * AWS would not let iam-alerts in (AssumeRole into the account's responder role failed).
 */

/** The account is outside what this deployment may act in; nothing was called or changed. */
export class AccountRefusedError extends Error {
  readonly accountId: string;

  constructor(message: string, details: { accountId: string }, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccountRefusedError';
    this.accountId = details.accountId;
  }
}

/**
 * AssumeRole into the account's `IamAlertsResponder` failed: `denied` when AWS refused it (the
 * account is not in the organization, or has no such role trusting this function), `failed` for
 * anything else (throttling, network, an STS region switched off).
 */
export class AccountAccessError extends Error {
  readonly accountId: string;
  readonly roleArn: string;
  readonly kind: 'denied' | 'failed';
  /** AWS error name (`AccessDenied`), when there was one. */
  readonly code?: string;

  constructor(
    message: string,
    details: { accountId: string; roleArn: string; kind: 'denied' | 'failed'; code?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AccountAccessError';
    this.accountId = details.accountId;
    this.roleArn = details.roleArn;
    this.kind = details.kind;
    this.code = details.code;
  }
}
