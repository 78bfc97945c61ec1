import type { IAMClient } from '@aws-sdk/client-iam';
import type { StepView } from '../../blocks/render-containment';
import { DENY_ALL_POLICY_NAME, lookUpUser } from './disable-iam-user';
import { isNoSuchEntity, outcomeOf, runStep } from './iam-steps';
import { parseKeyList, TAGS, tagValue } from './tags';

export interface ReenableRequest {
  userName: string;
  accountId: string;
  actorUserId: string;
  now: Date;
  protectedPatterns: readonly string[];
}

export interface ReenableResult {
  userName: string;
  outcome: 'reenabled' | 'partial' | 'failed';
  steps: StepView[];
}

/**
 * Undoes what Disable User can undo: removes the deny-all policy and reactivates exactly the access
 * keys iam-alerts deactivated (the `iam-alerts:deactivated-keys` tag), then forgets that record so
 * a later Re-enable cannot revive keys someone else deactivated meanwhile. The deleted console
 * password cannot come back; other credentials stay inactive. Idempotent.
 * @throws ContainmentRefusedError / ContainmentTargetError like `disableIamUser`; nothing changes.
 */
export async function reenableIamUser(iam: IAMClient, request: ReenableRequest): Promise<ReenableResult> {
  const sdk = await import('@aws-sdk/client-iam');
  const { userName, tags } = await lookUpUser(iam, request);
  const UserName = userName;
  const recorded = parseKeyList(tags.get(TAGS.deactivatedKeys));
  const steps: StepView[] = [];

  steps.push(
    await runStep('Remove deny-all policy', async () => {
      try {
        await iam.send(new sdk.DeleteUserPolicyCommand({ UserName, PolicyName: DENY_ALL_POLICY_NAME }));
        return { status: 'done', detail: `inline policy ${DENY_ALL_POLICY_NAME} removed` };
      } catch (error) {
        if (isNoSuchEntity(error)) return { status: 'already', detail: 'no deny-all policy attached' };
        throw error;
      }
    }),
  );

  const remaining: string[] = [];
  steps.push(
    await runStep('Reactivate access keys iam-alerts deactivated', async () => {
      if (recorded.length === 0) return { status: 'already', detail: 'no access keys recorded as deactivated by iam-alerts' };
      const reactivated: string[] = [];
      const gone: string[] = [];
      let firstError: unknown;
      for (const id of recorded) {
        try {
          await iam.send(new sdk.UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: 'Active' }));
          reactivated.push(id);
        } catch (error) {
          if (isNoSuchEntity(error)) gone.push(id);
          else {
            firstError ??= error;
            remaining.push(id);
          }
        }
      }
      const parts = [
        reactivated.length ? `reactivated ${reactivated.join(', ')}` : '',
        gone.length ? `deleted since: ${gone.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      if (remaining.length > 0)
        throw Object.assign(new Error(`${parts}; could not reactivate ${remaining.join(', ')}`), {
          cause: firstError,
          name: (firstError as Error).name,
        });
      return { status: 'done', detail: parts };
    }),
  );

  const changed = steps.some((s) => s.status === 'done' || s.status === 'failed');
  steps.push(
    await runStep('Update the user tags', async () => {
      // A user iam-alerts never disabled (or already re-enabled) keeps its tags as they are.
      if (!changed) return { status: 'already', detail: 'nothing to record' };
      // Keep in the record only the keys that still need reactivating (a retry will do them).
      if (remaining.length > 0) {
        await iam.send(new sdk.TagUserCommand({ UserName, Tags: [{ Key: TAGS.deactivatedKeys, Value: remaining.join(' ') }] }));
      } else if (tags.has(TAGS.deactivatedKeys)) {
        await iam.send(new sdk.UntagUserCommand({ UserName, TagKeys: [TAGS.deactivatedKeys] }));
      }
      await iam.send(
        new sdk.TagUserCommand({
          UserName,
          Tags: [
            { Key: TAGS.reenabledBy, Value: tagValue(`slack:${request.actorUserId}`) },
            { Key: TAGS.reenabledAt, Value: request.now.toISOString() },
          ],
        }),
      );
      return { status: 'done', detail: `reenabled-by slack:${request.actorUserId}` };
    }),
  );

  return { userName, outcome: outcomeOf(steps, 'reenabled'), steps };
}
