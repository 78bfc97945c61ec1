import type { Severity } from '../../blocks/alert-view';
import type { CloudTrailRecord } from '../events/cloudtrail-record';
import type { Actor } from '../events/identity';
import { callOutcome } from '../events/outcome';
import { parsePolicyDocument } from '../events/policy-document';
import type { EscalationId } from './rule';

/** A content check's verdict: raise the alert to `severity`, and say why. */
export interface Escalation {
  severity: Severity;
  reason: string;
}

type EscalationCheck = (record: CloudTrailRecord, actor: Actor) => Escalation | undefined;

const ADMIN_POLICY = /:policy\/(AdministratorAccess|IAMFullAccess)$/;

const CHECKS: Record<EscalationId, EscalationCheck> = {
  'admin-policy-attached': (record) => {
    const arn = stringParam(record, 'policyArn');
    const match = arn ? ADMIN_POLICY.exec(arn) : null;
    if (!match || callOutcome(record).kind !== 'success') return undefined;
    return { severity: 'critical', reason: `${match[1]} attached` };
  },
  'wildcard-policy': (record) => {
    if (callOutcome(record).kind !== 'success') return undefined;
    const document = stringParam(record, 'policyDocument');
    if (!document || !policyAllowsEverything(document)) return undefined;
    return { severity: 'critical', reason: 'the policy allows every action (Action "*")' };
  },
  'mfa-removed': (record) => {
    if (callOutcome(record).kind !== 'success') return undefined;
    const who = stringParam(record, 'userName') ?? stringParam(record, 'serialNumber');
    return { severity: 'high', reason: who ? `MFA removed (${who})` : 'MFA removed' };
  },
  'credential-for-other-user': (record, actor) => {
    const target = stringParam(record, 'userName');
    if (!target || callOutcome(record).kind !== 'success' || actor.iamUserName === target) return undefined;
    return { severity: 'critical', reason: `made for another user (${target}) by ${actor.name}` };
  },
};

/** Runs the named content checks against a record. */
export function runEscalations(ids: readonly EscalationId[], record: CloudTrailRecord, actor: Actor): Escalation[] {
  return ids.map((id) => CHECKS[id](record, actor)).filter((e): e is Escalation => e !== undefined);
}

export function stringParam(record: CloudTrailRecord, key: string): string | undefined {
  const value = record.requestParameters?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * True when a policy document has an Allow statement whose Action is `*`. CloudTrail records the
 * document as a JSON string, sometimes URL-encoded; unparseable documents are not escalated.
 */
export function policyAllowsEverything(document: string): boolean {
  const parsed = parsePolicyDocument(document);
  if (!parsed || typeof parsed !== 'object') return false;
  const statements = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.some((s) => {
    if (!s || typeof s !== 'object') return false;
    const { Effect, Action } = s as { Effect?: unknown; Action?: unknown };
    const actions = Array.isArray(Action) ? Action : [Action];
    return Effect === 'Allow' && actions.includes('*');
  });
}
