import type { WebClient } from '@slack/web-api';
import type { Config } from '../config';
import type { Logger } from '../logger';

export type ResponderVerdict =
  | { allowed: true; via: 'user-list' | 'usergroup' | 'viewer-usergroup' }
  | { allowed: false; reason: 'unconfigured' | 'not-responder' | 'lookup-failed'; message: string };

/** What a refused user reads, and how an admin fixes an unconfigured install. */
export const UNCONFIGURED_MESSAGE =
  'Disable User is turned off: no responders are configured. An admin sets RESPONDER_USER_IDS (comma-separated Slack user IDs) and/or RESPONDER_USERGROUP_ID (a Slack user group ID) on the Slack handler.';

/** The refusal of `/iam-events` when nobody may search. */
export const HISTORY_UNCONFIGURED_MESSAGE =
  '/iam-events is turned off: it shows who did what from where, so only responders (RESPONDER_USER_IDS, RESPONDER_USERGROUP_ID) and members of HISTORY_VIEWER_USERGROUP_ID may search, and none are configured. Ask an admin.';

type Deps = { config: Pick<Config, 'responders' | 'historyViewerUserGroupId'>; slack: WebClient; logger: Logger };

/**
 * Decides whether a Slack user may run destructive actions (Disable User, Re-enable): listed in
 * `RESPONDER_USER_IDS`, or a member of the `RESPONDER_USERGROUP_ID` user group. Fails closed: with
 * neither configured, or when Slack cannot say who is in the group, the answer is no.
 * `userId` must come from the verified payload (`body.user.id`), never from a button value.
 */
export async function authorizeResponder(userId: string, deps: Deps): Promise<ResponderVerdict> {
  const { userIds, userGroupId } = deps.config.responders;
  if (userIds.length === 0 && !userGroupId) return { allowed: false, reason: 'unconfigured', message: UNCONFIGURED_MESSAGE };
  return decide(userId, userIds, [{ id: userGroupId, via: 'usergroup' }], deps, {
    notMember: 'Only responders may do this (RESPONDER_USER_IDS or the RESPONDER_USERGROUP_ID user group). Nothing was done.',
    lookupFailed:
      'Could not check whether you are a responder (Slack did not list the responder user group), so nothing was done. Try again, or ask an admin to check RESPONDER_USERGROUP_ID and the usergroups:read scope.',
  });
}

/**
 * Decides whether a Slack user may search with `/iam-events` (and page with More): a responder, or
 * a member of `HISTORY_VIEWER_USERGROUP_ID`. The results name actors and source IPs, and a search
 * shows what responders are doing, so it fails closed like {@link authorizeResponder}.
 */
export async function authorizeHistoryViewer(userId: string, deps: Deps): Promise<ResponderVerdict> {
  const { userIds, userGroupId } = deps.config.responders;
  const viewers = deps.config.historyViewerUserGroupId;
  if (userIds.length === 0 && !userGroupId && !viewers) {
    return { allowed: false, reason: 'unconfigured', message: HISTORY_UNCONFIGURED_MESSAGE };
  }
  return decide(
    userId,
    userIds,
    [
      { id: userGroupId, via: 'usergroup' },
      { id: viewers, via: 'viewer-usergroup' },
    ],
    deps,
    {
      notMember:
        'Only responders and members of the history viewer group (HISTORY_VIEWER_USERGROUP_ID) may search IAM activity. Nothing was searched.',
      lookupFailed:
        'Could not check whether you may search (Slack did not list the responder or viewer user group), so nothing was searched. Try again, or ask an admin to check the group IDs and the usergroups:read scope.',
    },
  );
}

async function decide(
  userId: string,
  userIds: readonly string[],
  groups: ReadonlyArray<{ id: string | undefined; via: 'usergroup' | 'viewer-usergroup' }>,
  deps: Deps,
  messages: { notMember: string; lookupFailed: string },
): Promise<ResponderVerdict> {
  if (userIds.includes(userId)) return { allowed: true, via: 'user-list' };
  for (const { id, via } of groups) {
    if (!id) continue;
    try {
      const members = await deps.slack.usergroups.users.list({ usergroup: id });
      if ((members.users ?? []).includes(userId)) return { allowed: true, via };
    } catch (error) {
      deps.logger.error('could not list a Slack user group', { userGroupId: id, error: (error as Error).message });
      return { allowed: false, reason: 'lookup-failed', message: messages.lookupFailed };
    }
  }
  return { allowed: false, reason: 'not-responder', message: messages.notMember };
}
