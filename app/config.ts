import * as z from 'zod';
import { SEVERITIES, type Severity } from '../blocks/alert-view';
import { parseProtectedUsers } from './containment/protected-users';
import {
  DEFAULT_CONFIRM_SEVERITIES,
  DEFAULT_CONFIRM_TIMEOUT_MINUTES,
  parseDigestAt,
  parseEscalateAfter,
  parseOwnerMap,
  parseSeverityList,
  parseTimeZone,
  type TriageSettings,
} from './triage/triage-settings';

/**
 * The one place that reads `process.env`. Every setting is parsed once into a frozen, typed
 * config; a bad value fails fast naming the variable. `.env.example` lists exactly these keys.
 */

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const keyValueList = (what: string, valueSchema: z.ZodType<string> = z.string().min(1)) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const result: Record<string, string> = {};
      for (const pair of (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const [key, value, ...rest] = pair.split('=').map((s) => s.trim());
        const checked = valueSchema.safeParse(value);
        if (!key || !value || rest.length > 0 || !checked.success) {
          ctx.addIssue({ code: 'custom', message: `expected ${what}, got "${pair}"` });
          return z.NEVER;
        }
        result[key] = value;
      }
      return result;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.addIssue({ code: 'custom', message: `expected a positive whole number, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A setting parsed by one of the parsers the stack's settings share (`{ value }` or `{ problem }`). */
const parsedText = <T>(parse: (text: string | undefined) => { value: T } | { problem: string }) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parse(v);
      if ('value' in parsed) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    });

const ACCOUNT_ID = /^\d{12}$/;
/** A mail domain as ONBOARDING_EMAIL_DOMAINS lists it (lower case). */
const EMAIL_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), 'expected a bot token (xoxb-...)'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'expected an app-level token (xapp-...)'),
  SLACK_SECRET_ARN: optionalText,
  SLACK_SIGNING_SECRET_ARN: optionalText,
  JOB_SIGNING_KEY_ARN: optionalText,
  SLACK_CHANNEL_ID: optionalText,
  SLACK_CHANNEL_BY_SEVERITY: keyValueList('severity=CHANNEL_ID pairs, e.g. critical=C0123', z.string().min(1)).refine(
    (map) => Object.keys(map).every((k) => (SEVERITIES as readonly string[]).includes(k)),
    `keys must be severities: ${SEVERITIES.join(', ')}`,
  ),
  // Account ID → channel: a severity's own channel wins for that severity, then the account's, then SLACK_CHANNEL_ID.
  SLACK_CHANNEL_BY_ACCOUNT: keyValueList('ACCOUNT_ID=CHANNEL_ID pairs, e.g. 111122223333=C0PROD').refine(
    (map) => Object.keys(map).every((k) => ACCOUNT_ID.test(k)),
    'keys must be 12-digit account IDs',
  ),
  SLACK_API_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'expected an http(s) URL'),
  ACCOUNT_ALIASES: keyValueList('ACCOUNT_ID=alias pairs, e.g. 123456789012=prod'),
  HOME_ACCOUNT_ID: optionalText.refine((v) => v === undefined || ACCOUNT_ID.test(v), 'expected a 12-digit account ID'),
  ORGANIZATION_ID: optionalText.refine((v) => v === undefined || /^o-[a-z0-9]{10,32}$/.test(v), 'expected an organization ID (o-...)'),
  MEMBER_ACCOUNT_IDS: list.refine((ids) => ids.every((id) => ACCOUNT_ID.test(id)), 'expected 12-digit account IDs, comma-separated'),
  ALERT_RULES_FILE: optionalText,
  IAM_ALERTS_STACK_NAME: optionalText,
  CDK_BOOTSTRAP_QUALIFIER: optionalText.refine((v) => v === undefined || /^[a-z0-9]{1,10}$/.test(v), 'expected a CDK bootstrap qualifier'),
  DEPLOY_ROLE_ARN_PREFIX: optionalText.refine(
    (v) => v === undefined || /^arn:aws[\w-]*:iam::\d{12}:role\//.test(v),
    'expected a role ARN prefix',
  ),
  RESPONDER_USER_IDS: list,
  RESPONDER_USERGROUP_ID: optionalText,
  // The triage loop (issue 14): ask the actor, escalate the silent, the daily digest.
  CONFIRM_SEVERITIES: parsedText((v) => parseSeverityList(v, DEFAULT_CONFIRM_SEVERITIES)),
  CONFIRM_TIMEOUT_MINUTES: positiveInt(DEFAULT_CONFIRM_TIMEOUT_MINUTES),
  CONFIRM_USER_MAP: parsedText(parseOwnerMap),
  ESCALATE_AFTER_MINUTES: parsedText(parseEscalateAfter),
  DIGEST_AT: parsedText(parseDigestAt),
  DIGEST_TIME_ZONE: parsedText(parseTimeZone),
  // A comma list, or a JSON array for names that contain commas: ["ops,admin","break-glass-*"].
  PROTECTED_IAM_USERS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseProtectedUsers(v);
      if ('names' in parsed) return parsed.names;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  HISTORY_REGIONS: list.transform((regions) => (regions.length > 0 ? regions : ['us-east-1'])),
  HISTORY_VIEWER_USERGROUP_ID: optionalText,
  HISTORY_EVENT_SOURCES: list.refine(
    (sources) => sources.every((s) => /^[a-z0-9-]+\.amazonaws\.com$/.test(s)),
    'expected service hosts such as iam.amazonaws.com',
  ),
  IDEMPOTENCY_TABLE_NAME: optionalText,
  STATE_TABLE_NAME: optionalText,
  BURST_WINDOW_SECONDS: positiveInt(300),
  AWS_LAMBDA_FUNCTION_NAME: optionalText,
  AWS_REGION: optionalText,
  LOCAL_STATE_FILE: optionalText,
  POLL_INTERVAL_SECONDS: positiveInt(60),
  // Onboarding (issue 13): a console password for new IAM users, delivered without leaving it in Slack.
  ONBOARDING: optionalText.pipe(z.enum(['off', 'auto', 'approve']).default('off')),
  // Lower-cased: IAM compares user ARNs case-sensitively, and the stack grants on `user/*@<domain>`.
  ONBOARDING_EMAIL_DOMAINS: list
    .transform((domains) => domains.map((d) => d.toLowerCase()))
    .refine((domains) => domains.every((d) => EMAIL_DOMAIN.test(d)), 'expected domain names such as example.com, comma-separated'),
  ONBOARDING_DELIVERY: optionalText.pipe(z.enum(['slack', 'email', 'both']).default('slack')),
  ONBOARDING_FROM_EMAIL: optionalText.pipe(z.email('expected an email address (a verified SES identity)').optional()),
  ONBOARDING_KMS_KEY_ID: optionalText,
});

// Acting in other accounts means telling them from this one: their containment goes through a
// role, this one's through the function's own credentials.
const checkedEnvSchema = envSchema
  .refine((e) => e.HOME_ACCOUNT_ID !== undefined || (e.ORGANIZATION_ID === undefined && e.MEMBER_ACCOUNT_IDS.length === 0), {
    path: ['HOME_ACCOUNT_ID'],
    message: 'is required with ORGANIZATION_ID or MEMBER_ACCOUNT_IDS: the account iam-alerts runs in (the stack sets it)',
  })
  .refine((e) => e.ONBOARDING === 'off' || e.ONBOARDING_DELIVERY === 'slack' || e.ONBOARDING_FROM_EMAIL !== undefined, {
    path: ['ONBOARDING_FROM_EMAIL'],
    message: 'is required when ONBOARDING_DELIVERY includes email: the verified SES identity the sign-in details are sent from',
  });

/** Every environment variable iam-alerts reads; `.env.example` documents exactly these. */
export const CONFIG_KEYS: readonly string[] = Object.keys(envSchema.shape);

/** Settings for every part of iam-alerts; optional ones are `undefined` when unset. */
export interface Config {
  readonly slack: {
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    /** Secrets Manager secret holding the bot token when it is not in the environment (both functions read it). */
    readonly secretArn?: string;
    /** Secrets Manager secret holding the signing secret, which only the Slack function may read. */
    readonly signingSecretArn?: string;
    readonly channelId?: string;
    readonly channelBySeverity: Readonly<Partial<Record<Severity, string>>>;
    /** Account ID → channel, for alerts whose severity has no channel of its own. */
    readonly channelByAccount: Readonly<Record<string, string>>;
    /** Override of Slack's API base URL (tests point it at a local fake). */
    readonly apiUrl?: string;
  };
  readonly accountAliases: Readonly<Record<string, string>>;
  /**
   * The accounts iam-alerts may act in and search, besides its own. Without an organization and an
   * allow-list it is single-account: only `homeAccountId` (or, when that is unset too, whatever
   * account the function's own credentials reach).
   */
  readonly accounts: {
    /** The central account: containment and history there use the function's own credentials. */
    readonly homeAccountId?: string;
    /** `o-...`: other accounts are reached through their `IamAlertsResponder` role. */
    readonly organizationId?: string;
    /** When not empty, the only other accounts iam-alerts may act in or search. */
    readonly memberAccountIds: readonly string[];
  };
  readonly alertRulesFile?: string;
  /**
   * This deployment's own resources, which the notifier watches for tampering
   * (`app/catalog/own-resources.ts`): the stack name, and the prefix of the roles that deploy it.
   */
  readonly ownResources: { readonly stackName?: string; readonly deployRoleArnPrefix?: string; readonly cdkQualifier?: string };
  readonly responders: { readonly userIds: readonly string[]; readonly userGroupId?: string };
  /** Ask the actor, escalate the silent, the daily digest (`app/triage/`). */
  readonly triage: TriageSettings;
  readonly protectedIamUsers: readonly string[];
  readonly historyRegions: readonly string[];
  /**
   * Who may search with `/iam-events` besides the responders: members of this Slack user group.
   * With neither responders nor this group, nobody may (the results show actors and source IPs).
   */
  readonly historyViewerUserGroupId?: string;
  /**
   * The event sources `event:` searches may return (the stack passes the catalog's); empty: the
   * default catalog's (`app/history/history-scope.ts`).
   */
  readonly historyEventSources: readonly string[];
  readonly idempotencyTableName?: string;
  readonly stateTableName?: string;
  readonly burstWindowSeconds: number;
  /** Secrets Manager secret with the key that signs the Slack function's deferred jobs (Slack function only). */
  readonly jobSigningKeyArn?: string;
  /** Set by Lambda; the Slack handler invokes itself by this name. */
  readonly functionName?: string;
  readonly awsRegion?: string;
  readonly localStateFile?: string;
  readonly pollIntervalSeconds: number;
  /** Onboarding of new IAM users (`app/onboarding/`): off unless `ONBOARDING` says otherwise. */
  readonly onboarding: OnboardingSettings;
}

/** How new IAM users get their first console password (issue 13). */
export interface OnboardingSettings {
  /** `off` (default); `auto`: on every qualifying CreateUser; `approve`: when a responder presses Send sign-in details. */
  readonly mode: 'off' | 'auto' | 'approve';
  /** Users named by an email address in one of these domains (lower case) qualify. */
  readonly emailDomains: readonly string[];
  /** `slack`: a DM with a one-time Reveal password button; `email`: SES; `both`. */
  readonly delivery: 'slack' | 'email' | 'both';
  /** The verified SES identity the email is sent from (required when delivery includes email). */
  readonly fromEmail?: string;
  /** The KMS key the password is held under until revealed (set by the stack; required for Slack delivery). */
  readonly kmsKeyId?: string;
}

/** An environment variable is missing or malformed; the message names it and says what is expected. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a frozen config.
 * @throws ConfigError naming every malformed variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checkedEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return deepFreeze({
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      secretArn: e.SLACK_SECRET_ARN,
      signingSecretArn: e.SLACK_SIGNING_SECRET_ARN,
      channelId: e.SLACK_CHANNEL_ID,
      channelBySeverity: e.SLACK_CHANNEL_BY_SEVERITY as Partial<Record<Severity, string>>,
      channelByAccount: e.SLACK_CHANNEL_BY_ACCOUNT,
      apiUrl: e.SLACK_API_URL,
    },
    accountAliases: e.ACCOUNT_ALIASES,
    accounts: { homeAccountId: e.HOME_ACCOUNT_ID, organizationId: e.ORGANIZATION_ID, memberAccountIds: e.MEMBER_ACCOUNT_IDS },
    alertRulesFile: e.ALERT_RULES_FILE,
    ownResources: {
      stackName: e.IAM_ALERTS_STACK_NAME,
      deployRoleArnPrefix: e.DEPLOY_ROLE_ARN_PREFIX,
      cdkQualifier: e.CDK_BOOTSTRAP_QUALIFIER,
    },
    responders: { userIds: e.RESPONDER_USER_IDS, userGroupId: e.RESPONDER_USERGROUP_ID },
    triage: {
      confirmSeverities: e.CONFIRM_SEVERITIES,
      confirmTimeoutMinutes: e.CONFIRM_TIMEOUT_MINUTES,
      ownerMap: e.CONFIRM_USER_MAP,
      escalateAfterMinutes: e.ESCALATE_AFTER_MINUTES,
      ...(e.DIGEST_AT ? { digest: { ...e.DIGEST_AT, timeZone: e.DIGEST_TIME_ZONE } } : {}),
    },
    protectedIamUsers: e.PROTECTED_IAM_USERS,
    historyRegions: e.HISTORY_REGIONS,
    historyViewerUserGroupId: e.HISTORY_VIEWER_USERGROUP_ID,
    historyEventSources: e.HISTORY_EVENT_SOURCES,
    idempotencyTableName: e.IDEMPOTENCY_TABLE_NAME,
    stateTableName: e.STATE_TABLE_NAME,
    burstWindowSeconds: e.BURST_WINDOW_SECONDS,
    jobSigningKeyArn: e.JOB_SIGNING_KEY_ARN,
    functionName: e.AWS_LAMBDA_FUNCTION_NAME,
    awsRegion: e.AWS_REGION,
    localStateFile: e.LOCAL_STATE_FILE,
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS,
    onboarding: {
      mode: e.ONBOARDING,
      emailDomains: e.ONBOARDING_EMAIL_DOMAINS,
      delivery: e.ONBOARDING_DELIVERY,
      fromEmail: e.ONBOARDING_FROM_EMAIL,
      kmsKeyId: e.ONBOARDING_KMS_KEY_ID,
    },
  });
}

/**
 * Returns a setting that this code path cannot work without.
 * @throws ConfigError naming the environment variable to set.
 */
export function requireSetting<T>(value: T | undefined, variable: string, why: string): T {
  if (value === undefined || value === null || value === '') {
    throw new ConfigError(`${variable} is not set: ${why}`);
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
