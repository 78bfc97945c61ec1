import * as z from 'zod';
import { SEVERITIES } from '../../blocks/alert-view';

/**
 * The shape of an alert rule. Rules are data: the notifier classifies events with them and the
 * CDK stack turns the same list into EventBridge patterns (`infra/`), so the two cannot disagree.
 */

export const severitySchema = z.enum(SEVERITIES);

/** What a rule's event acts on, and which request parameter names it. */
export const targetSpecSchema = z.strictObject({
  kind: z.enum([
    'user',
    'role',
    'group',
    'policy',
    'trail',
    'provider',
    'mfa-device',
    'account',
    'event-data-store',
    'detector',
    'log-group',
    'configuration-recorder',
    'delivery-channel',
    'analyzer',
    'organization-policy',
    'region',
    'trust-anchor',
    'profile',
    'iam-alerts-resource',
  ]),
  /** Key in `requestParameters` holding the target's name or ARN. */
  param: z.string().optional(),
  /**
   * Key in `requestParameters` holding the target user's new name when the call renames it
   * (UpdateUser's `newUserName`): Disable User then acts on the user as it is called now.
   */
  newNameParam: z.string().optional(),
});
export type TargetSpec = z.infer<typeof targetSpecSchema>;

/** Names of content checks that raise a rule's severity (implemented in `escalations.ts`). */
export const ESCALATION_IDS = ['admin-policy-attached', 'wildcard-policy', 'mfa-removed', 'credential-for-other-user'] as const;
export const escalationIdSchema = z.enum(ESCALATION_IDS);
export type EscalationId = z.infer<typeof escalationIdSchema>;

/**
 * A value a request parameter must hold: exactly this string, number or boolean, or a string
 * starting with `prefix`. The same matchers in the same JSON as an EventBridge pattern, which is
 * built from them.
 */
export const requestValueSchema = z.union([z.string(), z.number(), z.boolean(), z.strictObject({ prefix: z.string().min(1) })]);
export type RequestValue = z.infer<typeof requestValueSchema>;

/**
 * Content checks in code (`content-checks.ts`), for what an EventBridge pattern cannot say: a
 * rule naming one is delivered every call of its event names, and the notifier decides.
 */
export const CONTENT_CHECK_IDS = ['management-events-stopped', 'insights-turned-off', 'for-another-user', 'outside-console'] as const;
export const contentCheckIdSchema = z.enum(CONTENT_CHECK_IDS);
export type ContentCheckId = z.infer<typeof contentCheckIdSchema>;

/** A path into `requestParameters`: keys joined by dots, through objects. */
const REQUEST_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const ruleMatchSchema = z.discriminatedUnion('kind', [
  /** Named API calls from one service, successful or not. */
  z.strictObject({
    kind: z.literal('api-call'),
    eventSource: z.string().regex(/^[a-z0-9-]+\.amazonaws\.com$/, 'expected a service host like iam.amazonaws.com'),
    eventNames: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'expected an API name like CreateUser')).min(1),
    /**
     * Only calls whose request holds one of the values at each path: a dotted path into
     * `requestParameters` through objects (`Workflow.Status`), where a list in the record matches
     * when any of its elements does. The EventBridge pattern carries the same condition.
     */
    requestParameters: z
      .record(z.string(), z.array(requestValueSchema).min(1))
      .superRefine((conditions, ctx) => {
        const paths = Object.keys(conditions);
        if (paths.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one request parameter' });
        for (const path of paths.filter((p) => !REQUEST_PATH.test(p))) {
          ctx.addIssue({ code: 'custom', path: [path], message: 'expected a dotted path into requestParameters, like Workflow.Status' });
        }
      })
      .optional(),
    /** Only calls this content check passes; the EventBridge pattern is wider, and the notifier says why it ignored a call. */
    check: contentCheckIdSchema.optional(),
    /**
     * Not calls made through a role whose ARN starts with one of these (CloudTrail's
     * `userIdentity.sessionContext.sessionIssuer.arn`): the stack's own deployment roles, which
     * change its resources on every deploy. The EventBridge pattern carries the same exception.
     */
    exceptRoleArnPrefixes: z.array(z.string().min(1)).min(1).optional(),
  }),
  /** Console sign-ins (`ConsoleLogin`) by the given identity types. */
  z.strictObject({
    kind: z.literal('console-sign-in'),
    identityTypes: z.array(z.string()).min(1),
    /** `any`: every sign-in; `failure`: failed ones; `success-without-mfa`: successful, MFAUsed "No". */
    when: z.enum(['any', 'failure', 'success-without-mfa']),
  }),
  /** Any API call by the root user that is not read-only (console sign-ins have their own rule). */
  z.strictObject({ kind: z.literal('root-activity') }),
  /** Calls to these services whose user agent names a known offensive tool (case-insensitive). */
  z.strictObject({
    kind: z.literal('offensive-user-agent'),
    eventSources: z.array(z.string()).min(1),
    userAgentContains: z.array(z.string().min(2)).min(1),
  }),
]);
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

export const alertRuleSchema = z.strictObject({
  /** Stable identifier: used in config overrides, logs and docs. */
  id: z.string().regex(/^[a-z0-9-]+$/, 'use lowercase letters, digits and dashes'),
  /** Title in words, completed by the target: "IAM user created" → "IAM user created: mallory". */
  title: z.string().min(3),
  severity: severitySchema,
  /** Why it matters, for docs/ALERTS.md and the operator. */
  why: z.string().min(3),
  match: ruleMatchSchema,
  target: targetSpecSchema.optional(),
  /** The event deletes its target user: Disable User then targets the actor instead. */
  deletesTarget: z.boolean().optional(),
  escalations: z.array(escalationIdSchema).optional(),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;
