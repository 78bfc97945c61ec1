import * as z from 'zod';
import type { OnboardingSettings } from '../config';
import type { CloudTrailRecord } from '../events/cloudtrail-record';
import { describeActor } from '../events/identity';
import { SLACK_USER_ID } from '../slack/workspace-member';

/**
 * Which new IAM users get a console password, and who receives it. Pure: decided from the CreateUser
 * record, the settings and the user's tags, with no I/O.
 *
 * A user qualifies when its name is an email address in one of `ONBOARDING_EMAIL_DOMAINS` (the usual
 * convention when users are named by email), or when it was created with an owner tag
 * (`iam-alerts:owner-email`, `iam-alerts:owner-slack`; Terraform sets tags in the same CreateUser call).
 */

/** Owner tags, set on the user when it is created. */
export const OWNER_TAGS = {
  /** The owner's email address: their Slack account is found by it, and email delivery goes there. */
  email: 'iam-alerts:owner-email',
  /** The owner's Slack user ID (`U…`): the DM goes there. */
  slack: 'iam-alerts:owner-slack',
} as const;

/** A mail domain as ONBOARDING_EMAIL_DOMAINS lists it: lower case, as the stack's `user/*@<domain>` grant spells it. */
export const MAIL_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;
const emailSchema = z.email();

/** Whom the sign-in details go to, and why. */
export interface Owner {
  /** Where a DM goes: a Slack user ID from the owner-slack tag. */
  slackUserId?: string;
  /** The owner-slack tag's value when it is an address: the Slack account is found by it. */
  slackEmail?: string;
  /** The owner's address: from the owner-email tag, else the user name. Used to find them in Slack and for email. */
  email?: string;
  /** Where the owner came from, in words (shown to responders). */
  source: string;
}

/** A new IAM user that qualifies, and whom its sign-in details go to. */
export interface OnboardingCandidate extends NewUser {
  owner: Owner;
}

export type Qualification =
  | { kind: 'candidate'; candidate: OnboardingCandidate }
  /** Not a user onboarding is for: nothing is said in the thread. */
  | { kind: 'not-qualified'; reason: string }
  /** A user onboarding is for, refused by the settings: the thread says why. */
  | { kind: 'refused'; userName: string; accountId: string; reason: string };

/** Tags as CloudTrail records them in CreateUser's request (`[{key, value}]`) or IAM lists them (`[{Key, Value}]`). */
export type UserTags = Readonly<Record<string, string>>;

/** Reads the tags of a CreateUser request from its CloudTrail record. */
export function requestTags(record: CloudTrailRecord): UserTags {
  const raw = record.requestParameters?.tags;
  if (!Array.isArray(raw)) return {};
  const tags: Record<string, string> = {};
  for (const tag of raw) {
    const key = (tag as { key?: unknown; Key?: unknown })?.key ?? (tag as { Key?: unknown })?.Key;
    const value = (tag as { value?: unknown; Value?: unknown })?.value ?? (tag as { Value?: unknown })?.Value;
    if (typeof key === 'string' && typeof value === 'string') tags[key] = value;
  }
  return tags;
}

/** The new user's name and account, when the record is a successful CreateUser. */
export function createdUser(record: CloudTrailRecord): { userName: string; accountId?: string } | undefined {
  if (record.eventName !== 'CreateUser' || record.eventSource !== 'iam.amazonaws.com' || record.errorCode) return undefined;
  const userName = record.requestParameters?.userName;
  if (typeof userName !== 'string' || !IAM_USER_NAME.test(userName)) return undefined;
  return { userName, accountId: record.recipientAccountId ?? record.userIdentity?.accountId };
}

/** A user a CreateUser call made, as onboarding knows it before looking at its tags. */
export interface NewUser {
  eventId: string;
  accountId: string;
  userName: string;
  /** Who created the user, in words ("IAM user alice"). */
  createdBy: string;
}

/** The new user a successful CreateUser record names, or why there is none. */
export function newUserOf(record: CloudTrailRecord, eventId: string): NewUser | { reason: string } {
  const created = createdUser(record);
  if (!created) return { reason: 'not a successful CreateUser' };
  const actor = describeActor(record);
  return {
    eventId,
    accountId: created.accountId ?? '',
    userName: created.userName,
    createdBy: `${actor.typeLabel} ${actor.name}`.slice(0, 200),
  };
}

/**
 * Decides whether the user a CreateUser record made gets onboarded, and who receives the details,
 * from the record alone (its request tags): what the notifier can tell before any AWS call.
 * @param homeAccountId onboarding acts only in the account iam-alerts runs in; unset: the record's.
 */
export function qualify(
  record: CloudTrailRecord,
  eventId: string,
  settings: Pick<OnboardingSettings, 'mode' | 'emailDomains'>,
  options: { homeAccountId?: string } = {},
): Qualification {
  if (settings.mode === 'off') return { kind: 'not-qualified', reason: 'onboarding is off' };
  const user = newUserOf(record, eventId);
  if ('reason' in user) return { kind: 'not-qualified', reason: user.reason };
  return qualifyUser(user, requestTags(record), settings, options);
}

/**
 * Decides whether `user` gets onboarded, given its tags (the request's, or IAM's own from
 * ListUserTags), and who receives the details.
 */
export function qualifyUser(
  user: NewUser,
  tags: UserTags,
  settings: Pick<OnboardingSettings, 'mode' | 'emailDomains'>,
  options: { homeAccountId?: string } = {},
): Qualification {
  if (settings.mode === 'off') return { kind: 'not-qualified', reason: 'onboarding is off' };
  const { userName, accountId } = user;
  const owner = ownerOf(userName, tags, settings.emailDomains);
  if ('reason' in owner) return { kind: 'not-qualified', reason: owner.reason };
  if (!ACCOUNT_ID.test(accountId)) {
    return { kind: 'refused', userName, accountId: accountId || 'unknown', reason: 'the record names no 12-digit account' };
  }
  if (options.homeAccountId && accountId !== options.homeAccountId) {
    return {
      kind: 'refused',
      userName,
      accountId,
      reason: `iam-alerts creates sign-in details only in its own account (${options.homeAccountId})`,
    };
  }
  return { kind: 'candidate', candidate: { ...user, owner } };
}

/**
 * The owner a user's name and tags point to. An owner-email outside the allowed domains (when any are
 * listed) is not used: whoever may create users should not be able to send a password anywhere.
 */
export function ownerOf(userName: string, tags: UserTags, emailDomains: readonly string[]): Owner | { reason: string } {
  const allowed = (email: string) => isEmail(email) && (emailDomains.length === 0 || isEmailIn(email, emailDomains));
  const nameEmail = isEmailIn(userName, emailDomains) ? userName : undefined;
  const slackTag = tags[OWNER_TAGS.slack]?.trim();
  const emailTag = tags[OWNER_TAGS.email]?.trim();
  const slackUserId = slackTag && SLACK_USER_ID.test(slackTag) ? slackTag : undefined;
  // The owner-slack tag may hold the person's Slack email instead of their ID (as triage reads it too).
  const slackEmail = slackTag && !slackUserId && allowed(slackTag) ? slackTag : undefined;
  const emailFromTag = emailTag && allowed(emailTag) ? emailTag : undefined;
  const email = emailFromTag ?? nameEmail;
  if (!slackUserId && !slackEmail && !email) {
    if (slackTag) return { reason: `${OWNER_TAGS.slack} is neither a Slack user ID nor an address in ${domainsText(emailDomains)}` };
    if (emailTag) return { reason: `${OWNER_TAGS.email} is not an address in ${domainsText(emailDomains)}` };
    return { reason: 'neither an email address in ONBOARDING_EMAIL_DOMAINS nor an owner tag' };
  }
  const sources = [
    slackUserId || slackEmail ? OWNER_TAGS.slack : undefined,
    emailFromTag ? OWNER_TAGS.email : nameEmail ? 'the user name' : undefined,
  ];
  return {
    ...(slackUserId ? { slackUserId } : {}),
    ...(slackEmail ? { slackEmail } : {}),
    ...(email ? { email } : {}),
    source: sources.filter(Boolean).join(' and '),
  };
}

function domainsText(domains: readonly string[]): string {
  return domains.length > 0 ? domains.join(', ') : 'any domain';
}

/** An address, and nothing else (IAM user names may hold `@` and `.`, so this is checked, not assumed). */
export function isEmail(value: string): boolean {
  return emailSchema.safeParse(value).success;
}

/**
 * True when `value` is an address whose domain is one of `domains`, exactly as written: IAM compares
 * user ARNs case-sensitively, and the stack grants on `user/*@<domain>`.
 */
export function isEmailIn(value: string, domains: readonly string[]): boolean {
  if (!isEmail(value)) return false;
  const domain = value.slice(value.lastIndexOf('@') + 1);
  return domains.includes(domain);
}
