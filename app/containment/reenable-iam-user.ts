import type { IAMClient } from '@aws-sdk/client-iam';
import type { StepView } from '../../blocks/render-containment';
import { denyAllPolicyArn, LEGACY_DENY_POLICY_NAME } from './deny-policy';
import { lookUpUser } from './disable-iam-user';
import { awsError, isNoSuchEntity, outcomeOf, runStep } from './iam-steps';
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

/** Step labels of Re-enable. */
export const REENABLE_STEPS = {
  deny: 'Remove deny-all policy',
  legacy: 'Remove legacy inline deny policy',
  keys: 'Reactivate access keys iam-alerts deactivated',
  tags: 'Update the user tags',
} as const;

/**
 * Undoes what Disable User can undo: detaches `AWSDenyAll`, removes the inline deny policy that
 * earlier versions attached (when the user still has it), and reactivates exactly the access keys
 * iam-alerts deactivated (the `iam-alerts:deactivated-keys` tag), then forgets that record so a
 * later Re-enable cannot revive keys someone else deactivated meanwhile. The deleted console
 * password cannot come back; other credentials, and keys that appeared while the user was being
 * disabled, stay inactive. Idempotent.
 * @throws ContainmentRefusedError / ContainmentTargetError like `disableIamUser`; nothing changes.
 */
export async function reenableIamUser(iam: IAMClient, request: ReenableRequest): Promise<ReenableResult> {
  const sdk = await import('@aws-sdk/client-iam');
  const { userName, tags, partition } = await lookUpUser(iam, request);
  const UserName = userName;
  const PolicyArn = denyAllPolicyArn(partition);
  const recorded = parseKeyList(tags.get(TAGS.deactivatedKeys));
  const steps: StepView[] = [];

  steps.push(
    await runStep(REENABLE_STEPS.deny, async () => {
      try {
        await iam.send(new sdk.DetachUserPolicyCommand({ UserName, PolicyArn }));
        return { status: 'done', detail: `${PolicyArn} detached` };
      } catch (error) {
        // IAM answers NoSuchEntity when the policy is not attached (the user was just found).
        if (isNoSuchEntity(error)) return { status: 'already', detail: `${PolicyArn} not attached` };
        throw error;
      }
    }),
  );

  // Only listed when the user still has the inline policy of earlier versions (or it could not tell).
  const legacy = await removeLegacyDenyPolicy(iam, UserName);
  if (legacy) steps.push(legacy);

  const remaining: string[] = [];
  steps.push(
    await runStep(REENABLE_STEPS.keys, async () => {
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
    await runStep(REENABLE_STEPS.tags, async () => {
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

/**
 * Removes the inline deny-all policy earlier versions attached, if the user still has it. The
 * stack allows `iam:DeleteUserPolicy` only on users tagged `iam-alerts:disabled-by`, and only
 * while its `legacyDenyPolicyRemoval` setting is on: when IAM refuses, the step says what to do.
 * @returns the step, or `undefined` when there is no such policy (nothing to report).
 */
async function removeLegacyDenyPolicy(iam: IAMClient, UserName: string): Promise<StepView | undefined> {
  const sdk = await import('@aws-sdk/client-iam');
  const label = REENABLE_STEPS.legacy;
  try {
    await iam.send(new sdk.GetUserPolicyCommand({ UserName, PolicyName: LEGACY_DENY_POLICY_NAME }));
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    return { label, status: 'failed', detail: `could not tell whether ${LEGACY_DENY_POLICY_NAME} is attached`, error: awsError(error) };
  }
  try {
    await iam.send(new sdk.DeleteUserPolicyCommand({ UserName, PolicyName: LEGACY_DENY_POLICY_NAME }));
    return { label, status: 'done', detail: `inline policy ${LEGACY_DENY_POLICY_NAME} (from an earlier version) removed` };
  } catch (error) {
    if (isNoSuchEntity(error)) return { label, status: 'already', detail: `inline policy ${LEGACY_DENY_POLICY_NAME} already gone` };
    return {
      label,
      status: 'failed',
      detail: `inline policy ${LEGACY_DENY_POLICY_NAME} from an earlier version is still attached and iam-alerts may not remove it (the stack's legacyDenyPolicyRemoval is off, or the user lacks the ${TAGS.disabledBy} tag): delete it by hand`,
      error: awsError(error),
    };
  }
}
