/**
 * The view-model of one alert: plain data, already decided (severity, target, what to show).
 * Built from a CloudTrail record by `app/alerts/build-alert-view.ts`; rendered by `renderAlert`.
 * Every string here is raw (unescaped) event data: the renderer escapes it.
 */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How the call ended: a success, a denied attempt (AccessDenied and friends) or another failure. */
export type AlertOutcome =
  | { kind: 'success' }
  | { kind: 'denied'; error: string; message?: string }
  | { kind: 'failed'; error: string; message?: string };

export interface ActorView {
  /** CloudTrail's identity type, in words: "IAM user", "Root", "Assumed role", "SSO user", ... */
  typeLabel: string;
  /** The name people know the actor by: "root", the IAM user name, the SSO user, the role. */
  name: string;
  /** Extra detail such as the role session name or the service that acted on the caller's behalf. */
  detail?: string;
  arn?: string;
}

export interface TargetView {
  /** What kind of thing the event acted on: "user", "role", "group", "policy", "trail", ... */
  kind: string;
  name: string;
}

export interface AlertField {
  label: string;
  value: string;
  /** Render the value as inline code (ARNs, IDs); default true. */
  code?: boolean;
}

/** What a Disable User button carries to the Slack side; kept compact (Slack allows 2000 chars). */
export interface DisableUserButtonValue {
  /** IAM user name to disable. */
  u: string;
  /** AWS account ID the user lives in. */
  a: string;
  /** CloudTrail event ID of the alert. */
  e: string;
}

/**
 * Why an IAM user is offered for Disable User: `target`, the user the event changed (a backdoor
 * being made); `actor`, the IAM user who made the call (whose credentials may be in the wrong hands).
 */
export type DisableRole = 'target' | 'actor';

/** One Disable User button: whom it disables and why that user is offered. */
export interface DisableOffer {
  role: DisableRole;
  value: DisableUserButtonValue;
}

/** What the Acknowledge button carries. */
export interface AcknowledgeButtonValue {
  e: string;
  a: string;
}

export interface AlertView {
  severity: Severity;
  /** Title in words, without the subject: "IAM user created". */
  title: string;
  /** The subject appended to the title, usually the target: "mallory". */
  subject?: string;
  eventName: string;
  eventSource: string;
  eventId: string;
  outcome: AlertOutcome;
  actor: ActorView;
  target?: TargetView;
  /** The parameters that matter (policy ARN, group, key ID), in order. */
  parameters: AlertField[];
  /** Why the severity is what it is, when the content raised it ("AdministratorAccess attached"). */
  reasons: string[];
  /** A compact JSON view of the remaining request parameters, if any. */
  requestExcerpt?: string;
  accountId?: string;
  accountAlias?: string;
  region?: string;
  sourceIp?: string;
  userAgent?: { summary: string; raw: string; flagged: boolean };
  /** Event time in epoch seconds when it could be parsed; otherwise the raw string. */
  eventTime?: { epochSeconds: number; iso: string } | { raw: string };
  /** MFA state for sign-ins. */
  mfa?: 'yes' | 'no';
  consoleUrl?: string;
  /**
   * The IAM users a Disable User button is offered for, each with its own button: none, one, or
   * the target and then the acting user when one IAM user changed another.
   */
  disable: DisableOffer[];
}
