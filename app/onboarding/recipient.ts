import type { WebClient } from '@slack/web-api';
import { type NotAFullMember, notAFullMember, type SlackUser } from '../slack/workspace-member';
import type { Owner } from './qualify';
import { withSlackRetry } from './slack-retry';

/**
 * Finds the Slack person the DM goes to and opens the DM with them, before any password exists, so
 * that an owner nobody can reach stops onboarding instead of leaving a password nobody receives.
 */

/** Where the DM goes. */
export type DmTarget = { ok: true; userId: string; channel: string } | { ok: false; reason: string };

/**
 * Resolves the owner to a Slack user (the owner-slack tag's ID, or `users.lookupByEmail` on their
 * address: a full member only, never a guest, bot, deactivated or external user) and opens the DM
 * (`conversations.open`).
 */
export async function openOwnerDm(slack: WebClient, owner: Owner): Promise<DmTarget> {
  let userId = owner.slackUserId;
  const address = owner.slackEmail ?? owner.email;
  if (!userId) {
    if (!address) return { ok: false, reason: 'no Slack user ID or email address for the owner' };
    const found = await lookupByEmail(slack, address);
    if (!found.ok) return found;
    userId = found.userId;
  }
  try {
    const opened = await withSlackRetry(() => slack.conversations.open({ users: userId }));
    const channel = (opened.channel as { id?: string } | undefined)?.id;
    if (!channel) return { ok: false, reason: 'Slack opened no DM' };
    return { ok: true, userId, channel };
  } catch (error) {
    return { ok: false, reason: `Slack could not open a DM with ${userId} (${slackErrorCode(error)})` };
  }
}

async function lookupByEmail(slack: WebClient, email: string): Promise<{ ok: true; userId: string } | { ok: false; reason: string }> {
  let user: SlackUser | undefined;
  try {
    user = (await withSlackRetry(() => slack.users.lookupByEmail({ email }))).user as SlackUser | undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'users_not_found') return { ok: false, reason: `no Slack user has the address ${email}` };
    return { ok: false, reason: `Slack could not look up ${email} (${code})` };
  }
  const refused = notAFullMember(user);
  if (refused || !user?.id) return { ok: false, reason: refusalFor(email, refused ?? 'no-such-user') };
  return { ok: true, userId: user.id };
}

function refusalFor(email: string, why: NotAFullMember): string {
  switch (why) {
    case 'no-such-user':
      return `no Slack user has the address ${email}`;
    case 'deactivated':
      return `the Slack user with the address ${email} is deactivated`;
    case 'bot':
      return `${email} belongs to a bot in Slack, not a person`;
    case 'guest':
      return `${email} belongs to a guest of the workspace`;
    case 'outside-workspace':
      return `${email} belongs to someone outside the workspace`;
  }
}

/** Slack's error code (`users_not_found`), or the error's message. */
export function slackErrorCode(error: unknown): string {
  return (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
}
