import type { IAMClient, Tag } from '@aws-sdk/client-iam';
import type { StepView } from '../../blocks/render-containment';
import { parsePolicyDocument } from '../events/policy-document';
import { ContainmentRefusedError, ContainmentTargetError } from './errors';
import { awsError, isNoSuchEntity, outcomeOf, runStep, setStatuses } from './iam-steps';
import { protectionReason } from './protected-users';
import { formatKeyList, parseKeyList, TAGS, tagValue } from './tags';

/** Name of the inline policy that denies everything to a disabled user. */
export const DENY_ALL_POLICY_NAME = 'iam-alerts-deny-all';

/** `Deny *` on `*`: explicit denies win over every allow, and apply to sessions already issued. */
export const DENY_ALL_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'IamAlertsDisabledUser', Effect: 'Deny', Action: '*', Resource: '*' }],
});

export interface ContainmentRequest {
  userName: string;
  /** Account the alert was about; the user's ARN must be in it. */
  accountId: string;
  /** CloudTrail event ID of the alert (tagged on the user). */
  eventId: string;
  /** Slack user ID of the responder (tagged on the user). */
  actorUserId: string;
  now: Date;
  protectedPatterns: readonly string[];
}

export interface ContainmentResult {
  /** The user name as IAM spells it. */
  userName: string;
  outcome: 'disabled' | 'partial' | 'failed';
  steps: StepView[];
}

/**
 * Disables an IAM user: deletes its console password, deactivates its access keys, signing
 * certificates, SSH public keys and service-specific credentials, attaches an inline deny-all
 * policy and tags it with who, when and which alert. Every step is idempotent (a repeat reports
 * "already so") and runs even when an earlier one failed; the access keys it deactivated are
 * recorded on the user for Re-enable.
 * @throws ContainmentRefusedError for root, a protected name or a user outside `accountId`;
 *   ContainmentTargetError when the user cannot be looked up. Nothing changes in either case.
 */
export async function disableIamUser(iam: IAMClient, request: ContainmentRequest): Promise<ContainmentResult> {
  const sdk = await import('@aws-sdk/client-iam');
  const { userName, tags } = await lookUpUser(iam, request);
  const UserName = userName;

  const steps: StepView[] = [];
  steps.push(
    await runStep('Delete console password', async () => {
      try {
        await iam.send(new sdk.DeleteLoginProfileCommand({ UserName }));
        return { status: 'done', detail: 'console password deleted' };
      } catch (error) {
        if (isNoSuchEntity(error)) return { status: 'already', detail: 'no console password' };
        throw error;
      }
    }),
  );

  steps.push(
    await runStep('Deactivate access keys', async () => {
      const keys: { id: string; status?: string }[] = [];
      for await (const page of sdk.paginateListAccessKeys({ client: iam }, { UserName })) {
        for (const k of page.AccessKeyMetadata ?? []) if (k.AccessKeyId) keys.push({ id: k.AccessKeyId, status: k.Status });
      }
      const result = await setStatuses('access keys', keys, 'Inactive', (id) =>
        iam.send(new sdk.UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: 'Inactive' })),
      );
      if (result.changed.length === 0) return result;
      // Recorded on the user right away, so Re-enable knows even if a later step fails.
      const recorded = formatKeyList([...parseKeyList(tags.get(TAGS.deactivatedKeys)), ...result.changed]);
      try {
        await iam.send(new sdk.TagUserCommand({ UserName, Tags: [{ Key: TAGS.deactivatedKeys, Value: recorded }] }));
      } catch (error) {
        return { status: 'failed', detail: `${result.detail}, but could not record them for Re-enable`, error: awsError(error) };
      }
      return result;
    }),
  );

  steps.push(
    await runStep('Deactivate signing certificates', async () => {
      const certs: { id: string; status?: string }[] = [];
      for await (const page of sdk.paginateListSigningCertificates({ client: iam }, { UserName })) {
        for (const c of page.Certificates ?? []) if (c.CertificateId) certs.push({ id: c.CertificateId, status: c.Status });
      }
      return setStatuses('signing certificates', certs, 'Inactive', (id) =>
        iam.send(new sdk.UpdateSigningCertificateCommand({ UserName, CertificateId: id, Status: 'Inactive' })),
      );
    }),
  );

  steps.push(
    await runStep('Deactivate SSH public keys', async () => {
      const keys: { id: string; status?: string }[] = [];
      for await (const page of sdk.paginateListSSHPublicKeys({ client: iam }, { UserName })) {
        for (const k of page.SSHPublicKeys ?? []) if (k.SSHPublicKeyId) keys.push({ id: k.SSHPublicKeyId, status: k.Status });
      }
      return setStatuses('SSH public keys', keys, 'Inactive', (id) =>
        iam.send(new sdk.UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: id, Status: 'Inactive' })),
      );
    }),
  );

  steps.push(
    await runStep('Deactivate service-specific credentials', async () => {
      const listed = await iam.send(new sdk.ListServiceSpecificCredentialsCommand({ UserName }));
      const creds = (listed.ServiceSpecificCredentials ?? [])
        .filter((c) => c.ServiceSpecificCredentialId)
        .map((c) => ({ id: c.ServiceSpecificCredentialId as string, status: c.Status }));
      return setStatuses('service-specific credentials', creds, 'Inactive', (id) =>
        iam.send(new sdk.UpdateServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id, Status: 'Inactive' })),
      );
    }),
  );

  steps.push(
    await runStep('Attach deny-all policy', async () => {
      try {
        const existing = await iam.send(new sdk.GetUserPolicyCommand({ UserName, PolicyName: DENY_ALL_POLICY_NAME }));
        if (existing.PolicyDocument && sameDocument(existing.PolicyDocument, DENY_ALL_POLICY)) {
          return { status: 'already', detail: `inline policy ${DENY_ALL_POLICY_NAME} already attached` };
        }
      } catch (error) {
        if (!isNoSuchEntity(error)) throw error;
      }
      await iam.send(new sdk.PutUserPolicyCommand({ UserName, PolicyName: DENY_ALL_POLICY_NAME, PolicyDocument: DENY_ALL_POLICY }));
      return { status: 'done', detail: `inline policy ${DENY_ALL_POLICY_NAME} denies every action, for sessions already issued too` };
    }),
  );

  steps.push(
    await runStep('Tag the user', async () => {
      const Tags: Tag[] = [
        { Key: TAGS.disabledBy, Value: tagValue(`slack:${request.actorUserId}`) },
        { Key: TAGS.disabledAt, Value: request.now.toISOString() },
        { Key: TAGS.alertEvent, Value: tagValue(request.eventId) },
      ];
      await iam.send(new sdk.TagUserCommand({ UserName, Tags }));
      return { status: 'done', detail: `disabled-by slack:${request.actorUserId}, alert ${request.eventId}` };
    }),
  );

  return { userName, outcome: outcomeOf(steps, 'disabled'), steps };
}

/**
 * Looks the user up before touching it: confirms it exists, that it is in the alert's account
 * (its ARN says so), and re-checks root and protected names against IAM's spelling of the name.
 * Returns its current tags.
 */
export async function lookUpUser(
  iam: IAMClient,
  request: Pick<ContainmentRequest, 'userName' | 'accountId' | 'protectedPatterns'>,
): Promise<{ userName: string; tags: Map<string, string> }> {
  const sdk = await import('@aws-sdk/client-iam');
  const refused = protectionReason(request.userName, request.protectedPatterns);
  if (refused) throw new ContainmentRefusedError(refused);
  let user: { UserName?: string; Arn?: string; Tags?: Tag[] } | undefined;
  try {
    user = (await iam.send(new sdk.GetUserCommand({ UserName: request.userName }))).User;
  } catch (error) {
    if (isNoSuchEntity(error)) throw new ContainmentTargetError(`IAM user ${request.userName} does not exist`, { cause: error });
    const e = awsError(error);
    throw new ContainmentTargetError(`could not look up IAM user ${request.userName}: ${e.name}: ${e.message}`, { cause: error });
  }
  const userName = user?.UserName ?? request.userName;
  const arnAccount = /^arn:aws[\w-]*:iam::(\d{12}):/.exec(user?.Arn ?? '')?.[1];
  if (request.accountId && arnAccount && arnAccount !== request.accountId) {
    throw new ContainmentRefusedError(
      `IAM user ${userName} here is in account ${arnAccount}, but the alert is about account ${request.accountId}: nothing was changed`,
    );
  }
  const refusedByIamName = protectionReason(userName, request.protectedPatterns);
  if (refusedByIamName) throw new ContainmentRefusedError(refusedByIamName);
  // GetUser returns the user's tags too; one call fewer than ListUserTags.
  return { userName, tags: new Map((user?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) };
}

/** IAM returns policy documents URL-encoded; compare them as JSON. */
function sameDocument(a: string, b: string): boolean {
  const left = parsePolicyDocument(a);
  return left !== undefined && JSON.stringify(left) === JSON.stringify(parsePolicyDocument(b));
}
