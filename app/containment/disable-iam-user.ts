import type { IAMClient, Tag } from '@aws-sdk/client-iam';
import type { AssumedRolesView, ContainmentFindings, StepView } from '../../blocks/render-containment';
import { type AssumedRoleLookupOptions, lookUpAssumedRoles } from './assumed-roles';
import { denyAllPolicyArn, partitionOf } from './deny-policy';
import { ContainmentRefusedError, ContainmentTargetError } from './errors';
import { awsError, isNoSuchEntity, outcomeOf, runStep, setStatuses } from './iam-steps';
import { protectionReason } from './protected-users';
import { formatKeyList, parseKeyList, TAGS, tagValue } from './tags';

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
  /**
   * Where to look up the roles the user assumed recently (CloudTrail); without it the report says
   * nothing about role sessions.
   */
  assumedRoles?: AssumedRoleLookupOptions;
}

export interface ContainmentResult {
  /** The user name as IAM spells it. */
  userName: string;
  outcome: 'disabled' | 'partial' | 'failed';
  steps: StepView[];
  /** Late keys, a user deleted midway, and the roles whose sessions the deny does not cut. */
  findings: ContainmentFindings;
}

/** Step labels, in the order they run. */
export const DISABLE_STEPS = {
  deny: 'Attach deny-all policy',
  password: 'Delete console password',
  accessKeys: 'Deactivate access keys',
  certificates: 'Deactivate signing certificates',
  sshKeys: 'Deactivate SSH public keys',
  serviceCredentials: 'Deactivate service-specific credentials',
  recheck: 'Re-check access keys',
  tag: 'Tag the user',
} as const;

/**
 * Disables an IAM user. First it attaches AWS's managed `AWSDenyAll`: an explicit deny on every
 * action, the one step that also stops sessions the user's keys already opened, so it must not
 * wait behind a dozen other calls. Then it deletes the console password, deactivates access keys,
 * signing certificates, SSH public keys and service-specific credentials, lists the access keys
 * again and deactivates any that became active meanwhile, and tags the user with who, when and
 * which alert.
 *
 * Every step is idempotent (a repeat reports "already so") and runs even when an earlier one
 * failed. The access keys it deactivated are recorded on the user for Re-enable; keys created
 * while it ran (IAM's CreateDate at or after `request.now`, or absent from the first listing) are
 * deactivated but not recorded: most likely the attacker's, Re-enable must not revive them. When the
 * user is deleted midway it stops and says so. The roles the user assumed recently are looked up
 * beside the steps, since a role session outlives the user's deny.
 * @throws ContainmentRefusedError for root, a protected name or a user outside `accountId`;
 *   ContainmentTargetError when the user cannot be looked up. Nothing changes in either case.
 */
export async function disableIamUser(iam: IAMClient, request: ContainmentRequest): Promise<ContainmentResult> {
  const sdk = await import('@aws-sdk/client-iam');
  const { userName, tags, partition } = await lookUpUser(iam, request);
  const UserName = userName;
  const PolicyArn = denyAllPolicyArn(partition);
  // CloudTrail is slower than IAM and paced: the search runs while the IAM steps do.
  const assumedRoles: Promise<AssumedRolesView> | undefined = request.assumedRoles
    ? lookUpAssumedRoles(userName, request.assumedRoles)
    : undefined;

  const steps: StepView[] = [];
  const findings: ContainmentFindings = { lateAccessKeys: [], userDeleted: false };
  /** Runs a step unless the user is gone; a NoSuchEntity failure checks whether it was deleted. */
  const step = async (label: string, work: () => Promise<Omit<StepView, 'label'>>): Promise<void> => {
    if (findings.userDeleted) return;
    const result = await runStep(label, work);
    if (result.status === 'failed' && isNoSuchEntity(result.error) && (await userIsGone(iam, UserName))) {
      findings.userDeleted = true;
      result.detail = [result.detail, 'the user was deleted meanwhile'].filter(Boolean).join('; ');
    }
    steps.push(result);
  };
  /** Records deactivated key IDs on the user at once, so Re-enable knows even if a later step fails. */
  const recordDeactivated = async (ids: readonly string[]): Promise<void> => {
    const recorded = formatKeyList([...parseKeyList(tags.get(TAGS.deactivatedKeys)), ...ids]);
    await iam.send(new sdk.TagUserCommand({ UserName, Tags: [{ Key: TAGS.deactivatedKeys, Value: recorded }] }));
    tags.set(TAGS.deactivatedKeys, recorded);
  };

  await step(DISABLE_STEPS.deny, async () => {
    const attached = new Set<string>();
    for await (const page of sdk.paginateListAttachedUserPolicies({ client: iam }, { UserName })) {
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) attached.add(p.PolicyArn);
    }
    if (attached.has(PolicyArn)) return { status: 'already', detail: `${PolicyArn} already attached` };
    try {
      await iam.send(new sdk.AttachUserPolicyCommand({ UserName, PolicyArn }));
    } catch (error) {
      if (/^LimitExceeded/.test((error as { name?: string }).name ?? '')) {
        // A user may have 10 managed policies (20 with a quota increase); this role may attach no other.
        return {
          status: 'failed',
          detail: `the user already has as many managed policies as IAM allows: detach one by hand and run Disable User again`,
          error: awsError(error),
        };
      }
      throw error;
    }
    return { status: 'done', detail: `${PolicyArn} attached: every action denied, for sessions already issued too` };
  });

  await step(DISABLE_STEPS.password, async () => {
    try {
      await iam.send(new sdk.DeleteLoginProfileCommand({ UserName }));
      return { status: 'done', detail: 'console password deleted' };
    } catch (error) {
      if (isNoSuchEntity(error)) return { status: 'already', detail: 'no console password' };
      throw error;
    }
  });

  // A key IAM says was created once this run had started (whole seconds, as IAM reports them) is
  // most likely the attacker's, made while containment ran: it is deactivated but never recorded.
  const startedAt = Math.floor(request.now.getTime() / 1000) * 1000;
  const createdDuringRun = (key: AccessKey | undefined) => (key?.created?.getTime() ?? Number.NEGATIVE_INFINITY) >= startedAt;
  // Keys seen by the first listing; the re-check treats any other active key as new too.
  let firstListing: Map<string, AccessKey> | undefined;
  await step(DISABLE_STEPS.accessKeys, async () => {
    const keys = await listAccessKeys(iam, UserName);
    firstListing = new Map(keys.map((k) => [k.id, k]));
    const result = await setStatuses('access keys', keys, 'Inactive', (id) =>
      iam.send(new sdk.UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: 'Inactive' })),
    );
    const late = result.changed.filter((id) => createdDuringRun(firstListing?.get(id)));
    const own = result.changed.filter((id) => !late.includes(id));
    findings.lateAccessKeys.push(...late);
    const detail =
      late.length > 0 ? `${result.detail}; ${late.join(', ')} created while containment ran: not recorded for Re-enable` : result.detail;
    if (own.length === 0) return { ...result, detail };
    try {
      await recordDeactivated(own);
    } catch (error) {
      return { status: 'failed', detail: `${detail}, but could not record them for Re-enable`, error: awsError(error) };
    }
    return { ...result, detail };
  });

  await step(DISABLE_STEPS.certificates, async () => {
    const certs: { id: string; status?: string }[] = [];
    for await (const page of sdk.paginateListSigningCertificates({ client: iam }, { UserName })) {
      for (const c of page.Certificates ?? []) if (c.CertificateId) certs.push({ id: c.CertificateId, status: c.Status });
    }
    return setStatuses('signing certificates', certs, 'Inactive', (id) =>
      iam.send(new sdk.UpdateSigningCertificateCommand({ UserName, CertificateId: id, Status: 'Inactive' })),
    );
  });

  await step(DISABLE_STEPS.sshKeys, async () => {
    const keys: { id: string; status?: string }[] = [];
    for await (const page of sdk.paginateListSSHPublicKeys({ client: iam }, { UserName })) {
      for (const k of page.SSHPublicKeys ?? []) if (k.SSHPublicKeyId) keys.push({ id: k.SSHPublicKeyId, status: k.Status });
    }
    return setStatuses('SSH public keys', keys, 'Inactive', (id) =>
      iam.send(new sdk.UpdateSSHPublicKeyCommand({ UserName, SSHPublicKeyId: id, Status: 'Inactive' })),
    );
  });

  await step(DISABLE_STEPS.serviceCredentials, async () => {
    const listed = await iam.send(new sdk.ListServiceSpecificCredentialsCommand({ UserName }));
    const creds = (listed.ServiceSpecificCredentials ?? [])
      .filter((c) => c.ServiceSpecificCredentialId)
      .map((c) => ({ id: c.ServiceSpecificCredentialId as string, status: c.Status }));
    return setStatuses('service-specific credentials', creds, 'Inactive', (id) =>
      iam.send(new sdk.UpdateServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id, Status: 'Inactive' })),
    );
  });

  // With the deny attached first, a key made in the meantime could not be used while it stays;
  // it is deactivated so that Re-enable (which removes the deny) does not bring it to life.
  await step(DISABLE_STEPS.recheck, async () => {
    const active = (await listAccessKeys(iam, UserName)).filter((k) => k.status !== 'Inactive');
    if (active.length === 0) return { status: 'already', detail: 'no active access key' };
    const result = await setStatuses('access keys', active, 'Inactive', (id) =>
      iam.send(new sdk.UpdateAccessKeyCommand({ UserName, AccessKeyId: id, Status: 'Inactive' })),
    );
    // Only keys the first listing had (created before this run) are the owner's to get back.
    const seen = firstListing;
    const byId = new Map(active.map((k) => [k.id, k]));
    const late = seen ? result.changed.filter((id) => !seen.has(id) || createdDuringRun(byId.get(id))) : [];
    const known = seen ? result.changed.filter((id) => !late.includes(id)) : [];
    findings.lateAccessKeys.push(...late);
    const notes = [result.detail];
    if (late.length > 0) notes.push(`${late.join(', ')} created while containment ran: not recorded for Re-enable`);
    if (!seen && result.changed.length > 0) {
      notes.push("the first listing failed, so none of them is recorded for Re-enable: reactivate the owner's by hand");
    }
    if (known.length > 0) {
      try {
        await recordDeactivated(known);
      } catch (error) {
        return {
          status: 'failed',
          detail: `${notes.join('; ')}; could not record ${known.join(', ')} for Re-enable`,
          error: awsError(error),
        };
      }
    }
    return { ...result, detail: notes.join('; ') };
  });

  await step(DISABLE_STEPS.tag, async () => {
    const Tags: Tag[] = [
      { Key: TAGS.disabledBy, Value: tagValue(`slack:${request.actorUserId}`) },
      { Key: TAGS.disabledAt, Value: request.now.toISOString() },
      { Key: TAGS.alertEvent, Value: tagValue(request.eventId) },
    ];
    await iam.send(new sdk.TagUserCommand({ UserName, Tags }));
    return { status: 'done', detail: `disabled-by slack:${request.actorUserId}, alert ${request.eventId}` };
  });

  if (assumedRoles) findings.assumedRoles = await assumedRoles;
  return { userName, outcome: outcomeOf(steps, 'disabled'), steps: steps.map(stripChanged), findings };
}

/**
 * Looks the user up before touching it: confirms it exists, that it is in the alert's account
 * (its ARN says so), and re-checks root and protected names against IAM's spelling of the name
 * (case-sensitively, like the stack's IAM Deny). Returns its current tags and its partition.
 */
export async function lookUpUser(
  iam: IAMClient,
  request: Pick<ContainmentRequest, 'userName' | 'accountId' | 'protectedPatterns'>,
): Promise<{ userName: string; tags: Map<string, string>; partition: string }> {
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
  return {
    userName,
    tags: new Map((user?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    partition: partitionOf(user?.Arn),
  };
}

interface AccessKey {
  id: string;
  status?: string;
  /** CreateDate as IAM reports it. */
  created?: Date;
}

async function listAccessKeys(iam: IAMClient, UserName: string): Promise<AccessKey[]> {
  const sdk = await import('@aws-sdk/client-iam');
  const keys: AccessKey[] = [];
  for await (const page of sdk.paginateListAccessKeys({ client: iam }, { UserName })) {
    for (const k of page.AccessKeyMetadata ?? []) {
      if (k.AccessKeyId) keys.push({ id: k.AccessKeyId, status: k.Status, created: k.CreateDate });
    }
  }
  return keys;
}

/** True when GetUser says the user no longer exists (other errors: not proven gone). */
async function userIsGone(iam: IAMClient, UserName: string): Promise<boolean> {
  const sdk = await import('@aws-sdk/client-iam');
  try {
    await iam.send(new sdk.GetUserCommand({ UserName }));
    return false;
  } catch (error) {
    return isNoSuchEntity(error);
  }
}

/** `setStatuses` hands back the changed IDs for the caller; the report does not carry them. */
function stripChanged(step: StepView & { changed?: unknown }): StepView {
  const { changed: _changed, ...rest } = step;
  return rest;
}
