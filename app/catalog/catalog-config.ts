import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { DEFAULT_RULES } from './default-catalog';
import { CatalogConfigError } from './errors';
import { type AlertRule, alertRuleSchema, severitySchema } from './rule';

/**
 * The operator's changes to the default catalog, from a YAML or JSON file (`ALERT_RULES_FILE`).
 *
 * @example
 * ```yaml
 * rules:
 *   disable: [iam-create-group, DeleteAccessKey]   # rule IDs or event names
 *   severity: { CreateRole: high, iam-create-user: low }
 *   add:
 *     - id: kms-schedule-key-deletion
 *       title: KMS key deletion scheduled
 *       severity: high
 *       why: Deleting a key destroys everything encrypted with it.
 *       match: { kind: api-call, eventSource: kms.amazonaws.com, eventNames: [ScheduleKeyDeletion] }
 *     # Only calls whose request says so (the EventBridge pattern carries the same condition):
 *     - id: logs-org-trail-log-group
 *       title: Organization trail's log group deleted or its retention changed
 *       severity: high
 *       why: Our organization trail sends to this log group; its alarms read from it.
 *       match:
 *         kind: api-call
 *         eventSource: logs.amazonaws.com
 *         eventNames: [DeleteLogGroup, DeleteLogStream, PutRetentionPolicy]
 *         requestParameters: { logGroupName: [org-trail-logs, { prefix: "org-trail-" }] }
 * mute:
 *   - actorArn: "arn:aws:sts::*:assumed-role/terraform-ci/*"
 *     reason: Terraform pipeline
 * ```
 */

const muteSchema = z
  .strictObject({
    /** Glob over the actor's ARN (`*` matches anything). */
    actorArn: z.string().min(1).optional(),
    /** Case-insensitive glob over the user agent. */
    userAgent: z.string().min(1).optional(),
    /** Account ID (exact). */
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit account ID')
      .optional(),
    /** Event name (exact, e.g. CreateUser). */
    eventName: z.string().min(1).optional(),
    /** Why it is muted: shown in logs whenever it mutes something. */
    reason: z.string().optional(),
  })
  .refine((m) => m.actorArn || m.userAgent || m.account || m.eventName, {
    message: 'a mute needs at least one of actorArn, userAgent, account, eventName',
  });
export type MuteRule = z.infer<typeof muteSchema>;

export const catalogConfigSchema = z.strictObject({
  rules: z
    .strictObject({
      disable: z.array(z.string().min(1)).default([]),
      severity: z.record(z.string(), severitySchema).default({}),
      add: z.array(alertRuleSchema).default([]),
    })
    .default({ disable: [], severity: {}, add: [] }),
  mute: z.array(muteSchema).default([]),
});
export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

/** The catalog in force: rules after the operator's changes, plus mutes. */
export interface Catalog {
  readonly rules: readonly AlertRule[];
  readonly mutes: readonly MuteRule[];
  /** Per-event-name severity overrides (rule-ID overrides are already applied to `rules`). */
  readonly eventSeverity: Readonly<Record<string, AlertRule['severity']>>;
}

/** The default catalog, unchanged. */
export const DEFAULT_CATALOG: Catalog = Object.freeze({ rules: DEFAULT_RULES, mutes: [], eventSeverity: {} });

/**
 * Applies an operator config to the default rules.
 * @throws CatalogConfigError naming each problem, when the config is invalid or refers to
 *   rules or events that do not exist.
 */
export function buildCatalog(config: unknown, source = 'catalog config'): Catalog {
  const parsed = catalogConfigSchema.safeParse(config ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new CatalogConfigError(`${source} is invalid:\n${problems.join('\n')}`);
  }
  const { rules: changes, mute } = parsed.data;
  const problems: string[] = [];
  const allRules = [...DEFAULT_RULES, ...changes.add];
  const ids = new Set<string>();
  for (const rule of allRules) {
    if (ids.has(rule.id)) problems.push(`rules.add: rule id "${rule.id}" already exists`);
    ids.add(rule.id);
  }
  const eventNames = new Set(allRules.flatMap((r) => (r.match.kind === 'api-call' ? r.match.eventNames : [])));
  for (const name of changes.disable) {
    if (!ids.has(name) && !eventNames.has(name))
      problems.push(`rules.disable: "${name}" is neither a rule id nor an event name in the catalog`);
  }
  const eventSeverity: Record<string, AlertRule['severity']> = {};
  for (const [name, severity] of Object.entries(changes.severity)) {
    if (ids.has(name)) continue;
    if (eventNames.has(name)) eventSeverity[name] = severity;
    else problems.push(`rules.severity: "${name}" is neither a rule id nor an event name in the catalog`);
  }
  if (problems.length > 0) throw new CatalogConfigError(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);

  const disabled = new Set(changes.disable);
  const rules = allRules
    .filter((rule) => !disabled.has(rule.id))
    .map((rule) => {
      const severity = changes.severity[rule.id] ?? rule.severity;
      if (rule.match.kind !== 'api-call') return { ...rule, severity };
      const names = rule.match.eventNames.filter((n) => !disabled.has(n));
      return names.length === 0 ? undefined : { ...rule, severity, match: { ...rule.match, eventNames: names } };
    })
    .filter((rule): rule is AlertRule => rule !== undefined);
  return Object.freeze({ rules, mutes: mute, eventSeverity });
}

/**
 * Reads and applies an operator config file (YAML or JSON); the default catalog when no path is given.
 * @throws CatalogConfigError when the file cannot be read or is invalid.
 */
export function loadCatalog(path?: string): Catalog {
  if (!path) return DEFAULT_CATALOG;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogConfigError(`cannot read alert rules file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new CatalogConfigError(`alert rules file ${path} is not valid YAML/JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return buildCatalog(value, `alert rules file ${path}`);
}
