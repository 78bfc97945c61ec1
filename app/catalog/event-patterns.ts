import type { Catalog } from './catalog-config';
import { MAX_EVENT_PATTERN_LENGTH, WILDCARD_COMPLEXITY_BUDGET, wildcardCost } from './event-pattern-limits';
import { requestParametersPattern } from './request-conditions';
import type { AlertRule, RuleMatch } from './rule';

/**
 * Turns the rule catalog into EventBridge event patterns: the CDK stack creates one EventBridge
 * rule per pattern, so the events that reach the notifier are exactly the ones the catalog names.
 * Pure (no CDK, no I/O): `test/infra/` runs the real CloudTrail corpus through these patterns and
 * through `classifyEvent` and proves they agree.
 *
 * The patterns are deliberately a little wider than the catalog where EventBridge cannot express
 * a check (the notifier filters further and says why it ignored an event):
 * - `root-activity`: read-only calls without a `readOnly` field match; EventBridge itself does not
 *   deliver Get/List/Describe calls to rules in the plain `ENABLED` state.
 * - `offensive-user-agent`: EventBridge wildcards are case-sensitive, so each tool name is matched
 *   as written, in lower case and in upper case; other casings are missed. EventBridge refuses a
 *   rule whose wildcards are too complex (`event-pattern-limits.ts`), so each tool gets its own
 *   rule, split further when its casings would go over {@link WILDCARD_COMPLEXITY_BUDGET}.
 * - `console-sign-in` with `when: failure` also matches a sign-in with an `errorMessage`.
 * - `api-call` rules with a content `check` (`content-checks.ts`): every call of their event names
 *   (every `EnableMFADevice`, every `GetSigninToken`); the notifier runs the check. Their
 *   `requestParameters` conditions, on the other hand, are in the pattern exactly as the notifier
 *   checks them, in a pattern of the rule's own.
 *
 * Patterns are disjoint where that is cheap (root's calls match only `root-activity`), because
 * EventBridge delivers an event once per matching rule; a catalogued call made with an offensive
 * tool matches two rules and reaches the notifier twice (its dedupe on the event ID posts once).
 */

/** An EventBridge event pattern as JSON (the keys EventBridge uses: `source`, `detail-type`, `detail`). */
export type EventPatternJson = { readonly [key: string]: unknown };

/** One EventBridge rule's worth of the catalog. */
export interface CatalogEventPattern {
  /** Stable, lowercase id: the EventBridge rule's name suffix and the CDK construct id. */
  readonly id: string;
  /** Human description for the EventBridge console (≤ 512 characters). */
  readonly description: string;
  readonly pattern: EventPatternJson;
  /** Catalog rule ids this pattern feeds. */
  readonly ruleIds: readonly string[];
  /**
   * The rule must be in the `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` state: it watches
   * read-only calls (TruffleHog's `sts:GetCallerIdentity`), which plain `ENABLED` rules never see.
   */
  readonly includeReadOnlyEvents: boolean;
  /** User-agent patterns only: the strings it looks for (casings of one tool), as EventBridge compares them. */
  readonly userAgents?: readonly string[];
}

export { MAX_EVENT_PATTERN_LENGTH };

/** Steps of a console sign-in: never "root activity" (the same list `classifyEvent` skips). */
export const SIGN_IN_STEPS = ['ConsoleLogin', 'CheckMfa', 'GetSigninToken'] as const;

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** The service of console sign-in events, whose records CloudTrail types either way (AwsConsoleSignIn, AwsApiCall). */
const SIGN_IN_EVENT_SOURCE = 'signin.amazonaws.com';
export const CONSOLE_SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';

/**
 * The EventBridge patterns for a catalog, in a stable order: API calls grouped by service (split
 * when a pattern would exceed {@link MAX_EVENT_PATTERN_LENGTH}), then one pattern per API-call rule
 * with request conditions (named by the rule's id), one per sign-in and root-activity rule, and for
 * user-agent rules one or more per tool.
 *
 * @example
 * eventPatternsFor(loadCatalog(process.env.ALERT_RULES_FILE)).map((p) => p.id)
 * // ['api-calls-iam', 'api-calls-cloudtrail', 'root-console-sign-in', ..., 'offensive-tool-user-agent-trufflehog', ...]
 */
export function eventPatternsFor(catalog: Pick<Catalog, 'rules'>): CatalogEventPattern[] {
  const patterns: CatalogEventPattern[] = [];
  const bySource = new Map<string, { names: string[]; ruleIds: string[] }>();
  for (const rule of catalog.rules) {
    // Calls with conditions on the request get a pattern of their own (below), which carries them.
    if (rule.match.kind !== 'api-call' || rule.match.requestParameters || rule.match.exceptRoleArnPrefixes) continue;
    const group = bySource.get(rule.match.eventSource) ?? { names: [], ruleIds: [] };
    for (const name of rule.match.eventNames) if (!group.names.includes(name)) group.names.push(name);
    group.ruleIds.push(rule.id);
    bySource.set(rule.match.eventSource, group);
  }
  for (const [eventSource, group] of bySource) patterns.push(...apiCallPatterns(eventSource, group.names, group.ruleIds));
  for (const rule of catalog.rules) {
    if (rule.match.kind === 'api-call' && (rule.match.requestParameters || rule.match.exceptRoleArnPrefixes)) {
      patterns.push(requestConditionPattern(rule, rule.match));
    }
  }
  for (const rule of catalog.rules) {
    if (rule.match.kind === 'api-call') continue;
    if (rule.match.kind === 'offensive-user-agent') patterns.push(...userAgentPatterns(rule, rule.match));
    else patterns.push(singleRulePattern(rule, rule.match));
  }
  return patterns;
}

/** `aws.iam` for `iam.amazonaws.com`: the `source` EventBridge gives a service's CloudTrail events. */
export function eventBridgeSource(eventSource: string): string {
  return `aws.${eventSource.split('.')[0]}`;
}

/**
 * The pattern of API calls of one service with the given names. Sign-in events (`GetSigninToken`)
 * come with either detail-type, so none is named for them; `source` and `eventName` pin the event.
 */
function apiCallPattern(
  eventSource: string,
  names: readonly string[],
  request?: Record<string, unknown>,
  exceptRoleArnPrefixes?: readonly string[],
): EventPatternJson {
  const signIn = eventSource === SIGN_IN_EVENT_SOURCE;
  return {
    source: [eventBridgeSource(eventSource)],
    ...(signIn ? {} : { 'detail-type': [API_CALL_DETAIL_TYPE] }),
    detail: {
      eventSource: [eventSource],
      eventName: [...names],
      // Root's calls go to the root-activity rule only, so that EventBridge delivers them once;
      // root-activity takes no sign-in step, so these rules take root's too.
      ...(signIn ? {} : { userIdentity: { type: [{ 'anything-but': ['Root'] }] } }),
      ...(request ? { requestParameters: request } : {}),
      // Calls through any other role, or by no role at all (an IAM user has no session issuer).
      ...(exceptRoleArnPrefixes
        ? {
            $or: [
              { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: false }] } } } },
              ...exceptRoleArnPrefixes.map((prefix) => ({
                userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': { prefix } }] } } },
              })),
            ],
          }
        : {}),
    },
  };
}

/**
 * EventBridge treats calls named Get, List or Describe as read-only management events, and delivers
 * them only to rules in the `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` state.
 */
function namesReadOnlyCall(names: readonly string[]): boolean {
  return names.some((name) => /^(Get|List|Describe)/.test(name));
}

/** One rule whose request conditions go into its own pattern, so that EventBridge delivers only the calls that alert. */
function requestConditionPattern(rule: AlertRule, match: Extract<RuleMatch, { kind: 'api-call' }>): CatalogEventPattern {
  return {
    id: rule.id,
    description: truncate(`iam-alerts: ${rule.title} (${rule.id})`),
    pattern: apiCallPattern(
      match.eventSource,
      match.eventNames,
      match.requestParameters ? requestParametersPattern(match.requestParameters) : undefined,
      match.exceptRoleArnPrefixes,
    ),
    ruleIds: [rule.id],
    includeReadOnlyEvents: namesReadOnlyCall(match.eventNames),
  };
}

function apiCallPatterns(eventSource: string, names: readonly string[], ruleIds: readonly string[]): CatalogEventPattern[] {
  const service = eventSource.split('.')[0]!;
  const build = (chunk: readonly string[]) => apiCallPattern(eventSource, chunk);
  // Split the names so that no pattern exceeds EventBridge's size limit.
  const chunks: string[][] = [];
  for (const name of names) {
    const current = chunks.at(-1);
    if (current && JSON.stringify(build([...current, name])).length <= MAX_EVENT_PATTERN_LENGTH) current.push(name);
    else chunks.push([name]);
  }
  return chunks.map((chunk, i) => ({
    id: `api-calls-${service}${chunks.length > 1 ? `-${i + 1}` : ''}`,
    description: truncate(`iam-alerts: ${eventSource} calls in the alert catalog (${chunk.length} event names)`),
    pattern: build(chunk),
    ruleIds: [...ruleIds],
    includeReadOnlyEvents: namesReadOnlyCall(chunk),
  }));
}

function singleRulePattern(rule: AlertRule, match: Extract<RuleMatch, { kind: 'console-sign-in' | 'root-activity' }>): CatalogEventPattern {
  const base = { id: rule.id, description: truncate(`iam-alerts: ${rule.title} (${rule.id})`), ruleIds: [rule.id] };
  switch (match.kind) {
    case 'console-sign-in':
      return { ...base, pattern: consoleSignInPattern(match), includeReadOnlyEvents: false };
    case 'root-activity':
      return {
        ...base,
        pattern: {
          // No source or detail-type: root changes arrive from every service, some of them
          // (PasswordUpdated, SetContactAddress) as console sign-in events.
          detail: {
            userIdentity: { type: ['Root'] },
            // Root sign-ins have their own rule; matching them here too would deliver them twice.
            eventName: [{ 'anything-but': [...SIGN_IN_STEPS] }],
            // Real CloudTrail API-call records carry readOnly; a record without it is let through
            // and judged by the notifier.
            $or: [{ readOnly: [false] }, { readOnly: [{ exists: false }] }],
          },
        },
        includeReadOnlyEvents: false,
      };
  }
}

function consoleSignInPattern(match: Extract<RuleMatch, { kind: 'console-sign-in' }>): EventPatternJson {
  const detail: Record<string, unknown> = { eventName: ['ConsoleLogin'], userIdentity: { type: [...match.identityTypes] } };
  if (match.when === 'failure') {
    detail.$or = [{ responseElements: { ConsoleLogin: ['Failure'] } }, { errorMessage: [{ exists: true }] }];
  } else if (match.when === 'success-without-mfa') {
    detail.responseElements = { ConsoleLogin: ['Success'] };
    detail.additionalEventData = { MFAUsed: ['No'] };
  }
  // No detail-type: some sign-in records are published with other event types (e.g. AwsApiCall),
  // and `source` + `eventName` already pin the event.
  return { source: ['aws.signin'], detail };
}

/**
 * One pattern per tool (`offensive-tool-user-agent-trufflehog`), holding as many of its casings as
 * fit in {@link WILDCARD_COMPLEXITY_BUDGET}; the rest go to `-2`, `-3`. They all feed the one
 * catalog rule, and read-only calls (TruffleHog's `sts:GetCallerIdentity`) reach them.
 */
function userAgentPatterns(rule: AlertRule, match: Extract<RuleMatch, { kind: 'offensive-user-agent' }>): CatalogEventPattern[] {
  const patterns: CatalogEventPattern[] = [];
  for (const tool of match.userAgentContains) {
    const chunks: string[][] = [];
    let chunkCost = 0;
    for (const variant of caseVariants(tool)) {
      const cost = wildcardCost(`*${escapeWildcard(variant)}*`);
      const current = chunks.at(-1);
      if (current && chunkCost + cost <= WILDCARD_COMPLEXITY_BUDGET) {
        current.push(variant);
        chunkCost += cost;
      } else {
        chunks.push([variant]);
        chunkCost = cost;
      }
    }
    const slug = tool
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    chunks.forEach((variants, i) => {
      patterns.push({
        id: `${rule.id}-${slug}${i > 0 ? `-${i + 1}` : ''}`,
        description: truncate(`iam-alerts: ${rule.title}: ${tool} (${rule.id})`),
        pattern: {
          source: match.eventSources.map(eventBridgeSource),
          detail: { eventSource: [...match.eventSources], userAgent: variants.map((v) => ({ wildcard: `*${escapeWildcard(v)}*` })) },
        },
        ruleIds: [rule.id],
        includeReadOnlyEvents: true,
        userAgents: variants,
      });
    });
  }
  return patterns;
}

/** The needle as written, in lower case and in upper case (EventBridge wildcards are case-sensitive). */
function caseVariants(needle: string): string[] {
  return [...new Set([needle, needle.toLowerCase(), needle.toUpperCase()])];
}

/** In EventBridge wildcards `*` and `\` are special; tool names do not contain them, but be safe. */
function escapeWildcard(text: string): string {
  return text.replace(/[\\*]/g, '\\$&');
}

function truncate(text: string, max = 512): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
