import { SEVERITIES, type Severity } from '../../blocks/alert-view';
import { SLACK_USER_ID } from '../slack/workspace-member';

/**
 * The triage loop's settings, parsed from their text form: the same parsers serve the runtime
 * config (`app/config.ts`, environment variables) and the stack's settings (`infra/settings.ts`,
 * CDK context), so a value synth accepts is one the functions accept.
 */

/** What the triage loop does, as the functions read it. */
export interface TriageSettings {
  /** Severities whose actor is asked "Was this you?" by DM. Empty: nobody is asked. */
  readonly confirmSeverities: readonly Severity[];
  /** How long the actor has to answer before the thread says nobody did. */
  readonly confirmTimeoutMinutes: number;
  /**
   * The third way to find the actor's Slack user: actor name (an IAM user or an Identity Center
   * user, optionally `123456789012:name` for one account) → Slack user ID (`U…`) or email.
   */
  readonly ownerMap: Readonly<Record<string, string>>;
  /** Minutes without an acknowledgement before a severity's alert is escalated; absent: never. */
  readonly escalateAfterMinutes: Readonly<Partial<Record<Severity, number>>>;
  /** The daily digest, when `DIGEST_AT` is set: the local time and its IANA time zone. */
  readonly digest?: { readonly hour: number; readonly minute: number; readonly timeZone: string };
}

/** An alert is escalated at most this many times (the "once, then at most once more"). */
export const MAX_ESCALATIONS = 2;

export const DEFAULT_CONFIRM_SEVERITIES: readonly Severity[] = ['critical', 'high'];
export const DEFAULT_CONFIRM_TIMEOUT_MINUTES = 30;
export const DEFAULT_ESCALATE_AFTER_MINUTES: Readonly<Partial<Record<Severity, number>>> = { critical: 15, high: 60 };
/** A day has 1,440 minutes; an escalation later than a week is no escalation. */
const MAX_MINUTES = 7 * 24 * 60;

type Parsed<T> = { value: T } | { problem: string };

/** `critical,high` (default), or `none` for nobody. */
export function parseSeverityList(text: string | undefined, fallback: readonly Severity[]): Parsed<Severity[]> {
  const raw = text?.trim();
  if (!raw) return { value: [...fallback] };
  if (raw.toLowerCase() === 'none') return { value: [] };
  const items = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = items.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (unknown.length > 0) return { problem: `expected severities (${SEVERITIES.join(', ')}) or none, got "${unknown.join(', ')}"` };
  return { value: [...new Set(items as Severity[])] };
}

/** `critical=15,high=60` (default), or `none` for no escalation. */
export function parseEscalateAfter(text: string | undefined): Parsed<Partial<Record<Severity, number>>> {
  const raw = text?.trim();
  if (!raw) return { value: { ...DEFAULT_ESCALATE_AFTER_MINUTES } };
  if (raw.toLowerCase() === 'none') return { value: {} };
  const out: Partial<Record<Severity, number>> = {};
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value, ...rest] = pair.split('=').map((s) => s.trim());
    const minutes = Number(value);
    if (
      !key ||
      rest.length > 0 ||
      !(SEVERITIES as readonly string[]).includes(key) ||
      !Number.isInteger(minutes) ||
      minutes <= 0 ||
      minutes > MAX_MINUTES
    ) {
      return { problem: `expected severity=minutes pairs such as critical=15,high=60 (1 to ${MAX_MINUTES} minutes), got "${pair}"` };
    }
    out[key as Severity] = minutes;
  }
  return { value: out };
}

/** Deliberately plain: Slack is the judge of whether the address has a user. */
export const EMAIL = /^[^\s@<>,;]{1,64}@[^\s@<>,;]{1,255}\.[^\s@<>,;]{2,63}$/;
/** An actor name as the map may name it: IAM's user name alphabet (SSO user names too), optionally `account:`. */
const MAP_KEY = /^(\d{12}:)?[\w+=,.@-]{1,128}$/;

/**
 * `alice=U0ALICE,bob=bob@example.com,123456789012:ci-deploy=U0OPS`, or a JSON object for names
 * that contain `,` or `=` (IAM allows both).
 */
export function parseOwnerMap(text: string | undefined): Parsed<Record<string, string>> {
  const raw = text?.trim();
  if (!raw) return { value: {} };
  let entries: Array<[string, unknown]>;
  if (raw.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      return { problem: `not valid JSON: ${(error as Error).message}` };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return { problem: 'expected a JSON object' };
    entries = Object.entries(json);
  } else {
    entries = [];
    for (const pair of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const at = pair.lastIndexOf('=');
      if (at <= 0) return { problem: `expected name=SLACK_USER_ID or name=email pairs, got "${pair}"` };
      entries.push([pair.slice(0, at).trim(), pair.slice(at + 1).trim()]);
    }
  }
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (!MAP_KEY.test(key)) return { problem: `"${key}" is not an IAM or Identity Center user name (optionally account:name)` };
    if (typeof value !== 'string' || !(SLACK_USER_ID.test(value) || EMAIL.test(value))) {
      return { problem: `the Slack user for "${key}" must be a user ID (U…) or an email address` };
    }
    out[key] = value;
  }
  return { value: out };
}

/** `09:00` (24-hour clock). */
export function parseDigestAt(text: string | undefined): Parsed<{ hour: number; minute: number } | undefined> {
  const raw = text?.trim();
  if (!raw) return { value: undefined };
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(raw);
  if (!match) return { problem: `expected a time such as 09:00 (24-hour clock), got "${raw}"` };
  return { value: { hour: Number(match[1]), minute: Number(match[2]) } };
}

/** An IANA time zone the runtime knows (`Europe/Berlin`, `UTC`). */
export function parseTimeZone(text: string | undefined): Parsed<string> {
  const raw = text?.trim() || 'UTC';
  // Every runtime knows UTC; checking it would cost the notifier's cold start ICU's setup (~17 ms).
  if (raw === 'UTC') return { value: raw };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: raw });
    return { value: raw };
  } catch {
    return { problem: `expected an IANA time zone such as Europe/Berlin or UTC, got "${raw}"` };
  }
}
