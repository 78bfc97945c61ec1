import type { Severity } from '../../blocks/alert-view';
import type { CloudTrailRecord } from '../events/cloudtrail-record';
import { type Actor, describeActor } from '../events/identity';
import { callOutcome, isReadOnly, signInMfa } from '../events/outcome';
import { globMatches } from '../glob';
import type { Catalog, MuteRule } from './catalog-config';
import { contentCheckFailure } from './content-checks';
import { runEscalations } from './escalations';
import { requestConditionsFailure } from './request-conditions';
import type { AlertRule, RuleMatch } from './rule';
import { maxSeverity } from './severity';

export type Classification =
  | {
      kind: 'alert';
      /** The rule that names the alert (its title and target). */
      rule: AlertRule;
      severity: Severity;
      /** Why the severity is above the rule's own: escalations and other matching rules. */
      reasons: string[];
      /** Every rule that matched, primary first. */
      ruleIds: string[];
      actor: Actor;
    }
  | { kind: 'ignored'; reason: string };

/** Rules that name an event most precisely come first when several match. */
const PRECEDENCE: Record<RuleMatch['kind'], number> = {
  'api-call': 0,
  'console-sign-in': 1,
  'offensive-user-agent': 2,
  'root-activity': 3,
};

/** Console sign-in steps that are not API calls of their own. */
const SIGN_IN_STEPS = new Set(['ConsoleLogin', 'CheckMfa', 'GetSigninToken']);

/**
 * Decides whether a record is worth an alert, under which rule and how severe.
 * Pure and total: every record gets an answer, with a reason when it is ignored.
 */
export function classifyEvent(record: CloudTrailRecord, catalog: Catalog): Classification {
  const actor = describeActor(record);
  if (record.eventName === 'CreateServiceLinkedRole' && (actor.kind === 'aws-service' || record.userIdentity?.invokedBy)) {
    return { kind: 'ignored', reason: 'service-linked role created by an AWS service' };
  }
  const matched = catalog.rules
    .filter((rule) => ruleMatches(rule.match, record, actor))
    .sort((a, b) => PRECEDENCE[a.match.kind] - PRECEDENCE[b.match.kind]);
  const primary = matched[0];
  if (!primary) return { kind: 'ignored', reason: whyNotInCatalog(record, catalog, actor) };

  const mute = catalog.mutes.find((m) => muteMatches(m, record, actor));
  if (mute) return { kind: 'ignored', reason: `muted${mute.reason ? ` (${mute.reason})` : ''}: ${describeMute(mute)}` };

  let severity = catalog.eventSeverity[record.eventName] ?? primary.severity;
  const reasons: string[] = [];
  // A call that failed for another reason than a refusal (EntityAlreadyExists, NoSuchEntity,
  // LimitExceeded) changed nothing and nobody was refused: low. Root's calls and offensive tools
  // still raise it below, since who made the call is the news there.
  const outcome = callOutcome(record);
  if (outcome.kind === 'failed' && primary.match.kind === 'api-call') {
    severity = 'low';
    reasons.push(`failed with ${outcome.error}: nothing changed, and nobody was refused`);
  }
  for (const other of matched.slice(1)) {
    if (maxSeverity(severity, other.severity) !== severity || other.match.kind === 'offensive-user-agent') {
      reasons.push(other.match.kind === 'offensive-user-agent' ? `${other.title} (${record.userAgent})` : other.title);
    }
    severity = maxSeverity(severity, other.severity);
  }
  for (const escalation of runEscalations(primary.escalations ?? [], record, actor)) {
    reasons.push(escalation.reason);
    severity = maxSeverity(severity, escalation.severity);
  }
  return { kind: 'alert', rule: primary, severity, reasons, ruleIds: matched.map((r) => r.id), actor };
}

function ruleMatches(match: RuleMatch, record: CloudTrailRecord, actor: Actor): boolean {
  switch (match.kind) {
    case 'api-call':
      return namesCall(match, record) && conditionFailure(match, record, actor) === undefined;
    case 'console-sign-in': {
      if (record.eventName !== 'ConsoleLogin' || !match.identityTypes.includes(record.userIdentity?.type ?? '')) return false;
      const succeeded = callOutcome(record).kind === 'success';
      if (match.when === 'failure') return !succeeded;
      if (match.when === 'success-without-mfa') return succeeded && signInMfa(record) === 'no';
      return true;
    }
    case 'root-activity':
      return record.userIdentity?.type === 'Root' && !SIGN_IN_STEPS.has(record.eventName) && !isReadOnly(record);
    case 'offensive-user-agent': {
      const agent = record.userAgent?.toLowerCase();
      return (
        agent !== undefined &&
        match.eventSources.includes(record.eventSource) &&
        match.userAgentContains.some((needle) => agent.includes(needle.toLowerCase()))
      );
    }
  }
}

function muteMatches(mute: MuteRule, record: CloudTrailRecord, actor: Actor): boolean {
  if (mute.actorArn && !(actor.arn && globMatches(mute.actorArn, actor.arn))) return false;
  if (mute.userAgent && !(record.userAgent && globMatches(mute.userAgent, record.userAgent, { caseInsensitive: true }))) return false;
  const account = record.recipientAccountId ?? actor.accountId;
  if (mute.account && mute.account !== account) return false;
  if (mute.eventName && mute.eventName !== record.eventName) return false;
  return true;
}

function describeMute(mute: MuteRule): string {
  return (['actorArn', 'userAgent', 'account', 'eventName'] as const)
    .filter((key) => mute[key])
    .map((key) => `${key}=${mute[key]}`)
    .join(', ');
}

type ApiCallMatch = Extract<RuleMatch, { kind: 'api-call' }>;

function namesCall(match: ApiCallMatch, record: CloudTrailRecord): boolean {
  return record.eventSource === match.eventSource && match.eventNames.includes(record.eventName);
}

/** Why a call the rule names fails its request conditions or content check; undefined when it passes. */
function conditionFailure(match: ApiCallMatch, record: CloudTrailRecord, actor: Actor): string | undefined {
  return (
    (match.requestParameters && requestConditionsFailure(record, match.requestParameters)) ??
    (match.check && contentCheckFailure(match.check, record, actor)) ??
    (match.exceptRoleArnPrefixes && exceptedRoleFailure(record, match.exceptRoleArnPrefixes))
  );
}

/** Why a call made through an excepted role (the stack's own deployment) does not alert. */
function exceptedRoleFailure(record: CloudTrailRecord, prefixes: readonly string[]): string | undefined {
  const issuer = record.userIdentity?.sessionContext?.sessionIssuer?.arn;
  const excepted = typeof issuer === 'string' ? prefixes.find((prefix) => issuer.startsWith(prefix)) : undefined;
  return excepted ? `made through ${issuer}, a role it does not watch (${excepted}…)` : undefined;
}

function whyNotInCatalog(record: CloudTrailRecord, catalog: Catalog, actor: Actor): string {
  // A catalogued call whose content did not qualify: say which rule looked at it, and why not.
  const near = catalog.rules.find((rule) => rule.match.kind === 'api-call' && namesCall(rule.match, record));
  if (near?.match.kind === 'api-call') {
    const failure = conditionFailure(near.match, record, actor);
    if (failure) return `${record.eventName} does not qualify for ${near.id}: ${failure}`;
  }
  if (record.eventName === 'ConsoleLogin') {
    const type = record.userIdentity?.type ?? 'unknown';
    if (type === 'IAMUser' && signInMfa(record) === 'yes') return 'IAM user signed in with MFA';
    return `console sign-in by ${type} identity is not in the alert catalog`;
  }
  if (isReadOnly(record)) return `read-only call ${record.eventName}`;
  return `${record.eventSource} ${record.eventName} is not in the alert catalog`;
}
