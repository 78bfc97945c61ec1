import type { Catalog } from './catalog-config';
import { type CatalogEventPattern, eventPatternsFor } from './event-patterns';
import type { AlertRule } from './rule';

/**
 * Where CloudTrail records what the catalog watches, and so which events must be carried from
 * other regions (and member accounts) to the central us-east-1 default bus. EventBridge rules only
 * see events recorded in their own region and account:
 *
 * - IAM is a global service: its calls are recorded in us-east-1 only, so the central rules see them.
 * - Console sign-ins of IAM users through the account's sign-in URL are recorded in us-east-2,
 *   eu-north-1 or ap-southeast-2 (whichever is closest); through a regional console endpoint, in
 *   that region. Root sign-ins are recorded in us-east-1. (CloudTrail User Guide, "AWS Management
 *   Console sign-in events".)
 * - IAM Identity Center records in its home region; CloudTrail calls on a trail in the trail's home
 *   region; STS calls through a regional endpoint (what offensive tools use) and root calls to
 *   regional services in that region.
 *
 * The forwarders carry {@link regionalEventPatternsFor}: the catalog's own patterns
 * (`eventPatternsFor`, one source of truth) without the sources recorded only in us-east-1.
 */

/** Where the central stack lives and every forwarder sends to. */
export const CENTRAL_REGION = 'us-east-1';

/**
 * Services whose calls CloudTrail records in us-east-1 only ("global service events"): a rule for
 * them in another region would never match. The central us-east-1 rules (and, in member accounts,
 * the us-east-1 instance of the member stack) carry them.
 */
export const GLOBAL_EVENT_SOURCES: readonly string[] = [
  'iam.amazonaws.com',
  'organizations.amazonaws.com',
  // Account Management (EnableRegion, DisableRegion): a global endpoint in us-east-1.
  'account.amazonaws.com',
  'cloudfront.amazonaws.com',
  'route53.amazonaws.com',
];

/** Where console sign-ins through the account's sign-in URL are recorded (besides us-east-1). */
export const SIGN_IN_REGIONS: readonly string[] = ['us-east-2', 'eu-north-1', 'ap-southeast-2'];

/**
 * The commercial regions every AWS account has enabled from the start (those launched before
 * 20 March 2019; AWS Account Management guide, "Enable or disable AWS Regions in your account"),
 * except us-east-1, where the central stack is. Synth runs offline and cannot ask which regions an
 * account has enabled, so this is the default; opt-in regions (af-south-1, ap-east-1, eu-south-1,
 * me-south-1, …) are added with the `forwarderRegions` setting, and `iam-alerts doctor` names any
 * enabled region without a forwarder.
 */
export const DEFAULT_FORWARDER_REGIONS: readonly string[] = [
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
];

/**
 * The regions that get a forwarder: those listed (or {@link DEFAULT_FORWARDER_REGIONS} when none
 * are), always the sign-in regions and the Identity Center home region, never us-east-1 (the
 * central rules are there). Sorted, without duplicates.
 *
 * @example
 * forwarderRegionsFor({ listed: ['eu-west-1'], identityCenterRegion: 'eu-central-1' })
 * // ['ap-southeast-2', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'us-east-2']
 */
export function forwarderRegionsFor(options: { listed?: readonly string[]; identityCenterRegion?: string }): string[] {
  const listed = options.listed && options.listed.length > 0 ? options.listed : DEFAULT_FORWARDER_REGIONS;
  const regions = new Set([...listed, ...SIGN_IN_REGIONS, ...(options.identityCenterRegion ? [options.identityCenterRegion] : [])]);
  regions.delete(CENTRAL_REGION);
  return [...regions].sort();
}

/**
 * The catalog restricted to what can be recorded outside us-east-1: API-call rules on global
 * services are left out, offensive-tool rules keep only their regional services (STS), sign-in and
 * root-activity rules stay whole.
 */
export function regionalCatalog(catalog: Pick<Catalog, 'rules'>): Pick<Catalog, 'rules'> {
  const rules: AlertRule[] = [];
  for (const rule of catalog.rules) {
    const { match } = rule;
    if (match.kind === 'api-call') {
      if (!GLOBAL_EVENT_SOURCES.includes(match.eventSource)) rules.push(rule);
    } else if (match.kind === 'offensive-user-agent') {
      const eventSources = match.eventSources.filter((s) => !GLOBAL_EVENT_SOURCES.includes(s));
      if (eventSources.length > 0) rules.push({ ...rule, match: { ...match, eventSources } });
    } else {
      rules.push(rule);
    }
  }
  return { rules };
}

/**
 * The rest of the catalog: what CloudTrail records in us-east-1 only (API calls to the
 * {@link GLOBAL_EVENT_SOURCES}, and offensive tools against them). Together with
 * {@link regionalCatalog} it covers every catalog rule, with no pattern in both.
 */
export function globalServiceCatalog(catalog: Pick<Catalog, 'rules'>): Pick<Catalog, 'rules'> {
  const rules: AlertRule[] = [];
  for (const rule of catalog.rules) {
    const { match } = rule;
    if (match.kind === 'api-call') {
      if (GLOBAL_EVENT_SOURCES.includes(match.eventSource)) rules.push(rule);
    } else if (match.kind === 'offensive-user-agent') {
      const eventSources = match.eventSources.filter((s) => GLOBAL_EVENT_SOURCES.includes(s));
      if (eventSources.length > 0) rules.push({ ...rule, match: { ...match, eventSources } });
    }
  }
  return { rules };
}

/**
 * The patterns only us-east-1 needs besides the regional ones (IAM's calls, offensive tools
 * against IAM): `eventPatternsFor` of {@link globalServiceCatalog}. A member account's us-east-1
 * forwards these and {@link regionalEventPatternsFor}.
 */
export function globalServiceEventPatternsFor(catalog: Pick<Catalog, 'rules'>): CatalogEventPattern[] {
  return eventPatternsFor(globalServiceCatalog(catalog));
}

/**
 * The patterns a forwarder outside us-east-1 carries to the central bus: `eventPatternsFor` of
 * {@link regionalCatalog}, so the same ids, splits and complexity budget as the central rules.
 */
export function regionalEventPatternsFor(catalog: Pick<Catalog, 'rules'>): CatalogEventPattern[] {
  return eventPatternsFor(regionalCatalog(catalog));
}

/**
 * Infix of a forwarding rule's name: `fwd` in the forwarder stacks, `org` (regional patterns) and
 * `org-global` (us-east-1's global-service patterns) in the member-account stack, so that rules of
 * the two stacks never collide in an account that has both.
 */
export type ForwardingRuleInfix = 'fwd' | 'org' | 'org-global';

/** The name of a forwarding rule: `<prefix>-<infix>-<pattern id>`, cut to EventBridge's 64 characters. */
export function forwardingRuleName(prefix: string, infix: ForwardingRuleInfix, patternId: string): string {
  return `${prefix}-${infix}-${patternId}`.slice(0, 64);
}

/** The name of the forwarder stack of a region: `<central stack>-forwarder-<region>`. */
export function forwarderStackName(centralStackName: string, region: string): string {
  return `${centralStackName}-forwarder-${region}`;
}
