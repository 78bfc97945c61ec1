import type { WebClient } from '@slack/web-api';
import type { Actor } from '../events/identity';
import type { Logger } from '../logger';
import { type NotAFullMember, notAFullMember, SLACK_USER_ID, type SlackUser } from '../slack/workspace-member';
import { EMAIL } from './triage-settings';
import type { MappingSource } from './triage-state';

/**
 * Finds the Slack user to ask "Was this you?" about an alert's actor. Tried in this order, the
 * first that names someone iam-alerts may ask wins:
 *
 * 1. the IAM user's `iam-alerts:owner-slack` tag (a Slack user ID, or an email) or
 *    `iam-alerts:owner-email` tag (`users.lookupByEmail`): read with `iam:ListUserTags`, in the
 *    account iam-alerts runs in only (the notifier may not reach into member accounts);
 * 2. an Identity Center user's email: the session name Identity Center gives its permission-set
 *    roles is the user's user name, an email address when the directory uses them;
 * 3. `CONFIRM_USER_MAP` in the settings (`account:name` before `name`).
 *
 * Never asked: root, AWS services and accounts, roles and federated sessions (a role's session
 * name is chosen by whoever assumed it, so it cannot be trusted to name a person), and anyone
 * Slack says is not a full member of the workspace: deleted or deactivated, a bot or app, a
 * single- or multi-channel guest, or a user of another organisation (Slack Connect). Their answer
 * would clear or escalate a security alert, so only full members are asked.
 */

export const OWNER_SLACK_TAG = 'iam-alerts:owner-slack';
export const OWNER_EMAIL_TAG = 'iam-alerts:owner-email';

/** The owner tags of an IAM user, as `iam:ListUserTags` returns them. */
export interface OwnerTags {
  slack?: string;
  email?: string;
}

export interface ActorMappingDeps {
  slack: WebClient;
  logger: Logger;
  ownerMap: Readonly<Record<string, string>>;
  /**
   * Reads an IAM user's owner tags in `accountId`; `undefined` when they cannot be read there (an
   * account other than iam-alerts' own, no permission, no such user). Absent: tags are not read.
   */
  ownerTags?: (accountId: string | undefined, userName: string) => Promise<OwnerTags | undefined>;
}

export type ActorMapping =
  | { kind: 'found'; userId: string; via: MappingSource }
  | { kind: 'none'; reason: string; refused?: Array<{ via: MappingSource; reason: string }> };

/** The kinds of actor a person stands behind, and so may be asked. */
const ASKABLE: ReadonlySet<Actor['kind']> = new Set(['iam-user', 'sso-user']);

/**
 * Maps `actor` (of an event in `accountId`) to a Slack user who may be asked.
 * Never throws: a lookup that fails is logged and the next source is tried.
 */
export async function mapActorToSlackUser(deps: ActorMappingDeps, actor: Actor, accountId: string | undefined): Promise<ActorMapping> {
  if (!ASKABLE.has(actor.kind)) return { kind: 'none', reason: `the actor is ${actor.typeLabel.toLowerCase()}, not a person to ask` };
  const refused: Array<{ via: MappingSource; reason: string }> = [];
  const tryCandidate = async (via: MappingSource, who: string): Promise<ActorMapping | undefined> => {
    const verdict = await checkSlackUser(deps, who);
    if (verdict.ok) return { kind: 'found', userId: verdict.userId, via };
    refused.push({ via, reason: verdict.reason });
    deps.logger.info('not asking this Slack user about the alert', { via, reason: verdict.reason });
    return undefined;
  };

  if (actor.kind === 'iam-user' && actor.iamUserName && deps.ownerTags) {
    const tags = await deps.ownerTags(accountId, actor.iamUserName).catch((error: unknown) => {
      deps.logger.warn('could not read the IAM user’s owner tags', { error: (error as Error).message });
      return undefined;
    });
    for (const value of [tags?.slack, tags?.email]) {
      if (value && (SLACK_USER_ID.test(value) || EMAIL.test(value))) {
        const found = await tryCandidate('owner-tag', value);
        if (found) return found;
      }
    }
  }
  if (actor.kind === 'sso-user' && EMAIL.test(actor.name)) {
    const found = await tryCandidate('identity-center', actor.name);
    if (found) return found;
  }
  const mapped = (accountId ? deps.ownerMap[`${accountId}:${actor.name}`] : undefined) ?? deps.ownerMap[actor.name];
  if (mapped) {
    const found = await tryCandidate('settings', mapped);
    if (found) return found;
  }
  return { kind: 'none', reason: refused.length > 0 ? 'nobody it maps to may be asked' : 'the actor maps to no Slack user', refused };
}

type SlackUserVerdict = { ok: true; userId: string } | { ok: false; reason: string };

const REFUSALS: Record<NotAFullMember, string> = {
  'no-such-user': 'no such Slack user',
  deactivated: 'deactivated in Slack',
  bot: 'a bot, not a person',
  guest: 'a guest of the workspace',
  'outside-workspace': 'not a member of this workspace',
};

/** Looks the user up (by ID or email) and decides whether they are a full member of the workspace. */
async function checkSlackUser(deps: Pick<ActorMappingDeps, 'slack' | 'logger'>, who: string): Promise<SlackUserVerdict> {
  let user: SlackUser | undefined;
  try {
    const response = SLACK_USER_ID.test(who)
      ? await deps.slack.users.info({ user: who })
      : await deps.slack.users.lookupByEmail({ email: who });
    user = response.user as SlackUser | undefined;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'users_not_found' || code === 'user_not_found') return { ok: false, reason: 'no such Slack user' };
    deps.logger.warn('could not look up a Slack user', { error: (error as Error).message });
    return { ok: false, reason: `Slack lookup failed (${code ?? (error as Error).message})` };
  }
  const refused = notAFullMember(user);
  if (refused || !user?.id) return { ok: false, reason: REFUSALS[refused ?? 'no-such-user'] };
  return { ok: true, userId: user.id };
}
