import type { AlertField, AlertView, DisableOffer, DisableRole, TargetView } from '../../blocks/alert-view';
import type { Classification } from '../catalog/classify-event';
import { stringParam } from '../catalog/escalations';
import type { AlertRule } from '../catalog/rule';
import type { CloudTrailRecord } from '../events/cloudtrail-record';
import { parseEventTime } from '../events/event-time';
import { type Actor, HIDDEN_USER_NAME } from '../events/identity';
import { callOutcome, signInMfa } from '../events/outcome';
import { parsePolicyDocument } from '../events/policy-document';
import { summariseUserAgent } from '../events/user-agent';

export interface AlertViewOptions {
  /** Account ID → alias shown beside it. */
  accountAliases?: Readonly<Record<string, string>>;
}

type AlertClassification = Extract<Classification, { kind: 'alert' }>;

/** Request parameters worth a line of their own, with their labels, in display order. */
const PARAMETER_LABELS: ReadonlyArray<[string, string]> = [
  ['policyArn', 'Policy ARN'],
  ['policyName', 'Policy name'],
  ['groupName', 'Group'],
  ['roleName', 'Role'],
  ['userName', 'User'],
  ['accessKeyId', 'Access key ID'],
  ['status', 'Status'],
  ['serialNumber', 'MFA device'],
  ['permissionsBoundary', 'Permissions boundary'],
  ['versionId', 'Policy version'],
  ['setAsDefault', 'Set as default'],
  ['passwordResetRequired', 'Password reset required'],
  ['sAMLProviderArn', 'SAML provider'],
  ['url', 'Provider URL'],
  ['name', 'Name'],
  ['s3BucketName', 'S3 bucket'],
  ['newUserName', 'New user name'],
  ['newPath', 'New path'],
  ['trailName', 'Trail'],
  ['detectorId', 'Detector'],
  ['action', 'Action'],
  ['enable', 'Enabled'],
  ['logGroupName', 'Log group'],
  ['policyId', 'Policy ID'],
  ['policyType', 'Policy type'],
  ['targetId', 'Target ID'],
  ['regionName', 'Region'],
];
const SHOWN_PARAMETERS = new Set(PARAMETER_LABELS.map(([key]) => key));
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const EVENT_ID = /^[A-Za-z0-9-]+$/;
/** IAM's own rule for user names: a name outside it cannot be a user to disable. */
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** An AWS account ID: without one, Disable User could not check that it acts in the right account. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Builds the alert's view-model: who, what, where, and whom Disable User would act on.
 * Pure: the same record and classification always give the same view.
 */
export function buildAlertView(
  record: CloudTrailRecord,
  eventId: string,
  classification: AlertClassification,
  options: AlertViewOptions = {},
): AlertView {
  const { rule, actor } = classification;
  const outcome = callOutcome(record);
  const target = describeTarget(record, rule, actor);
  const accountId = record.recipientAccountId ?? actor.accountId;
  const disableUsers = disableTargetsOf(record, rule, actor);
  // The target already has its own field: do not repeat it among the parameters.
  const { parameters, excerpt } = describeParameters(record, target ? rule.target?.param : undefined);
  const region = record.awsRegion;
  const consoleUrl =
    region && REGION.test(region) && record.eventID && EVENT_ID.test(record.eventID)
      ? `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${record.eventID}`
      : undefined;

  return {
    severity: classification.severity,
    title: rule.title,
    subject: subjectOf(record, rule, target),
    eventName: record.eventName,
    eventSource: record.eventSource,
    eventId,
    outcome,
    actor: { typeLabel: actor.typeLabel, name: actor.name, detail: actor.detail, arn: actor.arn },
    target,
    parameters,
    reasons: classification.reasons,
    requestExcerpt: excerpt,
    accountId,
    accountAlias: accountId ? options.accountAliases?.[accountId] : undefined,
    region,
    sourceIp: record.sourceIPAddress,
    userAgent: record.userAgent ? { raw: record.userAgent, ...summariseUserAgent(record.userAgent) } : undefined,
    eventTime: parseEventTime(record.eventTime),
    mfa: record.eventName === 'ConsoleLogin' ? signInMfa(record) : undefined,
    consoleUrl,
    disable: disableOffers(disableUsers, accountId, eventId),
  };
}

/** Whom Disable User may be offered for, and why: the users {@link disableTargetsOf} names. */
export interface DisableCandidate {
  user: string;
  role: DisableRole;
}

/**
 * The IAM users Disable User is offered for, target first; empty when there is none to disable.
 *
 * - A failed console sign-in offers nobody: the user named there is the victim of the guessing,
 *   and anyone on the internet who knows a user name can cause that alert.
 * - Any other failed call changed nothing: the acting IAM user is the suspect.
 * - A call that creates or changes an IAM user offers that user (the backdoor), under its new name
 *   when the call renamed it, and the acting IAM user too when that is someone else (whose
 *   credentials may be in the wrong hands).
 *   CreateAccessKey without `userName` acts on the caller: one user.
 * - Otherwise (no user subject, or the user was deleted) the acting IAM user, if the actor is one.
 *
 * Root, roles, SSO and federated users and AWS services are never offered from here.
 */
export function disableTargetsOf(record: CloudTrailRecord, rule: AlertRule, actor: Actor): DisableCandidate[] {
  const acting: DisableCandidate[] = actor.iamUserName ? [{ user: actor.iamUserName, role: 'actor' }] : [];
  if (callOutcome(record).kind !== 'success') return rule.match.kind === 'console-sign-in' ? [] : acting;
  if (rule.target?.kind === 'user' && !rule.deletesTarget && rule.match.kind === 'api-call') {
    const previous = rule.target.param ? stringParam(record, rule.target.param) : undefined;
    // A renamed user is found under its new name.
    const named = (rule.target.newNameParam ? stringParam(record, rule.target.newNameParam) : undefined) ?? previous;
    if (named && named !== HIDDEN_USER_NAME) {
      const target: DisableCandidate = { user: named, role: 'target' };
      const self = actor.iamUserName === named || actor.iamUserName === previous;
      return actor.iamUserName && !self ? [target, ...acting] : [target];
    }
  }
  return acting;
}

/** The buttons' values: only for names IAM could hold, and only with the 12-digit account to check against. */
function disableOffers(candidates: DisableCandidate[], accountId: string | undefined, eventId: string): DisableOffer[] {
  if (!accountId || !ACCOUNT_ID.test(accountId)) return [];
  return candidates
    .filter(({ user }) => IAM_USER_NAME.test(user))
    .map(({ user, role }) => ({ role, value: { u: user, a: accountId, e: eventId.slice(0, 128) } }));
}

function describeTarget(record: CloudTrailRecord, rule: AlertRule, actor: Actor): TargetView | undefined {
  if (rule.match.kind === 'console-sign-in') {
    if (actor.kind === 'root') return undefined;
    return { kind: 'user', name: actor.name === HIDDEN_USER_NAME ? 'hidden by AWS (no such user)' : actor.name };
  }
  const spec = rule.target;
  if (!spec) return undefined;
  if (spec.kind === 'account') return { kind: 'account', name: record.recipientAccountId ?? actor.accountId ?? 'unknown' };
  const named = spec.param ? stringParam(record, spec.param) : undefined;
  if (named) return { kind: spec.kind, name: named };
  // CreateAccessKey and friends without userName act on the caller.
  if (spec.kind === 'user' && callOutcome(record).kind === 'success') return { kind: 'user', name: actor.name };
  return undefined;
}

function subjectOf(record: CloudTrailRecord, rule: AlertRule, target: TargetView | undefined): string | undefined {
  if (rule.match.kind === 'root-activity') return record.eventName;
  if (rule.match.kind === 'offensive-user-agent')
    return summariseUserAgent(record.userAgent ?? '').summary.replace(' (offensive tool)', '');
  if (!target) return undefined;
  // ARNs are long; the title shows their last part, the fields show them whole.
  return target.name.startsWith('arn:') ? (target.name.split(/[:/]/).pop() ?? target.name) : target.name;
}

function describeParameters(record: CloudTrailRecord, targetParam: string | undefined): { parameters: AlertField[]; excerpt?: string } {
  const request = record.requestParameters ?? {};
  const parameters: AlertField[] = [];
  for (const [key, label] of PARAMETER_LABELS) {
    const value = request[key];
    if (key === targetParam) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parameters.push({ label, value: String(value) });
    }
  }
  const newKey = (record.responseElements?.accessKey as { accessKeyId?: unknown } | undefined)?.accessKeyId;
  if (typeof newKey === 'string') parameters.push({ label: 'New access key ID', value: newKey });

  const rest = Object.fromEntries(
    Object.entries(request)
      .filter(([key]) => !SHOWN_PARAMETERS.has(key))
      .map(([key, value]) => [key, /Document$/.test(key) && typeof value === 'string' ? (parsePolicyDocument(value) ?? value) : value]),
  );
  return { parameters, excerpt: Object.keys(rest).length > 0 ? compactJson(rest) : undefined };
}

function compactJson(value: unknown): string {
  const text = JSON.stringify(value, null, 1) ?? '';
  return text.replace(/\n\s*/g, ' ');
}
