import { z } from 'zod';
import { forwarderRegionsFor } from '../app/catalog/regional-forwarding';
import { parseProtectedUsers } from '../app/containment/protected-users';
import { MAIL_DOMAIN } from '../app/onboarding/qualify';
import {
  DEFAULT_CONFIRM_SEVERITIES,
  DEFAULT_CONFIRM_TIMEOUT_MINUTES,
  parseDigestAt,
  parseEscalateAfter,
  parseOwnerMap,
  parseSeverityList,
  parseTimeZone,
} from '../app/triage/triage-settings';
import { SEVERITIES } from '../blocks/alert-view';

/**
 * Deploy-time settings of the stack, from CDK context (`-c key=value` or `cdk.json`) or, when a
 * key is not in the context, from the environment variable named beside it. Parsed once in
 * `infra/bin/` and passed to the stack; nothing in `infra/` reads `process.env` itself.
 * `docs/DEPLOY.md` documents each one.
 */

/** CDK context key → environment variable, for each setting. */
export const SETTING_SOURCES = {
  stackName: 'IAM_ALERTS_STACK_NAME',
  slackChannelId: 'SLACK_CHANNEL_ID',
  slackChannelBySeverity: 'SLACK_CHANNEL_BY_SEVERITY',
  slackChannelByAccount: 'SLACK_CHANNEL_BY_ACCOUNT',
  accountAliases: 'ACCOUNT_ALIASES',
  responderUserIds: 'RESPONDER_USER_IDS',
  responderUsergroupId: 'RESPONDER_USERGROUP_ID',
  confirmSeverities: 'CONFIRM_SEVERITIES',
  confirmTimeoutMinutes: 'CONFIRM_TIMEOUT_MINUTES',
  confirmUserMap: 'CONFIRM_USER_MAP',
  escalateAfterMinutes: 'ESCALATE_AFTER_MINUTES',
  digestAt: 'DIGEST_AT',
  digestTimeZone: 'DIGEST_TIME_ZONE',
  protectedIamUsers: 'PROTECTED_IAM_USERS',
  historyRegions: 'HISTORY_REGIONS',
  historyViewerUsergroupId: 'HISTORY_VIEWER_USERGROUP_ID',
  alertRulesFile: 'ALERT_RULES_FILE',
  alertEmail: 'ALERT_EMAIL',
  createTrail: 'CREATE_TRAIL',
  existingTrailName: 'EXISTING_TRAIL_NAME',
  trailLogExpirationDays: 'TRAIL_LOG_EXPIRATION_DAYS',
  logRetentionDays: 'LOG_RETENTION_DAYS',
  allowAnyRegion: 'ALLOW_ANY_REGION',
  legacyDenyPolicyRemoval: 'LEGACY_DENY_POLICY_REMOVAL',
  deployRoleArnPrefix: 'DEPLOY_ROLE_ARN_PREFIX',
  notifierReservedConcurrency: 'NOTIFIER_RESERVED_CONCURRENCY',
  slackReservedConcurrency: 'SLACK_RESERVED_CONCURRENCY',
  schedulerReservedConcurrency: 'SCHEDULER_RESERVED_CONCURRENCY',
  forwarderRegions: 'FORWARDER_REGIONS',
  identityCenterRegion: 'IDENTITY_CENTER_REGION',
  organizationId: 'ORGANIZATION_ID',
  memberAccountIds: 'MEMBER_ACCOUNT_IDS',
  onboarding: 'ONBOARDING',
  onboardingEmailDomains: 'ONBOARDING_EMAIL_DOMAINS',
  onboardingDelivery: 'ONBOARDING_DELIVERY',
  onboardingFromEmail: 'ONBOARDING_FROM_EMAIL',
} as const;
export type SettingKey = keyof typeof SETTING_SOURCES;

/** A region name: `eu-west-1`, `ap-southeast-2`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

// Context values arrive as strings from `-c key=value` and as JSON values from cdk.json.
const text = z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().optional());
const list = z.preprocess(
  (v) =>
    Array.isArray(v)
      ? v.map(String)
      : typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
  z.array(z.string().min(1)).default([]),
);
const flag = (fallback: boolean) =>
  z.preprocess((v) => {
    if (v === undefined || v === '') return fallback;
    if (typeof v === 'string') return /^(true|yes|1)$/i.test(v) ? true : /^(false|no|0)$/i.test(v) ? false : v;
    return v;
  }, z.boolean());
/** A count where 0 is meaningful ("do not set"). */
const countOrZero = (fallback: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : typeof v === 'string' ? Number(v) : v), z.number().int().min(0));
const wholeNumber = (fallback: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : typeof v === 'string' ? Number(v) : v), z.number().int().positive());

/**
 * A triage setting kept as text (cdk.json objects as JSON) for the functions' environment, once the
 * runtime's parser accepts it: synth refuses what the functions would.
 */
const triageText = (parse: (text: string | undefined) => { value: unknown } | { problem: string }) =>
  z
    .preprocess((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v), text)
    .superRefine((v, ctx) => {
      const parsed = parse(v);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    });

/** `key=value,key=value` (the same format as the runtime's environment variables), or a JSON object. */
const pairs = (what: string) =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v ?? {};
      return Object.fromEntries(
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((pair) => pair.split('=').map((s) => s.trim())),
      );
    },
    z.record(z.string().min(1), z.string().min(1, `expected ${what}`)),
  );

export const settingsSchema = z.strictObject({
  /** CloudFormation stack name. @default IamAlerts */
  stackName: text.default('IamAlerts').pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/, 'letters, digits and dashes, at most 40')),
  /** Channel the alerts go to (C…); without it the notifier cannot post, and synth warns. */
  slackChannelId: text.pipe(
    z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'expected a Slack channel ID like C0123ABCD')
      .optional(),
  ),
  /** Optional per-severity channels: `critical=C1,high=C2`. */
  slackChannelBySeverity: pairs('severity=CHANNEL_ID').refine(
    (map) => Object.keys(map).every((k) => (SEVERITIES as readonly string[]).includes(k)),
    `keys must be severities: ${SEVERITIES.join(', ')}`,
  ),
  /** Optional per-account channels: `111122223333=C0PROD`; a severity's own channel wins for that severity. */
  slackChannelByAccount: pairs('ACCOUNT_ID=CHANNEL_ID').refine(
    (map) => Object.keys(map).every((k) => /^\d{12}$/.test(k)),
    'keys must be 12-digit account IDs',
  ),
  /** Optional friendly names for accounts: `123456789012=prod`. */
  accountAliases: pairs('ACCOUNT_ID=alias'),
  /** Slack user IDs allowed to press Disable User. */
  responderUserIds: list,
  /** A Slack user group whose members may press Disable User. */
  responderUsergroupId: text,
  /**
   * The triage loop (README, "The triage loop"), passed to the functions as written once the
   * runtime's own parsers (`app/triage/triage-settings.ts`) accept it. Severities whose actor is
   * asked "Was this you?": `critical,high` by default, `none` for nobody.
   */
  confirmSeverities: triageText((v) => parseSeverityList(v, DEFAULT_CONFIRM_SEVERITIES)),
  /** Minutes the actor has to answer. @default 30 */
  confirmTimeoutMinutes: wholeNumber(DEFAULT_CONFIRM_TIMEOUT_MINUTES),
  /** Actor → Slack user (`alice=U0ALICE,bob=bob@example.com`, or a JSON object / cdk.json object). */
  confirmUserMap: triageText(parseOwnerMap),
  /** Minutes without an acknowledgement before escalating: `critical=15,high=60` by default, `none`. */
  escalateAfterMinutes: triageText(parseEscalateAfter),
  /** The daily digest's local time (`09:00`); unset: no digest. */
  digestAt: triageText(parseDigestAt),
  /** The digest's IANA time zone. @default UTC */
  digestTimeZone: triageText(parseTimeZone),
  /**
   * IAM user names (globs allowed), spelled as IAM spells them, that Disable User must never touch:
   * enforced by an IAM deny too. A comma list, or a JSON array (cdk.json array, or a string) for
   * names with commas.
   */
  protectedIamUsers: z
    .unknown()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseProtectedUsers(v);
      if ('names' in parsed) return parsed.names;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  /** Regions `/iam-events` searches. @default us-east-1 (where IAM's events are recorded) */
  historyRegions: list.transform((r) => (r.length > 0 ? r : ['us-east-1'])),
  /** A Slack user group whose members may search with /iam-events besides the responders. */
  historyViewerUsergroupId: text,
  /** Operator's rule changes (YAML/JSON, see app/catalog/catalog-config.ts), relative to the project. */
  alertRulesFile: text,
  /** Optional address that gets every alert and every alarm by SNS email (confirm the subscription!). */
  alertEmail: text.pipe(z.email('expected an email address').optional()),
  /** Create a multi-region CloudTrail trail; set false when the account (or organization) already has one. @default true */
  createTrail: flag(true),
  /** Days before the trail's log files are deleted from its bucket. @default 365 */
  /** With createTrail=false: the account's own trail, reported as the TrailName output so `doctor` checks it logs. */
  existingTrailName: text,
  trailLogExpirationDays: wholeNumber(365),
  /** Retention of the functions' CloudWatch logs, in days (a value CloudWatch accepts). @default 90 */
  logRetentionDays: wholeNumber(90).refine(
    (d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d),
    `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
  ),
  /** Deploy outside us-east-1 without the template refusing (IAM's events arrive only in us-east-1). @default false */
  allowAnyRegion: flag(false),
  /**
   * Let Re-enable delete the inline deny policy `iam-alerts-deny-all` that earlier versions attached
   * (`iam:DeleteUserPolicy`, only on users tagged `iam-alerts:disabled-by`). Turn off once no user
   * carries that policy: the role then may delete no inline policy at all. @default true
   */
  legacyDenyPolicyRemoval: flag(true),
  /**
   * ARN prefix of the roles that deploy the stack, whose changes to iam-alerts' own resources are
   * not alerted (`app/catalog/own-resources.ts`). @default CDK's bootstrap roles,
   * `arn:<partition>:iam::<account>:role/cdk-<qualifier>-` (the qualifier from the
   * `@aws-cdk/core:bootstrapQualifier` context, else CDK's default)
   */
  deployRoleArnPrefix: text.pipe(
    z
      .string()
      .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]*$/, 'expected a role ARN prefix, e.g. arn:aws:iam::123456789012:role/deploy-')
      .optional(),
  ),
  /**
   * Concurrency reserved for the notifier, so that nothing else in the account (a flood of requests
   * to the Slack function's public URL included) can starve alerting; also its ceiling. 0: reserve
   * none (accounts whose concurrency quota is too low to reserve, see docs/DEPLOY.md). @default 5
   */
  notifierReservedConcurrency: countOrZero(5),
  /**
   * Reserved concurrency of the Slack function, which caps it: a flood of unsigned requests to its
   * public Function URL (each one an invocation) cannot use more than this. 0: no cap. @default 10
   */
  slackReservedConcurrency: countOrZero(10),
  /**
   * Concurrency reserved for the triage scheduler (escalations, unanswered questions, the digest),
   * for the notifier's reason: nothing else in the account can starve the escalation of an alert.
   * One is enough and also a ceiling: it runs once a minute for under a minute, so a second
   * delivery of the same minute waits for the first (or, after a minute, is dropped: the next run
   * catches up) instead of running beside it. 0: reserve none (accounts whose concurrency quota is
   * too low to reserve). @default 1
   */
  schedulerReservedConcurrency: countOrZero(1),
  /**
   * Regions that get a forwarder stack (their sign-in, Identity Center, CloudTrail, STS and root
   * events to the us-east-1 default bus). `none`: no forwarder at all (an organization whose
   * member-account StackSet already covers this account). Whatever is listed, the sign-in regions
   * and `identityCenterRegion` are added, us-east-1 is left out.
   * @default the regions every account has enabled (app/catalog/regional-forwarding.ts)
   */
  forwarderRegions: list
    .pipe(z.array(z.string().regex(new RegExp(`${REGION.source}|^none$`), 'expected region names like eu-west-1, or none')))
    .refine((r) => !r.includes('none') || r.length === 1, 'none cannot be listed with regions'),
  /** The home region of IAM Identity Center, which records its events there: always forwarded. */
  identityCenterRegion: text.pipe(z.string().regex(REGION, 'expected a region name like eu-central-1').optional()),
  /**
   * The AWS Organizations ID (`o-…`): the default bus then accepts events from the organization's
   * accounts (the member-account StackSet), and the Slack function may assume `IamAlertsResponder`
   * in accounts of this organization only.
   */
  organizationId: text.pipe(
    z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'expected an organization ID like o-a1b2c3d4e5')
      .optional(),
  ),
  /** Member accounts Disable User may act in (12-digit IDs); with organizationId, within the organization too. */
  memberAccountIds: list.pipe(z.array(z.string().regex(/^\d{12}$/, 'expected 12-digit account IDs'))),
  /**
   * New IAM users' first console password (README, "Onboarding"): `off`, `auto` (on each qualifying
   * CreateUser, by the notifier) or `approve` (a Send sign-in details button for responders, by the
   * Slack function). With `off` the stack grants nothing for it. @default off
   */
  onboarding: text.pipe(z.enum(['off', 'auto', 'approve']).default('off')),
  /** Users named by an address in these domains qualify; the IAM grant is on `user/*@<domain>` (lower case). */
  onboardingEmailDomains: list.pipe(
    z.array(
      z
        .string()
        .transform((d) => d.toLowerCase())
        .pipe(z.string().regex(MAIL_DOMAIN, 'expected domain names such as example.com')),
    ),
  ),
  /** `slack` (a DM with a one-time Reveal button), `email` (SES) or `both`. @default slack */
  onboardingDelivery: text.pipe(z.enum(['slack', 'email', 'both']).default('slack')),
  /** The verified SES identity the email goes from: the one identity `ses:SendEmail` is granted on. */
  onboardingFromEmail: text.pipe(z.email('expected an email address (a verified SES identity)').optional()),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Email delivery of onboarding needs its sender: the one SES identity the stack grants `ses:SendEmail` on. */
function onboardingNeedsSender(s: Settings, ctx: z.RefinementCtx): void {
  if (s.onboarding !== 'off' && s.onboardingDelivery !== 'slack' && !s.onboardingFromEmail) {
    ctx.addIssue({
      code: 'custom',
      path: ['onboardingFromEmail'],
      message: 'is required when onboardingDelivery includes email: the verified SES identity the sign-in details are sent from',
    });
  }
}

/**
 * The regions that get a forwarder stack: none with `forwarderRegions=none`, otherwise
 * `forwarderRegionsFor` (the listed or default regions, plus the sign-in regions and the Identity
 * Center home region, without us-east-1).
 */
export function forwarderRegionsOf(settings: Pick<Settings, 'forwarderRegions' | 'identityCenterRegion'>): string[] {
  if (settings.forwarderRegions.includes('none')) return [];
  return forwarderRegionsFor({ listed: settings.forwarderRegions, identityCenterRegion: settings.identityCenterRegion });
}

/** Settings are invalid; the message names each problem and where to set it. */
export class SettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SettingsError';
  }
}

/**
 * Reads every setting from the CDK context first, then the environment.
 * @throws SettingsError naming each invalid setting with its context key and variable.
 */
export function readSettings(context: (key: string) => unknown, env: Record<string, string | undefined> = {}): Settings {
  const raw: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(SETTING_SOURCES)) {
    const value = context(key) ?? env[variable];
    if (value !== undefined) raw[key] = value;
  }
  const parsed = settingsSchema.superRefine(onboardingNeedsSender).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0]) as SettingKey;
      return `  - ${key} (-c ${key}=… or ${SETTING_SOURCES[key] ?? '?'}): ${i.message}`;
    });
    throw new SettingsError(`invalid iam-alerts settings:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
