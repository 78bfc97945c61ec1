import type { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../logger';

export type ResponderVerdict =
  | { allowed: true; via: 'user-list' | 'usergroup' }
  | { allowed: false; reason: 'unconfigured' | 'not-responder' | 'lookup-failed'; message: string };

/** What a refused user reads, and how an admin fixes an unconfigured install. */
export const UNCONFIGURED_MESSAGE =
  'Disable User is turned off: no responders are configured. An admin sets RESPONDER_USER_IDS (comma-separated Slack user IDs) and/or RESPONDER_USERGROUP_ID (a Slack user group ID) on the Slack handler.';

/**
 * Decides whether a Slack user may run destructive actions (Disable User, Re-enable): listed in
 * `RESPONDER_USER_IDS`, or a member of the `RESPONDER_USERGROUP_ID` user group. Fails closed: with
 * neither configured, or when Slack cannot say who is in the group, the answer is no.
 * `userId` must come from the verified payload (`body.user.id`), never from a button value.
 */
export async function authorizeResponder(
  userId: string,
  deps: { config: Pick<Config, 'responders'>; slack: WebClient; logger: Logger },
): Promise<ResponderVerdict> {
  const { userIds, userGroupId } = deps.config.responders;
  if (userIds.length === 0 && !userGroupId) return { allowed: false, reason: 'unconfigured', message: UNCONFIGURED_MESSAGE };
  if (userIds.includes(userId)) return { allowed: true, via: 'user-list' };
  if (userGroupId) {
    try {
      const members = await deps.slack.usergroups.users.list({ usergroup: userGroupId });
      if ((members.users ?? []).includes(userId)) return { allowed: true, via: 'usergroup' };
    } catch (error) {
      deps.logger.error('could not list the responder user group', { userGroupId, error: (error as Error).message });
      return {
        allowed: false,
        reason: 'lookup-failed',
        message:
          'Could not check whether you are a responder (Slack did not list the responder user group), so nothing was done. Try again, or ask an admin to check RESPONDER_USERGROUP_ID and the usergroups:read scope.',
      };
    }
  }
  return {
    allowed: false,
    reason: 'not-responder',
    message: 'Only responders may do this (RESPONDER_USER_IDS or the RESPONDER_USERGROUP_ID user group). Nothing was done.',
  };
}
