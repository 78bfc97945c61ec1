import type { IAMClient } from '@aws-sdk/client-iam';
import type { Logger } from '../logger';
import { OWNER_EMAIL_TAG, OWNER_SLACK_TAG, type OwnerTags } from './actor-mapping';

/**
 * Reads an IAM user's owner tags with `iam:ListUserTags` (tags only: the notifier's role may read
 * nothing else of a user), in the account iam-alerts runs in. Another account's users are not
 * read: the notifier cannot assume the member accounts' responder role, and should not be able to
 * (it would give the function that parses every event a way into every account). Their actors are
 * mapped by Identity Center or `CONFIRM_USER_MAP` instead.
 *
 * @param homeAccountId the account the IAM client reaches; unset (local mode without
 *   `HOME_ACCOUNT_ID`): no tags are read, since a user of the same name elsewhere would answer.
 */
export function ownerTagReader(
  iam: () => Promise<IAMClient>,
  homeAccountId: string | undefined,
  logger: Logger,
): (accountId: string | undefined, userName: string) => Promise<OwnerTags | undefined> {
  return async (accountId, userName) => {
    if (!homeAccountId || accountId !== homeAccountId) return undefined;
    const { ListUserTagsCommand } = await import('@aws-sdk/client-iam');
    try {
      // A user has at most 50 tags: one page of 100 holds them all.
      const { Tags } = await (await iam()).send(new ListUserTagsCommand({ UserName: userName, MaxItems: 100 }));
      const tag = (key: string) => Tags?.find((t) => t.Key === key)?.Value?.trim() || undefined;
      return { slack: tag(OWNER_SLACK_TAG), email: tag(OWNER_EMAIL_TAG) };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchEntityException' || name === 'NoSuchEntity') return undefined;
      logger.warn('could not read the IAM user’s tags (iam:ListUserTags)', { error: (error as Error).message, errorName: name });
      return undefined;
    }
  };
}
