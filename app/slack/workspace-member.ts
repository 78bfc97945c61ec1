/**
 * Who may be sent something privately (a password, a "Was this you?"): a full member of the
 * workspace, never a guest, bot, deactivated or external user. Onboarding and the triage loop
 * share this decision; each words the refusal for its own reader.
 */

/** A Slack user ID (`U…`, `W…` for Enterprise Grid). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** The fields of Slack's user object (`users.info`, `users.lookupByEmail`) that decide it. */
export interface SlackUser {
  id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
}

/** Why a user is not a full member, or `undefined` when they are. */
export type NotAFullMember = 'no-such-user' | 'deactivated' | 'bot' | 'guest' | 'outside-workspace';

export function notAFullMember(user: SlackUser | undefined): NotAFullMember | undefined {
  if (!user?.id || !SLACK_USER_ID.test(user.id)) return 'no-such-user';
  if (user.deleted) return 'deactivated';
  // Slackbot is not flagged is_bot.
  if (user.is_bot || user.is_app_user || user.id === 'USLACKBOT') return 'bot';
  if (user.is_restricted || user.is_ultra_restricted) return 'guest';
  if (user.is_stranger) return 'outside-workspace';
  return undefined;
}
