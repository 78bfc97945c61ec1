/** The result of one doctor check: what was checked, what was found, and what to do about it. */
export interface CheckResult {
  /** What was checked, e.g. "Slack bot token". */
  name: string;
  ok: boolean;
  /** What was found, in a sentence; never a secret. */
  detail: string;
  /** When not ok: exactly what to do, a command where there is one. */
  fix?: string;
  /** Not run because something it needs failed or is absent (counts as neither pass nor fail). */
  skipped?: boolean;
}

export function pass(name: string, detail: string): CheckResult {
  return { name, ok: true, detail };
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, ok: false, detail, fix };
}

export function skip(name: string, detail: string): CheckResult {
  return { name, ok: true, detail, skipped: true };
}

/** An AWS SDK error's name and message, or any error's message. */
export function errorText(error: unknown): { code: string; message: string } {
  const e = error as { name?: string; Code?: string; message?: string; data?: { error?: string } };
  const code = e?.data?.error ?? e?.Code ?? e?.name ?? 'Error';
  return { code, message: e?.message ?? String(error) };
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'TokenRefreshRequired',
]);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'UnauthorizedOperation']);

/** The usual fix for an AWS call that failed: credentials, a missing permission, or the error itself. */
export function awsFix(error: unknown, action: string): string {
  const { code } = errorText(error);
  if (CREDENTIAL_ERRORS.has(code)) {
    return 'AWS credentials are missing or expired: run `aws sso login` or `aws configure`, or set AWS_PROFILE';
  }
  if (DENIED_ERRORS.has(code)) return `the AWS identity you run this as needs permission for ${action}`;
  return `${action} failed with ${code}: check the region (AWS_REGION or --region) and the name, then retry`;
}
