import type { AlertOutcome } from '../../blocks/alert-view';
import type { CloudTrailRecord } from './cloudtrail-record';

const DENIED_CODES = /AccessDenied|UnauthorizedOperation|Unauthorized|Forbidden|NotAuthorized|NotOrganizationMasterAccount/i;

/**
 * How a call ended. Console sign-in failures carry `errorMessage` ("Failed authentication") and no
 * `errorCode`, or only `responseElements.ConsoleLogin: "Failure"`.
 */
export function callOutcome(record: CloudTrailRecord): AlertOutcome {
  const code = record.errorCode;
  const message = record.errorMessage;
  const consoleResult = record.responseElements?.ConsoleLogin;
  if (!code && !message && consoleResult !== 'Failure') return { kind: 'success' };
  const error = code ?? (consoleResult === 'Failure' ? 'Failure' : 'Error');
  const denied = DENIED_CODES.test(code ?? '') || /not authorized|access denied/i.test(message ?? '');
  return { kind: denied ? 'denied' : 'failed', error, ...(message ? { message } : {}) };
}

/** True for calls that only read: CloudTrail's `readOnly`, or the API verb when the flag is missing. */
export function isReadOnly(record: CloudTrailRecord): boolean {
  if (record.readOnly !== undefined) return record.readOnly;
  return /^(Get|List|Describe|Lookup|Head|Search)/.test(record.eventName);
}

/** MFA state of a console sign-in, from `additionalEventData.MFAUsed`. */
export function signInMfa(record: CloudTrailRecord): 'yes' | 'no' | undefined {
  const used = record.additionalEventData?.MFAUsed;
  if (used === 'Yes') return 'yes';
  if (used === 'No') return 'no';
  return undefined;
}
